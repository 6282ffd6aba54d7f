package dev.attune.math;

import java.util.SplittableRandom;

/**
 * The variation operators of NSGA-II on reals in [lower, upper], with pymoo's defaults (which Syne Tune's
 * {@code NSGA2} uses): simulated binary crossover (Deb and Agrawal 1995) and polynomial mutation (Deb and
 * Goyal 1996), both as pymoo 0.6 writes them, with the bounded-spread forms of Deb's 2002 code.
 */
public final class GeneticOperators {
    private GeneticOperators() {}

    /** pymoo's {@code SBX()}: η = 15, each variable crossed with probability 0.5, children swapped with probability 0.5. */
    public static final double SBX_ETA = 15;

    public static final double SBX_VARIABLE_PROBABILITY = 0.5;

    /** pymoo's {@code PM()}: η = 20. */
    public static final double PM_ETA = 20;

    /**
     * Simulated binary crossover of one variable: the two children of parents {@code a} and {@code b}.
     * The spread factor β is drawn from the polynomial density of index {@code eta}, truncated so that
     * the children stay in the bounds; with probability 1/2 the children swap sides.
     */
    public static double[] sbx(double a, double b, double lower, double upper, double eta, SplittableRandom r) {
        if (Math.abs(a - b) <= 1e-14 || upper <= lower) {
            return new double[] {a, b};
        }
        double y1 = Math.min(a, b);
        double y2 = Math.max(a, b);
        double u = r.nextDouble();
        double betaLow = 1 + 2 * (y1 - lower) / (y2 - y1);
        double c1 = 0.5 * ((y1 + y2) - spread(betaLow, u, eta) * (y2 - y1));
        double betaHigh = 1 + 2 * (upper - y2) / (y2 - y1);
        double c2 = 0.5 * ((y1 + y2) + spread(betaHigh, u, eta) * (y2 - y1));
        c1 = clip(c1, lower, upper);
        c2 = clip(c2, lower, upper);
        return r.nextDouble() < 0.5 ? new double[] {c2, c1} : new double[] {c1, c2};
    }

    /** β_q for a draw u in [0, 1) with the density truncated at β (Deb's bounded SBX). */
    static double spread(double beta, double u, double eta) {
        double alpha = 2 - Math.pow(beta, -(eta + 1));
        if (u <= 1 / alpha) {
            return Math.pow(u * alpha, 1 / (eta + 1));
        }
        return Math.pow(1 / (2 - u * alpha), 1 / (eta + 1));
    }

    /** Polynomial mutation of {@code y} in [lower, upper] with distribution index {@code eta}. */
    public static double polynomialMutation(double y, double lower, double upper, double eta, SplittableRandom r) {
        if (upper <= lower) {
            return y;
        }
        double range = upper - lower;
        double delta1 = (y - lower) / range;
        double delta2 = (upper - y) / range;
        double power = 1 / (eta + 1);
        double u = r.nextDouble();
        double deltaq;
        if (u <= 0.5) {
            double val = 2 * u + (1 - 2 * u) * Math.pow(1 - delta1, eta + 1);
            deltaq = Math.pow(val, power) - 1;
        } else {
            double val = 2 * (1 - u) + 2 * (u - 0.5) * Math.pow(1 - delta2, eta + 1);
            deltaq = 1 - Math.pow(val, power);
        }
        return clip(y + deltaq * range, lower, upper);
    }

    private static double clip(double v, double lower, double upper) {
        return Math.max(lower, Math.min(upper, v));
    }
}
