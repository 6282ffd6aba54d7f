package dev.attune.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.attune.math.Hypervolume;
import dev.attune.math.NonDominatedSort;
import dev.attune.space.InvalidInputException;
import dev.attune.store.TrialRepository;
import dev.attune.store.TrialRow;
import dev.attune.study.StudyDefinition;
import dev.attune.trial.Metric;
import dev.attune.trial.TrialStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;

/**
 * Multi-objective results: the Pareto front of a study's completed trials and its hypervolume. Only
 * completed trials that reported a finite value of every study metric take part, and in a study with a
 * resource also the trials stopped once they reached its maximum (MOASHA stops a trial there, as Syne
 * Tune does); a study's metrics are turned to "smaller is better" with their modes. A study with
 * constraint metrics (the option {@code constraintMetric}, or {@code constraintMetrics};
 * feasible when every value is ≤ 0, missing: infeasible) lists the front of its feasible trials first,
 * then the front of the infeasible ones, and its hypervolume counts feasible trials only.
 */
@Service
public class ParetoService {
    /** At most this many points in a hypervolume history. */
    public static final int MAX_HISTORY = 1000;

    private final StudyService studies;
    private final EngineCache engines;
    private final TrialRepository trials;
    private final JsonCodec json;

    public ParetoService(StudyService studies, EngineCache engines, TrialRepository trials, JsonCodec json) {
        this.studies = studies;
        this.engines = engines;
        this.trials = trials;
        this.json = json;
    }

    /** {@code feasible}: null when the study has no constraint metric. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FrontTrial(long id, Map<String, Object> config, Map<String, Object> metrics, Boolean feasible) {}

    public record Front(List<String> metrics, List<FrontTrial> trials) {}

    public record HistoryPoint(long trialId, int completed, double hypervolume) {}

    public record HypervolumeResult(
            List<String> metrics,
            List<Double> reference,
            double hypervolume,
            int completed,
            int frontSize,
            List<HistoryPoint> history) {}

    private record Point(TrialRow row, double[] values, double[] min, Boolean feasible) {}

    /** @param maxResource the resource level at which a stopped trial counts as finished, or null */
    private record Objectives(List<Metric> metrics, List<String> constraints, String resourceAttr, Long maxResource) {}

    /** The non-dominated completed trials, ordered by the first metric (best first) then trial id. */
    public Front pareto(String studyId) {
        Objectives objectives = objectives(studyId);
        List<Metric> metrics = objectives.metrics();
        List<Point> all = completed(studyId, objectives);
        List<Point> front = new ArrayList<>();
        for (boolean feasible : new boolean[] {true, false}) {
            List<Point> part = nonDominated(all.stream()
                    .filter(p -> p.feasible() == null || p.feasible() == feasible)
                    .toList());
            part.sort(Comparator.<Point>comparingDouble(p -> p.min()[0])
                    .thenComparingLong(p -> p.row().getTrialId()));
            front.addAll(part);
            if (objectives.constraints().isEmpty()) {
                break;
            }
        }
        return new Front(
                names(metrics),
                front.stream()
                        .map(p -> new FrontTrial(
                                p.row().getTrialId(),
                                json.read(p.row().getConfig()),
                                json.read(p.row().getMetrics()),
                                p.feasible()))
                        .toList());
    }

    /**
     * The front's hypervolume for {@code reference} (study units, one value per metric; null: the nadir
     * of the completed trials moved away by 10 % of each metric's range, or by 10 % of |nadir| (at least
     * 0.1) when the range is 0) and its history in trial-id order, at most {@link #MAX_HISTORY} points.
     */
    public HypervolumeResult hypervolume(String studyId, List<String> reference) {
        Objectives objectives = objectives(studyId);
        List<Metric> metrics = objectives.metrics();
        double[] given = reference == null || reference.isEmpty() ? null : parseReference(reference, metrics.size());
        List<Point> points = completed(studyId, objectives).stream()
                .filter(p -> p.feasible() == null || p.feasible())
                .toList();
        if (given == null && points.isEmpty()) {
            return new HypervolumeResult(names(metrics), null, 0, 0, 0, List.of());
        }
        double[] refStudy = given != null ? given : defaultReference(points, metrics);
        double[] refMin = new double[metrics.size()];
        for (int k = 0; k < refMin.length; k++) {
            refMin[k] = metrics.get(k).mode().toMin(refStudy[k]);
        }
        List<Integer> samples = sampleIndices(points.size());
        List<HistoryPoint> history = new ArrayList<>();
        List<Point> front = new ArrayList<>();
        int next = 0;
        double volume = 0;
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            if (front.stream().noneMatch(q -> NonDominatedSort.dominates(q.min(), p.min()))) {
                front.removeIf(q -> NonDominatedSort.dominates(p.min(), q.min()));
                front.add(p);
                volume = -1; // stale
            }
            if (next < samples.size() && samples.get(next) == i) {
                if (volume < 0) {
                    volume = Hypervolume.of(front.stream().map(Point::min).toArray(double[][]::new), refMin);
                }
                history.add(new HistoryPoint(p.row().getTrialId(), i + 1, volume));
                next++;
            }
        }
        if (volume < 0) {
            volume = Hypervolume.of(front.stream().map(Point::min).toArray(double[][]::new), refMin);
        }
        List<Double> ref = new ArrayList<>();
        for (double v : refStudy) {
            ref.add(v);
        }
        return new HypervolumeResult(names(metrics), ref, volume, points.size(), front.size(), history);
    }

    static double[] parseReference(List<String> raw, int count) {
        List<String> values = new ArrayList<>();
        for (String s : raw) {
            for (String part : s.split(",", -1)) {
                values.add(part.trim());
            }
        }
        if (values.size() != count) {
            throw InvalidInputException.of(
                    "reference", "needs one value per study metric (" + count + "), got " + values.size());
        }
        double[] out = new double[count];
        for (int k = 0; k < count; k++) {
            try {
                out[k] = Double.parseDouble(values.get(k));
            } catch (NumberFormatException e) {
                throw InvalidInputException.of("reference", "value " + (k + 1) + " is not a number");
            }
            if (!Double.isFinite(out[k])) {
                throw InvalidInputException.of("reference", "value " + (k + 1) + " must be a finite number");
            }
        }
        return out;
    }

    private static double[] defaultReference(List<Point> points, List<Metric> metrics) {
        double[] out = new double[metrics.size()];
        for (int k = 0; k < out.length; k++) {
            double worst = Double.NEGATIVE_INFINITY;
            double best = Double.POSITIVE_INFINITY;
            for (Point p : points) {
                worst = Math.max(worst, p.min()[k]);
                best = Math.min(best, p.min()[k]);
            }
            double range = worst - best;
            double margin = range > 0 ? 0.1 * range : Math.max(0.1, 0.1 * Math.abs(worst));
            out[k] = metrics.get(k).mode().toMin(worst + margin); // toMin is its own inverse
        }
        return out;
    }

    /** Indices 0..n-1 when n ≤ MAX_HISTORY, else MAX_HISTORY evenly spread ones ending with n - 1. */
    static List<Integer> sampleIndices(int n) {
        List<Integer> out = new ArrayList<>();
        if (n <= MAX_HISTORY) {
            for (int i = 0; i < n; i++) {
                out.add(i);
            }
            return out;
        }
        for (int k = 0; k < MAX_HISTORY; k++) {
            int i = (int) Math.round((double) k * (n - 1) / (MAX_HISTORY - 1));
            if (out.isEmpty() || out.getLast() != i) {
                out.add(i);
            }
        }
        return out;
    }

    private Objectives objectives(String studyId) {
        StudyDefinition definition = engines.definition(studies.find(studyId));
        List<String> constraints = ConstraintMetrics.of(definition);
        var resource = definition.resource();
        return new Objectives(
                definition.metrics(),
                constraints,
                resource == null ? null : resource.attr(),
                resource == null ? null : resource.max());
    }

    private static List<String> names(List<Metric> metrics) {
        return metrics.stream().map(Metric::name).toList();
    }

    /** Completed trials (and trials stopped at the maximum resource) with a finite value of every metric, in trial-id order. */
    private List<Point> completed(String studyId, Objectives objectives) {
        List<Metric> metrics = objectives.metrics();
        List<TrialRow> rows = new ArrayList<>(trials.findByStudyIdAndStatusAndTrialIdGreaterThanOrderByTrialId(
                studyId, TrialStatus.COMPLETED.name(), -1, Limit.unlimited()));
        if (objectives.maxResource() != null) {
            for (TrialRow row : trials.findByStudyIdAndStatusAndTrialIdGreaterThanOrderByTrialId(
                    studyId, TrialStatus.STOPPED.name(), -1, Limit.unlimited())) {
                if (row.getMetrics() != null
                        && json.read(row.getMetrics()).get(objectives.resourceAttr()) instanceof Number level
                        && level.doubleValue() >= objectives.maxResource()) {
                    rows.add(row);
                }
            }
            rows.sort(java.util.Comparator.comparingLong(TrialRow::getTrialId));
        }
        List<Point> out = new ArrayList<>();
        for (TrialRow row : rows) {
            if (row.getMetrics() == null) {
                continue;
            }
            Map<String, Object> reported = json.read(row.getMetrics());
            double[] values = new double[metrics.size()];
            double[] min = new double[metrics.size()];
            boolean complete = true;
            for (int k = 0; k < values.length && complete; k++) {
                Object v = reported.get(metrics.get(k).name());
                complete = v instanceof Number n && Double.isFinite(n.doubleValue());
                if (complete) {
                    values[k] = ((Number) v).doubleValue();
                    min[k] = metrics.get(k).mode().toMin(values[k]);
                }
            }
            if (complete) {
                Boolean feasible = null;
                if (!objectives.constraints().isEmpty()) {
                    feasible = ConstraintMetrics.feasible(objectives.constraints(), reported);
                }
                out.add(new Point(row, values, min, feasible));
            }
        }
        return out;
    }

    /** The points no other point dominates (duplicates of a front member all stay). */
    private static List<Point> nonDominated(List<Point> points) {
        List<Point> out = new ArrayList<>();
        for (Point p : points) {
            boolean dominated = false;
            for (Point q : points) {
                if (NonDominatedSort.dominates(q.min(), p.min())) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated) {
                out.add(p);
            }
        }
        return out;
    }
}
