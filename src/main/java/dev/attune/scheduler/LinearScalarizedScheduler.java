package dev.attune.scheduler;

import dev.attune.searcher.OptionSpec;
import dev.attune.searcher.OptionType;
import dev.attune.space.InvalidInputException;
import dev.attune.trial.Metric;
import dev.attune.trial.Mode;
import dev.attune.trial.Verdict;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Any single-objective method on a fixed linear scalarization of the study's metrics (Syne Tune's
 * {@code LinearScalarizedScheduler}): the base method sees one more metric,
 * {@code scalarized_<m1>_…_<mN>} = Σ wₖ·mₖ, minimized, added to every report that carries all the
 * metrics; everything else is the base method's.
 *
 * <p>Implementation note: Syne Tune requires all metrics to share one mode and sums them as they are;
 * Attune negates the metrics to maximize first, so mixed modes work and the sum is always minimized.
 * Syne Tune replaces a name over 64 characters by a random one; Attune keeps it.
 */
public final class LinearScalarizedScheduler extends DelegatingScheduler {
    static final OptionSpec WEIGHTS = OptionSpec.numbers(
            "scalarizationWeights", 0.0, "one weight ≥ 0 per metric, in the study's order; default all 1");

    static List<OptionSpec> options(List<String> baseMethods) {
        return List.of(
                WEIGHTS,
                OptionSpec.oneOf(
                        "baseMethod",
                        "randomsearch",
                        baseMethods,
                        "the single-objective method that optimizes the scalarized metric"),
                new OptionSpec(
                        "baseOptions", OptionType.OBJECT, null, null, null, List.of(), "options of the base method"));
    }

    private final List<Metric> metrics;
    private final double[] weights;
    private final String scalarized;

    /** The scheduler whose base method is named by the {@code baseMethod} option. */
    LinearScalarizedScheduler(MethodContext context, MethodRegistry registry) {
        this(context, registry.find(context.options().string("baseMethod")).orElseThrow(), null);
    }

    /**
     * The scheduler over {@code baseSpec}; its options are {@code baseOptions}, or when null the
     * {@code baseOptions} option's.
     */
    LinearScalarizedScheduler(MethodContext context, MethodSpec baseSpec, dev.attune.searcher.Options baseOptions) {
        super(baseMethod(context, baseSpec, baseOptions));
        this.metrics = context.metrics();
        this.weights = weights(context);
        this.scalarized = name(metrics);
    }

    /** The base method, optimizing the scalarized metric; the weights are checked first. */
    private static Scheduler baseMethod(
            MethodContext context, MethodSpec baseSpec, dev.attune.searcher.Options baseOptions) {
        weights(context);
        return BaseMethod.build(
                context,
                baseSpec,
                baseOptions != null ? baseOptions : BaseMethod.options(context, baseSpec),
                List.of(new Metric(name(context.metrics()), Mode.MIN)));
    }

    /** The metric the base method optimizes: {@code scalarized_<m1>_…_<mN>}, as Syne Tune names it. */
    static String name(List<Metric> metrics) {
        return "scalarized_"
                + String.join("_", metrics.stream().map(Metric::name).toList());
    }

    private static double[] weights(MethodContext context) {
        List<Double> given = context.options().numbers(WEIGHTS.name());
        int m = context.metrics().size();
        if (given.isEmpty()) {
            double[] ones = new double[m];
            java.util.Arrays.fill(ones, 1);
            return ones;
        }
        if (given.size() != m) {
            throw InvalidInputException.of(
                    "options." + WEIGHTS.name(), "needs one weight per metric (" + m + "), got " + given.size());
        }
        return given.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The reported metrics plus the scalarized one, when every metric is there. */
    Map<String, Double> withScalarized(Map<String, Double> reported) {
        double sum = 0;
        for (int k = 0; k < metrics.size(); k++) {
            Double v = reported.get(metrics.get(k).name());
            if (v == null) {
                return reported;
            }
            sum += weights[k] * (metrics.get(k).mode() == Mode.MAX ? -v : v);
        }
        Map<String, Double> all = new HashMap<>(reported);
        all.put(scalarized, sum);
        return all;
    }

    @Override
    public Verdict onReport(long trialId, Map<String, Double> reported) {
        return base.onReport(trialId, withScalarized(reported));
    }

    @Override
    public void onComplete(long trialId, Map<String, Double> reported) {
        base.onComplete(trialId, withScalarized(reported));
    }
}
