package dev.attune.scheduler;

import dev.attune.math.RankedValues;
import dev.attune.searcher.OptionSpec;
import dev.attune.searcher.OptionType;
import dev.attune.searcher.Options;
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
public final class MedianStoppingScheduler implements Scheduler {
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

    private final Scheduler base;
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
        Options o = context.options();
        MethodSpec baseSpec = registry.find(o.string("baseMethod")).orElseThrow();
        this.base = BaseMethod.build(context, baseSpec, BaseMethod.options(context, baseSpec), context.metrics());
        this.attr = context.resource().attr();
        this.metric = context.metric().name();
        this.maximize = context.metric().mode() == Mode.MAX;
        this.graceTime = o.number("graceTime");
        this.gracePopulation = o.integer("gracePopulation");
        this.rankCutoff = o.number("rankCutoff");
        this.runningAverage = o.bool("runningAverage");
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
    }

    @Override
    public void onTrialResumed(long trialId, Map<String, Object> config) {
        base.onTrialResumed(trialId, config);
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

    @Override
    public void onComplete(long trialId, Map<String, Double> metrics) {
        base.onComplete(trialId, metrics);
    }

    @Override
    public void onFailure(long trialId) {
        base.onFailure(trialId);
    }

    @Override
    public void onSkip(long trialId) {
        base.onSkip(trialId);
    }
}
