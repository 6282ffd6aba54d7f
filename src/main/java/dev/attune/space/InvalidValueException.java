package dev.attune.space;

/** A value does not belong to its domain; the message says why, without the field name. */
public final class InvalidValueException extends RuntimeException {
    public InvalidValueException(String message) {
        super(message);
    }
}
