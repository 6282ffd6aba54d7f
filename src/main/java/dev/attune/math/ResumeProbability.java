package dev.attune.math;

import org.apache.commons.math3.special.Beta;

/**
 * The probability that a trial paused at a rung is resumed before the experiment ends, under the
 * independence assumptions of Syne Tune's speculative checkpoint removal: each new arrival at the rung
 * ranks above the paused trial with probability p, the rung grows by at most ⌈n·β⌉ more arrivals (β =
 * time left / time spent), and the trial is promoted once its rank k is within the top α·(rung size).
 *
 * <p>Implementation note: a dynamic program over the first {@code approxSteps} thresholds
 * l_i = ⌈(k − α n + i)/α⌉, with binomial probabilities from the regularized incomplete beta function
 * (P(bin(n, p) ≤ u) = I_{1−p}(n − u, u + 1)); its cost is cubic in {@code approxSteps}. The thresholds
 * use the same floating-point arithmetic as Syne Tune, including a ceiling that can land one above an
 * integer quotient (α = 1/3), so that the scores agree with Syne Tune's.
 */
public final class ResumeProbability {
    private ResumeProbability() {}

    /** P(bin(n, p) ≤ u). */
    static double binomialCdf(double u, double n, double p) {
        if (u >= n) {
            return 1;
        }
        return Beta.regularizedBeta(1 - p, Math.max(n - u, 1e-7), Math.max(u + 1, 1e-7));
    }

    /**
     * @param rank the trial's rank in its rung, from 1 (best)
     * @param rungLength entries in the rung now
     * @param quantile the rung's promotion quantile α
     * @param p probability that a new arrival ranks above the trial
     * @param timeRatio time left over time spent (β &gt; 0)
     * @param approxSteps steps of the approximation (≥ 1)
     */
    public static double of(int rank, int rungLength, double quantile, double p, double timeRatio, int approxSteps) {
        double c = rank - quantile * rungLength;
        if (c <= 0) {
            return 1;
        }
        double nPrime = Math.ceil(rungLength * timeRatio);
        double[] l = new double[approxSteps + 1];
        int within = 0;
        for (int i = 0; i <= approxSteps; i++) {
            l[i] = Math.ceil((c + i) / quantile);
            if (l[i] <= nPrime) {
                within++;
            }
        }
        int steps = Math.max(Math.min(approxSteps, within - 1), 1);
        // q[i][m] = P(bin(l_i − l_{i−1}, p) = m) for m = 0..steps (l_{−1} = 0).
        double[][] q = new double[steps + 1][steps + 1];
        for (int i = 0; i <= steps; i++) {
            double n = i == 0 ? l[0] : l[i] - l[i - 1];
            double below = 0;
            for (int m = 0; m <= steps; m++) {
                double cdf = binomialCdf(m, n, p);
                q[i][m] = cdf - below;
                below = cdf;
            }
        }
        // m[i][r]: probability of the paths that pass threshold i having used r rank drops so far.
        double[][] m = new double[steps + 1][steps + 1];
        double target = q[0][0];
        for (int r = 1; r <= steps; r++) {
            m[0][r] = q[0][r];
            for (int i = 1; i <= r; i++) {
                double value = 0;
                if (l[i] <= nPrime) {
                    for (int j = 0; j <= r - i; j++) {
                        value += q[i][j] * m[i - 1][r - j];
                    }
                }
                if (i < r) {
                    m[i][r] = value;
                } else {
                    target += value;
                }
            }
        }
        return Math.min(1, Math.max(0, target));
    }
}
