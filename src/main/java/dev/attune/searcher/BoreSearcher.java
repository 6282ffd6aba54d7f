package dev.attune.searcher;

import dev.attune.math.SeededRandom;
import dev.attune.math.boosting.BoostedClassifier;
import dev.attune.math.boosting.Classifier;
import dev.attune.math.boosting.LogisticRegression;
import dev.attune.math.boosting.QuantileBoosting;
import dev.attune.math.boosting.RandomForestClassifier;
import dev.attune.space.SearchSpace;
import dev.attune.trial.Mode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * BORE, Bayesian optimization by density-ratio estimation (Syne Tune's {@code Bore}, and under a
 * multi-fidelity scheduler its {@code MultiFidelityBore}): results at or below the γ-quantile are
 * labelled good, a probabilistic classifier learns P(good | x), which is a monotone function of the
 * density ratio l(x)/g(x) and so of expected improvement [1]; the next config is the one with the
 * highest P(good) among {@code fevalAcq} random candidates.
 *
 * <p>Random configs come first, until {@code initRandom} results are in (under a multi-fidelity scheduler
 * every rung result counts, as in Syne Tune), and then with probability {@code randomProb}; also when all
 * results are labelled good (all equal). Under a multi-fidelity scheduler the classifier is fitted on the
 * results of the highest rung level with at least {@code minFitPoints} of them: Syne Tune's
 * {@code MultiFidelityBore} uses ⌊1/γ⌋ (4), on which the default xgboost classifier cannot split, so by
 * default the floor is raised to the fewest results it can split on (12 at γ = 0.25); random below it.
 * Running trials are ignored, as in Syne Tune.
 *
 * <p>Classifiers: {@code xgboost} (the default, as Syne Tune's; here {@link BoostedClassifier}, plain-Java
 * gradient-boosted trees with XGBoost's default settings), {@code logreg} and {@code rf} (scikit-learn's
 * defaults). Syne Tune's {@code mlp} and {@code gp} classifiers, its {@code calibrate} option and its
 * {@code de} acquisition optimizer are not offered.
 *
 * <p>[1] Tiao, Klein, Seeger, Bonilla, Archambeau and Ramos, BORE: Bayesian Optimization by Density-Ratio
 * Estimation, ICML 2021.
 */
public final class BoreSearcher implements Searcher {
    public static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.number("gamma", 0.25, 1e-6, 1.0 - 1e-6, "share of results labelled good (the γ-quantile)"),
            OptionSpec.oneOf(
                    "classifier",
                    "xgboost",
                    List.of("xgboost", "logreg", "rf"),
                    "the classifier of good against bad: gradient-boosted trees (xgboost), logistic regression (logreg) or a random forest (rf)"),
            OptionSpec.integer("fevalAcq", 500L, 1, "random candidates scored per suggestion"),
            OptionSpec.number("randomProb", 0.0, 0.0, 1.0, "probability of a random config instead (epsilon-greedy)"),
            OptionSpec.integer("initRandom", 6L, 0, "results needed before the classifier is used"),
            OptionSpec.integer(
                    "minFitPoints",
                    null,
                    1,
                    "multi-fidelity: results a rung level needs for the classifier to be fitted on it (default: ⌊1/γ⌋ as Syne Tune, raised for xgboost to 2⌈min_child_weight/(γ(1−γ))⌉, the fewest at which a tree can split; 12 at γ=0.25)"));

    private final SearchSpace space;
    private final long seed;
    private final String metric;
    private final boolean maximize;
    private final SearcherContext.Fidelity fidelity;
    private final double gamma;
    private final String classifier;
    private final int fevalAcq;
    private final double randomProb;
    private final int initRandom;
    private final int minFitPoints;
    private final RandomSearcher random;
    private final Map<Long, double[]> encoded = new HashMap<>();
    private final RungResults rungResults;
    /** Results per level (one level, 0, without a fidelity), by trial, in arrival order. */
    private final TreeMap<Long, Map<Long, Double>> results = new TreeMap<>();

    private int observations;
    private long version;
    private long cachedVersion = -1;
    private Classifier cached;

    public BoreSearcher(SearcherContext context) {
        this.space = context.space();
        this.seed = context.seed();
        this.metric = context.metrics().getFirst().name();
        this.maximize = context.metrics().getFirst().mode() == Mode.MAX;
        this.fidelity = context.fidelity();
        this.rungResults = RungResults.atRungLevels(metric, fidelity, true, this::record);
        Options o = context.options();
        this.gamma = o.number("gamma");
        this.classifier = o.string("classifier");
        this.fevalAcq = (int) o.integer("fevalAcq");
        this.randomProb = o.number("randomProb");
        this.initRandom = (int) o.integer("initRandom");
        this.minFitPoints =
                o.has("minFitPoints") ? (int) o.integer("minFitPoints") : defaultMinFitPoints(gamma, classifier);
        this.random = new RandomSearcher(context);
    }

    @Override
    public Optional<Proposal> propose(long trialId) {
        Optional<Proposal> fallback = random.propose(trialId);
        if (fallback.isEmpty()
                || fallback.get().memo().get(InitialConfigs.KEY) instanceof Number
                || space.encodedSize() == 0
                || observations < initRandom
                || SeededRandom.of(seed, "bore", trialId).nextDouble() < randomProb) {
            return fallback;
        }
        Optional<Classifier> model = model();
        if (model.isEmpty()) {
            return fallback;
        }
        Classifier m = model.get();
        return CandidateScoring.best(space, random, seed, "bore-candidates", trialId, fevalAcq, x -> -m.probability(x))
                .map(c -> new Proposal(c, Map.of()))
                .or(() -> fallback);
    }

    /** The classifier on the current data, refitted only when the data changed (package-private for tests). */
    Optional<Classifier> model() {
        if (cachedVersion != version) {
            cached = fit().orElse(null);
            cachedVersion = version;
        }
        return Optional.ofNullable(cached);
    }

    /**
     * The default rung-level floor: Syne Tune's ⌊1/γ⌋, and for xgboost at least the fewest results at which
     * a tree can split. With the base score at the good share p ≈ γ every hessian is p(1−p), and both
     * children of a split need a hessian sum of min_child_weight (1), so a split needs
     * 2⌈1/(γ(1−γ))⌉ results; below that the classifier is constant and the pick is random.
     */
    static int defaultMinFitPoints(double gamma, String classifier) {
        int syneTune = Math.max(1, (int) (1 / gamma));
        if (!"xgboost".equals(classifier)) {
            return syneTune;
        }
        double minChildWeight =
                BoostedClassifier.Params.xgboostDefaults().tree().minChildWeight();
        return Math.max(syneTune, 2 * (int) Math.ceil(minChildWeight / (gamma * (1 - gamma)) - 1e-9));
    }

    /** The training set: all results, or under a multi-fidelity scheduler the highest level with {@code minFitPoints} of them. */
    Optional<Map<Long, Double>> trainingSet() {
        int minPoints = fidelity == null ? 1 : minFitPoints;
        for (Map<Long, Double> atLevel : results.descendingMap().values()) {
            if (atLevel.size() >= minPoints) {
                return Optional.of(atLevel);
            }
        }
        return Optional.empty();
    }

    private Optional<Classifier> fit() {
        Optional<Map<Long, Double>> data = trainingSet();
        if (data.isEmpty()) {
            return Optional.empty();
        }
        int n = data.get().size();
        double[][] x = new double[n][];
        double[] y = new double[n];
        int i = 0;
        for (Map.Entry<Long, Double> e : data.get().entrySet()) {
            x[i] = encoded.get(e.getKey());
            y[i++] = e.getValue();
        }
        double tau = QuantileBoosting.linearQuantile(y.clone(), gamma);
        boolean[] good = new boolean[n];
        int goodCount = 0;
        for (int k = 0; k < n; k++) {
            good[k] = y[k] <= tau;
            goodCount += good[k] ? 1 : 0;
        }
        if (goodCount == n) {
            return Optional.empty(); // all results equal: nothing to learn
        }
        return Optional.of(
                switch (classifier) {
                    case "logreg" -> LogisticRegression.fit(x, good, 1.0);
                    case "rf" -> RandomForestClassifier.fit(x, good, 100, SeededRandom.of(seed, "bore-rf", n));
                    default -> BoostedClassifier.fit(x, good, BoostedClassifier.Params.xgboostDefaults());
                });
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

    private void record(long level, long trialId, double v) {
        if (!encoded.containsKey(trialId)) {
            return;
        }
        Double previous =
                results.computeIfAbsent(level, k -> new LinkedHashMap<>()).put(trialId, maximize ? -v : v);
        if (previous == null) {
            observations++;
        }
        version++;
    }

    /** The observations counted against {@code initRandom}, for tests. */
    int observations() {
        return observations;
    }

    /** For tests: the data a fit would use, as (x, y) rows. */
    List<double[]> trainingRows() {
        List<double[]> rows = new ArrayList<>();
        trainingSet()
                .ifPresent(m -> m.forEach((id, y) -> {
                    double[] x = encoded.get(id);
                    double[] row = java.util.Arrays.copyOf(x, x.length + 1);
                    row[x.length] = y;
                    rows.add(row);
                }));
        return rows;
    }
}
