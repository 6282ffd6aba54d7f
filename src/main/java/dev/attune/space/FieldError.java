package dev.attune.space;

/** A problem with one field of a request, named by its JSON path (e.g. {@code space.lr.lower}). */
public record FieldError(String field, String message) {}
