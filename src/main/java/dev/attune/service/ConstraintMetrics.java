package dev.attune.service;

import dev.attune.study.StudyDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A study's constraint metrics (the option {@code constraintMetric}, or {@code constraintMetrics}) and
 * whether reported metrics satisfy them: feasible when every constraint value is ≤ 0; a missing or
 * non-numeric value is infeasible.
 */
final class ConstraintMetrics {
    private ConstraintMetrics() {}

    /** The constraint metrics the study's options name, empty when none. */
    static List<String> of(StudyDefinition definition) {
        Map<String, Object> options = definition.givenOptions() == null ? Map.of() : definition.givenOptions();
        List<String> names = new ArrayList<>();
        if (options.get("constraintMetric") instanceof String c) {
            names.add(c);
        }
        if (options.get("constraintMetrics") instanceof List<?> list) {
            list.stream()
                    .filter(String.class::isInstance)
                    .map(String.class::cast)
                    .forEach(names::add);
        }
        return List.copyOf(names);
    }

    /** Whether {@code reported} holds a value ≤ 0 for every one of {@code constraints}. */
    static boolean feasible(List<String> constraints, Map<String, Object> reported) {
        return constraints.stream().allMatch(c -> reported.get(c) instanceof Number n && n.doubleValue() <= 0);
    }
}
