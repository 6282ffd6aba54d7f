package dev.attune.security;

import dev.attune.space.InvalidInputException;
import java.util.Locale;

/** What a token may do, each role including the ones before it; {@code ADMIN} is server-wide. */
public enum Role {
    /** GET on its project's studies. */
    READER,
    /** Also ask, report, complete, fail, skip, heartbeat, logs, links and metadata of its project's studies. */
    WORKER,
    /** Everything on its project's studies: create, stop, delete, add trials, what-if. */
    WRITER,
    /** Everything, on every project: projects, tokens, the audit log. Only ATTUNE_ADMIN_TOKEN has it. */
    ADMIN;

    public boolean includes(Role required) {
        return compareTo(required) >= 0;
    }

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A project token's role as a client names it: {@code reader}, {@code worker} or {@code writer}. */
    public static Role ofProjectToken(Object value) {
        if (value instanceof String s) {
            for (Role r : values()) {
                if (r != ADMIN && r.json().equals(s)) {
                    return r;
                }
            }
        }
        throw InvalidInputException.of("role", "must be one of reader, worker, writer, got " + value);
    }
}
