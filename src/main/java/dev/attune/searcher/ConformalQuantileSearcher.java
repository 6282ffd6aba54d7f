package dev.attune.searcher;

import dev.attune.math.SeededRandom;
import dev.attune.math.boosting.ConformalQuantileRegressor;
import dev.attune.math.boosting.QuantileBoosting;
import dev.attune.space.InvalidInputException;
import dev.attune.space.SearchSpace;
import dev.attune.trial.Mode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * CQR, Bayesian optimization with conformalized quantile regression (Syne Tune's
 * {@code ConformalQuantileRegression}, and under a multi-fidelity scheduler its
 * {@code LegacySurrogateSearcher} as ASHACQR uses it) [1]: gradient-boosted quantile regressors predict
 * {@code quantiles} quantiles of the metric; once more than {@code minSamplesToConformalize} results are
 * in, a held-out {@code validFraction} widens each symmetric pair of quantiles so that it covers its
 * nominal share of new points ({@link ConformalQuantileRegressor}). A suggestion draws
 * {@code numCandidates} random configs, gives each one of the predicted quantiles at random (a Thompson
 * draw from the predictive distribution), and picks the lowest.
 *
 * <p>Random configs come until {@code numInitRandomDraws} trials have results. The model is refitted
 * each time {@code updateFrequency} more trials have results; each trial counts with its last value:
 * the final one, or under a multi-fidelity scheduler the last one reported at whatever resource (as
 * Syne Tune's multi-fidelity wrapper does). With more than {@code maxFitSamples} trials a uniform sample
 * of that many is used. Running trials without a report are ignored.
 *
 * <p>Where it differs from Syne Tune: the data a refit uses is taken when the trial count reaches the
 * refit point (Syne Tune takes it at the next suggestion), so a searcher rebuilt from the event log
 * proposes exactly what the original would; the candidates are drawn afresh for each suggestion (Syne
 * Tune keeps one set of 2000 per fit).
 *
 * <p>[1] Salinas, Golebiowski, Klein, Seeger and Archambeau, Optimizing Hyperparameters with Conformal
 * Quantile Regression, ICML 2023.
 */
public final class ConformalQuantileSearcher implements Searcher {
    public static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.integer("numInitRandomDraws", 5L, 1, "trials with results needed before the model is used"),
            OptionSpec.integer(
                    "updateFrequency", 1L, 1, "the model is refitted each time this many more trials have results"),
            OptionSpec.integer(
                    "maxFitSamples",
                    null,
                    2,
                    "at most this many trials (a uniform sample) fit the model (default: all)"),
            OptionSpec.integer("quantiles", 5L, 1, "number of quantiles predicted (odd)"),
            OptionSpec.integer("numCandidates", 2000L, 1, "random candidates scored per suggestion"),
            OptionSpec.number("validFraction", 0.1, 1e-6, 1.0 - 1e-6, "share of results held out to conformalize"),
            OptionSpec.integer(
                    "minSamplesToConformalize",
                    32L,
                    0,
                    "results needed (more than this) before quantiles are conformalized"));

    private final SearchSpace space;
    private final long seed;
    private final String metric;
    private final boolean maximize;
    private final boolean multiFidelity;
    private final int numInit;
    private final int updateFrequency;
    private final int maxFitSamples;
    private final int quantiles;
    private final int numCandidates;
    private final double validFraction;
    private final int minSamplesToConformalize;
    private final RandomSearcher random;
    private final Map<Long, double[]> encoded = new HashMap<>();
    private final RungResults rungResults;
    /** Each trial's last value (minimized), in the order trials first got one. */
    private final Map<Long, Double> values = new LinkedHashMap<>();

    /** The data of the latest refit point, or null before numInitRandomDraws trials have results. */
    private Snapshot snapshot;

    private Snapshot fittedFor;
    private ConformalQuantileRegressor fitted;

    private record Snapshot(double[][] x, double[] y) {}

    public ConformalQuantileSearcher(SearcherContext context) {
        this.space = context.space();
        this.seed = context.seed();
        this.metric = context.metrics().getFirst().name();
        this.maximize = context.metrics().getFirst().mode() == Mode.MAX;
        this.multiFidelity = context.fidelity() != null;
        this.rungResults = RungResults.everyReport(metric, multiFidelity, (level, trialId, v) -> record(trialId, v));
        Options o = context.options();
        this.numInit = (int) o.integer("numInitRandomDraws");
        this.updateFrequency = (int) o.integer("updateFrequency");
        this.maxFitSamples = o.has("maxFitSamples") ? (int) o.integer("maxFitSamples") : 0;
        this.quantiles = (int) o.integer("quantiles");
        if (quantiles % 2 != 1) {
            throw InvalidInputException.of("options.quantiles", "must be odd (the median and symmetric pairs)");
        }
        this.numCandidates = (int) o.integer("numCandidates");
        this.validFraction = o.number("validFraction");
        this.minSamplesToConformalize = (int) o.integer("minSamplesToConformalize");
        this.random = new RandomSearcher(context);
    }

    @Override
    public Optional<Proposal> propose(long trialId) {
        Optional<Proposal> fallback = random.propose(trialId);
        if (fallback.isEmpty()
                || fallback.get().memo().get(InitialConfigs.KEY) instanceof Number
                || space.encodedSize() == 0
                || snapshot == null) {
            return fallback;
        }
        ConformalQuantileRegressor m = model();
        SplittableRandom draws = CandidateScoring.draws(seed, "cqr", trialId);
        return CandidateScoring.best(
                        space,
                        random,
                        seed,
                        "cqr-candidates",
                        trialId,
                        numCandidates,
                        x -> m.predict(x, draws.nextInt(m.quantiles())))
                .map(c -> new Proposal(c, Map.of()))
                .or(() -> fallback);
    }

    private ConformalQuantileRegressor model() {
        if (fittedFor != snapshot) {
            int n = snapshot.y().length;
            fitted = ConformalQuantileRegressor.fit(
                    snapshot.x(),
                    snapshot.y(),
                    quantiles,
                    validFraction,
                    minSamplesToConformalize,
                    QuantileBoosting.Params.sklearnDefaults(),
                    SeededRandom.of(seed, "cqr-split", n));
            fittedFor = snapshot;
        }
        return fitted;
    }

    @Override
    public void onTrialAdded(long trialId, Map<String, Object> config, Map<String, Object> memo) {
        random.onTrialAdded(trialId, config, memo);
        encoded.put(trialId, space.encode(config));
    }

    @Override
    public void onReport(long trialId, Map<String, Double> metrics) {
        rungResults.onReport(trialId, metrics);
    }

    @Override
    public void onComplete(long trialId, Map<String, Double> metrics) {
        rungResults.onComplete(trialId, metrics);
    }

    private void record(long trialId, double v) {
        if (!encoded.containsKey(trialId)) {
            return;
        }
        boolean isNew = values.put(trialId, maximize ? -v : v) == null;
        int n = values.size();
        if (isNew && n >= numInit && (n - numInit) % updateFrequency == 0) {
            snapshot = takeSnapshot();
        }
    }

    private Snapshot takeSnapshot() {
        List<Long> ids = new ArrayList<>(values.keySet());
        double[] all = new double[ids.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = values.get(ids.get(i));
        }
        int[] rows =
                Subsample.rows(all, all.length, maxFitSamples, 0.0, SeededRandom.of(seed, "cqr-subsample", all.length));
        double[][] x = new double[rows.length][];
        double[] y = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            x[i] = encoded.get(ids.get(rows[i]));
            y[i] = all[rows[i]];
        }
        return new Snapshot(x, y);
    }

    /** Trials in the latest refit's data, for tests. */
    int snapshotSize() {
        return snapshot == null ? 0 : snapshot.y().length;
    }
}
