package dev.attune.math;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Minimizes a smooth function inside a box with projected L-BFGS: the quasi-Newton direction, with the
 * coordinates that press against a bound frozen, and a backtracking (Armijo) line search along the
 * projected path.
 *
 * <p>[1] Nocedal, Updating quasi-Newton matrices with limited storage, Mathematics of Computation, 1980.
 *
 * <p>Implementation note: neither EJML nor commons-math3 offers L-BFGS (commons-math3's gradient
 * optimizer is nonlinear conjugate gradient, whose line search spends 10–20 value-only evaluations per
 * step; a GP fit needs about one evaluation per step). This is the simple projected variant, not the full
 * L-BFGS-B of Byrd et al.: on boxes where the optimum sits inside or on a few bounds, as for kernel
 * hyperparameters and acquisition functions, it reaches the same points. An objective may answer a
 * non-finite value (e.g. a failed Cholesky factorization); the line search then shortens the step.
 */
public final class BoundedLbfgs {
    private static final int MEMORY = 10;
    private static final int MAX_BACKTRACKS = 25;
    private static final double ARMIJO = 1e-4;

    private BoundedLbfgs() {}

    /** A function that writes its gradient at {@code x} into {@code gradient} and returns its value. */
    @FunctionalInterface
    public interface Objective {
        double evaluate(double[] x, double[] gradient);
    }

    /** The best point found, its value, and how many times the objective was evaluated. */
    public record Result(double[] point, double value, int evaluations) {}

    /**
     * Minimizes from each of {@code starts} side by side (they are independent) and answers the best, the
     * first of equals in start order, so the answer does not depend on which run finished first; its
     * {@code evaluations} count those of all runs.
     */
    public static Result bestOf(
            Objective f,
            java.util.List<double[]> starts,
            double[] lower,
            double[] upper,
            int maxIterations,
            double tolerance) {
        java.util.List<Result> results = starts.parallelStream()
                .map(start -> minimize(f, start, lower, upper, maxIterations, tolerance))
                .toList();
        Result best = null;
        int evaluations = 0;
        for (Result r : results) {
            evaluations += r.evaluations();
            if (best == null || r.value() < best.value()) {
                best = r;
            }
        }
        return new Result(best.point(), best.value(), evaluations);
    }

    /**
     * Runs at most {@code maxIterations} iterations from {@code start} (clipped into the box); stops early
     * when the projected gradient or the relative decrease of the value falls below {@code tolerance}.
     */
    public static Result minimize(
            Objective f, double[] start, double[] lower, double[] upper, int maxIterations, double tolerance) {
        int n = start.length;
        double[] x = clip(start.clone(), lower, upper);
        double[] g = new double[n];
        double fx = f.evaluate(x, g);
        int evaluations = 1;
        if (!Double.isFinite(fx) || !allFinite(g)) {
            return new Result(x, Double.POSITIVE_INFINITY, evaluations);
        }
        Deque<double[][]> pairs = new ArrayDeque<>();
        for (int iteration = 0; iteration < maxIterations; iteration++) {
            if (projectedGradientNorm(x, g, lower, upper) < tolerance) {
                break;
            }
            double[] d = direction(g, pairs);
            freezeAtBounds(d, x, lower, upper);
            double slope = dot(g, d);
            if (!(slope < 0)) {
                pairs.clear();
                for (int i = 0; i < n; i++) {
                    d[i] = -g[i];
                }
                freezeAtBounds(d, x, lower, upper);
                slope = dot(g, d);
                if (!(slope < 0)) {
                    break;
                }
            }
            double step = pairs.isEmpty() ? Math.min(1.0, 1.0 / Math.max(1e-12, maxAbs(d))) : 1.0;
            double[] xNew = new double[n];
            double[] gNew = new double[n];
            double fNew = Double.NaN;
            boolean accepted = false;
            for (int b = 0; b < MAX_BACKTRACKS; b++, step *= 0.5) {
                for (int i = 0; i < n; i++) {
                    xNew[i] = x[i] + step * d[i];
                }
                clip(xNew, lower, upper);
                fNew = f.evaluate(xNew, gNew);
                evaluations++;
                double decrease = 0;
                for (int i = 0; i < n; i++) {
                    decrease += g[i] * (xNew[i] - x[i]);
                }
                if (Double.isFinite(fNew) && allFinite(gNew) && fNew <= fx + ARMIJO * decrease) {
                    accepted = true;
                    break;
                }
            }
            if (!accepted) {
                break;
            }
            double[] s = new double[n];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                s[i] = xNew[i] - x[i];
                y[i] = gNew[i] - g[i];
            }
            if (dot(s, y) > 1e-12) {
                pairs.addLast(new double[][] {s, y});
                if (pairs.size() > MEMORY) {
                    pairs.removeFirst();
                }
            }
            double previous = fx;
            x = xNew;
            g = gNew;
            fx = fNew;
            if (previous - fx <= tolerance * Math.max(1.0, Math.abs(fx))) {
                break;
            }
        }
        return new Result(x, fx, evaluations);
    }

    /** The two-loop recursion: minus the inverse-Hessian estimate times the gradient. */
    private static double[] direction(double[] g, Deque<double[][]> pairs) {
        double[] q = g.clone();
        int m = pairs.size();
        double[] alpha = new double[m];
        double[][][] list = pairs.toArray(new double[0][][]);
        for (int k = m - 1; k >= 0; k--) {
            double[] s = list[k][0];
            double[] y = list[k][1];
            alpha[k] = dot(s, q) / dot(y, s);
            axpy(-alpha[k], y, q);
        }
        if (m > 0) {
            double[] s = list[m - 1][0];
            double[] y = list[m - 1][1];
            double gamma = dot(s, y) / dot(y, y);
            for (int i = 0; i < q.length; i++) {
                q[i] *= gamma;
            }
        }
        for (int k = 0; k < m; k++) {
            double[] s = list[k][0];
            double[] y = list[k][1];
            double beta = dot(y, q) / dot(y, s);
            axpy(alpha[k] - beta, s, q);
        }
        for (int i = 0; i < q.length; i++) {
            q[i] = -q[i];
        }
        return q;
    }

    private static void freezeAtBounds(double[] d, double[] x, double[] lower, double[] upper) {
        for (int i = 0; i < d.length; i++) {
            if ((x[i] <= lower[i] && d[i] < 0) || (x[i] >= upper[i] && d[i] > 0)) {
                d[i] = 0;
            }
        }
    }

    private static double projectedGradientNorm(double[] x, double[] g, double[] lower, double[] upper) {
        double norm = 0;
        for (int i = 0; i < x.length; i++) {
            double moved = Math.min(upper[i], Math.max(lower[i], x[i] - g[i])) - x[i];
            norm = Math.max(norm, Math.abs(moved));
        }
        return norm;
    }

    static double[] clip(double[] x, double[] lower, double[] upper) {
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.min(upper[i], Math.max(lower[i], x[i]));
        }
        return x;
    }

    private static boolean allFinite(double[] v) {
        for (double d : v) {
            if (!Double.isFinite(d)) {
                return false;
            }
        }
        return true;
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double d : v) {
            m = Math.max(m, Math.abs(d));
        }
        return m;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }
}
