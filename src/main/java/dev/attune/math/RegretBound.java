package dev.attune.math;

import java.util.Arrays;

/**
 * An upper bound on the simple regret of the best evaluated point, from a GP's confidence bounds: the
 * lowest upper confidence bound μ + κσ over the evaluated points minus the lowest lower confidence bound
 * μ − κσ over the whole space (minimization). With probability about that of the bounds, no point of the
 * space beats the best evaluated one by more than this.
 *
 * <p>[1] Makarova, Shen, Perrone, Klein, Faddoul, Krause, Seeger and Archambeau, Automatic Termination for
 * Hyperparameter Optimization, AutoML Conference 2022.
 *
 * <p>Implementation note: the minimum of the LCB over the space is estimated from the evaluated points, the
 * given candidates, and an L-BFGS descent over [0, 1]^d from the best of them, so it can only be
 * overestimated by a missed basin (which makes the bound too small); the paper likewise optimizes it
 * numerically. Values are in the GP's (standardized) target units.
 */
public final class RegretBound {
    static final int LOCAL_ITERATIONS = 50;

    private RegretBound() {}

    /** {@code minUcbEvaluated − minLcb}, never below 0. */
    public static double of(GaussianProcess gp, double[][] evaluated, double[][] candidates, double kappa) {
        LowerConfidenceBound lcb = new LowerConfidenceBound(gp, kappa);
        double minUcb = Double.POSITIVE_INFINITY;
        double minLcb = Double.POSITIVE_INFINITY;
        double[] start = null;
        for (double[] x : evaluated) {
            GaussianProcess.Prediction p = gp.predict(x);
            double mean = Arrays.stream(p.means()).average().orElse(0);
            minUcb = Math.min(minUcb, mean + kappa * p.sigma());
            double l = lcb.value(x);
            if (l < minLcb) {
                minLcb = l;
                start = x;
            }
        }
        for (double[] x : candidates) {
            double l = lcb.value(x);
            if (l < minLcb) {
                minLcb = l;
                start = x;
            }
        }
        if (start != null && start.length > 0) {
            double[] zeros = new double[start.length];
            double[] ones = new double[start.length];
            Arrays.fill(ones, 1.0);
            BoundedLbfgs.Result r = BoundedLbfgs.minimize(lcb::evaluate, start, zeros, ones, LOCAL_ITERATIONS, 1e-9);
            minLcb = Math.min(minLcb, r.value());
        }
        return Math.max(0, minUcb - minLcb);
    }
}
