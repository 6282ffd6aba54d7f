package dev.attune.security;

import org.jspecify.annotations.Nullable;

/**
 * A request refused for a reason of security or ownership, answered as problem+json with this status;
 * {@code field}, when given, is named in the problem's {@code errors}.
 */
public final class SecurityProblem extends RuntimeException {
    private final int status;
    private final String slug;
    private final @Nullable String field;

    public SecurityProblem(int status, String slug, @Nullable String field, String message) {
        super(message);
        this.status = status;
        this.slug = slug;
        this.field = field;
    }

    public int status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    public @Nullable String field() {
        return field;
    }
}
