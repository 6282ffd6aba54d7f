package dev.attune.scheduler;

import dev.attune.searcher.BayesianOptimizationSearcher;
import dev.attune.searcher.BayesianOptimizationSearcher.Kind;
import dev.attune.searcher.BoreSearcher;
import dev.attune.searcher.ConformalQuantileSearcher;
import dev.attune.searcher.GpMultiFidelitySearcher;
import dev.attune.searcher.GridSearcher;
import dev.attune.searcher.KernelDensitySearcher;
import dev.attune.searcher.MultiObjectiveBayesOptSearcher;
import dev.attune.searcher.Nsga2Searcher;
import dev.attune.searcher.OptionSpec;
import dev.attune.searcher.QuantileBasedSurrogateSearcher;
import dev.attune.searcher.RandomSearcher;
import dev.attune.searcher.RegularizedEvolutionSearcher;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The one place that maps method names to how they are built; adding a method is one line here.
 *
 * <p>Names are matched case-insensitively, as the API promises.
 */
public final class MethodRegistry {
    private final Map<String, MethodSpec> byName = new LinkedHashMap<>();

    public MethodRegistry(List<MethodSpec> methods) {
        methods.forEach(m -> byName.put(m.name().toLowerCase(Locale.ROOT), m));
    }

    /** Every method this build supports. */
    public static MethodRegistry standard() {
        List<MethodSpec> methods = new java.util.ArrayList<>(singleAndMultiFidelity());
        methods.addAll(transfer(methods.stream()
                .filter(m -> !m.multiObjective())
                .map(m -> m.name().toLowerCase(Locale.ROOT))
                .toList()));
        methods.addAll(multiObjective(methods.stream()
                .filter(m -> !m.multiObjective())
                .map(m -> m.name().toLowerCase(Locale.ROOT))
                .toList()));
        return new MethodRegistry(methods);
    }

    /** Transfer-learning methods (they need {@code transferEvaluations}); {@code baseMethods} are what BoundingBox may wrap. */
    private static List<MethodSpec> transfer(List<String> baseMethods) {
        return List.of(
                new MethodSpec(
                        "ZeroShotTransfer",
                        "Zero-shot transfer: earlier tasks' configs, picked greedily to minimize the mean over tasks of the best rank reached; then random search.",
                        false,
                        false,
                        dev.attune.searcher.ZeroShotSearcher.OPTIONS,
                        c -> new FifoScheduler(new dev.attune.searcher.ZeroShotSearcher(c.searcherContext()))),
                new MethodSpec(
                        "BoundingBox",
                        "Any method (baseMethod) on the space shrunk to the bounding box of the earlier tasks' best configs.",
                        false,
                        false,
                        BoundingBoxScheduler.options(baseMethods),
                        c -> BoundingBoxScheduler.of(c, standard())));
    }

    /** The multi-objective methods besides MOASHA; {@code singleObjective} are the base methods a scalarization may wrap. */
    private static List<MethodSpec> multiObjective(List<String> singleObjective) {
        return List.of(
                new MethodSpec(
                        "NSGA2",
                        "NSGA-II: generations bred by tournament, SBX crossover and polynomial mutation; parents and children compete by non-dominated rank and crowding distance (constraint metrics by constrained domination).",
                        false,
                        true,
                        Nsga2Searcher.OPTIONS,
                        c -> new FifoScheduler(new Nsga2Searcher(c.searcherContext()))),
                new MethodSpec(
                        "MORandomScalarizationBayesOpt",
                        "One GP per metric; each config maximizes a random scalarization (linear or Chebyshev) of the metrics' rank-normalized lower confidence bounds.",
                        false,
                        true,
                        MultiObjectiveBayesOptSearcher.OPTIONS,
                        c -> new FifoScheduler(new MultiObjectiveBayesOptSearcher(c.searcherContext()))),
                new MethodSpec(
                        "MOLinearScalarizationBayesOpt",
                        "GP Bayesian optimization of a fixed weighted sum of the metrics.",
                        false,
                        true,
                        concat(List.of(LinearScalarizedScheduler.WEIGHTS), BayesianOptimizationSearcher.OPTIONS),
                        c -> new LinearScalarizedScheduler(
                                c, standard().find("BayesianOptimization").orElseThrow(), c.options())),
                new MethodSpec(
                        "MOREA",
                        "Multi-objective regularized evolution: mutate the best, by non-dominated sort, of a random sample of the latest results.",
                        false,
                        true,
                        RegularizedEvolutionSearcher.OPTIONS,
                        c -> new FifoScheduler(new RegularizedEvolutionSearcher(c.searcherContext(), true))),
                new MethodSpec(
                        "LinearScalarizedScheduler",
                        "Any single-objective method (baseMethod) on a fixed weighted sum of the metrics.",
                        false,
                        true,
                        LinearScalarizedScheduler.options(singleObjective),
                        c -> new LinearScalarizedScheduler(c, standard())));
    }

    /** The methods for one metric, and MOASHA. */
    private static List<MethodSpec> singleAndMultiFidelity() {
        return List.of(
                new MethodSpec(
                        "RandomSearch",
                        "Configs drawn uniformly at random; every trial runs to its end.",
                        false,
                        false,
                        List.of(),
                        c -> new FifoScheduler(new RandomSearcher(c.searcherContext()))),
                new MethodSpec(
                        "FIFO",
                        "Every trial runs to its end; the searcher option names what proposes configs (random, grid, bayesopt, kde, bore, cqr, rea, bayesopt_constrained, bayesopt_cost).",
                        false,
                        false,
                        SearcherChoice.schedulerOptions(),
                        c -> new FifoScheduler(SearcherChoice.forFifo(c))),
                new MethodSpec(
                        "GridSearch",
                        "The Cartesian product of per-parameter grids; every trial runs to its end.",
                        false,
                        false,
                        GridSearcher.OPTIONS,
                        c -> new FifoScheduler(new GridSearcher(c.searcherContext()))),
                new MethodSpec(
                        "REA",
                        "Regularized evolution: mutate the best of a random sample of the latest results.",
                        false,
                        false,
                        RegularizedEvolutionSearcher.OPTIONS,
                        c -> new FifoScheduler(new RegularizedEvolutionSearcher(c.searcherContext()))),
                new MethodSpec(
                        "BayesianOptimization",
                        "GP Bayesian optimization: a Matern 5/2 GP fitted by marginal likelihood picks the config with the best expected improvement.",
                        false,
                        false,
                        BayesianOptimizationSearcher.PLAIN_OPTIONS,
                        c -> new FifoScheduler(new BayesianOptimizationSearcher(c.searcherContext(), Kind.PLAIN))),
                new MethodSpec(
                        "ConstrainedBayesianOptimization",
                        "GP Bayesian optimization under constraint metrics c ≤ 0 (one GP each): expected improvement over the best feasible result times P(all feasible).",
                        false,
                        false,
                        BayesianOptimizationSearcher.CONSTRAINED_OPTIONS,
                        c -> new FifoScheduler(
                                new BayesianOptimizationSearcher(c.searcherContext(), Kind.CONSTRAINED))),
                new MethodSpec(
                        "CostAwareBayesianOptimization",
                        "GP Bayesian optimization that maximizes expected improvement per unit of a cost metric (e.g. training time).",
                        false,
                        false,
                        BayesianOptimizationSearcher.COST_OPTIONS,
                        c -> new FifoScheduler(new BayesianOptimizationSearcher(c.searcherContext(), Kind.COST_AWARE))),
                new MethodSpec(
                        "KDE",
                        "Tree-Parzen search as in BOHB: configs drawn around the best results, scored by the density ratio of good to bad.",
                        false,
                        false,
                        KernelDensitySearcher.OPTIONS,
                        c -> new FifoScheduler(new KernelDensitySearcher(c.searcherContext()))),
                new MethodSpec(
                        "BORE",
                        "Density-ratio estimation: a classifier (gradient-boosted trees by default) learns which configs land in the best quarter; the next config is the likeliest of 500 random ones.",
                        false,
                        false,
                        BoreSearcher.OPTIONS,
                        c -> new FifoScheduler(new BoreSearcher(c.searcherContext()))),
                new MethodSpec(
                        "CQR",
                        "Conformalized quantile regression: gradient-boosted quantile models, widened on held-out results to their nominal coverage; the next config is the lowest random quantile draw among 2000 random ones.",
                        false,
                        false,
                        ConformalQuantileSearcher.OPTIONS,
                        c -> new FifoScheduler(new ConformalQuantileSearcher(c.searcherContext()))),
                new MethodSpec(
                        "ASHA",
                        "Asynchronous successive halving: stops (or pauses) trials below a rung's quantile; new configs from the searcher option (random by default).",
                        true,
                        false,
                        SearcherChoice.withSchedulerOptions(HyperbandScheduler.options("stopping", 1)),
                        c -> new HyperbandScheduler(c, SearcherChoice.forMultiFidelity(c))),
                new MethodSpec(
                        "MOASHA",
                        "Multi-objective ASHA: at each rung, trials outside the best 1/η of a non-dominated sort of all metrics stop.",
                        true,
                        true,
                        MoashaScheduler.options(),
                        c -> new MoashaScheduler(c, new RandomSearcher(c.searcherContext()))),
                new MethodSpec(
                        "Hyperband",
                        "Asynchronous Hyperband: ASHA with several brackets, each starting at a higher rung.",
                        true,
                        false,
                        SearcherChoice.withSchedulerOptions(HyperbandScheduler.options("stopping", 99)),
                        c -> new HyperbandScheduler(c, SearcherChoice.forMultiFidelity(c))),
                new MethodSpec(
                        "PASHA",
                        "Promotion-type ASHA whose maximum resource grows only while the ranking of the top rungs changes.",
                        true,
                        false,
                        HyperbandScheduler.options("pasha", 1),
                        c -> new HyperbandScheduler(c, new RandomSearcher(c.searcherContext()))),
                new MethodSpec(
                        "DyHPO",
                        "Promotion-type Hyperband on linear rungs where a GP over config and resource decides each time whether to resume a paused trial for one more rung or start a new config (expected improvement at the level it would reach).",
                        true,
                        false,
                        DyHpoMethod.options(),
                        DyHpoMethod::create),
                new MethodSpec(
                        "RUSH",
                        "ASHA that first runs the best configs of earlier tasks (transferEvaluations) and stops or holds back trials worse than the best of them at a rung.",
                        true,
                        false,
                        RushMethod.options(),
                        RushMethod::create),
                new MethodSpec(
                        "BOHB",
                        "Asynchronous BOHB: ASHA whose new configs come from KDE fitted at the highest rung with enough results.",
                        true,
                        false,
                        concat(HyperbandScheduler.options("stopping", 1), KernelDensitySearcher.OPTIONS),
                        c -> new HyperbandScheduler(c, new KernelDensitySearcher(c.multiFidelitySearcherContext()))),
                new MethodSpec(
                        "ASHABORE",
                        "ASHA whose new configs come from BORE's classifier fitted at the highest rung with at least 1/gamma results.",
                        true,
                        false,
                        concat(HyperbandScheduler.options("stopping", 1), BoreSearcher.OPTIONS),
                        c -> new HyperbandScheduler(c, new BoreSearcher(c.multiFidelitySearcherContext()))),
                new MethodSpec(
                        "ASHACQR",
                        "ASHA whose new configs come from conformalized quantile regression on each trial's last reported value.",
                        true,
                        false,
                        concat(HyperbandScheduler.options("stopping", 1), ConformalQuantileSearcher.OPTIONS),
                        c -> new HyperbandScheduler(
                                c, new ConformalQuantileSearcher(c.multiFidelitySearcherContext()))),
                new MethodSpec(
                        "MOBSTER",
                        "ASHA whose new configs come from a GP over config and resource (expected improvement at the highest well-filled rung).",
                        true,
                        false,
                        concat(HyperbandScheduler.options("stopping", 1), GpMultiFidelitySearcher.MOBSTER_OPTIONS),
                        c -> new HyperbandScheduler(c, new GpMultiFidelitySearcher(c.multiFidelitySearcherContext()))),
                new MethodSpec(
                        "HyperTune",
                        "ASHA whose new configs maximize EI under an ensemble of the GP's levels, weighted by how well each level ranks the results at the highest well-filled one.",
                        true,
                        false,
                        concat(HyperbandScheduler.options("stopping", 1), GpMultiFidelitySearcher.HYPERTUNE_OPTIONS),
                        c -> new HyperbandScheduler(
                                c, new GpMultiFidelitySearcher(c.multiFidelitySearcherContext(), true))),
                new MethodSpec(
                        "MedianStoppingRule",
                        "Stops a trial whose value ranks below the median of its resource level; a base method does the rest.",
                        true,
                        false,
                        SearcherChoice.withSchedulerOptions(MedianStoppingScheduler.options(
                                List.of("randomsearch", "gridsearch", "asha", "hyperband", "pasha", "fifo"))),
                        c -> new MedianStoppingScheduler(c, standard())),
                new MethodSpec(
                        "SyncHyperband",
                        "Synchronous Hyperband over random configs: a rung's best trials resume once the rung is full.",
                        true,
                        false,
                        SyncHyperbandScheduler.options(),
                        c -> new SyncHyperbandScheduler(c, new RandomSearcher(c.searcherContext()))),
                new MethodSpec(
                        "SyncBOHB",
                        "Synchronous Hyperband whose new configs come from KDE fitted at the highest rung with enough results.",
                        true,
                        false,
                        concat(SyncHyperbandScheduler.options(), KernelDensitySearcher.OPTIONS),
                        c -> new SyncHyperbandScheduler(
                                c, new KernelDensitySearcher(c.multiFidelitySearcherContext()))),
                new MethodSpec(
                        "SyncMOBSTER",
                        "Synchronous Hyperband whose new configs come from a GP over config and resource.",
                        true,
                        false,
                        concat(SyncHyperbandScheduler.options(), GpMultiFidelitySearcher.SYNC_MOBSTER_OPTIONS),
                        c -> new SyncHyperbandScheduler(
                                c, new GpMultiFidelitySearcher(c.multiFidelitySearcherContext()))),
                new MethodSpec(
                        "DEHB",
                        "Differential-evolution Hyperband: synchronous brackets whose later configs are evolved from the best of the rung below.",
                        true,
                        false,
                        SyncHyperbandScheduler.dehbOptions(),
                        c -> new SyncHyperbandScheduler(c, new RandomSearcher(c.searcherContext()), true)),
                new MethodSpec(
                        "PBT",
                        "Population-based training: bottom trials are replaced by perturbed copies of top trials, from their checkpoints.",
                        true,
                        false,
                        PbtScheduler.options(),
                        c -> new PbtScheduler(c, new RandomSearcher(c.searcherContext()))),
                new MethodSpec(
                        "QuantileBasedSurrogateSearcher",
                        "Copula Thompson sampling (CTS): gradient-boosted trees learn earlier tasks' metric quantiles (Gaussian copula) from transferEvaluations; each config is the best Thompson sample among random candidates.",
                        false,
                        false,
                        QuantileBasedSurrogateSearcher.OPTIONS,
                        c -> new FifoScheduler(new QuantileBasedSurrogateSearcher(c.searcherContext()))),
                new MethodSpec(
                        "ASHACTS",
                        "ASHA whose new configs come from copula Thompson sampling on earlier tasks' evaluations (transferEvaluations).",
                        true,
                        false,
                        concat(HyperbandScheduler.options("stopping", 1), QuantileBasedSurrogateSearcher.OPTIONS),
                        c -> new HyperbandScheduler(
                                c, new QuantileBasedSurrogateSearcher(c.multiFidelitySearcherContext()))));
    }

    private static List<OptionSpec> concat(List<OptionSpec> scheduler, List<OptionSpec> searcher) {
        List<OptionSpec> all = new java.util.ArrayList<>(scheduler);
        all.addAll(searcher);
        return List.copyOf(all);
    }

    public Optional<MethodSpec> find(String name) {
        return Optional.ofNullable(byName.get(name.toLowerCase(Locale.ROOT)));
    }

    public Collection<MethodSpec> all() {
        return byName.values();
    }
}
