package dev.attune.math.boosting;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Gradient-boosted quantile regression as scikit-learn's {@code GradientBoostingRegressor(loss="quantile",
 * alpha=α)} with its defaults: the model starts at the α-quantile of y; each of 100 rounds fits a
 * least-squares tree of depth ≤ 3 to the pinball loss's negative gradient (α where y is above the model,
 * α − 1 below) and sets each leaf to the α-quantile of its rows' residuals; learning rate 0.1.
 * Deterministic.
 */
public final class QuantileBoosting {
    /** The number of rounds, the learning rate and the trees' depth. */
    public record Params(int rounds, double learningRate, int maxDepth) {
        public static Params sklearnDefaults() {
            return new Params(100, 0.1, 3);
        }
    }

    private final TreeEnsemble model;

    private QuantileBoosting(TreeEnsemble model) {
        this.model = model;
    }

    public static QuantileBoosting fit(double[][] x, double[] y, double alpha, Params p) {
        return fit(new TreeLearner(x), x, y, alpha, p);
    }

    /** Fits with a learner already built on x (its sorting shared between quantiles). */
    static QuantileBoosting fit(TreeLearner learner, double[][] x, double[] y, double alpha, Params p) {
        int n = y.length;
        double base = quantile(y.clone(), alpha);
        double[] raw = new double[n];
        Arrays.fill(raw, base);
        double[] g = new double[n], h = new double[n], residual = new double[n];
        Arrays.fill(h, 1);
        TreeLearner.Params tp = new TreeLearner.Params(p.maxDepth(), 0.0, 0.0, 1, 0);
        List<Tree> trees = new ArrayList<>();
        for (int round = 0; round < p.rounds(); round++) {
            for (int i = 0; i < n; i++) {
                residual[i] = y[i] - raw[i];
                g[i] = residual[i] > 0 ? -alpha : 1 - alpha;
            }
            Tree t = learner.grow(
                    g,
                    h,
                    null,
                    tp,
                    rows -> {
                        double[] r = new double[rows.length];
                        for (int i = 0; i < rows.length; i++) {
                            r[i] = residual[rows[i]];
                        }
                        return quantile(r, alpha);
                    },
                    null);
            trees.add(t);
            for (int i = 0; i < n; i++) {
                raw[i] += p.learningRate() * t.predict(x[i]);
            }
        }
        return new QuantileBoosting(new TreeEnsemble(base, p.learningRate(), trees));
    }

    public double predict(double[] x) {
        return model.predict(x);
    }

    /**
     * The α-quantile as scikit-learn's unweighted {@code _weighted_percentile}: the smallest value whose
     * share of values at or below it reaches α. Sorts {@code values} in place.
     */
    static double quantile(double[] values, double alpha) {
        Arrays.sort(values);
        int k = (int) Math.ceil(alpha * values.length - 1e-9) - 1;
        return values[Math.max(0, Math.min(values.length - 1, k))];
    }

    /** numpy's default (linear) quantile. Sorts {@code values} in place. */
    public static double linearQuantile(double[] values, double q) {
        Arrays.sort(values);
        double pos = q * (values.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(values.length - 1, lo + 1);
        return values[lo] + (pos - lo) * (values[hi] - values[lo]);
    }
}
