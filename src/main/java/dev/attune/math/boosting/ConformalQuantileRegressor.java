package dev.attune.math.boosting;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Conformalized quantile regression (Syne Tune's {@code SymmetricConformalizedGradientBoostingQuantileRegressor};
 * Romano et al. 2019, Salinas et al. ICML 2023): one {@link QuantileBoosting} model per level
 * i/(k+1), i = 1…k (k odd, rounded as Syne Tune rounds them). With more than {@code minSamplesToConformalize}
 * points a random {@code validFraction} of them is held out; each symmetric pair (α, 1 − α) of
 * quantiles is widened by the (1 − 2α)/(1 + 1/m)-quantile of the held-out points' conformity scores
 * max(q_α(x) − y, y − q_{1−α}(x)), so that the band covers about 1 − 2α of new points. The median is not
 * corrected. With fewer points all are used and nothing is corrected.
 */
public final class ConformalQuantileRegressor {
    private final double[] levels;
    private final QuantileBoosting[] models;
    private final double[] correction; // per level: subtracted below the median, added above

    private ConformalQuantileRegressor(double[] levels, QuantileBoosting[] models, double[] correction) {
        this.levels = levels;
        this.models = models;
        this.correction = correction;
    }

    /** Syne Tune's quantile levels for {@code count} quantiles: i/(count+1), rounded to 1 + ⌊ln count⌋ decimals. */
    public static double[] levels(int count) {
        double[] q = new double[count];
        int decimals = 1 + (int) Math.log(count);
        double scale = Math.pow(10, decimals);
        for (int i = 0; i < count; i++) {
            q[i] = Math.rint((i + 1.0) / (count + 1) * scale) / scale;
        }
        return q;
    }

    public static ConformalQuantileRegressor fit(
            double[][] x,
            double[] y,
            int quantiles,
            double validFraction,
            int minSamplesToConformalize,
            QuantileBoosting.Params params,
            SplittableRandom random) {
        if (quantiles % 2 != 1) {
            throw new IllegalArgumentException("the number of quantiles must be odd");
        }
        double[] levels = levels(quantiles);
        int n = y.length;
        boolean conformalize = n > minSamplesToConformalize || minSamplesToConformalize == 0;
        double[][] xt = x;
        double[] yt = y;
        List<Integer> valid = new ArrayList<>();
        if (conformalize) {
            int[] perm = java.util.stream.IntStream.range(0, n).toArray();
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            int m = Math.max(1, Math.min(n - 1, (int) Math.ceil(validFraction * n)));
            xt = new double[n - m][];
            yt = new double[n - m];
            for (int i = 0; i < n; i++) {
                if (i < m) {
                    valid.add(perm[i]);
                } else {
                    xt[i - m] = x[perm[i]];
                    yt[i - m] = y[perm[i]];
                }
            }
        }
        TreeLearner learner = new TreeLearner(xt);
        QuantileBoosting[] models = new QuantileBoosting[quantiles];
        for (int i = 0; i < quantiles; i++) {
            models[i] = QuantileBoosting.fit(learner, xt, yt, levels[i], params);
        }
        double[] correction = new double[quantiles];
        if (conformalize) {
            for (int i = 0; i < quantiles / 2; i++) {
                int upper = quantiles - 1 - i;
                double[] scores = new double[valid.size()];
                for (int k = 0; k < scores.length; k++) {
                    int r = valid.get(k);
                    scores[k] = Math.max(models[i].predict(x[r]) - y[r], y[r] - models[upper].predict(x[r]));
                }
                double coverage = 1 - 2 * levels[i];
                double c = QuantileBoosting.linearQuantile(scores, coverage / (1 + 1.0 / scores.length));
                correction[i] = c;
                correction[upper] = c;
            }
        }
        return new ConformalQuantileRegressor(levels, models, correction);
    }

    public double[] levels() {
        return levels.clone();
    }

    /** The (corrected) prediction of quantile number {@code i} (0 is the lowest). */
    public double predict(double[] x, int i) {
        double v = models[i].predict(x);
        int k = levels.length;
        if (i < k / 2) {
            return v - correction[i];
        }
        return i > k / 2 ? v + correction[i] : v;
    }

    public int quantiles() {
        return levels.length;
    }
}
