package dev.attune.math;

import java.util.SplittableRandom;
import org.apache.commons.math3.special.Erf;

/** The standard normal distribution's density, distribution function (also on a log scale) and samples. */
public final class Normal {
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    private Normal() {}

    public static double pdf(double z) {
        return INV_SQRT_2PI * Math.exp(-0.5 * z * z);
    }

    public static double cdf(double z) {
        return 0.5 * Erf.erfc(-z / Math.sqrt(2));
    }

    /** Below this z, the log-scale functions use the Mills ratio instead of the distribution function. */
    static final double TAIL_Z = -5;

    public static double logPdf(double z) {
        return Math.log(INV_SQRT_2PI) - 0.5 * z * z;
    }

    /** log Φ(z) and its derivative φ(z)/Φ(z), finite however negative z is. */
    public static double[] logCdf(double z) {
        if (z >= TAIL_Z) {
            double cdf = cdf(z);
            return new double[] {Math.log(cdf), pdf(z) / cdf};
        }
        double mills = 1 / (-z + millsTail(-z)); // Φ(z) = φ(z)·M(−z)
        return new double[] {logPdf(z) + Math.log(mills), 1 / mills};
    }

    /**
     * C(t) = 1/M(t) − t for the Mills ratio M(t) = Φ(−t)/φ(t), t ≥ 5, by Laplace's continued fraction
     * M(t) = 1/(t + 1/(t + 2/(t + 3/(t + …)))), so C(t) = 1/(t + 2/(t + 3/(t + …))): no difference of nearly
     * equal numbers is taken.
     */
    static double millsTail(double t) {
        double f = t;
        for (int k = 60; k >= 2; k--) {
            f = t + k / f;
        }
        return 1 / f;
    }

    /** A draw by the Box–Muller transform, from two uniforms of {@code random}. */
    public static double sample(SplittableRandom random) {
        double u = 1 - random.nextDouble(); // (0, 1]
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
