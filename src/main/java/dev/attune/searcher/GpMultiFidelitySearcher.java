package dev.attune.searcher;

import dev.attune.math.Acquisition;
import dev.attune.math.GaussianProcess;
import dev.attune.math.LinearQuantile;
import dev.attune.math.MixtureExpectedImprovement;
import dev.attune.math.RankedValues;
import dev.attune.math.ResourceKernel;
import dev.attune.math.RungSurvivalImprovement;
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
 * <p>Models (options {@code model}, {@code gpResourceKernel}): Syne Tune's exponential-decay kernels,
 * freeze-thaw and the independent per-level GPs ({@link ResourceKernel}, resource scaled to r / r_max as
 * Syne Tune's), or today's joint Matern 5/2 ARD over the encoded config and the level on a log scale
 * ({@code gpResourceKernel: matern52}). {@code searcherData} picks the reports the model sees, {@code
 * resourceAcq} the level EI is read at. Running trials are pending at their next level and fantasized.
 * Above {@code maxSizeDataForModel} results, the best fraction plus a random sample is kept, by value
 * rather than by how far the trial got.
 */
public final class GpMultiFidelitySearcher implements Searcher, PausedTrialScoring {
    /** The multi-fidelity model's options, with a method's own defaults for the model and the kernel. */
    static List<OptionSpec> modelOptions(String defaultModel, String defaultKernel) {
        return List.of(
                OptionSpec.oneOf(
                        "model",
                        defaultModel,
                        List.of("gp_multitask", "gp_independent"),
                        "one GP over (config, resource) with the gpResourceKernel, or one GP per rung level sharing the config kernel"),
                OptionSpec.oneOf(
                        "gpResourceKernel",
                        defaultKernel,
                        List.of("exp-decay-sum", "exp-decay-combined", "exp-decay-delta1", "freeze-thaw", "matern52"),
                        "gp_multitask's kernel over (config, resource): Syne Tune's exponential-decay family, freeze-thaw, or a joint Matern 5/2 over (config, log resource)"),
                OptionSpec.oneOf(
                        "searcherData",
                        "rungs",
                        List.of("rungs", "all", "rungs_and_last"),
                        "which reports the model sees: those at rung levels, all, or rung levels plus each trial's latest"),
                OptionSpec.oneOf(
                        "resourceAcq",
                        "bohb",
                        List.of("bohb", "first"),
                        "the level EI is evaluated at: the largest with at least as many results as inputs, or the lowest"),
                OptionSpec.bool(
                        "separateNoiseVariances",
                        false,
                        "gp_independent: one noise variance per rung level instead of one shared"));
    }

    /** MOBSTER's model defaults, also those of {@code searcher: bayesopt} under a multi-fidelity scheduler. */
    static final String DEFAULT_MODEL = "gp_multitask";

    static final String DEFAULT_KERNEL = "matern52";

    /** An option's value, or {@code otherwise} when this searcher's options do not declare it. */
    private static String text(Options options, String name, String otherwise) {
        return options.has(name) ? options.string(name) : otherwise;
    }

    /**
     * BO's options as the multi-fidelity GP searchers take them: {@code numInitRandom} defaults to 6, as
     * Syne Tune's {@code gp_multifidelity_searcher_defaults} and {@code gp_hypertune_searcher_defaults} set it
     * for every Hyperband-type scheduler (3 is its single-fidelity default), and the data cap keeps whole
     * trials ({@link Subsample#multiFidelity}), so {@code maxSizeTopFraction} is not read.
     */
    public static final List<OptionSpec> BO_OPTIONS = BayesianOptimizationSearcher.OPTIONS.stream()
            .map(o -> switch (o.name()) {
                case "numInitRandom" ->
                    OptionSpec.integer(
                            "numInitRandom",
                            6L,
                            0,
                            "trials (initial configs first, then random) before the model is used (6 for multi-fidelity, as Syne Tune)");
                case "maxSizeDataForModel" ->
                    OptionSpec.integer(
                            "maxSizeDataForModel",
                            500L,
                            0,
                            "observations the model keeps: whole trials from the highest level down (Syne Tune's multi-fidelity cap); 0 keeps all, the default with searcherData all");
                case "maxSizeTopFraction" ->
                    OptionSpec.number(
                            "maxSizeTopFraction",
                            0.25,
                            0.0,
                            1.0,
                            "not read by multi-fidelity models, whose cap keeps whole trials (accepted, as Syne Tune does)");
                default -> o;
            })
            .toList();

    /**
     * MOBSTER's options (BO's, then the model's). Defaults measured on bench quality's crossing-curves and
     * multi-fidelity Branin functions (docs/benchmarks.md): the joint Matern, where Syne Tune defaults to
     * exp-decay-sum.
     */
    public static final List<OptionSpec> MOBSTER_OPTIONS =
            withRungSurvival(with(modelOptions(DEFAULT_MODEL, DEFAULT_KERNEL)));

    /** SyncMOBSTER's options; measured default the joint Matern (Syne Tune's: gp_independent). */
    public static final List<OptionSpec> SYNC_MOBSTER_OPTIONS = with(modelOptions(DEFAULT_MODEL, DEFAULT_KERNEL));

    /**
     * MOBSTER's acquisition option of Attune's own (Syne Tune has none such). Not SyncMOBSTER's: its brackets
     * start new configs above the first rung, and the searcher does not know at which.
     */
    private static List<OptionSpec> withRungSurvival(List<OptionSpec> options) {
        List<OptionSpec> all = new ArrayList<>(options);
        all.add(
                OptionSpec.oneOf(
                        "rungSurvival",
                        "off",
                        List.of("off", "probability", "per-epoch"),
                        "EI at the acquisition level alone (Syne Tune's); times the model's probability that the config clears "
                                + "each lower rung (the stopping rule's cutoff there); or that per epoch the "
                                + "trial is expected to run, so that a config stopped early counts as cheap (Attune's, not in Syne Tune)"));
        return List.copyOf(all);
    }

    /**
     * DyHPO's model options: MOBSTER's, except that {@code model} is {@code gp_multitask} only (DyHPO scores
     * paused trials at levels with no data yet, which independent per-level GPs cannot extrapolate to; Syne
     * Tune refuses {@code gp_independent} for DyHPO too) and {@code separateNoiseVariances}, which only
     * {@code gp_independent} reads, is left out.
     */
    public static final List<OptionSpec> DYHPO_MODEL_OPTIONS = modelOptions(DEFAULT_MODEL, DEFAULT_KERNEL).stream()
            .filter(o -> !o.name().equals("separateNoiseVariances"))
            .map(o -> o.name().equals("model")
                    ? OptionSpec.oneOf(
                            "model",
                            DEFAULT_MODEL,
                            List.of("gp_multitask"),
                            "one GP over (config, resource) with the gpResourceKernel; gp_independent is refused: "
                                    + "DyHPO scores paused trials at levels without data, which independent GPs per level cannot extrapolate to")
                    : o)
            .toList();

    /** Hyper-Tune's options: the GP's, plus the samples that estimate the distribution over levels. */
    public static final List<OptionSpec> HYPERTUNE_OPTIONS = withSamples();

    private static List<OptionSpec> with(List<OptionSpec> model) {
        List<OptionSpec> all = new ArrayList<>(BO_OPTIONS);
        all.addAll(model);
        return List.copyOf(all);
    }

    private static List<OptionSpec> withSamples() {
        // measured default the joint Matern (Syne Tune's: gp_independent)
        List<OptionSpec> all = new ArrayList<>(with(modelOptions(DEFAULT_MODEL, DEFAULT_KERNEL)));
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
    private final GpSurrogate model;
    /** Today's joint Matern over (config, log resource), rather than a Syne Tune resource kernel. */
    private final boolean jointMatern;
    /** Syne Tune's gp_independent: one GP per rung level, no correlation between levels. */
    private final boolean independent;

    private final String searcherData;
    private final boolean firstLevelAcquisition;
    /** searcherData rungs_and_last: the observation that holds each trial's latest off-rung report. */
    private final Map<Long, Integer> lastSlot = new HashMap<>();

    private final Map<Long, Map<String, Object>> configs = new HashMap<>();
    /** The last level recorded per running trial; its next level is pending. */
    private final Map<Long, Long> running = new LinkedHashMap<>();

    /** The last level recorded per trial, running or not. */
    private final Map<Long, Long> lastLevel = new HashMap<>();
    /** The level of each of the model's observations, in order. */
    private final List<Long> observationLevels = new ArrayList<>();
    /** The trial of each observation, beside its level: Syne Tune's multi-fidelity data cap keeps whole trials. */
    private final List<Long> observationTrials = new ArrayList<>();

    private final boolean hyperTune;
    /** Option rungSurvival: EI weighted by the probability of clearing the lower rungs (and per epoch). */
    private final String rungSurvival;
    /**
     * Every result recorded at each rung level, on the model's minimized scale before standardizing: the
     * counts pick r_acq, the values give rungSurvival's cutoffs.
     */
    private final Map<Long, RankedValues> rungValues = new HashMap<>();

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
        this.rungSurvival = text(options, "rungSurvival", "off");
        // With rungSurvival the candidates are ranked by the weighted acquisition: a Thompson draw at the
        // acquisition level alone would pick the starts the weight is there to avoid.
        this.optimizer = new AcquisitionOptimizer(
                space,
                (int) options.integer("numInitCandidates"),
                options.string("initialScoring").equalsIgnoreCase("thompson_indep") && rungSurvival.equals("off"),
                options.bool("skipLocalOptimization"));
        this.searcherData = text(options, "searcherData", "rungs");
        this.firstLevelAcquisition = text(options, "resourceAcq", "bohb").equals("first");
        if (!rungSurvival.equals("off")) {
            if (fidelity.brackets() > 1) {
                throw dev.attune.space.InvalidInputException.of(
                        "options.rungSurvival",
                        "needs brackets: 1 (in higher brackets trials start above the first rung), got "
                                + fidelity.brackets());
            }
            if (BayesianOptimizationSearcher.boxCox(options, maximize)) {
                throw dev.attune.space.InvalidInputException.of(
                        "options.rungSurvival", "cannot be combined with boxcoxTransform");
            }
        }
        this.independent = text(options, "model", DEFAULT_MODEL).equals("gp_independent");
        String kernel = text(options, "gpResourceKernel", DEFAULT_KERNEL);
        this.jointMatern = !independent && kernel.equalsIgnoreCase("matern52");
        // With searcherData all Syne Tune leaves the model's data uncapped unless asked (it warns that its
        // cap, made for rung data, suits dense data poorly); Attune's fits still use maxSizeDataForFit rows.
        boolean dense = fidelity.dyhpo() || searcherData.equals("all");
        int maxSize = searcherData.equals("all") && !options.given("maxSizeDataForModel")
                ? 0
                : (int) options.integer("maxSizeDataForModel");
        if (jointMatern) {
            this.model = new GpModel(
                    "mf",
                    GpModel.Settings.of(options, seed, space, 1, maxSize),
                    BayesianOptimizationSearcher.boxCox(options, maximize));
        } else {
            double[] scaledLevels = fidelity.levels().stream()
                    .mapToDouble(l -> (double) l / fidelity.max())
                    .toArray();
            ResourceKernel.Shape shape = new ResourceKernel.Shape(
                    independent ? ResourceKernel.Type.INDEPENDENT : ResourceKernel.Type.of(kernel),
                    space.encodedSize(),
                    options.string("gpBaseKernel").equalsIgnoreCase("matern52-ard"),
                    scaledLevels,
                    options.has("separateNoiseVariances") && options.bool("separateNoiseVariances"));
            this.model = new ResourceGpModel("mf", ResourceGpModel.Settings.of(options, seed, shape, maxSize));
        }
        // Syne Tune caps a multi-fidelity model's data by trials and levels (gp_searcher_factory's state
        // converter): whole trials from the highest level down, and under DyHPO, whose linear rungs give
        // trials many observations, each trial thinned to one per geometric bucket first (Attune thins
        // dense searcherData all the same way where it caps it: in fits, above maxSizeDataForFit).
        this.model.selectRowsWith(() -> {
            long[] trials =
                    observationTrials.stream().mapToLong(Long::longValue).toArray();
            long[] levels =
                    observationLevels.stream().mapToLong(Long::longValue).toArray();
            return dense ? Subsample.dense(trials, levels) : Subsample.multiFidelity(trials, levels);
        });
    }

    /**
     * The level as the GP sees it: log r / log r_max, so that geometric rungs (1, 3, 9, 27) are equally
     * far apart. Syne Tune scales linearly, which suits its exp-decay kernel; with a Matern kernel a linear
     * scale crowds the low rungs near 0 and leaves the top rung nearly uncorrelated with them, so EI there
     * keeps exploring configs that low rungs already ruled out.
     */
    private double scaled(long level) {
        if (!jointMatern) { // Syne Tune's encoding: r / r_max
            return (double) level / fidelity.max();
        }
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
        if (firstLevelAcquisition) {
            return chosen;
        }
        for (long level : fidelity.levels()) {
            RankedValues atLevel = rungValues.get(level);
            if (atLevel != null && atLevel.size() >= Math.max(1, space.encodedSize())) {
                chosen = level;
            }
        }
        return chosen;
    }

    /** The observations the model's posterior keeps, as "trial@level" (for tests of the data cap). */
    List<String> keptObservations() {
        GpModel.Posterior post = model.posterior(List.of(), 0, SeededRandom.of(seed, "kept", 0));
        return Arrays.stream(post.rows())
                .mapToObj(i -> observationTrials.get(i) + "@" + observationLevels.get(i))
                .toList();
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
                    scaledLevels);
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
        if (!rungSurvival.equals("off") && !hyperTune) {
            acquisition =
                    withRungSurvival(acquisition, post, fidelity.levels().indexOf(acquisitionLevel()), scaledLevels);
        }
        Optional<Map<String, Object>> config = optimizer.optimize(
                acquisition,
                x -> mixturePrediction(post.gp(), x, scaledLevels, weights),
                SeededRandom.of(seed, "mf-candidates", trialId),
                random::excludes);
        memo.put("gp", model.memo());
        return config.map(c -> new Proposal(c, memo)).or(() -> fallback);
    }

    /**
     * EI at the acquisition level times the model's probability of clearing each lower rung (and, with
     * per-epoch, over the expected resource). A rung's cutoff is the scheduler's: the linear quantile at
     * r_k / r_{k+1} of every result recorded at r_k (numpy's, {@link LinearQuantile}, as the scheduler computes it), none below 2 results.
     * See {@link RungSurvivalImprovement}.
     */
    private Acquisition withRungSurvival(
            Acquisition improvement, GpModel.Posterior post, int acquisitionIndex, double[] scaledLevels) {
        if (acquisitionIndex <= 0) {
            return improvement;
        }
        List<Long> levels = fidelity.levels();
        double[] cutoffs = new double[acquisitionIndex];
        double[] costs = new double[acquisitionIndex];
        for (int k = 0; k < acquisitionIndex; k++) {
            long level = levels.get(k);
            RankedValues values = rungValues.get(level);
            cutoffs[k] = values == null || values.size() < 2
                    ? Double.POSITIVE_INFINITY
                    : post.standardized(
                            LinearQuantile.of(values.size(), (double) level / levels.get(k + 1), false, values::get));
            costs[k] = (k == acquisitionIndex - 1 ? fidelity.max() : levels.get(k + 1)) - level;
        }
        return new RungSurvivalImprovement(
                improvement,
                post.gp(),
                Arrays.copyOf(scaledLevels, acquisitionIndex),
                cutoffs,
                levels.getFirst(),
                rungSurvival.equals("per-epoch") ? costs : null);
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

    @Override
    public Optional<String> cannotExtrapolateAcrossLevels() {
        return independent
                ? Optional.of("model gp_independent has one GP per level and cannot score a level without data")
                : Optional.empty();
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
        boolean rung = fidelity.levels().contains(r);
        if (!rung && searcherData.equals("rungs")) {
            return;
        }
        lastLevel.put(trialId, r);
        if (running.containsKey(trialId)) {
            running.put(trialId, r);
        }
        double y = maximize ? -v : v;
        Integer slot = searcherData.equals("rungs_and_last") ? lastSlot.get(trialId) : null;
        if (slot != null) {
            // the trial's previous off-rung report gives way to its latest (at a rung, the slot becomes it)
            model.replace(slot, input(config, r), y);
            observationLevels.set(slot, r);
            observationTrials.set(slot, trialId);
            if (rung) {
                lastSlot.remove(trialId);
            }
        } else {
            if (!rung) {
                lastSlot.put(trialId, model.size());
            }
            model.add(input(config, r), y);
            observationLevels.add(r);
            observationTrials.add(trialId);
        }
        if (rung) {
            RankedValues atLevel = rungValues.computeIfAbsent(r, l -> new RankedValues());
            atLevel.add(y, atLevel.size());
        }
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
