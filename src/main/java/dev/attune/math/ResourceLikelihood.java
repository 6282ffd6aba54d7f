package dev.attune.math;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.analysis.MultivariateFunction;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.SimpleBounds;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;
import org.ejml.dense.row.decomposition.TriangularSolver_DDRM;

/**
 * Empirical Bayes for a {@link ResourceKernel}: minus the log marginal likelihood of standardized targets
 * plus the LogNormal(0, 1) prior on the covariance scale that {@link MarginalLikelihood} uses, minimized
 * from several starts by BOBYQA (Powell's derivative-free trust-region method, commons-math3) over the
 * box of θ scaled to [0, 1]. Starts: the given warm or initial θ first, then uniform random θ in the box;
 * the best wins.
 *
 * <p>Implementation note: one evaluation costs a Cholesky factorization of the n × n covariance (EJML),
 * O(n³/3), and O(n²·d) for the kernel; no gradients. A covariance that is not positive definite even with
 * jitter scores a large constant, which BOBYQA's trust region steps back from.
 */
public final class ResourceLikelihood {
    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
    private static final double INFEASIBLE = 1e10;
    private static final int JITTER_TRIES = 6;

    private final double[][] x;
    private final double[] y;
    private final ResourceKernel.Shape shape;
    /** The independent model's rows per level ({@link #levelBlocks}); null for the other kernels. */
    private final int[][] blocks;

    private int evaluations;

    public ResourceLikelihood(double[][] x, double[] y, ResourceKernel.Shape shape) {
        this.x = x;
        this.y = y;
        this.shape = shape;
        this.blocks = shape.type() == ResourceKernel.Type.INDEPENDENT ? levelBlocks(x, shape) : null;
    }

    /**
     * The independent model's rows grouped by level, each group in the rows' order: its covariance is block
     * diagonal (levels are uncorrelated), so the Cholesky factor of the whole is the blocks' factors, and
     * each row's entries of L⁻¹r and diag L are the same numbers as the whole factorization gives (the
     * cross-level terms it sums are exact zeros). O(Σ b³) instead of O(n³).
     */
    private static int[][] levelBlocks(double[][] x, ResourceKernel.Shape shape) {
        int d = shape.d();
        double[] levels = shape.levels();
        List<List<Integer>> groups = new ArrayList<>();
        for (int l = 0; l < levels.length; l++) {
            groups.add(new ArrayList<>());
        }
        for (int i = 0; i < x.length; i++) {
            groups.get(ResourceKernel.levelIndex(levels, x[i][d])).add(i);
        }
        return groups.stream()
                .filter(g -> !g.isEmpty())
                .map(g -> g.stream().mapToInt(Integer::intValue).toArray())
                .toArray(int[][]::new);
    }

    /**
     * Replaces r by L⁻¹r and writes diag L, one level block at a time; jitter as in {@link
     * GaussianProcess#choleskyOfCovariance}: the same amount for every block, raised for all when any fails.
     */
    private void solveByLevel(ResourceKernel k, double[] r, double[] diagonal) {
        if (x.length == 0) {
            return; // no data: nothing to solve, as on the whole-matrix path
        }
        double scale = k.variance(x[0]);
        double jitter = 0;
        for (int attempt = 0; attempt < JITTER_TRIES; attempt++) {
            double[][] factors = new double[blocks.length][];
            boolean ok = true;
            for (int b = 0; b < blocks.length && ok; b++) {
                int[] rows = blocks[b];
                double[][] xb = new double[rows.length][];
                for (int i = 0; i < rows.length; i++) {
                    xb[i] = x[rows[i]];
                }
                factors[b] = GaussianProcess.choleskyWithJitter(xb, k, jitter);
                ok = factors[b] != null;
            }
            if (ok) {
                for (int b = 0; b < blocks.length; b++) {
                    int[] rows = blocks[b];
                    int m = rows.length;
                    double[] rb = new double[m];
                    for (int i = 0; i < m; i++) {
                        rb[i] = r[rows[i]];
                    }
                    TriangularSolver_DDRM.solveL(factors[b], rb, m);
                    for (int i = 0; i < m; i++) {
                        r[rows[i]] = rb[i];
                        diagonal[rows[i]] = factors[b][i * m + i];
                    }
                }
                return;
            }
            jitter = jitter == 0 ? 1e-8 * scale : jitter * 10;
        }
        throw new IllegalStateException("covariance matrix is not positive definite even with jitter " + jitter);
    }

    /** Minus the log marginal likelihood and the amplitude prior at θ. */
    public double evaluate(double[] theta) {
        evaluations++;
        ResourceKernel k = ResourceKernel.of(shape, theta);
        int n = x.length;
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = y[i] - k.mean(x[i]);
        }
        double[] diagonal = new double[n];
        try {
            if (blocks == null) {
                double[] lower = GaussianProcess.choleskyOfCovariance(x, k);
                TriangularSolver_DDRM.solveL(lower, r, n);
                for (int i = 0; i < n; i++) {
                    diagonal[i] = lower[i * n + i];
                }
            } else {
                solveByLevel(k, r, diagonal);
            }
        } catch (IllegalStateException e) {
            return INFEASIBLE;
        }
        double value = 0;
        for (int i = 0; i < n; i++) {
            value += 0.5 * r[i] * r[i] + Math.log(diagonal[i]) + HALF_LOG_2PI;
        }
        double logAmp = Math.log(k.amplitude());
        value += 0.5 * logAmp * logAmp;
        return Double.isFinite(value) ? value : INFEASIBLE;
    }

    /** How many times {@link #evaluate} ran. */
    public int evaluations() {
        return evaluations;
    }

    /** A fitted θ and its objective value. */
    public record Fit(double[] theta, double value) {}

    /**
     * Minimizes from {@code start} and {@code randomStarts} random points, at most {@code maxEvaluations}
     * objective evaluations each; {@code radius} is BOBYQA's initial trust region in the unit box (small
     * for a warm start that is expected to be close).
     */
    public Fit fit(double[] start, int randomStarts, int maxEvaluations, double radius, SplittableRandom random) {
        double[] lo = shape.lowerBounds();
        double[] hi = shape.upperBounds();
        int p = lo.length;
        List<double[]> starts = new ArrayList<>();
        starts.add(clamp(start, lo, hi));
        for (int s = 0; s < randomStarts; s++) {
            double[] t = new double[p];
            for (int j = 0; j < p; j++) {
                t[j] = lo[j] + random.nextDouble() * (hi[j] - lo[j]);
            }
            starts.add(t);
        }
        Fit best = null;
        for (double[] s : starts) {
            Fit f = minimize(s, lo, hi, maxEvaluations, radius);
            if (best == null || f.value() < best.value()) {
                best = f;
            }
        }
        return best;
    }

    private Fit minimize(double[] start, double[] lo, double[] hi, int maxEvaluations, double radius) {
        int p = lo.length;
        double[] u0 = new double[p];
        for (int j = 0; j < p; j++) {
            u0[j] = (start[j] - lo[j]) / (hi[j] - lo[j]);
        }
        double[] bestU = u0.clone();
        double[] bestValue = {Double.POSITIVE_INFINITY};
        MultivariateFunction objective = u -> {
            double[] t = new double[p];
            for (int j = 0; j < p; j++) {
                t[j] = lo[j] + Math.min(1, Math.max(0, u[j])) * (hi[j] - lo[j]);
            }
            double v = evaluate(t);
            if (v < bestValue[0]) { // kept if the evaluation budget ends the search
                bestValue[0] = v;
                System.arraycopy(u, 0, bestU, 0, p);
            }
            return v;
        };
        if (p >= 2) {
            BOBYQAOptimizer optimizer = new BOBYQAOptimizer(2 * p + 1, radius, 1e-4);
            double[] lower = new double[p];
            double[] upper = new double[p];
            java.util.Arrays.fill(upper, 1);
            try {
                PointValuePair r = optimizer.optimize(
                        new MaxEval(maxEvaluations),
                        new ObjectiveFunction(objective),
                        GoalType.MINIMIZE,
                        new InitialGuess(u0),
                        new SimpleBounds(lower, upper));
                if (r.getValue() < bestValue[0]) {
                    bestValue[0] = r.getValue();
                    System.arraycopy(r.getPoint(), 0, bestU, 0, p);
                }
            } catch (TooManyEvaluationsException e) {
                // the best point evaluated so far stands
            }
        } else {
            objective.value(u0);
        }
        double[] theta = new double[p];
        for (int j = 0; j < p; j++) {
            theta[j] = Math.min(hi[j], lo[j] + Math.min(1, Math.max(0, bestU[j])) * (hi[j] - lo[j]));
        }
        return new Fit(theta, evaluate(theta));
    }

    private static double[] clamp(double[] t, double[] lo, double[] hi) {
        double[] c = new double[t.length];
        for (int j = 0; j < t.length; j++) {
            c[j] = Math.min(hi[j], Math.max(lo[j], t[j]));
        }
        return c;
    }
}
