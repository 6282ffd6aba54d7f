package dev.attune.math;

import java.util.SplittableRandom;
import org.apache.commons.math3.special.Erf;

/** The standard normal distribution's density, distribution function and samples. */
public final class Normal {
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    private Normal() {}

    public static double pdf(double z) {
        return INV_SQRT_2PI * Math.exp(-0.5 * z * z);
    }

    public static double cdf(double z) {
        return 0.5 * Erf.erfc(-z / Math.sqrt(2));
    }

    /** A draw by the Box–Muller transform, from two uniforms of {@code random}. */
    public static double sample(SplittableRandom random) {
        double u = 1 - random.nextDouble(); // (0, 1]
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
