package dev.attune.searcher;

import dev.attune.space.FieldError;
import dev.attune.space.InvalidInputException;
import dev.attune.space.Values;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A method's options checked against its {@link OptionSpec}s, with defaults filled in. */
public final class Options {
    private final Map<String, Object> values;
    private final java.util.Set<String> given;

    private Options(Map<String, Object> values, java.util.Set<String> given) {
        this.values = values;
        this.given = given;
    }

    /**
     * Checks client-given options; every unknown name, wrong type or out-of-range value is reported as
     * {@code options.<name>}.
     */
    public static Options parse(Map<String, Object> given, List<OptionSpec> specs) {
        List<FieldError> errors = new ArrayList<>();
        Map<String, OptionSpec> byName = new LinkedHashMap<>();
        specs.forEach(s -> byName.put(s.name(), s));
        for (String name : given.keySet()) {
            if (!byName.containsKey(name)) {
                errors.add(new FieldError(
                        "options." + name, "is not an option of this method; known: " + byName.keySet()));
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (OptionSpec spec : specs) {
            Object v = Values.canonical(given.get(spec.name()));
            if (v == null) {
                if (spec.defaultValue() != null) {
                    values.put(spec.name(), spec.defaultValue());
                }
                continue;
            }
            String problem = check(spec, v);
            if (problem != null) {
                errors.add(new FieldError("options." + spec.name(), problem));
            } else {
                values.put(
                        spec.name(),
                        v instanceof Long l && spec.type() == OptionType.NUMBER ? (Object) l.doubleValue() : v);
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        return new Options(values, java.util.Set.copyOf(given.keySet()));
    }

    private static String check(OptionSpec spec, Object v) {
        return switch (spec.type()) {
            case INTEGER -> v instanceof Long l ? range(spec, l) : "must be an integer, got " + v;
            case NUMBER ->
                v instanceof Number n && Double.isFinite(n.doubleValue())
                        ? range(spec, n.doubleValue())
                        : "must be a finite number, got " + v;
            case BOOLEAN -> v instanceof Boolean ? null : "must be true or false, got " + v;
            case STRING ->
                v instanceof String s
                                && (spec.allowed().isEmpty() || spec.allowed().contains(s.toLowerCase(Locale.ROOT)))
                        ? null
                        : "must be one of " + spec.allowed() + ", got " + v;
            case OBJECT -> v instanceof Map ? null : "must be an object, got " + v;
            case INTEGER_LIST -> {
                if (!(v instanceof List<?> list) || list.isEmpty()) {
                    yield "must be a non-empty list of integers, got " + v;
                }
                for (Object x : list) {
                    if (!(x instanceof Long l) || range(spec, l) != null) {
                        yield "entries must be integers >= " + (spec.min() == null ? "any" : format(spec.min()))
                                + ", got " + x;
                    }
                }
                yield null;
            }
            case NUMBER_LIST -> {
                if (!(v instanceof List<?> list) || list.isEmpty()) {
                    yield "must be a non-empty list of numbers, got " + v;
                }
                for (Object x : list) {
                    if (!(x instanceof Number n)
                            || !Double.isFinite(n.doubleValue())
                            || range(spec, n.doubleValue()) != null) {
                        yield "entries must be finite numbers >= " + (spec.min() == null ? "any" : format(spec.min()))
                                + ", got " + x;
                    }
                }
                yield null;
            }
            case STRING_LIST -> {
                if (!(v instanceof List<?> list) || list.isEmpty()) {
                    yield "must be a non-empty list of strings, got " + v;
                }
                yield list.stream().allMatch(x -> x instanceof String s && !s.isBlank())
                        ? null
                        : "entries must be non-blank strings, got " + v;
            }
            case INTEGER_OR_MAP -> {
                if (v instanceof Long l) {
                    yield range(spec, l);
                }
                if (v instanceof Map<?, ?> m) {
                    for (Map.Entry<?, ?> e : m.entrySet()) {
                        if (!(e.getValue() instanceof Long l) || range(spec, l) != null) {
                            yield "entry " + e.getKey() + " must be an integer >= "
                                    + spec.min().longValue();
                        }
                    }
                    yield null;
                }
                yield "must be an integer or an object of integers, got " + v;
            }
        };
    }

    private static String range(OptionSpec spec, double v) {
        if (spec.min() != null && v < spec.min()) {
            return "must be >= " + format(spec.min()) + ", got " + format(v);
        }
        if (spec.max() != null && v > spec.max()) {
            return "must be <= " + format(spec.max()) + ", got " + format(v);
        }
        return null;
    }

    private static String format(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** Whether the client set this option (rather than taking its default). */
    public boolean given(String name) {
        return given.contains(name);
    }

    @SuppressWarnings("unchecked")
    public List<Long> integers(String name) {
        return values.get(name) == null ? null : (List<Long>) values.get(name);
    }

    /** A list of numbers, or an empty list when absent. */
    public List<Double> numbers(String name) {
        return values.get(name) instanceof List<?> list
                ? list.stream().map(x -> ((Number) x).doubleValue()).toList()
                : List.of();
    }

    /** A list of strings as given (not lower-cased: they name metrics), or an empty list when absent. */
    public List<String> texts(String name) {
        return values.get(name) instanceof List<?> list
                ? list.stream().map(String.class::cast).toList()
                : List.of();
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public long integer(String name) {
        return ((Number) values.get(name)).longValue();
    }

    public double number(String name) {
        return ((Number) values.get(name)).doubleValue();
    }

    public boolean bool(String name) {
        return (Boolean) values.get(name);
    }

    public String string(String name) {
        return ((String) values.get(name)).toLowerCase(Locale.ROOT);
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> object(String name) {
        return values.get(name) == null ? Map.of() : (Map<String, Object>) values.get(name);
    }

    public Object raw(String name) {
        return values.get(name);
    }

    /** The options in effect, defaults included. */
    public Map<String, Object> asMap() {
        return Map.copyOf(values);
    }
}
