package dev.attune.math;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.math3.special.Erf;

/**
 * Maps one task's metric values to standard-normal scores, ψ = Φ⁻¹ ∘ F, where F is the task's empirical
 * distribution function truncated to [δ, 1 − δ] (Syne Tune's {@code GaussianTransform}; Salinas, Shen and
 * Perrone, A Quantile-based Approach for Hyperparameter Transfer Learning, ICML 2020, §3.1).
 *
 * <p>The quantile of a value is the number of the task's values strictly below it over n (numpy's
 * {@code searchsorted(side="left") / n}); when several values tie, Syne Tune (which passes its random state)
 * draws the rank uniformly among the tied ones, and so does this class with a seeded generator. The
 * truncation is the winsorized constant δ = 1 / (4 n^¼ √(π ln n)), which keeps Φ⁻¹ finite. Scores are
 * comparable across tasks whose metrics have different scales, since only ranks matter.
 */
public final class GaussianCopula {
    private GaussianCopula() {}

    /** Syne Tune's truncation constant for n values (n ≥ 2). */
    public static double delta(int n) {
        return 1.0 / (4.0 * Math.pow(n, 0.25) * Math.sqrt(Math.PI * Math.log(n)));
    }

    /**
     * The scores of a task's values (n ≥ 2), in the same order; {@code random} breaks ties, or null for
     * the lowest rank of the tied values.
     */
    public static double[] transform(double[] values, SplittableRandom random) {
        int n = values.length;
        if (n < 2) {
            throw new IllegalArgumentException("the copula needs at least 2 values, got " + n);
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double d = delta(n);
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            int low = lowerBound(sorted, values[i]);
            int rank = low;
            if (random != null) {
                int high = upperBound(sorted, values[i]);
                rank = low + random.nextInt(Math.max(high, low + 1) - low);
            }
            double q = Math.min(Math.max((double) rank / n, d), 1 - d);
            z[i] = inverseCdf(q);
        }
        return z;
    }

    /** Syne Tune's {@code StandardTransform}: (y − mean) / max(sd, 0.001), sd with divisor n. */
    public static double[] standardize(double[] values) {
        int n = values.length;
        double mean = Arrays.stream(values).average().orElse(0);
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        double sd = Math.max(Math.sqrt(ss / Math.max(1, n)), 0.001);
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            z[i] = (values[i] - mean) / sd;
        }
        return z;
    }

    /** Φ⁻¹(p) for p in (0, 1). */
    public static double inverseCdf(double p) {
        return -Math.sqrt(2) * Erf.erfcInv(2 * p);
    }

    /** The number of sorted values strictly below v. */
    private static int lowerBound(double[] sorted, double v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The number of sorted values at most v. */
    private static int upperBound(double[] sorted, double v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
