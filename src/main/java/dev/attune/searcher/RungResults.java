package dev.attune.searcher;

import java.util.HashMap;
import java.util.Map;

/**
 * Which of a trial's results a model-based searcher learns from, shared by BORE, CQR and KDE: a report is
 * recorded when its resource is one of the rung levels (or, for {@link #everyReport}, always), and each
 * trial's last reported value stands in for a final result that lacks the metric.
 *
 * <p>The searcher owns the data; this class only decides when to call its {@link Recorder}. Called under
 * the study's lock, as the searcher's callbacks are.
 */
final class RungResults {
    /** Takes one result: {@code level} is the rung level, or 0 for a final result without a fidelity. */
    interface Recorder {
        void record(long level, long trialId, double value);
    }

    private final String metric;
    private final SearcherContext.Fidelity fidelity;
    private final boolean finiteOnly;
    private final boolean everyReport;
    private final Recorder recorder;
    private final Map<Long, Double> last = new HashMap<>();

    private RungResults(
            String metric,
            SearcherContext.Fidelity fidelity,
            boolean finiteOnly,
            boolean everyReport,
            Recorder recorder) {
        this.metric = metric;
        this.fidelity = fidelity;
        this.finiteOnly = finiteOnly;
        this.everyReport = everyReport;
        this.recorder = recorder;
    }

    /**
     * Reports at a rung level of {@code fidelity} (null: none, only final results count); a final result
     * under a fidelity is handled as a report. {@code finiteOnly} drops NaN and infinite values.
     */
    static RungResults atRungLevels(
            String metric, SearcherContext.Fidelity fidelity, boolean finiteOnly, Recorder recorder) {
        return new RungResults(metric, fidelity, finiteOnly, false, recorder);
    }

    /**
     * With {@code multiFidelity}, every finite report (at level 0); always the final value, or the last
     * reported one when the final result lacks it.
     */
    static RungResults everyReport(String metric, boolean multiFidelity, Recorder recorder) {
        return new RungResults(metric, null, true, multiFidelity, recorder);
    }

    private boolean usable(Double v) {
        return v != null && (!finiteOnly || Double.isFinite(v));
    }

    void onReport(long trialId, Map<String, Double> metrics) {
        Double v = metrics.get(metric);
        if (!usable(v)) {
            return;
        }
        last.put(trialId, v);
        if (everyReport) {
            recorder.record(0, trialId, v);
        } else if (fidelity != null) {
            Double level = metrics.get(fidelity.attr());
            if (level != null && fidelity.levels().contains(level.longValue())) {
                recorder.record(level.longValue(), trialId, v);
            }
        }
    }

    void onComplete(long trialId, Map<String, Double> metrics) {
        if (fidelity == null) {
            Double v = metrics.get(metric);
            if (!usable(v)) {
                v = last.get(trialId);
            }
            if (v != null) {
                recorder.record(0, trialId, v);
            }
        } else {
            onReport(trialId, metrics);
        }
        last.remove(trialId);
    }
}
