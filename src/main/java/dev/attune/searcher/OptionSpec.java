package dev.attune.searcher;

import java.util.List;

/**
 * One option of a method: its name (Syne Tune's, in camelCase), type, default and bounds.
 *
 * @param defaultValue the default, or null when the option has none (then it is optional and absent)
 * @param min the smallest allowed number, or null
 * @param max the largest allowed number, or null
 * @param allowed the allowed strings for an enumerated option, else empty
 */
public record OptionSpec(
        String name,
        OptionType type,
        Object defaultValue,
        Double min,
        Double max,
        List<String> allowed,
        String description) {

    public static OptionSpec integer(String name, Long defaultValue, long min, String description) {
        return new OptionSpec(name, OptionType.INTEGER, defaultValue, (double) min, null, List.of(), description);
    }

    public static OptionSpec number(String name, Double defaultValue, Double min, Double max, String description) {
        return new OptionSpec(name, OptionType.NUMBER, defaultValue, min, max, List.of(), description);
    }

    public static OptionSpec integers(String name, long min, String description) {
        return new OptionSpec(name, OptionType.INTEGER_LIST, null, (double) min, null, List.of(), description);
    }

    /** A list of numbers, each at least {@code min}; absent unless given. */
    public static OptionSpec numbers(String name, double min, String description) {
        return new OptionSpec(name, OptionType.NUMBER_LIST, null, min, null, List.of(), description);
    }

    /** A list of strings, e.g. metric names; absent unless given. */
    public static OptionSpec texts(String name, String description) {
        return new OptionSpec(name, OptionType.STRING_LIST, null, null, null, List.of(), description);
    }

    public static OptionSpec bool(String name, boolean defaultValue, String description) {
        return new OptionSpec(name, OptionType.BOOLEAN, defaultValue, null, null, List.of(), description);
    }

    /** A free-form string option, e.g. the name of a metric; {@code defaultValue} may be null (absent). */
    public static OptionSpec text(String name, String defaultValue, String description) {
        return new OptionSpec(name, OptionType.STRING, defaultValue, null, null, List.of(), description);
    }

    public static OptionSpec oneOf(String name, String defaultValue, List<String> allowed, String description) {
        return new OptionSpec(name, OptionType.STRING, defaultValue, null, null, List.copyOf(allowed), description);
    }
}
