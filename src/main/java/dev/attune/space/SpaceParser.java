package dev.attune.space;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a search space written as JSON-like maps, with Syne Tune's domain names and camelCase arguments.
 *
 * <p>An entry is a domain when it is an object whose {@code type} is a string; any other value is a
 * constant. Every problem is reported with the path of the field at fault, and all of them at once.
 */
public final class SpaceParser {
    static final int MAX_ENTRIES = 1000;
    static final int MAX_CATEGORIES = 10_000;
    private static final Map<String, Set<String>> ARGUMENTS = Map.ofEntries(
            Map.entry("uniform", Set.of("lower", "upper")),
            Map.entry("loguniform", Set.of("lower", "upper")),
            Map.entry("reverseloguniform", Set.of("lower", "upper")),
            Map.entry("quniform", Set.of("lower", "upper", "q")),
            Map.entry("qloguniform", Set.of("lower", "upper", "q")),
            Map.entry("randint", Set.of("lower", "upper")),
            Map.entry("lograndint", Set.of("lower", "upper")),
            Map.entry("qrandint", Set.of("lower", "upper", "q")),
            Map.entry("qlograndint", Set.of("lower", "upper", "q")),
            Map.entry("choice", Set.of("categories")),
            Map.entry("ordinal", Set.of("categories", "kind")),
            Map.entry("logordinal", Set.of("categories")),
            Map.entry("finrange", Set.of("lower", "upper", "size", "castInt")),
            Map.entry("logfinrange", Set.of("lower", "upper", "size", "castInt")));

    private SpaceParser() {}

    public static Set<String> domainTypes() {
        return ARGUMENTS.keySet();
    }

    public static SearchSpace parse(Object json, String field) {
        if (!(json instanceof Map<?, ?> map) || map.isEmpty()) {
            throw InvalidInputException.of(field, "must be a non-empty object of parameter name to domain or constant");
        }
        if (map.size() > MAX_ENTRIES) {
            throw InvalidInputException.of(
                    field, "has " + map.size() + " entries, at most " + MAX_ENTRIES + " are allowed");
        }
        List<FieldError> errors = new ArrayList<>();
        Map<String, Domain> entries = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            String name = String.valueOf(k);
            String path = field + "." + name;
            if (name.isBlank()) {
                errors.add(new FieldError(path, "parameter names must not be blank"));
                return;
            }
            try {
                entries.put(name, parseEntry(Values.canonical(v), path, errors));
            } catch (InvalidValueException e) {
                errors.add(new FieldError(path, e.getMessage()));
            }
        });
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        return new SearchSpace(entries);
    }

    private static Domain parseEntry(Object v, String path, List<FieldError> errors) {
        if (!(v instanceof Map<?, ?> spec) || !(spec.get("type") instanceof String type)) {
            if (v == null) {
                throw new InvalidValueException("a constant must not be null");
            }
            if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
                throw new InvalidValueException("a constant must be finite");
            }
            return new ConstantDomain(v);
        }
        Set<String> allowed = ARGUMENTS.get(type);
        if (allowed == null) {
            errors.add(new FieldError(
                    path + ".type",
                    "unknown domain type \"" + type + "\"; one of " + new java.util.TreeSet<>(ARGUMENTS.keySet())));
            return new ConstantDomain(v);
        }
        int before = errors.size();
        for (Object key : spec.keySet()) {
            if (!"type".equals(key) && !allowed.contains(String.valueOf(key))) {
                errors.add(new FieldError(path + "." + key, "is not an argument of " + type + "; allowed: " + allowed));
            }
        }
        Args args = new Args(spec, path, errors);
        Domain domain =
                switch (type) {
                    case "uniform", "loguniform", "reverseloguniform", "quniform", "qloguniform" -> {
                        Double lower = args.real("lower");
                        Double upper = args.real("upper");
                        Double q = type.startsWith("q") ? args.real("q") : null;
                        FloatDomain.Scale scale = type.endsWith("reverseloguniform")
                                ? FloatDomain.Scale.REVERSE_LOG
                                : type.endsWith("loguniform") ? FloatDomain.Scale.LOG : FloatDomain.Scale.LINEAR;
                        yield errors.size() > before ? null : new FloatDomain(lower, upper, scale, q);
                    }
                    case "randint", "lograndint", "qrandint", "qlograndint" -> {
                        Long lower = args.integer("lower");
                        Long upper = args.integer("upper");
                        // Syne Tune's qrandint defaults q to 1; qlograndint requires it.
                        Long q = type.equals("qrandint") && !spec.containsKey("q")
                                ? Long.valueOf(1)
                                : type.startsWith("q") ? args.integer("q") : null;
                        yield errors.size() > before
                                ? null
                                : new IntDomain(lower, upper, type.endsWith("lograndint"), q);
                    }
                    case "choice" -> {
                        List<Object> categories = args.categories();
                        yield errors.size() > before ? null : new ChoiceDomain(categories);
                    }
                    case "ordinal", "logordinal" -> {
                        List<Object> categories = args.categories();
                        String kind = args.optionalString("kind");
                        if (errors.size() > before) {
                            yield null;
                        }
                        OrdinalKind k = type.equals("logordinal")
                                ? OrdinalKind.NN_LOG
                                : kind == null ? OrdinalDomain.defaultKind(categories) : args.kind(kind);
                        yield k == null ? null : new OrdinalDomain(categories, k);
                    }
                    case "finrange", "logfinrange" -> {
                        Double lower = args.real("lower");
                        Double upper = args.real("upper");
                        Long size = args.integer("size");
                        Boolean castInt = args.optionalBoolean("castInt");
                        if (size != null && (size < 2 || size > MAX_CATEGORIES)) {
                            errors.add(new FieldError(path + ".size", "must be between 2 and " + MAX_CATEGORIES));
                        }
                        yield errors.size() > before
                                ? null
                                : new FiniteRangeDomain(
                                        lower,
                                        upper,
                                        size.intValue(),
                                        type.equals("logfinrange"),
                                        castInt != null && castInt);
                    }
                    default -> throw new IllegalStateException(type);
                };
        return domain == null ? new ConstantDomain(v) : domain;
    }

    /** Typed access to a domain's arguments that records what is missing or mistyped. */
    private record Args(Map<?, ?> spec, String path, List<FieldError> errors) {
        Double real(String name) {
            Object v = spec.get(name);
            if (v == null) {
                errors.add(new FieldError(path + "." + name, "is required"));
                return null;
            }
            if (!(v instanceof Number n) || v instanceof Double d && (d.isNaN() || d.isInfinite())) {
                errors.add(new FieldError(path + "." + name, "must be a finite number, got " + Values.describe(v)));
                return null;
            }
            return n.doubleValue();
        }

        Long integer(String name) {
            Double v = real(name);
            if (v == null) {
                return null;
            }
            if (v != Math.rint(v) || Math.abs(v) > 1e15) {
                errors.add(new FieldError(path + "." + name, "must be an integer, got " + v));
                return null;
            }
            return v.longValue();
        }

        List<Object> categories() {
            Object v = spec.get("categories");
            if (!(v instanceof List<?> list) || list.isEmpty()) {
                errors.add(new FieldError(path + ".categories", "must be a non-empty list"));
                return null;
            }
            if (list.size() > MAX_CATEGORIES) {
                errors.add(new FieldError(path + ".categories", "must have at most " + MAX_CATEGORIES + " entries"));
                return null;
            }
            for (Object c : list) {
                if (c instanceof Map || c instanceof List || c == null) {
                    errors.add(new FieldError(path + ".categories", "entries must be strings, numbers or booleans"));
                    return null;
                }
            }
            try {
                return Categories.check(new ArrayList<>(list));
            } catch (InvalidValueException e) {
                errors.add(new FieldError(path + ".categories", e.getMessage()));
                return null;
            }
        }

        String optionalString(String name) {
            Object v = spec.get(name);
            if (v != null && !(v instanceof String)) {
                errors.add(new FieldError(path + "." + name, "must be a string"));
            }
            return v instanceof String s ? s : null;
        }

        Boolean optionalBoolean(String name) {
            Object v = spec.get(name);
            if (v != null && !(v instanceof Boolean)) {
                errors.add(new FieldError(path + "." + name, "must be true or false"));
            }
            return v instanceof Boolean b ? b : null;
        }

        OrdinalKind kind(String kind) {
            try {
                return OrdinalKind.parse(kind);
            } catch (InvalidValueException e) {
                errors.add(new FieldError(path + ".kind", e.getMessage()));
                return null;
            }
        }
    }
}
