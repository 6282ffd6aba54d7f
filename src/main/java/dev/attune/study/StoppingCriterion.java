package dev.attune.study;

import java.util.Map;

/**
 * When a study stops handing out new trials; the fields combine with OR (Syne Tune's {@code StoppingCriterion}).
 *
 * <p>Unlike Syne Tune's tuner, which checks "more than N" after the fact and can overshoot by one, count
 * limits here are exact: with {@code maxNumTrialsStarted = 40} the 41st ask answers {@code DONE}.
 *
 * @param costAttr the reported metric holding a trial's cumulative cost (default {@code st_worker_cost})
 */
public record StoppingCriterion(
        Double maxWallclockTime,
        Long maxNumTrialsStarted,
        Long maxNumTrialsCompleted,
        Long maxNumTrialsFinished,
        Long maxNumEvaluations,
        Double maxCost,
        String costAttr,
        Map<String, Double> minMetricValue,
        Map<String, Double> maxMetricValue) {

    public static final String DEFAULT_COST_ATTR = "st_worker_cost";

    public StoppingCriterion {
        costAttr = costAttr == null ? DEFAULT_COST_ATTR : costAttr;
        minMetricValue = minMetricValue == null ? Map.of() : Map.copyOf(minMetricValue);
        maxMetricValue = maxMetricValue == null ? Map.of() : Map.copyOf(maxMetricValue);
    }

    /** Reads back the JSON a study's definition writes (already checked when it was parsed). */
    public static StoppingCriterion fromJson(Map<String, Object> json) {
        return new StoppingCriterion(
                json.get("maxWallclockTime") instanceof Number n ? n.doubleValue() : null,
                longOrNull(json.get("maxNumTrialsStarted")),
                longOrNull(json.get("maxNumTrialsCompleted")),
                longOrNull(json.get("maxNumTrialsFinished")),
                longOrNull(json.get("maxNumEvaluations")),
                json.get("maxCost") instanceof Number n ? n.doubleValue() : null,
                (String) json.get("costAttr"),
                numbers(json.get("minMetricValue")),
                numbers(json.get("maxMetricValue")));
    }

    private static Long longOrNull(Object value) {
        return value instanceof Number n ? n.longValue() : null;
    }

    private static Map<String, Double> numbers(Object json) {
        if (!(json instanceof Map<?, ?> m)) {
            return null;
        }
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), ((Number) v).doubleValue()));
        return out;
    }

    public static StoppingCriterion none() {
        return new StoppingCriterion(null, null, null, null, null, null, null, null, null);
    }
}
