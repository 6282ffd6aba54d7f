package dev.attune.searcher;

/** The JSON type of a method option, as listed by {@code GET /methods}. */
public enum OptionType {
    INTEGER,
    NUMBER,
    BOOLEAN,
    STRING,
    /** An integer, or an object mapping parameter names to integers. */
    INTEGER_OR_MAP,
    /** A list of integers. */
    INTEGER_LIST,
    /** A list of numbers. */
    NUMBER_LIST,
    /** A list of strings (e.g. metric names). */
    STRING_LIST,
    /** A JSON object. */
    OBJECT
}
