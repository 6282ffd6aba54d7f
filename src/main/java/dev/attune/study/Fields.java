package dev.attune.study;

import dev.attune.space.FieldError;
import dev.attune.space.InvalidInputException;
import dev.attune.space.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Typed reads of a JSON object that record a {@link FieldError} instead of failing on the first problem. */
public final class Fields {
    private final Map<String, Object> json;
    private final String prefix;
    private final List<FieldError> errors;

    Fields(Map<String, Object> json, String prefix, List<FieldError> errors) {
        this.json = json;
        this.prefix = prefix;
        this.errors = errors;
    }

    /** A request body: null counts as {}, and only the {@code known} fields are accepted. */
    public static Fields body(Map<String, Object> request, Set<String> known) {
        Fields f = new Fields(request == null ? Map.of() : request, "", new ArrayList<>());
        f.onlyKnown(known);
        return f;
    }

    /** Throws every problem recorded so far, if there is one. */
    public void throwIfInvalid() {
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
    }

    public List<FieldError> errors() {
        return errors;
    }

    public String path(String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    public void error(String name, String message) {
        errors.add(new FieldError(path(name), message));
    }

    void onlyKnown(Set<String> known) {
        for (String key : json.keySet()) {
            if (!known.contains(key)) {
                error(
                        key,
                        "is not a known field; known: "
                                + known.stream().sorted().toList());
            }
        }
    }

    boolean has(String name) {
        return json.get(name) != null;
    }

    public Object raw(String name) {
        return json.get(name);
    }

    public String string(String name, String fallback, int maxLength) {
        Object v = json.get(name);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof String s) || s.isBlank()) {
            error(name, "must be a non-blank string");
            return fallback;
        }
        if (s.length() > maxLength) {
            error(name, "must be at most " + maxLength + " characters");
            return fallback;
        }
        return s;
    }

    public Long integer(String name, long min) {
        Object v = Values.canonical(json.get(name));
        if (v == null) {
            return null;
        }
        if (!(v instanceof Long l)) {
            error(name, "must be an integer, got " + describe(v));
            return null;
        }
        if (l < min) {
            error(name, "must be >= " + min + ", got " + l);
            return null;
        }
        return l;
    }

    public Double number(String name, double min) {
        Object v = json.get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Number n) || v instanceof Double d && !Double.isFinite(d)) {
            error(name, "must be a finite number, got " + describe(v));
            return null;
        }
        if (n.doubleValue() < min) {
            error(name, "must be >= " + min + ", got " + n);
            return null;
        }
        return n.doubleValue();
    }

    public Boolean bool(String name) {
        Object v = json.get(name);
        if (v != null && !(v instanceof Boolean)) {
            error(name, "must be true or false, got " + describe(v));
            return null;
        }
        return (Boolean) v;
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> object(String name) {
        Object v = json.get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map)) {
            error(name, "must be an object, got " + describe(v));
            return null;
        }
        return (Map<String, Object>) v;
    }

    public List<?> list(String name) {
        Object v = json.get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof List<?> l)) {
            error(name, "must be a list, got " + describe(v));
            return null;
        }
        return l;
    }

    static String describe(Object v) {
        return switch (v) {
            case String s -> "the string \"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"";
            case Map<?, ?> m -> "an object";
            case List<?> l -> "a list";
            default -> String.valueOf(v);
        };
    }
}
