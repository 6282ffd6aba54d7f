package dev.attune.service;

/**
 * The server has more work queued than it takes on: the caller should retry after {@link
 * #retryAfterSeconds()} (the {@code Retry-After} of the {@code 429}), an estimate of when it will have room.
 */
public final class OverloadedException extends RuntimeException {
    private final long retryAfterSeconds;

    public OverloadedException(String message, long retryAfterSeconds) {
        super(message);
        if (retryAfterSeconds < 1) {
            throw new IllegalArgumentException("retryAfterSeconds must be >= 1");
        }
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Whole seconds, at least 1. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
