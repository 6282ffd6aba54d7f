package dev.attune.study;

/** A study or trial that does not exist (or no longer does). */
public final class NotFoundException extends RuntimeException {
    public NotFoundException(String message) {
        super(message);
    }
}
