package dev.attune.study;

import java.util.function.Supplier;

/**
 * Who causes the writes of the current thread, recorded with every event: a token id, {@code admin},
 * {@code anonymous} (authentication off) or {@code system} (the server itself, e.g. an expired lease).
 * The security filter sets it per request; a write queued for another thread to run (flat combining)
 * carries its caller's actor with it.
 */
public final class Actor {
    public static final String SYSTEM = "system";
    public static final String ANONYMOUS = "anonymous";
    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    private Actor() {}

    public static String current() {
        String actor = CURRENT.get();
        return actor == null ? SYSTEM : actor;
    }

    /** Sets the actor until {@link #clear()}; the security filter calls both around a request. */
    public static void set(String actor) {
        CURRENT.set(actor);
    }

    public static void clear() {
        CURRENT.remove();
    }

    /** Runs {@code work} as {@code actor}, then restores the thread's own actor. */
    public static <T> T as(String actor, Supplier<T> work) {
        String saved = CURRENT.get();
        CURRENT.set(actor);
        try {
            return work.get();
        } finally {
            if (saved == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(saved);
            }
        }
    }
}
