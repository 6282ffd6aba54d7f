package dev.attune.study;

import dev.attune.space.FieldError;
import dev.attune.space.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Checks metrics sent by clients: names to finite numbers, nothing else. */
public final class MetricsInput {
    static final int MAX_METRICS = 1000;

    private MetricsInput() {}

    public static Map<String, Double> parse(Object json, String field, boolean required) {
        if (json == null) {
            if (required) {
                throw InvalidInputException.of(field, "is required: an object of metric name to number");
            }
            return Map.of();
        }
        if (!(json instanceof Map<?, ?> map)) {
            throw InvalidInputException.of(
                    field, "must be an object of metric name to number, got " + Fields.describe(json));
        }
        if (required && map.isEmpty()) {
            throw InvalidInputException.of(field, "must have at least one metric");
        }
        if (map.size() > MAX_METRICS) {
            throw InvalidInputException.of(field, "must have at most " + MAX_METRICS + " metrics");
        }
        List<FieldError> errors = new ArrayList<>();
        Map<String, Double> metrics = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            String name = String.valueOf(k);
            if (name.isBlank() || name.length() > 200) {
                errors.add(new FieldError(field + "." + name, "metric names must be 1-200 characters"));
            } else if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                errors.add(new FieldError(field + "." + name, "must be a finite number, got " + Fields.describe(v)));
            } else {
                metrics.put(name, n.doubleValue());
            }
        });
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        return metrics;
    }
}
