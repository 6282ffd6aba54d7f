package dev.attune.api;

/** A request body longer than {@code attune.max-request-bytes}. */
public final class PayloadTooLargeException extends RuntimeException {
    public PayloadTooLargeException(long limit) {
        super("the request body exceeds " + limit + " bytes");
    }
}
