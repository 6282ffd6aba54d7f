package dev.attune.searcher;

import dev.attune.math.Acquisition;
import dev.attune.math.GaussianProcess;
import dev.attune.math.MixtureExpectedImprovement;
import dev.attune.math.SeededRandom;
import dev.attune.space.SearchSpace;
import dev.attune.trial.Mode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * MOBSTER's searcher (Syne Tune's {@code GPMultiFidelitySearcher}): one GP over (config, resource) fitted
 * to the results at the scheduler's rung levels; a new config maximizes expected improvement at
 * r_acq, the largest level with at least as many results as the config has inputs (else the smallest).
 * The scheduler decides who continues, pauses or stops.
 *
 * <p>[1] Klein et al., Model-based Asynchronous Hyperparameter and Neural Architecture Search, 2020.
 *
 * <p>Implementation note: the kernel is a Matern 5/2 ARD over the encoded config and the level scaled
 * linearly to [0, 1] (Syne Tune's {@code gp_resource_kernel="matern52"}); Syne Tune's default, the
 * exp-decay-sum kernel, is not implemented. Running trials are pending at their next level and fantasized.
 * Above {@code maxSizeDataForModel} results, the best fraction plus a random sample is kept, by value
 * rather than by how far the trial got.
 */
public final class GpMultiFidelitySearcher implements Searcher, PausedTrialScoring {
    /** Hyper-Tune's options: the GP's, plus the samples that estimate the distribution over levels. */
    public static final List<OptionSpec> HYPERTUNE_OPTIONS = withSamples();

    private static List<OptionSpec> withSamples() {
        List<OptionSpec> all = new ArrayList<>(BayesianOptimizationSearcher.OPTIONS);
        all.add(OptionSpec.integer(
                "hypertuneDistributionNumSamples", 50L, 1, "samples that estimate the distribution over rung levels"));
        return List.copyOf(all);
    }

    private final SearchSpace space;
    private final long seed;
    private final String metric;
    private final boolean maximize;
    private final SearcherContext.Fidelity fidelity;
    private final Options options;
    private final RandomSearcher random;
    private final AcquisitionOptimizer optimizer;
    private final GpModel model;
    private final Map<Long, Map<String, Object>> configs = new HashMap<>();
    /** The last level recorded per running trial; its next level is pending. */
    private final Map<Long, Long> running = new LinkedHashMap<>();

    private final Map<Long, Integer> countAtLevel = new HashMap<>();
    /** The last level recorded per trial, running or not. */
    private final Map<Long, Long> lastLevel = new HashMap<>();
    /** The level of each of the model's observations, in order. */
    private final List<Long> observationLevels = new ArrayList<>();

    private final boolean hyperTune;
    private final BayesianOptimizationSearcher.Proposing proposing;
    private final int hyperTuneSamples;
    private int added;

    public GpMultiFidelitySearcher(SearcherContext context) {
        this(context, false);
    }

    /**
     * @param hyperTune choose configs by EI under Hyper-Tune's ensemble over levels instead of at r_acq
     */
    public GpMultiFidelitySearcher(SearcherContext context, boolean hyperTune) {
        this.hyperTune = hyperTune;
        this.space = context.space();
        this.seed = context.seed();
        this.metric = context.metrics().getFirst().name();
        this.maximize = context.metrics().getFirst().mode() == Mode.MAX;
        this.fidelity = java.util.Objects.requireNonNull(context.fidelity(), "a multi-fidelity scheduler");
        this.options = context.options();
        this.proposing = BayesianOptimizationSearcher.Proposing.of(options, false);
        this.hyperTuneSamples = hyperTune ? (int) options.integer("hypertuneDistributionNumSamples") : 0;
        this.random = new RandomSearcher(context);
        this.optimizer = new AcquisitionOptimizer(
                space,
                (int) options.integer("numInitCandidates"),
                options.string("initialScoring").equalsIgnoreCase("thompson_indep"),
                options.bool("skipLocalOptimization"));
        this.model = new GpModel(
                "mf",
                GpModel.Settings.of(options, seed, space, 1),
                BayesianOptimizationSearcher.boxCox(options, maximize));
    }

    /**
     * The level as the GP sees it: log r / log r_max, so that geometric rungs (1, 3, 9, 27) are equally
     * far apart. Syne Tune scales linearly, which suits its exp-decay kernel; with a Matern kernel a linear
     * scale crowds the low rungs near 0 and leaves the top rung nearly uncorrelated with them, so EI there
     * keeps exploring configs that low rungs already ruled out.
     */
    private double scaled(long level) {
        long min = fidelity.levels().getFirst();
        long max = fidelity.max();
        return max <= min ? 1 : Math.log((double) level / min) / Math.log((double) max / min);
    }

    private double[] input(Map<String, Object> config, long level) {
        double[] x = space.encode(config);
        double[] full = Arrays.copyOf(x, x.length + 1);
        full[x.length] = scaled(level);
        return full;
    }

    /** Syne Tune's resource_acq "bohb": the largest level with at least d results, else the smallest. */
    long acquisitionLevel() {
        long chosen = fidelity.levels().getFirst();
        for (long level : fidelity.levels()) {
            if (countAtLevel.getOrDefault(level, 0) >= Math.max(1, space.encodedSize())) {
                chosen = level;
            }
        }
        return chosen;
    }

    /** Trials whose next level is a pending evaluation. */
    int pendingTrials() {
        return running.size();
    }

    @Override
    public Optional<Runnable> pendingWork() {
        return model.pendingFit();
    }

    @Override
    public Optional<Proposal> propose(long trialId) {
        Optional<Proposal> fallback = random.propose(trialId);
        if (fallback.isEmpty()
                || fallback.get().memo().get(InitialConfigs.KEY) instanceof Number
                || added < proposing.numInitRandom()
                || model.size() == 0
                || space.encodedSize() == 0) {
            return fallback;
        }
        List<double[]> pending = new ArrayList<>();
        if (proposing.fantasize()) {
            running.forEach((id, last) -> next(last).ifPresent(level -> pending.add(input(configs.get(id), level))));
        }
        GpModel.Posterior post =
                model.posterior(pending, proposing.numFantasySamples(), SeededRandom.of(seed, "mf-fantasy", trialId));
        double[] scaledLevels =
                fidelity.levels().stream().mapToDouble(this::scaled).toArray();
        double[] theta = new double[scaledLevels.length];
        Map<String, Object> memo = new LinkedHashMap<>();
        if (hyperTune) {
            // θ needs the posterior of the observations alone; without pending trials that is `post` itself
            GpModel.Posterior plain = pending.isEmpty()
                    ? post
                    : model.posterior(List.of(), 0, SeededRandom.of(seed, "hypertune-plain", trialId));
            long[] levelOfRow = Arrays.stream(plain.rows())
                    .mapToLong(observationLevels::get)
                    .toArray();
            theta = HyperTuneWeights.estimate(
                    plain.gp(),
                    levelOfRow,
                    plain.targets(),
                    plain.observed(),
                    fidelity.levels(),
                    hyperTuneSamples,
                    SeededRandom.of(seed, "hypertune", trialId),
                    fidelity.max());
            new BracketHint(
                            Arrays.stream(theta).boxed().toList(),
                            Math.max(0, HyperTuneWeights.top(levelOfRow, fidelity.levels())))
                    .into(memo);
        } else {
            long level = acquisitionLevel();
            theta[fidelity.levels().indexOf(level)] = 1;
            memo.put("acquisitionLevel", level);
        }
        double[] weights = theta;
        double[] best = incumbents(post.gp(), scaledLevels, weights);
        Acquisition acquisition = new MixtureExpectedImprovement(post.gp(), scaledLevels, weights, best);
        Optional<Map<String, Object>> config = optimizer.optimize(
                acquisition,
                x -> mixturePrediction(post.gp(), x, scaledLevels, weights),
                SeededRandom.of(seed, "mf-candidates", trialId),
                random::excludes);
        memo.put("gp", model.memo());
        return config.map(c -> new Proposal(c, memo)).or(() -> fallback);
    }

    /** Mean (per target vector) and variance of the mixture over levels at config x. */
    private static GaussianProcess.Prediction mixturePrediction(
            GaussianProcess gp, double[] x, double[] levels, double[] weights) {
        double[] mean = new double[gp.targets()];
        double second = 0;
        double[] full = Arrays.copyOf(x, x.length + 1);
        for (int k = 0; k < levels.length; k++) {
            if (weights[k] <= 0) {
                continue;
            }
            full[x.length] = levels[k];
            GaussianProcess.Prediction p = gp.predict(full);
            for (int s = 0; s < mean.length; s++) {
                mean[s] += weights[k] * p.means()[s];
            }
            second += weights[k] * (p.variance() + p.means()[0] * p.means()[0]);
        }
        return new GaussianProcess.Prediction(mean, Math.max(1e-12, second - mean[0] * mean[0]));
    }

    /** Per target vector, the lowest mixture mean over every config with a result. */
    private double[] incumbents(GaussianProcess gp, double[] levels, double[] weights) {
        double[] best = new double[gp.targets()];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        java.util.Set<List<Double>> seen = new java.util.HashSet<>();
        for (double[] observed : model.inputs()) {
            double[] x = Arrays.copyOf(observed, observed.length);
            if (!seen.add(Arrays.stream(x, 0, x.length - 1).boxed().toList())) {
                continue; // the same config at another level
            }
            double[] mixture = new double[best.length];
            for (int k = 0; k < levels.length; k++) {
                if (weights[k] > 0) {
                    x[x.length - 1] = levels[k];
                    double[] means = gp.means(x);
                    for (int s = 0; s < best.length; s++) {
                        mixture[s] += weights[k] * means[s];
                    }
                }
            }
            for (int s = 0; s < best.length; s++) {
                best[s] = Math.min(best[s], mixture[s]);
            }
        }
        return best;
    }

    /**
     * DyHPO's decision (Syne Tune's {@code MyGPMultiFidelitySearcher.score_paused_trials_and_new_configs}):
     * while this searcher still proposes initial or random configs, that proposal starts a new trial.
     * Then every paused trial at its next level and max({@code numInitCandidates}, #paused) random new
     * configs at {@code minLevel} are scored by EI at their level, the incumbent being the best posterior
     * mean among the configs observed at that level (all observed ones when none is); the best score wins,
     * a paused trial on ties. See {@link DyHpoScores}.
     */
    @Override
    public Optional<PausedTrialScoring.Choice> choose(
            List<PausedTrialScoring.Paused> paused, long minLevel, long nextTrialId, long key, boolean allowNew) {
        Optional<Proposal> fallback = allowNew ? random.propose(nextTrialId) : Optional.empty();
        boolean initialPhase = fallback.isPresent() && fallback.get().memo().get(InitialConfigs.KEY) instanceof Number
                || added < proposing.numInitRandom()
                || model.size() == 0
                || space.encodedSize() == 0;
        if (initialPhase) {
            if (fallback.isPresent()) {
                return Optional.of(new PausedTrialScoring.Choice.Start(fallback.get()));
            }
            return paused.isEmpty()
                    ? Optional.empty()
                    : Optional.of(new PausedTrialScoring.Choice.Resume(
                            paused.getFirst().trialId()));
        }
        List<Map<String, Object>> fresh = new ArrayList<>();
        if (fallback.isPresent()) {
            int wanted = Math.max((int) options.integer("numInitCandidates"), paused.size());
            List<Map<String, Object>> allowed = random.unusedRestricted();
            java.util.SplittableRandom draws = SeededRandom.of(seed, "dyhpo-candidates", key);
            for (int attempt = 0; fresh.size() < wanted && attempt < 2 * wanted; attempt++) {
                Map<String, Object> c = allowed == null
                        ? space.sample(draws)
                        : allowed.isEmpty() ? null : allowed.get(draws.nextInt(allowed.size()));
                if (c != null && !random.excludes(c)) {
                    fresh.add(c);
                }
            }
        }
        if (paused.isEmpty() && fresh.isEmpty()) {
            return fallback.map(PausedTrialScoring.Choice.Start::new);
        }
        List<double[]> pending = new ArrayList<>();
        if (proposing.fantasize()) {
            running.forEach((id, last) -> next(last).ifPresent(level -> pending.add(input(configs.get(id), level))));
        }
        GpModel.Posterior post =
                model.posterior(pending, proposing.numFantasySamples(), SeededRandom.of(seed, "dyhpo-fantasy", key));
        long[] observedLevels =
                Arrays.stream(post.rows()).mapToLong(observationLevels::get).toArray();
        List<double[]> inputs = new ArrayList<>();
        List<Long> levels = new ArrayList<>();
        for (PausedTrialScoring.Paused p : paused) {
            inputs.add(input(configs.get(p.trialId()), p.nextLevel()));
            levels.add(p.nextLevel());
        }
        for (Map<String, Object> c : fresh) {
            inputs.add(input(c, minLevel));
            levels.add(minLevel);
        }
        int winner = DyHpoScores.best(post.gp(), post.observed(), observedLevels, inputs, levels);
        if (winner < paused.size()) {
            return Optional.of(
                    new PausedTrialScoring.Choice.Resume(paused.get(winner).trialId()));
        }
        Map<String, Object> memo = new LinkedHashMap<>();
        memo.put("gp", model.memo());
        return Optional.of(new PausedTrialScoring.Choice.Start(new Proposal(fresh.get(winner - paused.size()), memo)));
    }

    private Optional<Long> next(long last) {
        return fidelity.levels().stream().filter(l -> l > last).findFirst();
    }

    @Override
    public void onTrialAdded(long trialId, Map<String, Object> config, Map<String, Object> memo) {
        random.onTrialAdded(trialId, config, memo);
        configs.put(trialId, config);
        running.put(trialId, 0L);
        added++;
        model.restore(memo.get("gp"));
    }

    @Override
    public void onReport(long trialId, Map<String, Double> metrics) {
        Double v = metrics.get(metric);
        Double level = metrics.get(fidelity.attr());
        Map<String, Object> config = configs.get(trialId);
        if (v == null || level == null || config == null) {
            return;
        }
        long r = level.longValue();
        if (!fidelity.levels().contains(r)) {
            return;
        }
        lastLevel.put(trialId, r);
        if (running.containsKey(trialId)) {
            running.put(trialId, r);
        }
        model.add(input(config, r), maximize ? -v : v);
        observationLevels.add(r);
        countAtLevel.merge(r, 1, Integer::sum);
    }

    @Override
    public void onComplete(long trialId, Map<String, Double> metrics) {
        running.remove(trialId);
    }

    @Override
    public void onFailure(long trialId) {
        running.remove(trialId);
    }

    @Override
    public void onRemove(long trialId) {
        running.remove(trialId);
    }

    @Override
    public void onResumed(long trialId) {
        if (configs.containsKey(trialId)) {
            running.put(trialId, lastLevel.getOrDefault(trialId, 0L));
        }
    }
}
