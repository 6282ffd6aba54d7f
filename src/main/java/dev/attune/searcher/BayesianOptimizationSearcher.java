package dev.attune.searcher;

import dev.attune.math.Acquisition;
import dev.attune.math.ConstrainedExpectedImprovement;
import dev.attune.math.ExpectedImprovement;
import dev.attune.math.ExpectedImprovementPerCost;
import dev.attune.math.LowerConfidenceBound;
import dev.attune.math.SeededRandom;
import dev.attune.space.InvalidInputException;
import dev.attune.space.SearchSpace;
import dev.attune.trial.Mode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * GP Bayesian optimization (Syne Tune's {@code GPFIFOSearcher}, and with a constraint or cost metric its
 * {@code ConstrainedGPFIFOSearcher} and {@code CostAwareGPFIFOSearcher}): a Matern 5/2 GP with constant
 * mean, fitted by marginal likelihood, chooses the config that minimizes the acquisition.
 *
 * <p>Initial configs and then random ones come first, until {@code numInitRandom} trials exist and one
 * has a result. Running trials are pending evaluations: the GP averages the acquisition over
 * {@code numFantasySamples} joint draws of their outcomes. Failed trials are left out of the model; their
 * configs are not proposed again.
 *
 * <p>[1] Snoek, Larochelle and Adams, Practical Bayesian Optimization of Machine Learning Algorithms,
 * NeurIPS 2012.
 */
public final class BayesianOptimizationSearcher implements Searcher {
    /** What the searcher optimizes besides the objective. */
    public enum Kind {
        PLAIN,
        CONSTRAINED,
        COST_AWARE
    }

    public static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.integer(
                    "numInitRandom", 3L, 0, "trials (initial configs first, then random) before the model is used"),
            OptionSpec.integer("numInitCandidates", 250L, 1, "random configs scored before local optimization"),
            OptionSpec.integer("numFantasySamples", 20L, 1, "fantasy draws of the outcomes of running trials"),
            OptionSpec.bool("noFantasizing", false, "ignore running trials instead of fantasizing their outcomes"),
            OptionSpec.oneOf(
                    "acqFunction", "ei", List.of("ei", "lcb"), "expected improvement or lower confidence bound"),
            OptionSpec.number("kappa", 1.0, 0.0, null, "LCB's exploration weight κ in μ − κσ"),
            OptionSpec.oneOf(
                    "initialScoring",
                    "thompson_indep",
                    List.of("thompson_indep", "acq_func"),
                    "how candidates are scored before local optimization"),
            OptionSpec.bool("skipLocalOptimization", false, "take the best candidate as it is"),
            OptionSpec.oneOf(
                    "gpBaseKernel",
                    "matern52-ard",
                    List.of("matern52-ard", "matern52-noard"),
                    "one length scale per input, or one for all"),
            OptionSpec.integer(
                    "optNstarts",
                    2L,
                    1,
                    "starts of the marginal-likelihood optimization (the first is the previous fit)"),
            OptionSpec.integer("optMaxiter", 50L, 1, "L-BFGS iterations per start"),
            OptionSpec.integer(
                    "maxSizeDataForModel",
                    500L,
                    0,
                    "observations the model keeps (best fraction plus a sample); 0 keeps all"),
            OptionSpec.number(
                    "maxSizeTopFraction",
                    0.25,
                    0.0,
                    1.0,
                    "share of maxSizeDataForModel kept for the best observations"),
            OptionSpec.integer("optSkipInitLength", 150L, 0, "refit at every new observation up to this many"),
            OptionSpec.integer("optSkipPeriod", 1L, 1, "after that, refit every this many new observations"),
            OptionSpec.integer(
                    "maxSizeDataForFit",
                    300L,
                    1,
                    "observations the hyperparameter fit uses at most (Attune's; the posterior uses maxSizeDataForModel)"),
            OptionSpec.bool(
                    "inputWarping",
                    false,
                    "learn a Kumaraswamy warping of every input (two parameters each) with the kernel"),
            OptionSpec.bool(
                    "boxcoxTransform",
                    false,
                    "model Box-Cox-transformed targets, λ fitted with the kernel; for metrics to minimize with positive values"));

    /** Plain GP BO's options: {@link #OPTIONS}, automatic termination and the warm-starting transfer kernel. */
    public static final List<OptionSpec> PLAIN_OPTIONS =
            with(java.util.stream.Stream.concat(AutoTermination.OPTIONS.stream(), TransferData.OPTIONS.stream())
                    .toArray(OptionSpec[]::new));

    public static final List<OptionSpec> CONSTRAINED_OPTIONS = with(
            OptionSpec.text(
                    "constraintMetric",
                    null,
                    "reported metric c; a config is feasible when c ≤ 0 (this or constraintMetrics is required)"),
            OptionSpec.texts(
                    "constraintMetrics",
                    "reported metrics c₁…c_m, each modelled by its own GP; a config is feasible when every c ≤ 0"));

    public static final List<OptionSpec> COST_OPTIONS = with(
            OptionSpec.text("costMetric", null, "reported positive cost of a trial, e.g. its training time (required)"),
            OptionSpec.number("costExponent", 1.0, 1e-9, 1.0, "ρ in EI / cost^ρ"));

    private static List<OptionSpec> with(OptionSpec... extra) {
        List<OptionSpec> all = new ArrayList<>(OPTIONS);
        all.addAll(List.of(extra));
        return List.copyOf(all);
    }

    private final SearchSpace space;
    private final long seed;
    private final Kind kind;
    private final String metric;
    private final boolean maximize;
    /** The constraint metrics, or the cost metric; empty for PLAIN. */
    private final List<String> auxiliaryMetrics;

    private final Options options;
    private final Proposing proposing;
    private final RandomSearcher random;
    private final AcquisitionOptimizer optimizer;
    private final GpModel objective;
    /** One GP per auxiliary metric, in the same order. */
    private final List<GpModel> auxiliaries;

    private final AutoTermination termination;
    private final Map<Long, Map<String, Object>> configs = new HashMap<>();
    private final Map<Long, Map<String, Double>> lastReport = new HashMap<>();
    private final Set<Long> pending = new LinkedHashSet<>();
    private int added;

    public BayesianOptimizationSearcher(SearcherContext context, Kind kind) {
        this.space = context.space();
        this.seed = context.seed();
        this.kind = kind;
        this.metric = context.metrics().getFirst().name();
        this.maximize = context.metrics().getFirst().mode() == Mode.MAX;
        this.options = context.options();
        this.proposing = Proposing.of(options, kind == Kind.COST_AWARE);
        this.random = new RandomSearcher(context);
        this.optimizer = new AcquisitionOptimizer(
                space,
                (int) options.integer("numInitCandidates"),
                // A Thompson draw of the objective alone would ignore the constraint or the cost, and the
                // local step cannot climb out of a region where P(feasible) or 1/cost is flat: score those
                // candidates by the acquisition itself.
                kind == Kind.PLAIN && options.string("initialScoring").equalsIgnoreCase("thompson_indep"),
                options.bool("skipLocalOptimization"));
        GpModel.Settings settings = GpModel.Settings.of(options, seed, space, 0);
        TransferData transfer =
                kind == Kind.PLAIN ? TransferData.of(options, context.transfer(), space, metric, maximize, seed) : null;
        if (transfer != null && options.bool("boxcoxTransform")) {
            throw InvalidInputException.of("options.boxcoxTransform", "cannot be combined with " + TransferData.MODEL);
        }
        this.objective = new GpModel("objective", settings, boxCox(options, maximize), transfer);
        this.auxiliaryMetrics = switch (kind) {
            case PLAIN -> List.of();
            case CONSTRAINED -> constraintMetrics(options);
            case COST_AWARE -> List.of(required("costMetric"));
        };
        this.auxiliaries = auxiliaryMetrics.stream()
                .map(name -> new GpModel(name, settings))
                .toList();
        this.termination = kind == Kind.PLAIN ? AutoTermination.of(options, seed) : null;
    }

    @Override
    public Optional<AutoTermination> autoTermination() {
        return Optional.ofNullable(termination);
    }

    /** {@code constraintMetric} as a one-element list, or {@code constraintMetrics}; exactly one of them. */
    static List<String> constraintMetrics(Options options) {
        boolean single = options.has("constraintMetric");
        boolean several = options.has("constraintMetrics");
        if (single && several) {
            throw InvalidInputException.of(
                    "options.constraintMetrics", "give constraintMetric or constraintMetrics, not both");
        }
        if (!several) {
            return List.of(requiredText(options, "constraintMetric"));
        }
        List<String> names = options.texts("constraintMetrics");
        if (names.isEmpty()) {
            throw InvalidInputException.of("options.constraintMetrics", "must name at least one metric");
        }
        if (names.stream().anyMatch(String::isBlank)) {
            throw InvalidInputException.of("options.constraintMetrics", "names must not be blank");
        }
        if (new java.util.HashSet<>(names).size() < names.size()) {
            throw InvalidInputException.of("options.constraintMetrics", "names a metric twice");
        }
        return List.copyOf(names);
    }

    /** The memo key of auxiliary model {@code k}: the first keeps the key logs written before several existed use. */
    private static String auxMemoKey(int k) {
        return k == 0 ? "gpAux" : "gpAux" + k;
    }

    /**
     * The options a proposal reads, read once: the number of random configs first, fantasizing of running
     * trials, and the acquisition function's parameters.
     */
    record Proposing(
            int numInitRandom,
            boolean fantasize,
            int numFantasySamples,
            boolean lcb,
            double kappa,
            double costExponent) {
        static Proposing of(Options options, boolean costAware) {
            return new Proposing(
                    (int) options.integer("numInitRandom"),
                    !options.bool("noFantasizing"),
                    (int) options.integer("numFantasySamples"),
                    options.has("acqFunction") && options.string("acqFunction").equalsIgnoreCase("lcb"),
                    options.has("kappa") ? options.number("kappa") : Double.NaN,
                    costAware ? options.number("costExponent") : Double.NaN);
        }
    }

    /** Whether to Box–Cox-transform the objective; refused for a metric to maximize, whose negation is not positive. */
    static boolean boxCox(Options options, boolean maximize) {
        if (options.bool("boxcoxTransform") && maximize) {
            throw InvalidInputException.of(
                    "options.boxcoxTransform", "needs a metric to minimize with positive values (e.g. a loss)");
        }
        return options.bool("boxcoxTransform");
    }

    private String required(String option) {
        return requiredText(options, option);
    }

    private static String requiredText(Options options, String option) {
        if (!options.has(option) || options.string(option).isBlank()) {
            throw InvalidInputException.of("options." + option, "is required for this method");
        }
        return options.string(option);
    }

    @Override
    public Optional<Runnable> pendingWork() {
        List<Runnable> work = new ArrayList<>();
        objective.pendingFit().ifPresent(work::add);
        auxiliaries.forEach(aux -> aux.pendingFit().ifPresent(work::add));
        return work.isEmpty() ? Optional.empty() : Optional.of(() -> work.forEach(Runnable::run));
    }

    @Override
    public Optional<Proposal> propose(long trialId) {
        Optional<Proposal> fallback = random.propose(trialId);
        boolean initial = fallback.isPresent() && fallback.get().memo().get(InitialConfigs.KEY) instanceof Number;
        if (fallback.isEmpty()
                || initial
                // earlier tasks' evaluations count as observations: the warm-started model is used at once
                || (!objective.transfers() && (added < proposing.numInitRandom() || objective.size() == 0))
                || auxiliaries.stream().anyMatch(aux -> aux.size() == 0)
                || space.encodedSize() == 0) {
            return fallback;
        }
        List<double[]> running = new ArrayList<>();
        if (proposing.fantasize()) {
            pending.forEach(id -> running.add(space.encode(configs.get(id))));
        }
        int fantasies = proposing.numFantasySamples();
        GpModel.Posterior post = objective.posterior(running, fantasies, SeededRandom.of(seed, "bo-fantasy", trialId));
        Acquisition acquisition = acquisition(post, trialId);
        List<Map<String, Object>> restricted = random.unusedRestricted();
        SplittableRandom candidates = SeededRandom.of(seed, "bo-candidates", trialId);
        Optional<Map<String, Object>> config = restricted == null
                ? optimizer.optimize(acquisition, post.gp()::predict, candidates, random::excludes)
                : optimizer.bestOf(acquisition, restricted, candidates);
        if (config.isEmpty()) {
            return fallback;
        }
        Map<String, Object> memo = new LinkedHashMap<>();
        memo.put("gp", objective.memo());
        for (int k = 0; k < auxiliaries.size(); k++) {
            memo.put(auxMemoKey(k), auxiliaries.get(k).memo());
        }
        return Optional.of(new Proposal(config.get(), memo));
    }

    private Acquisition acquisition(GpModel.Posterior post, long trialId) {
        if (kind == Kind.PLAIN && proposing.lcb()) {
            return new LowerConfidenceBound(post.gp(), proposing.kappa());
        }
        return switch (kind) {
            case PLAIN -> new ExpectedImprovement(post.gp(), post.incumbents());
            case CONSTRAINED -> {
                List<ConstrainedExpectedImprovement.Constraint> constraints = new ArrayList<>();
                for (int k = 0; k < auxiliaries.size(); k++) {
                    GpModel.Posterior c = auxiliaries
                            .get(k)
                            .posterior(List.of(), 0, SeededRandom.of(seed, k == 0 ? "bo-aux" : "bo-aux" + k, trialId));
                    constraints.add(new ConstrainedExpectedImprovement.Constraint(c.gp(), c.standardized(0)));
                }
                yield new ConstrainedExpectedImprovement(post.gp(), feasibleIncumbents(post), constraints);
            }
            case COST_AWARE -> {
                GpModel.Posterior c =
                        auxiliaries.getFirst().posterior(List.of(), 0, SeededRandom.of(seed, "bo-aux", trialId));
                yield new ExpectedImprovementPerCost(
                        post.gp(), post.incumbents(), c.gp(), c.mean(), c.scale(), proposing.costExponent());
            }
        };
    }

    /**
     * The lowest posterior mean over observed configs whose every constraint value was ≤ 0, or null if none
     * (every constraint model holds the same observations in the same order: they are added together).
     */
    private double[] feasibleIncumbents(GpModel.Posterior post) {
        double[] best = null;
        List<double[]> xs = auxiliaries.getFirst().inputs();
        for (int i = 0; i < xs.size(); i++) {
            int row = i;
            if (auxiliaries.stream().anyMatch(aux -> aux.targets().get(row) > 0)) {
                continue;
            }
            double[] means = post.gp().means(xs.get(i));
            if (best == null) {
                best = means.clone();
            } else {
                for (int s = 0; s < best.length; s++) {
                    best[s] = Math.min(best[s], means[s]);
                }
            }
        }
        return best;
    }

    @Override
    public void onTrialAdded(long trialId, Map<String, Object> config, Map<String, Object> memo) {
        random.onTrialAdded(trialId, config, memo);
        configs.put(trialId, config);
        pending.add(trialId);
        added++;
        objective.restore(memo.get("gp"));
        for (int k = 0; k < auxiliaries.size(); k++) {
            auxiliaries.get(k).restore(memo.get(auxMemoKey(k)));
        }
    }

    @Override
    public void onReport(long trialId, Map<String, Double> metrics) {
        lastReport.computeIfAbsent(trialId, k -> new HashMap<>()).putAll(metrics);
    }

    @Override
    public void onComplete(long trialId, Map<String, Double> metrics) {
        pending.remove(trialId);
        Map<String, Double> all = new HashMap<>(lastReport.getOrDefault(trialId, Map.of()));
        all.putAll(metrics);
        lastReport.remove(trialId);
        Double v = all.get(metric);
        Map<String, Object> config = configs.get(trialId);
        if (v == null || config == null) {
            return;
        }
        double[] x = space.encode(config);
        double[] aux = new double[auxiliaryMetrics.size()];
        for (int k = 0; k < aux.length; k++) {
            Double a = all.get(auxiliaryMetrics.get(k));
            if (a == null || (kind == Kind.COST_AWARE && !(a > 0))) {
                return; // without every constraint value, or its cost, the observation cannot be used
            }
            aux[k] = kind == Kind.COST_AWARE ? Math.log(a) : a;
        }
        for (int k = 0; k < aux.length; k++) {
            auxiliaries.get(k).add(x, aux[k]);
        }
        objective.add(x, maximize ? -v : v);
        if (termination != null) {
            termination.observe(objective, space);
        }
    }

    @Override
    public void onFailure(long trialId) {
        pending.remove(trialId);
        lastReport.remove(trialId);
    }

    @Override
    public void onRemove(long trialId) {
        onFailure(trialId);
    }

    /** A trial paused by an operator runs again: a pending evaluation once more. */
    @Override
    public void onResumed(long trialId) {
        if (configs.containsKey(trialId)) {
            pending.add(trialId);
        }
    }
}
