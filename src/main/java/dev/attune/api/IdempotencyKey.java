package dev.attune.api;

import dev.attune.space.InvalidInputException;

/**
 * The {@code Idempotency-Key} request header of an ask (IETF httpapi draft "The Idempotency-Key HTTP Header
 * Field"): the client's name for one logical ask, sent again on each retry of it, so that a retry after a
 * lost answer gets the trials already handed out rather than more.
 */
final class IdempotencyKey {
    static final String HEADER = "Idempotency-Key";

    /** Set to {@code true} on an answer that repeats an earlier ask's. */
    static final String REPLAYED = "Idempotent-Replayed";

    static final int MAX_LENGTH = 200;

    private IdempotencyKey() {}

    /** The header's value when valid (1 to 200 printable ASCII characters), null when absent; else 400. */
    static String check(String value) {
        if (value == null) {
            return null;
        }
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            throw InvalidInputException.of(HEADER, "must be 1 to " + MAX_LENGTH + " characters, got " + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                throw InvalidInputException.of(
                        HEADER,
                        "must be printable ASCII characters (0x21-0x7E, no spaces), got "
                                + String.format("0x%02X", (int) c) + " at " + i);
            }
        }
        return value;
    }
}
