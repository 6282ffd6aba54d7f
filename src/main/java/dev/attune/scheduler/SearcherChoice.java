package dev.attune.scheduler;

import dev.attune.searcher.BayesianOptimizationSearcher;
import dev.attune.searcher.BayesianOptimizationSearcher.Kind;
import dev.attune.searcher.BoreSearcher;
import dev.attune.searcher.ConformalQuantileSearcher;
import dev.attune.searcher.GpMultiFidelitySearcher;
import dev.attune.searcher.GridSearcher;
import dev.attune.searcher.KernelDensitySearcher;
import dev.attune.searcher.OptionSpec;
import dev.attune.searcher.OptionType;
import dev.attune.searcher.Options;
import dev.attune.searcher.RandomSearcher;
import dev.attune.searcher.RegularizedEvolutionSearcher;
import dev.attune.searcher.Searcher;
import dev.attune.searcher.SearcherContext;
import dev.attune.space.FieldError;
import dev.attune.space.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code searcher} and {@code searchOptions} options of a scheduler (Syne Tune's
 * {@code FIFOScheduler(searcher=…, search_options=…)} and {@code HyperbandScheduler(searcher=…)}): the
 * searcher named by a string, built for the scheduler it serves. Under a multi-fidelity scheduler,
 * {@code bayesopt} is the GP over config and resource (MOBSTER's searcher) and {@code kde} fits at the
 * highest rung with enough results (BOHB's), as Syne Tune's {@code searcher_factory} chooses; {@code bore}
 * fits its classifier at the highest rung with at least 1/γ results (ASHABORE's) and {@code cqr} on each
 * trial's last reported value (ASHACQR's).
 */
public enum SearcherChoice {
    RANDOM("random", List.of(), RandomSearcher::new, RandomSearcher::new),
    GRID("grid", GridSearcher.OPTIONS, GridSearcher::new, GridSearcher::new),
    BAYESOPT(
            "bayesopt",
            BayesianOptimizationSearcher.OPTIONS,
            c -> new BayesianOptimizationSearcher(c, Kind.PLAIN),
            GpMultiFidelitySearcher.MOBSTER_OPTIONS,
            GpMultiFidelitySearcher::new),
    KDE("kde", KernelDensitySearcher.OPTIONS, KernelDensitySearcher::new, KernelDensitySearcher::new),
    BORE("bore", BoreSearcher.OPTIONS, BoreSearcher::new, BoreSearcher::new),
    CQR("cqr", ConformalQuantileSearcher.OPTIONS, ConformalQuantileSearcher::new, ConformalQuantileSearcher::new),
    REA(
            "rea",
            RegularizedEvolutionSearcher.OPTIONS,
            RegularizedEvolutionSearcher::new,
            RegularizedEvolutionSearcher::new),
    BAYESOPT_CONSTRAINED(
            "bayesopt_constrained",
            BayesianOptimizationSearcher.CONSTRAINED_OPTIONS,
            c -> new BayesianOptimizationSearcher(c, Kind.CONSTRAINED),
            null),
    BAYESOPT_COST(
            "bayesopt_cost",
            BayesianOptimizationSearcher.COST_OPTIONS,
            c -> new BayesianOptimizationSearcher(c, Kind.COST_AWARE),
            null);

    /** Searchers Syne Tune has and Attune does not yet: named, so that asking for them gets a clear answer. */
    static final List<String> NOT_YET = List.of();

    public final String optionName;
    /** The searcher's options under a FIFO-type scheduler. */
    public final List<OptionSpec> options;
    /** Its options under a multi-fidelity one: bayesopt's add MOBSTER's model options there. */
    public final List<OptionSpec> multiFidelityOptions;

    private final Function<SearcherContext, Searcher> singleFidelity;
    private final Function<SearcherContext, Searcher> multiFidelity;

    SearcherChoice(
            String optionName,
            List<OptionSpec> options,
            Function<SearcherContext, Searcher> singleFidelity,
            Function<SearcherContext, Searcher> multiFidelity) {
        this(optionName, options, singleFidelity, options, multiFidelity);
    }

    SearcherChoice(
            String optionName,
            List<OptionSpec> options,
            Function<SearcherContext, Searcher> singleFidelity,
            List<OptionSpec> multiFidelityOptions,
            Function<SearcherContext, Searcher> multiFidelity) {
        this.optionName = optionName;
        this.options = options;
        this.singleFidelity = singleFidelity;
        this.multiFidelityOptions = multiFidelityOptions;
        this.multiFidelity = multiFidelity;
    }

    /** The two options a scheduler gains; {@code searcher} defaults to random, as in Syne Tune. */
    public static List<OptionSpec> schedulerOptions() {
        List<String> names = new ArrayList<>();
        for (SearcherChoice c : values()) {
            names.add(c.optionName);
        }
        names.addAll(NOT_YET);
        return List.of(
                OptionSpec.oneOf(
                        "searcher", "random", names, "the searcher that proposes new configs (Syne Tune's strings)"),
                new OptionSpec(
                        "searchOptions",
                        OptionType.OBJECT,
                        null,
                        null,
                        null,
                        List.of(),
                        "options of the searcher, as the method of the same searcher takes them (e.g. numInitRandom for bayesopt)"));
    }

    /** The named method's options plus {@code searcher} and {@code searchOptions}. */
    public static List<OptionSpec> withSchedulerOptions(List<OptionSpec> scheduler) {
        List<OptionSpec> all = new ArrayList<>(scheduler);
        all.addAll(schedulerOptions());
        return List.copyOf(all);
    }

    /** The searcher a FIFO-type scheduler asks for new configs. */
    public static Searcher forFifo(MethodContext c) {
        SearcherChoice choice = of(c.options());
        return searchOptionErrors(() -> choice.singleFidelity.apply(choice.context(c, null)));
    }

    /**
     * The searcher a multi-fidelity scheduler asks for new configs; it sees the scheduler's rung levels.
     * Searchers Syne Tune offers for FIFO schedulers only are refused.
     */
    public static Searcher forMultiFidelity(MethodContext c) {
        SearcherChoice choice = of(c.options());
        if (choice.multiFidelity == null) {
            throw InvalidInputException.of(
                    "options.searcher",
                    choice.optionName + " works with FIFO-type methods only (as in Syne Tune)"
                            + (choice == BAYESOPT_COST ? "; a multi-fidelity cost-aware GP is not available yet" : ""));
        }
        SearcherContext.Fidelity fidelity = c.multiFidelitySearcherContext().fidelity();
        return searchOptionErrors(() -> choice.multiFidelity.apply(choice.context(c, fidelity)));
    }

    static SearcherChoice of(Options o) {
        String name = o.has("searcher") ? o.string("searcher") : RANDOM.optionName;
        if (NOT_YET.contains(name)) {
            throw InvalidInputException.of(
                    "options.searcher", name + " is not available yet; available: " + available());
        }
        for (SearcherChoice c : values()) {
            if (c.optionName.equals(name)) {
                return c;
            }
        }
        throw InvalidInputException.of("options.searcher", "unknown searcher " + name + "; available: " + available());
    }

    private static List<String> available() {
        return java.util.Arrays.stream(values()).map(c -> c.optionName).toList();
    }

    /** The searcher's context: the study's, with {@code searchOptions} checked against this searcher's options. */
    private SearcherContext context(MethodContext c, SearcherContext.Fidelity fidelity) {
        Options searchOptions =
                Options.parse(c.options().object("searchOptions"), fidelity == null ? options : multiFidelityOptions);
        return new SearcherContext(
                c.space(),
                c.metrics(),
                c.seed(),
                c.initialConfigs(),
                c.allowDuplicates(),
                searchOptions,
                fidelity,
                c.restrictConfigurations(),
                c.transfer());
    }

    /**
     * Builds the searcher, naming the searcher's errors (its own {@code options.x}, from checking or from
     * its constructor) as {@code options.searchOptions.x}, where the client wrote them.
     */
    private static Searcher searchOptionErrors(java.util.function.Supplier<Searcher> build) {
        try {
            return build.get();
        } catch (InvalidInputException e) {
            throw new InvalidInputException(e.errors().stream()
                    .map(f -> new FieldError(
                            f.field().replaceFirst("^options\\.", "options.searchOptions."), f.message()))
                    .toList());
        }
    }
}
