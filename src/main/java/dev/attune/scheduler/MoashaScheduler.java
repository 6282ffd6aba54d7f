package dev.attune.scheduler;

import dev.attune.math.NonDominatedSort;
import dev.attune.math.SeededRandom;
import dev.attune.searcher.OptionSpec;
import dev.attune.searcher.Searcher;
import dev.attune.trial.Metric;
import dev.attune.trial.Mode;
import dev.attune.trial.Verdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MOASHA (Syne Tune's {@code MOASHA}): stopping-type successive halving over several metrics. When a
 * trial reaches a rung, it and the trials recorded there are ordered by a non-dominated sort with an
 * ε-net inside each Pareto front ({@link NonDominatedSort}); a trial outside the best 1/η stops.
 *
 * <p>[1] Salinas, Perrone, Archambeau and Cruchant, A multi-objective perspective on jointly tuning
 * hardware and hyperparameters, NAS workshop at ICLR 2021. [2] Schmucker et al., Multi-objective
 * multi-fidelity hyperparameter optimization with application to fairness, 2020.
 *
 * <p>Implementation note: rungs at r_min·η^(k+s) for bracket s, as Syne Tune's {@code _Bracket} (a result
 * at {@code max} stops the trial before any rung sees it); a trial's bracket is drawn with probability
 * ∝ e^(rungs − most rungs), seeded by the trial id. Syne Tune v0.13 reads the sort's order as if it were
 * ranks — the new trial's rank becomes the index of the item sorted last, so a new best trial can stop.
 * Attune uses the new trial's position in the order; {@code syneTuneRanking: true} restores v0.13's
 * reading, which reproduces its recorded decisions.
 *
 * <p>{@code multiobjectivePriority} chooses how a rung ranks its trials, as Syne Tune's priorities:
 * {@code non_dominated} (the default, above), {@code linear_scalarization} (the mean of wₖ·yₖ,
 * {@code LinearScalarizationPriority}) or {@code fixed_objective} (objective {@code fixedObjective} alone,
 * {@code FixedObjectivePriority}). For the last two a trial's rank is the share of the rung's trials with
 * a strictly lower priority, as Syne Tune's {@code searchsorted}.
 */
final class MoashaScheduler implements Scheduler {
    static List<OptionSpec> options() {
        return List.of(
                OptionSpec.integer("gracePeriod", 1L, 1, "the lowest rung level (r_min)"),
                OptionSpec.number(
                        "reductionFactor", 3.0, 2.0, null, "η: rungs at r_min·η^k, and the best 1/η of a rung go on"),
                OptionSpec.integer("brackets", 1L, 1, "number of brackets, each starting one rung higher"),
                OptionSpec.oneOf(
                        "multiobjectivePriority",
                        NON_DOMINATED,
                        List.of(NON_DOMINATED, LINEAR, FIXED),
                        "how a rung ranks trials: non-dominated sort, a linear scalarization, or one objective"),
                LinearScalarizedScheduler.WEIGHTS,
                OptionSpec.integer(
                        "fixedObjective", 0L, 0, "for fixed_objective: the metric's position in the study's metrics"),
                OptionSpec.bool(
                        "syneTuneRanking",
                        false,
                        "rank as Syne Tune v0.13 does (the sorted order read as ranks), to reproduce its decisions"));
    }

    static final String NON_DOMINATED = "non_dominated";
    static final String LINEAR = "linear_scalarization";
    static final String FIXED = "fixed_objective";

    /** Suggests the searcher's configs and keeps it informed; MOASHA adds the rung decisions. */
    private final FifoScheduler base;

    private final List<Metric> metrics;
    private final String attr;
    private final long maxT;
    private final long seed;
    private final double eta;
    private final boolean syneTuneRanking;
    private final String priority;
    private final double[] weights;
    private final int fixedObjective;
    /** Per bracket, its rungs from the highest level down; each records the trials' objective vectors. */
    private final List<List<Rung>> brackets = new ArrayList<>();

    private final Map<Long, Integer> bracketOf = new HashMap<>();

    private record Rung(double level, Map<Long, double[]> recorded) {}

    MoashaScheduler(MethodContext context, Searcher searcher) {
        this.base = new FifoScheduler(searcher);
        this.metrics = context.metrics();
        this.attr = context.resource().attr();
        this.maxT = HyperbandScheduler.maxResource(context);
        this.seed = context.seed();
        this.eta = context.options().number("reductionFactor");
        this.syneTuneRanking = context.options().bool("syneTuneRanking");
        this.priority = context.options().string("multiobjectivePriority");
        List<Double> w = context.options().numbers(LinearScalarizedScheduler.WEIGHTS.name());
        if (!w.isEmpty() && w.size() != metrics.size()) {
            throw dev.attune.space.InvalidInputException.of(
                    "options.scalarizationWeights",
                    "needs one weight per metric (" + metrics.size() + "), got " + w.size());
        }
        this.weights =
                w.isEmpty() ? null : w.stream().mapToDouble(Double::doubleValue).toArray();
        this.fixedObjective = (int) context.options().integer("fixedObjective");
        if (fixedObjective >= metrics.size()) {
            throw dev.attune.space.InvalidInputException.of(
                    "options.fixedObjective", "must be below the number of metrics, " + metrics.size());
        }
        long minT = context.options().integer("gracePeriod");
        if (minT > maxT) {
            throw dev.attune.space.InvalidInputException.of(
                    "options.gracePeriod", "must not exceed the maximum resource " + maxT);
        }
        for (int s = 0; s < context.options().integer("brackets"); s++) {
            int count = (int) (Math.log((double) maxT / minT) / Math.log(eta) - s + 1);
            List<Rung> rungs = new ArrayList<>();
            for (int k = count - 1; k >= 0; k--) {
                rungs.add(new Rung(minT * Math.pow(eta, k + s), new LinkedHashMap<>()));
            }
            brackets.add(rungs);
        }
    }

    @Override
    public java.util.Optional<Runnable> pendingWork() {
        return base.pendingWork();
    }

    @Override
    public Suggestion suggest(long nextTrialId) {
        return base.suggest(nextTrialId);
    }

    @Override
    public void onTrialAdded(long trialId, Map<String, Object> config, Map<String, Object> memo) {
        base.onTrialAdded(trialId, config, memo);
        bracketOf.put(trialId, drawBracket(trialId));
    }

    private int drawBracket(long trialId) {
        if (brackets.size() == 1) {
            return 0;
        }
        int most = brackets.stream().mapToInt(List::size).max().orElse(0);
        double[] weights =
                brackets.stream().mapToDouble(b -> Math.exp(b.size() - most)).toArray();
        double u = SeededRandom.of(seed, "moasha-bracket", trialId).nextDouble()
                * java.util.Arrays.stream(weights).sum();
        for (int b = 0; b < weights.length; b++) {
            u -= weights[b];
            if (u < 0) {
                return b;
            }
        }
        return weights.length - 1;
    }

    @Override
    public Verdict onReport(long trialId, Map<String, Double> reported) {
        base.onReport(trialId, reported);
        double[] objectives = objectives(reported);
        Double time = reported.get(attr);
        if (objectives == null || time == null || !bracketOf.containsKey(trialId)) {
            return Verdict.proceed();
        }
        if (time >= maxT) {
            return Verdict.complete("reached the maximum resource " + maxT);
        }
        return record(trialId, time, objectives);
    }

    /** Syne Tune's {@code _Bracket.on_result}: the highest rung the trial has reached and not yet been ranked in. */
    private Verdict record(long trialId, double time, double[] objectives) {
        for (Rung rung : brackets.get(bracketOf.get(trialId))) {
            if (time < rung.level() || rung.recorded().containsKey(trialId)) {
                continue;
            }
            Verdict verdict = Verdict.proceed();
            if (!rung.recorded().isEmpty()) {
                List<double[]> points = new ArrayList<>(rung.recorded().values());
                points.add(objectives);
                double rank = rank(points.toArray(double[][]::new));
                if (rank > 1 / eta) {
                    verdict = Verdict.stop(String.format(
                            "at rung %s its %s rank %.2f is outside the best 1/%s",
                            (long) rung.level(), priority.replace('_', '-'), rank, eta));
                }
            }
            rung.recorded().put(trialId, objectives);
            return verdict;
        }
        return Verdict.proceed();
    }

    /** The rank in [0, 1) of the last point (the new trial) among {@code points}. */
    private double rank(double[][] points) {
        int n = points.length;
        if (!priority.equals(NON_DOMINATED)) {
            double[] p = priorities(points);
            int below = 0;
            for (double v : p) {
                below += v < p[n - 1] ? 1 : 0;
            }
            return (double) below / n;
        }
        int[] order = syneTuneRanking ? NonDominatedSort.syneTuneOrder(points) : NonDominatedSort.order(points);
        if (syneTuneRanking) {
            return (double) order[n - 1] / n;
        }
        for (int p = 0; p < n; p++) {
            if (order[p] == n - 1) {
                return (double) p / n;
            }
        }
        throw new IllegalStateException("the new trial is missing from the order");
    }

    /** Syne Tune's scalar priorities (lower first): the mean of wₖ·yₖ (w = 1 by default), or one objective. */
    double[] priorities(double[][] points) {
        double[] p = new double[points.length];
        for (int i = 0; i < points.length; i++) {
            if (priority.equals(FIXED)) {
                p[i] = points[i][fixedObjective];
                continue;
            }
            double sum = 0;
            for (int k = 0; k < points[i].length; k++) {
                sum += (weights == null ? 1 : weights[k]) * points[i][k];
            }
            p[i] = sum / points[i].length;
        }
        return p;
    }

    /** The objectives to minimize (a maximized metric negated), or null if one is missing. */
    private double[] objectives(Map<String, Double> reported) {
        double[] v = new double[metrics.size()];
        for (int k = 0; k < v.length; k++) {
            Double value = reported.get(metrics.get(k).name());
            if (value == null || value.isNaN()) {
                return null;
            }
            v[k] = metrics.get(k).mode() == Mode.MIN ? value : -value;
        }
        return v;
    }

    @Override
    public void onComplete(long trialId, Map<String, Double> reported) {
        base.onComplete(trialId, reported);
        double[] objectives = objectives(reported);
        Double time = reported.get(attr);
        if (objectives != null && time != null && bracketOf.containsKey(trialId)) {
            record(trialId, time, objectives);
        }
        bracketOf.remove(trialId);
    }

    @Override
    public void onFailure(long trialId) {
        base.onFailure(trialId);
        bracketOf.remove(trialId);
    }
}
