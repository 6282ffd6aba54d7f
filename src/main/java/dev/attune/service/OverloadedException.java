package dev.attune.service;

/** More writes are waiting for a study than the server queues: the caller should retry later. */
public final class OverloadedException extends RuntimeException {
    public OverloadedException(String message) {
        super(message);
    }
}
