package dev.attune.space;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * A search space: named domains and constants, in the order the client gave them.
 *
 * <p>Hyperparameters are independent (Syne Tune has no conditional spaces): sampling, the mid-point
 * rule, validation and encoding all work one entry at a time.
 */
public final class SearchSpace {
    /** Spaces with more distinct configs than this are treated as infinite, as in Syne Tune. */
    public static final long SIZE_LIMIT = 1L << 20;

    private final Map<String, Domain> entries;
    private final int encodedSize;

    public SearchSpace(Map<String, Domain> entries) {
        this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        this.encodedSize =
                entries.values().stream().mapToInt(Domain::encodedSize).sum();
    }

    public Map<String, Domain> entries() {
        return entries;
    }

    public Domain domain(String name) {
        return entries.get(name);
    }

    /** Names of the entries that are not constants, in order. */
    public List<String> hyperparameters() {
        return entries.entrySet().stream()
                .filter(e -> !e.getValue().isConstant())
                .map(Map.Entry::getKey)
                .toList();
    }

    public Map<String, Object> sample(SplittableRandom random) {
        Map<String, Object> config = new LinkedHashMap<>();
        entries.forEach((name, domain) -> config.put(name, domain.sample(random)));
        return config;
    }

    public Map<String, Object> midpoint() {
        return complete(Map.of(), "config");
    }

    /**
     * Fills the entries a partial config leaves out by the mid-point rule and checks the ones it has
     * (Syne Tune's treatment of {@code points_to_evaluate}).
     *
     * @throws InvalidInputException naming {@code field.name} for every bad or unknown entry
     */
    public Map<String, Object> complete(Map<String, Object> partial, String field) {
        List<FieldError> errors = new ArrayList<>();
        for (String key : partial.keySet()) {
            if (!entries.containsKey(key)) {
                errors.add(new FieldError(field + "." + key, "is not in the search space"));
            }
        }
        Map<String, Object> config = new LinkedHashMap<>();
        entries.forEach((name, domain) -> {
            if (!partial.containsKey(name)) {
                config.put(name, domain.midpoint());
                return;
            }
            try {
                config.put(name, domain.validate(partial.get(name)));
            } catch (InvalidValueException e) {
                errors.add(new FieldError(field + "." + name, e.getMessage()));
            }
        });
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        return config;
    }

    /** Checks a full config: every entry present and valid, nothing else. */
    public Map<String, Object> validate(Map<String, Object> config, String field) {
        List<FieldError> missing = new ArrayList<>();
        entries.forEach((name, domain) -> {
            if (!domain.isConstant() && !config.containsKey(name)) {
                missing.add(new FieldError(field + "." + name, "is missing"));
            }
        });
        if (!missing.isEmpty()) {
            throw new InvalidInputException(missing);
        }
        return complete(config, field);
    }

    public int encodedSize() {
        return encodedSize;
    }

    public double[] encode(Map<String, Object> config) {
        double[] x = new double[encodedSize];
        int offset = 0;
        for (Map.Entry<String, Domain> e : entries.entrySet()) {
            e.getValue().encode(config.get(e.getKey()), x, offset);
            offset += e.getValue().encodedSize();
        }
        return x;
    }

    /** Any vector in [0, 1] (values outside are clipped) decodes to a valid config. */
    public Map<String, Object> decode(double[] x) {
        if (x.length != encodedSize) {
            throw new IllegalArgumentException("expected " + encodedSize + " numbers, got " + x.length);
        }
        Map<String, Object> config = new LinkedHashMap<>();
        int offset = 0;
        for (Map.Entry<String, Domain> e : entries.entrySet()) {
            config.put(e.getKey(), e.getValue().decode(x, offset));
            offset += e.getValue().encodedSize();
        }
        return config;
    }

    /** Equal for two configs a searcher must not both suggest (Syne Tune's {@code config_to_match_string}). */
    public String matchString(Map<String, Object> config) {
        StringBuilder s = new StringBuilder();
        entries.forEach((name, domain) -> {
            if (!domain.isConstant()) {
                s.append(name)
                        .append(':')
                        .append(domain.matchString(config.get(name)))
                        .append(',');
            }
        });
        return s.toString();
    }

    /** The number of distinct configs, or empty when some domain is continuous or there are too many. */
    public OptionalLong size() {
        long size = 1;
        for (Domain d : entries.values()) {
            if (!d.isFinite()) {
                return OptionalLong.empty();
            }
            size *= d.values().size();
            if (size > SIZE_LIMIT) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.of(size);
    }

    /** The space as a client writes it; {@link SpaceParser#parse} reads it back to an equal space. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        entries.forEach((name, domain) -> json.put(name, domain.toJson()));
        return json;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SearchSpace s && s.entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}
