package dev.attune.searcher;

import dev.attune.math.GaussianProcess;
import dev.attune.math.Scalarization;
import dev.attune.math.SeededRandom;
import dev.attune.space.SearchSpace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Multi-objective Bayesian optimization by random scalarizations (Syne Tune's
 * {@code MORandomScalarizationBayesOpt}: its {@code MultiObjectiveMultiSurrogateSearcher} with
 * {@code MultiObjectiveLCBRandomLinearScalarization}): one independent GP per metric, each as
 * {@link BayesianOptimizationSearcher}'s; for a proposal, {@code numInitCandidates} random configs are
 * scored per metric by the lower confidence bound μ − κσ, each metric's scores rank-normalized to (0, 1],
 * combined with weights drawn uniformly from [0, 1] afresh for every proposal, and the lowest wins. No
 * local optimization and no fantasizing, as in Syne Tune.
 *
 * <p>[1] Paria, Kandasamy and Póczos, A Flexible Framework for Multi-Objective Bayesian Optimization
 * using Random Scalarizations, UAI 2019.
 *
 * <p>Implementation notes: {@code scalarization: "chebyshev"} combines by the weighted maximum instead of
 * the sum (Paria et al.'s other scalarization; it reaches non-convex parts of a front). Without rank
 * normalization the scores are μ − κσ of the standardized metric. The weights for trial i are drawn from
 * (seed, i), so a replica or a replay proposes the same config.
 */
public final class MultiObjectiveBayesOptSearcher implements Searcher {
    /** The GP options of {@link BayesianOptimizationSearcher} that apply to each metric's model. */
    private static final Set<String> GP_OPTIONS = Set.of(
            "gpBaseKernel",
            "optNstarts",
            "optMaxiter",
            "maxSizeDataForModel",
            "maxSizeTopFraction",
            "optSkipInitLength",
            "optSkipPeriod",
            "maxSizeDataForFit",
            "inputWarping");

    public static final List<OptionSpec> OPTIONS = options();

    private static List<OptionSpec> options() {
        List<OptionSpec> all = new ArrayList<>(List.of(
                OptionSpec.integer(
                        "numInitRandom",
                        3L,
                        0,
                        "trials (initial configs first, then random) before the models are used"),
                OptionSpec.integer("numInitCandidates", 250L, 1, "random configs scored per proposal"),
                OptionSpec.integer(
                        "numLocalCandidates",
                        0L,
                        0,
                        "more candidates scored: perturbations of the configs on the current Pareto front (Attune's; 0 in Syne Tune)"),
                OptionSpec.number(
                        "localScale",
                        0.1,
                        1e-6,
                        1.0,
                        "standard deviation of those perturbations on the [0, 1] encoding"),
                OptionSpec.number("kappa", 0.5, 0.0, null, "κ of each metric's lower confidence bound μ − κσ"),
                OptionSpec.bool("normalizeAcquisition", true, "rank-normalize each metric's scores before weighting"),
                OptionSpec.oneOf(
                        "scalarization",
                        "linear",
                        List.of("linear", "chebyshev"),
                        "combine the metrics' scores by the weighted sum or the weighted maximum")));
        BayesianOptimizationSearcher.OPTIONS.stream()
                .filter(o -> GP_OPTIONS.contains(o.name()))
                .forEach(all::add);
        return List.copyOf(all);
    }

    private final SearchSpace space;
    private final long seed;
    private final int numInitRandom;
    private final int numInitCandidates;
    private final int numLocalCandidates;
    private final double localScale;
    private final List<double[]> observedInputs = new ArrayList<>();
    private final List<double[]> observedObjectives = new ArrayList<>();
    private final double kappa;
    private final boolean normalize;
    private final Scalarization scalarization;
    private final RandomSearcher random;
    private final Outcomes outcomes;
    private final List<GpModel> models = new ArrayList<>();
    private final Map<Long, Map<String, Object>> configs = new HashMap<>();
    private int added;

    public MultiObjectiveBayesOptSearcher(SearcherContext context) {
        Options o = context.options();
        this.space = context.space();
        this.seed = context.seed();
        this.numInitRandom = (int) o.integer("numInitRandom");
        this.numInitCandidates = (int) o.integer("numInitCandidates");
        this.numLocalCandidates = (int) o.integer("numLocalCandidates");
        this.localScale = o.number("localScale");
        this.kappa = o.number("kappa");
        this.normalize = o.bool("normalizeAcquisition");
        this.scalarization = Scalarization.valueOf(o.string("scalarization").toUpperCase(Locale.ROOT));
        this.random = new RandomSearcher(context);
        this.outcomes = new Outcomes(context.metrics(), List.of());
        GpModel.Settings settings = GpModel.Settings.of(o, seed, space, 0);
        for (var metric : context.metrics()) {
            models.add(new GpModel(metric.name(), settings));
        }
    }

    @Override
    public Optional<Runnable> pendingWork() {
        List<Runnable> work = new ArrayList<>();
        models.forEach(m -> m.pendingFit().ifPresent(work::add));
        return work.isEmpty() ? Optional.empty() : Optional.of(() -> work.forEach(Runnable::run));
    }

    @Override
    public Optional<Proposal> propose(long trialId) {
        Optional<Proposal> fallback = random.propose(trialId);
        if (fallback.isEmpty()
                || fallback.get().memo().get(InitialConfigs.KEY) instanceof Number
                || added < numInitRandom
                || models.getFirst().size() == 0
                || space.encodedSize() == 0) {
            return fallback;
        }
        SplittableRandom r = SeededRandom.of(seed, "mobo-candidates", trialId);
        List<Map<String, Object>> candidates = new ArrayList<>();
        for (int i = 0; i < numInitCandidates; i++) {
            Map<String, Object> c = space.sample(r);
            if (!random.excludes(c)) {
                candidates.add(c);
            }
        }
        candidates.addAll(localCandidates(r));
        if (candidates.isEmpty()) {
            return fallback;
        }
        double[][] x = candidates.stream().map(space::encode).toArray(double[][]::new);
        double[][] perMetric = new double[models.size()][];
        for (int k = 0; k < models.size(); k++) {
            GaussianProcess gp = models.get(k).posterior(List.of(), 0, r).gp();
            double[] lcb = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                GaussianProcess.Prediction p = gp.predict(x[i]);
                lcb[i] = p.means()[0] - kappa * p.sigma();
            }
            perMetric[k] = normalize ? Scalarization.rankNormalized(lcb) : lcb;
        }
        double[] weights = weights(trialId);
        int best = 0;
        double bestScore = Double.POSITIVE_INFINITY;
        double[] scores = new double[models.size()];
        for (int i = 0; i < x.length; i++) {
            for (int k = 0; k < scores.length; k++) {
                scores[k] = perMetric[k][i];
            }
            double s = scalarization.apply(scores, weights);
            if (s < bestScore) {
                bestScore = s;
                best = i;
            }
        }
        Map<String, Object> memo = new LinkedHashMap<>();
        for (int k = 0; k < models.size(); k++) {
            memo.put("gp" + k, models.get(k).memo());
        }
        return Optional.of(new Proposal(candidates.get(best), memo));
    }

    /** Gaussian perturbations (clipped to [0, 1], then decoded) of the encoded configs on the current front. */
    private List<Map<String, Object>> localCandidates(SplittableRandom r) {
        if (numLocalCandidates == 0 || observedInputs.isEmpty()) {
            return List.of();
        }
        double[][] y = observedObjectives.toArray(new double[0][]);
        int[] front = dev.attune.math.ParetoFronts.sort(y, null).getFirst();
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < numLocalCandidates; i++) {
            double[] x = observedInputs.get(front[r.nextInt(front.length)]).clone();
            for (int j = 0; j < x.length; j++) {
                x[j] = Math.max(0, Math.min(1, x[j] + localScale * dev.attune.math.Normal.sample(r)));
            }
            Map<String, Object> c = space.decode(x);
            if (!random.excludes(c)) {
                out.add(c);
            }
        }
        return out;
    }

    /** The scalarization weights of trial i's proposal: each uniform in [0, 1], as Syne Tune's sampler. */
    double[] weights(long trialId) {
        SplittableRandom w = SeededRandom.of(seed, "mobo-weights", trialId);
        double[] weights = new double[models.size()];
        for (int k = 0; k < weights.length; k++) {
            weights[k] = w.nextDouble();
        }
        return weights;
    }

    @Override
    public void onTrialAdded(long trialId, Map<String, Object> config, Map<String, Object> memo) {
        random.onTrialAdded(trialId, config, memo);
        configs.put(trialId, config);
        added++;
        for (int k = 0; k < models.size(); k++) {
            models.get(k).restore(memo.get("gp" + k));
        }
    }

    @Override
    public void onReport(long trialId, Map<String, Double> metrics) {
        outcomes.onReport(trialId, metrics);
    }

    @Override
    public void onComplete(long trialId, Map<String, Double> metrics) {
        Map<String, Object> config = configs.remove(trialId);
        Optional<Outcomes.Outcome> outcome = outcomes.onComplete(trialId, metrics);
        if (config == null || outcome.isEmpty()) {
            return;
        }
        double[] x = space.encode(config);
        double[] y = outcome.get().objectives();
        for (int k = 0; k < models.size(); k++) {
            models.get(k).add(x, y[k]);
        }
        observedInputs.add(x);
        observedObjectives.add(y);
    }

    @Override
    public void onFailure(long trialId) {
        configs.remove(trialId);
        outcomes.forget(trialId);
    }

    @Override
    public void onRemove(long trialId) {
        onFailure(trialId);
    }
}
