package dev.attune.searcher;

import dev.attune.trial.Metric;
import dev.attune.trial.Mode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a multi-objective searcher learns from a finished trial: its objective vector (every metric, a
 * maximized one negated, so all are minimized) and its constraint values (feasible when ≤ 0). A value
 * missing from the final metrics is taken from the trial's last report, as Syne Tune's searchers see the
 * last result.
 */
final class Outcomes {
    /** One finished trial's objectives (minimized) and constraint values. */
    record Outcome(double[] objectives, double[] constraints) {
        double violation() {
            return dev.attune.math.ParetoFronts.violation(constraints);
        }
    }

    private final List<Metric> metrics;
    private final List<String> constraintMetrics;
    private final Map<Long, Map<String, Double>> lastReport = new HashMap<>();

    Outcomes(List<Metric> metrics, List<String> constraintMetrics) {
        this.metrics = List.copyOf(metrics);
        this.constraintMetrics = List.copyOf(constraintMetrics);
    }

    int objectives() {
        return metrics.size();
    }

    void onReport(long trialId, Map<String, Double> reported) {
        lastReport.computeIfAbsent(trialId, k -> new HashMap<>()).putAll(reported);
    }

    /** The trial's outcome, or empty when a metric or constraint value is missing or not finite. */
    Optional<Outcome> onComplete(long trialId, Map<String, Double> reported) {
        Map<String, Double> all = new HashMap<>(lastReport.getOrDefault(trialId, Map.of()));
        all.putAll(reported);
        lastReport.remove(trialId);
        double[] y = new double[metrics.size()];
        for (int k = 0; k < y.length; k++) {
            Double v = all.get(metrics.get(k).name());
            if (v == null || !Double.isFinite(v)) {
                return Optional.empty();
            }
            y[k] = metrics.get(k).mode() == Mode.MAX ? -v : v;
        }
        double[] c = new double[constraintMetrics.size()];
        for (int k = 0; k < c.length; k++) {
            Double v = all.get(constraintMetrics.get(k));
            if (v == null || !Double.isFinite(v)) {
                return Optional.empty();
            }
            c[k] = v;
        }
        return Optional.of(new Outcome(y, c));
    }

    void forget(long trialId) {
        lastReport.remove(trialId);
    }
}
