package dev.attune.math;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.decomposition.chol.CholeskyDecompositionInner_DDRM;
import org.ejml.dense.row.linsol.chol.LinearSolverChol_DDRM;

/**
 * Empirical Bayes for a Matern 5/2 GP: minus the log marginal likelihood of standardized targets, plus the
 * LogNormal(0, 1) prior Syne Tune puts on the covariance scale, with its gradient, and a fit that
 * minimizes it from several starts and keeps the best.
 *
 * <p>[1] Rasmussen and Williams, Gaussian Processes for Machine Learning, MIT Press, 2006, §5.4.1.
 *
 * <p>Implementation note: one evaluation costs a Cholesky factorization and an inverse of the n × n
 * covariance (O(n³), EJML) plus O(n²·d) for the kernel and its derivatives; the gradient is
 * ½ tr((K⁻¹ − ααᵀ) ∂K/∂θ) for every θ. A non-positive-definite covariance answers +∞, which makes the
 * line search step back.
 */
public final class MarginalLikelihood {
    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

    private final double[][] x;
    private final double[] y;
    private final int n;
    private final int m;
    private final int warped;
    private final int productFrom;

    /**
     * @param lengthscales d for ARD (one per input), 1 for a shared length scale, or in between: the last
     *     one is shared by the inputs from its index on (see {@link Matern52Kernel})
     */
    public MarginalLikelihood(double[][] x, double[] y, int lengthscales) {
        this(x, y, lengthscales, false);
    }

    /** @param warping whether every input gets a learned Kumaraswamy warping ({@link InputWarping}) */
    public MarginalLikelihood(double[][] x, double[] y, int lengthscales, boolean warping) {
        this(x, y, lengthscales, warping, Matern52Kernel.NO_PRODUCT);
    }

    /**
     * @param productFrom the kernel is a product of a Matern over the inputs before this index and one over
     *     the rest ({@link Matern52Kernel#NO_PRODUCT}: one Matern over all)
     */
    public MarginalLikelihood(double[][] x, double[] y, int lengthscales, boolean warping, int productFrom) {
        this.x = x;
        this.y = y;
        this.n = x.length;
        this.m = lengthscales;
        this.warped = warping && n > 0 ? x[0].length : 0;
        this.productFrom = productFrom;
    }

    /** Minus the log marginal likelihood and prior at θ; the gradient goes into {@code gradient}. */
    public double evaluate(double[] theta, double[] gradient) {
        GpHyperparameters h = GpHyperparameters.fromVector(theta, m);
        double[][] x = warped == 0
                ? this.x
                : java.util.Arrays.stream(this.x).map(h::warp).toArray(double[][]::new);
        double noise = h.noise();
        int dims = n == 0 ? 0 : x[0].length;
        boolean product = productFrom < dims;
        int p = Math.min(productFrom, dims); // inputs from p on: the second factor's
        // h from θ carries no split: the product is this likelihood's
        Matern52Kernel k = product ? h.kernel().withProductFrom(productFrom) : h.kernel();
        double amp = k.amplitude();
        double[] pairSlopes = new double[2];
        DMatrixRMaj cov = new DMatrixRMaj(n, n);
        double[] kf = new double[n * n];
        double[] slope = new double[n * n]; // the first factor's inputs' (all inputs' without a product)
        double[] slopeB = product ? new double[n * n] : slope; // the second factor's inputs'
        for (int i = 0; i < n; i++) {
            cov.set(i, i, amp + noise);
            kf[i * n + i] = amp;
            for (int j = i + 1; j < n; j++) {
                double v;
                if (!product) {
                    double r2 = k.scaledDistance2(x[i], x[j]);
                    v = k.valueAt(r2);
                    slope[i * n + j] = k.slope(r2);
                } else {
                    v = k.productValueAndSlopes(x[i], x[j], pairSlopes);
                    slope[i * n + j] = pairSlopes[0];
                    slopeB[i * n + j] = pairSlopes[1];
                }
                cov.set(i, j, v);
                cov.set(j, i, v);
                kf[i * n + j] = v;
            }
        }
        LinearSolverChol_DDRM solver = new LinearSolverChol_DDRM(new CholeskyDecompositionInner_DDRM(true));
        if (!solver.setA(cov)) {
            return Double.POSITIVE_INFINITY;
        }
        DMatrixRMaj lower = solver.getDecomposition().getT(null);
        double logDet = 0;
        for (int i = 0; i < n; i++) {
            logDet += Math.log(lower.get(i, i));
        }
        DMatrixRMaj residual = new DMatrixRMaj(n, 1);
        for (int i = 0; i < n; i++) {
            residual.set(i, 0, y[i] - h.mean());
        }
        DMatrixRMaj alpha = new DMatrixRMaj(n, 1);
        solver.solve(residual, alpha);
        double fit = 0;
        for (int i = 0; i < n; i++) {
            fit += residual.get(i, 0) * alpha.get(i, 0);
        }
        double logAmp = theta[0];
        double value = 0.5 * fit + logDet + n * HALF_LOG_2PI + logAmp + 0.5 * logAmp * logAmp;
        if (!Double.isFinite(value)) {
            return Double.POSITIVE_INFINITY;
        }
        DMatrixRMaj inverse = new DMatrixRMaj(n, n);
        solver.invert(inverse);
        java.util.Arrays.fill(gradient, 0);
        double[] inv = inverse.data;
        double[] a = alpha.data;
        double dAmp = 0;
        double trace = 0;
        double[][] dA = new double[warped == 0 ? 0 : n][warped];
        double[][] dB = new double[warped == 0 ? 0 : n][warped];
        for (int i = 0; i < dA.length; i++) {
            for (int c = 0; c < warped; c++) {
                dA[i][c] = h.warping().derivativeLogA(this.x[i][c], c);
                dB[i][c] = h.warping().derivativeLogB(this.x[i][c], c);
            }
        }
        for (int i = 0; i < n; i++) {
            double wii = inv[i * n + i] - a[i] * a[i];
            dAmp += wii * amp;
            trace += wii;
            for (int j = i + 1; j < n; j++) {
                double w = 2 * (inv[i * n + j] - a[i] * a[j]); // W is symmetric: both halves at once
                dAmp += w * kf[i * n + j];
                double wsA = w * slope[i * n + j];
                double wsB = w * slopeB[i * n + j];
                for (int c = 0; c < x[i].length; c++) {
                    double ws = c < p ? wsA : wsB;
                    double l = k.lengthscale(c);
                    double t = (x[i][c] - x[j][c]) / l;
                    gradient[1 + Math.min(c, m - 1)] += 0.5 * ws * t * t;
                    if (warped > 0) { // ∂k/∂w_i = −slope·(w_i − w_j)/ℓ², and −that for w_j
                        double dk = -0.5 * ws * t / l;
                        gradient[m + 3 + c] += dk * (dA[i][c] - dA[j][c]);
                        gradient[m + 3 + warped + c] += dk * (dB[i][c] - dB[j][c]);
                    }
                }
            }
        }
        gradient[0] = 0.5 * dAmp + 1 + logAmp;
        gradient[m + 1] = 0.5 * noise * trace;
        double sumAlpha = 0;
        for (double v : a) {
            sumAlpha += v;
        }
        gradient[m + 2] = -sumAlpha;
        return value;
    }

    /** How a fit is run: L-BFGS iterations per start, and the starts (random ones come after the given). */
    public record FitOptions(int maxIterations, int randomStarts, double tolerance, boolean[] unwarped) {
        /** Options under which every input may be warped. */
        public FitOptions(int maxIterations, int randomStarts, double tolerance) {
            this(maxIterations, randomStarts, tolerance, null);
        }
    }

    /** The fitted hyperparameters, the objective there, and the evaluations it took. */
    public record Fit(GpHyperparameters hyperparameters, double value, int evaluations) {}

    /**
     * Minimizes from each of {@code starts} and then from {@code options.randomStarts()} random points drawn
     * from {@code random}; keeps the best. Inputs that {@code options.unwarped()} marks keep the identity
     * warping. At least one start is always run (the initial values if none is
     * given).
     */
    public Fit fit(List<GpHyperparameters> starts, FitOptions options, SplittableRandom random) {
        double[] lo = GpHyperparameters.lowerBounds(m, warped);
        double[] hi = GpHyperparameters.upperBounds(m, warped);
        GpHyperparameters.pinIdentity(lo, hi, m, warped, options.unwarped());
        List<double[]> points = new ArrayList<>();
        starts.forEach(s -> points.add(s.toVector()));
        if (points.isEmpty()) {
            points.add(GpHyperparameters.initial(m, warped).toVector());
        }
        for (int r = 0; r < options.randomStarts(); r++) {
            double[] theta = new double[GpHyperparameters.size(m, warped)];
            for (int j = m + 3; j < theta.length; j++) {
                theta[j] = (random.nextDouble() - 0.5) * Math.log(4); // a, b in [1/2, 2]
            }
            theta[0] = Math.log(0.1) + random.nextDouble() * Math.log(100);
            for (int j = 0; j < m; j++) {
                theta[1 + j] = Math.log(0.05) + random.nextDouble() * Math.log(100);
            }
            theta[m + 1] = Math.log(1e-5) + random.nextDouble() * Math.log(1e4);
            theta[m + 2] = random.nextDouble() * 2 - 1;
            points.add(theta);
        }
        BoundedLbfgs.Result best =
                BoundedLbfgs.bestOf(this::evaluate, points, lo, hi, options.maxIterations(), options.tolerance());
        return new Fit(
                GpHyperparameters.fromVector(best.point(), m).withProductFrom(productFrom),
                best.value(),
                best.evaluations());
    }
}
