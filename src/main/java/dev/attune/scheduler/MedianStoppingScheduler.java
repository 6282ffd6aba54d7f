package dev.attune.scheduler;

import dev.attune.math.RankedValues;
import dev.attune.searcher.OptionSpec;
import dev.attune.searcher.OptionType;
import dev.attune.searcher.Options;
import dev.attune.space.InvalidInputException;
import dev.attune.trial.Mode;
import dev.attune.trial.Verdict;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The median stopping rule over any base method (Syne Tune's {@code MedianStoppingRule}): a trial whose
 * value (or running average) at a resource level ranks below {@code rankCutoff} of all values seen at
 * that level is stopped; otherwise the base method decides.
 *
 * <p>[1] Golovin et al., Google Vizier: A Service for Black-Box Optimization, KDD 2017.
 *
 * <p>Implementation note: the values per level sit in an order-statistic tree, so a decision is
 * O(log n) where Syne Tune's {@code np.insert} is O(n). As in Syne Tune, a stopped trial's report is not
 * passed to the base method.
 */
public final class MedianStoppingScheduler extends DelegatingScheduler {
    public static List<OptionSpec> options(List<String> baseMethods) {
        return List.of(
                OptionSpec.number("graceTime", 1.0, 0.0, null, "no stopping below this resource level"),
                OptionSpec.integer("gracePopulation", 5L, 1, "no stopping at a level with fewer values than this"),
                OptionSpec.number("rankCutoff", 0.5, 0.0, 1.0, "stop a trial ranking below this fraction of its level"),
                OptionSpec.bool("runningAverage", true, "rank the mean of the trial's values so far"),
                OptionSpec.oneOf(
                        "baseMethod",
                        "randomsearch",
                        baseMethods,
                        "the method that suggests configs and decides otherwise"),
                new OptionSpec(
                        "baseOptions", OptionType.OBJECT, null, null, null, List.of(), "options of the base method"));
    }

    private final String attr;
    private final String metric;
    private final boolean maximize;
    private final double graceTime;
    private final long gracePopulation;
    private final double rankCutoff;
    private final boolean runningAverage;
    private final Map<Double, RankedValues> byLevel = new HashMap<>();
    private final Map<Long, double[]> sums = new HashMap<>();
    private long ties;

    public MedianStoppingScheduler(MethodContext context, MethodRegistry registry) {
        super(baseMethod(context, registry));
        Options o = context.options();
        this.attr = context.resource().attr();
        this.metric = context.metric().name();
        this.maximize = context.metric().mode() == Mode.MAX;
        this.graceTime = o.number("graceTime");
        this.gracePopulation = o.integer("gracePopulation");
        this.rankCutoff = o.number("rankCutoff");
        this.runningAverage = o.bool("runningAverage");
    }

    /**
     * The method under the rule: {@code baseMethod} with {@code baseOptions}, or with a {@code searcher} and
     * no base method FIFO, as Syne Tune's {@code MedianStoppingRule(FIFOScheduler(searcher=…))}.
     */
    private static Scheduler baseMethod(MethodContext context, MethodRegistry registry) {
        Options o = context.options();
        boolean searcherHere = o.given("searcher") || o.given("searchOptions");
        String baseName = searcherHere && !o.given("baseMethod") ? "fifo" : o.string("baseMethod");
        MethodSpec baseSpec = registry.find(baseName).orElseThrow();
        Map<String, Object> givenBase = new HashMap<>(o.object("baseOptions"));
        if (searcherHere) {
            givenBase.putAll(searcherOptions(o, baseSpec));
        }
        Options baseOptions = rewritingErrors(searcherHere, () -> Options.parse(givenBase, baseSpec.options()));
        return rewritingErrors(searcherHere, () -> BaseMethod.build(context, baseSpec, baseOptions, context.metrics()));
    }

    /** This rule's {@code searcher} and {@code searchOptions}, handed to a base method that takes a searcher. */
    private static Map<String, Object> searcherOptions(Options o, MethodSpec baseSpec) {
        if (baseSpec.options().stream().noneMatch(s -> s.name().equals("searcher"))) {
            throw InvalidInputException.of(
                    "options.searcher",
                    "the base method " + baseSpec.name() + " takes no searcher; use fifo, asha or hyperband");
        }
        Map<String, Object> given = o.object("baseOptions");
        if (given.containsKey("searcher") || given.containsKey("searchOptions")) {
            throw InvalidInputException.of("options.searcher", "is given both here and in baseOptions; give it once");
        }
        Map<String, Object> searcher = new HashMap<>();
        searcher.put("searcher", o.raw("searcher"));
        if (o.given("searchOptions")) {
            searcher.put("searchOptions", o.object("searchOptions"));
        }
        return searcher;
    }

    /**
     * Runs a step of building the base method, naming its errors as the client wrote them: fields of the
     * base method under {@code options.baseOptions}, except this rule's own searcher options.
     */
    private static <T> T rewritingErrors(boolean searcherHere, java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (InvalidInputException e) {
            throw new InvalidInputException(e.errors().stream()
                    .map(f -> searcherHere
                                    && (f.field().equals("options.searcher")
                                            || f.field().startsWith("options.searchOptions"))
                            ? f
                            : new dev.attune.space.FieldError(
                                    f.field().replace("options.", "options.baseOptions."), f.message()))
                    .toList());
        }
    }

    @Override
    public Verdict onReport(long trialId, Map<String, Double> metrics) {
        Double raw = metrics.get(metric);
        Double level = metrics.get(attr);
        if (raw == null || level == null) {
            return base.onReport(trialId, metrics);
        }
        double value = maximize ? -raw : raw;
        if (runningAverage) {
            double[] s = sums.computeIfAbsent(trialId, k -> new double[2]);
            s[0] += value;
            s[1]++;
            value = s[0] / s[1];
        }
        RankedValues values = byLevel.computeIfAbsent(level, k -> new RankedValues());
        int index = values.countBelow(value);
        values.add(value, ties++);
        double rank = index / (double) values.size();
        if (values.size() < gracePopulation || level < graceTime || rank <= rankCutoff) {
            return base.onReport(trialId, metrics);
        }
        return Verdict.stop(String.format(
                Locale.ROOT,
                "median stopping at level %s: rank %.0f%% of %d, cutoff %.0f%%",
                level.longValue() == level ? Long.toString(level.longValue()) : level.toString(),
                rank * 100,
                values.size(),
                rankCutoff * 100));
    }
}
