package dev.attune.web;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Reads what the dashboard needs from a study's stored definition (the JSON a client would write). */
record StudyDefinitions(Map<String, Object> json) {

    String metric() {
        return (String) firstMetric().get("name");
    }

    String mode() {
        Object m = firstMetric().get("mode");
        return m == null ? "min" : m.toString();
    }

    /** Objectives are stored so that smaller is better; this turns one back into the metric's value. */
    @Nullable
    Double value(@Nullable Double objective) {
        return objective == null ? null : "max".equals(mode()) ? -objective : objective;
    }

    /** A value of the metric turned into an objective (smaller is better). */
    double objective(double value) {
        return "max".equals(mode()) ? -value : value;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> space() {
        Object s = json.get("space");
        return s instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> stoppingCriterion() {
        Object s = json.get("stoppingCriterion");
        return s instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    @Nullable
    String resourceAttr() {
        return json.get("resource") instanceof Map<?, ?> r ? (String) ((Map<String, Object>) r).get("attr") : null;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> firstMetric() {
        Object metrics = json.get("metrics");
        if (metrics instanceof List<?> l && !l.isEmpty() && l.getFirst() instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        return Map.of("name", "objective");
    }
}
