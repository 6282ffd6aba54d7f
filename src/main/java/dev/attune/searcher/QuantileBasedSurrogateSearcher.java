package dev.attune.searcher;

import dev.attune.math.GaussianCopula;
import dev.attune.math.GradientBoostedTrees;
import dev.attune.math.Normal;
import dev.attune.math.SeededRandom;
import dev.attune.space.InvalidInputException;
import dev.attune.space.SearchSpace;
import dev.attune.trial.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Copula Thompson sampling, CTS (Syne Tune's {@code QuantileBasedSurrogateSearcher}; Salinas, Shen and
 * Perrone, A Quantile-based Approach for Hyperparameter Transfer Learning, ICML 2020): each earlier task's
 * values of the study's metric become standard-normal scores through the task's own empirical quantiles
 * ({@link GaussianCopula}), so tasks with different scales share one target; gradient-boosted trees
 * ({@link GradientBoostedTrees}, XGBoost's defaults) learn config → score on all tasks together; a fixed
 * set of random candidates gets the model's mean and one homoskedastic standard deviation, the residual sd
 * on a held-out tenth of the data; each proposal draws a Thompson sample N(μ, σ²) for every candidate and
 * takes the best.
 *
 * <p>As in Syne Tune (and the paper's CTS), the new task's own results are not used: the searcher samples
 * from what earlier tasks say. The candidates are drawn once, candidate i from the generator for (seed,
 * i), and regenerated from that when proposed, so only their predicted means are kept. With {@code
 * restrictConfigurations} the candidates are the listed configs. Unlike Syne Tune, which drops {@code
 * points_to_evaluate}, the study's initial configs are proposed first, as by every Attune searcher, and a
 * config already in the study is skipped unless duplicates are allowed (the next best sample is taken).
 */
public final class QuantileBasedSurrogateSearcher implements Searcher {
    /** The study-definition field that carries the earlier tasks' evaluations. */
    public static final String TRANSFER_FIELD = "transferEvaluations";

    public static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.integer(
                    "maxFitSamples",
                    100_000L,
                    2,
                    "at most this many transfer evaluations fit the surrogate (a seeded subsample)"),
            OptionSpec.oneOf(
                    "normalization",
                    "gaussian",
                    List.of("gaussian", "standard"),
                    "per-task map of the metric: gaussian = Φ⁻¹ of the empirical quantile (the copula), standard = z-score"),
            OptionSpec.integer(
                    "numCandidates", 100_000L, 1, "random candidates scored by the surrogate (drawn once per study)"));

    /** Syne Tune's {@code train_test_split(test_size=0.1)}. */
    static final double TEST_FRACTION = 0.1;

    private final SearchSpace space;
    private final long seed;
    private final int maxFitSamples;
    private final boolean gaussian;
    private final int numCandidates;
    private final List<Map<String, Object>> restricted;
    private final RandomSearcher random;
    /** Per usable task: encoded configs and metric values, oriented so that lower is better. */
    private final List<double[][]> taskX = new ArrayList<>();

    private final List<double[]> taskY = new ArrayList<>();
    private volatile Model model;

    /** The fitted surrogate's predictions for the candidates. */
    record Model(double[] mean, double sigma, double sigmaTrain) {}

    public QuantileBasedSurrogateSearcher(SearcherContext context) {
        this.space = context.space();
        this.seed = context.seed();
        Options o = context.options();
        this.maxFitSamples = (int) o.integer("maxFitSamples");
        this.gaussian = o.string("normalization").equals("gaussian");
        this.numCandidates = (int) o.integer("numCandidates");
        this.restricted = context.restrictConfigurations();
        this.random = new RandomSearcher(context);
        String metric = context.metrics().getFirst().name();
        boolean maximize = context.metrics().getFirst().mode() == Mode.MAX;
        if (context.transfer().isEmpty()) {
            throw InvalidInputException.of(
                    TRANSFER_FIELD,
                    "this method learns from earlier tasks: give their evaluations (at least one task)");
        }
        for (int t = 0; t < context.transfer().size(); t++) {
            TransferTask task = context.transfer().get(t);
            List<double[]> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int e = 0; e < task.evaluations().size(); e++) {
                TransferTask.Evaluation ev = task.evaluations().get(e);
                Double v = ev.metrics().get(metric);
                if (v == null || !Double.isFinite(v)) {
                    continue;
                }
                try {
                    xs.add(space.encode(space.validate(ev.config(), "config")));
                } catch (RuntimeException ex) {
                    throw InvalidInputException.of(
                            TRANSFER_FIELD + "[" + t + "].evaluations[" + e + "].config",
                            "is not a config of the study's space: " + ex.getMessage());
                }
                ys.add(maximize ? -v : v);
            }
            if (ys.size() >= 2) {
                taskX.add(xs.toArray(double[][]::new));
                taskY.add(ys.stream().mapToDouble(Double::doubleValue).toArray());
            }
        }
        if (taskX.isEmpty()) {
            throw InvalidInputException.of(
                    TRANSFER_FIELD,
                    "no earlier task has at least 2 evaluations with a finite value of metric '" + metric + "'");
        }
    }

    @Override
    public Optional<Proposal> propose(long trialId) {
        Optional<Proposal> fallback = random.propose(trialId);
        if (fallback.isEmpty() || fallback.get().memo().get(InitialConfigs.KEY) instanceof Number) {
            return fallback;
        }
        Model m = model();
        SplittableRandom r = SeededRandom.of(seed, "cts", trialId);
        int n = m.mean().length;
        double[] sample = new double[n];
        for (int i = 0; i < n; i++) {
            sample[i] = m.mean()[i] + m.sigma() * Normal.sample(r);
        }
        int best = argmin(sample);
        Map<String, Object> config = candidate(best);
        if (!random.excludes(config)) {
            return Optional.of(new Proposal(config, Map.of()));
        }
        // the best sample is already in the study: take the next best one that is not
        Integer[] order = new Integer[n];
        java.util.Arrays.setAll(order, i -> i);
        java.util.Arrays.sort(order, (a, b) -> Double.compare(sample[a], sample[b]));
        for (int i : order) {
            Map<String, Object> c = candidate(i);
            if (!random.excludes(c)) {
                return Optional.of(new Proposal(c, Map.of()));
            }
        }
        return fallback;
    }

    private static int argmin(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] < v[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Candidate i: a listed config, or the i-th seeded random config. */
    Map<String, Object> candidate(int i) {
        return restricted != null ? restricted.get(i) : space.sample(SeededRandom.of(seed, "cts-candidate", i));
    }

    @Override
    public Optional<Runnable> pendingWork() {
        return model == null ? Optional.of(this::model) : Optional.empty();
    }

    /** The surrogate and the candidates' means, fitted once (it depends only on the transfer data). */
    Model model() {
        Model m = model;
        if (m == null) {
            synchronized (this) {
                m = model;
                if (m == null) {
                    m = fit();
                    model = m;
                }
            }
        }
        return m;
    }

    private Model fit() {
        List<double[]> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int t = 0; t < taskX.size(); t++) {
            double[] z = gaussian
                    ? GaussianCopula.transform(taskY.get(t), SeededRandom.of(seed, "cts-ties", t))
                    : GaussianCopula.standardize(taskY.get(t));
            for (int i = 0; i < z.length; i++) {
                xs.add(taskX.get(t)[i]);
                ys.add(z[i]);
            }
        }
        int n = ys.size();
        int[] perm = permutation(n, SeededRandom.of(seed, "cts-split"));
        int nTest = n < 4 ? 0 : (int) Math.ceil(TEST_FRACTION * n);
        int nTrain = Math.min(n - nTest, maxFitSamples);
        double[][] xTrain = new double[nTrain][];
        double[] yTrain = new double[nTrain];
        for (int i = 0; i < nTrain; i++) {
            xTrain[i] = xs.get(perm[nTest + i]);
            yTrain[i] = ys.get(perm[nTest + i]);
        }
        GradientBoostedTrees trees = GradientBoostedTrees.fit(xTrain, yTrain, GradientBoostedTrees.XGBOOST_DEFAULTS);
        double sigmaTrain = residualSd(trees, xTrain, yTrain);
        double sigma = sigmaTrain;
        if (nTest >= 2) {
            double[][] xTest = new double[nTest][];
            double[] yTest = new double[nTest];
            for (int i = 0; i < nTest; i++) {
                xTest[i] = xs.get(perm[i]);
                yTest[i] = ys.get(perm[i]);
            }
            sigma = residualSd(trees, xTest, yTest);
        }
        int count = restricted != null ? restricted.size() : numCandidates;
        double[] mean = new double[count];
        for (int i = 0; i < count; i++) {
            mean[i] = trees.predict(space.encode(candidate(i)));
        }
        return new Model(mean, sigma, sigmaTrain);
    }

    /** numpy's {@code std(y − ŷ)} (divisor n). */
    static double residualSd(GradientBoostedTrees model, double[][] x, double[] y) {
        double[] res = new double[y.length];
        double mean = 0;
        for (int i = 0; i < y.length; i++) {
            res[i] = y[i] - model.predict(x[i]);
            mean += res[i] / y.length;
        }
        double ss = 0;
        for (double v : res) {
            ss += (v - mean) * (v - mean);
        }
        return Math.sqrt(ss / y.length);
    }

    private static int[] permutation(int n, SplittableRandom r) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }

    @Override
    public void onTrialAdded(long trialId, Map<String, Object> config, Map<String, Object> memo) {
        random.onTrialAdded(trialId, config, memo);
    }
}
