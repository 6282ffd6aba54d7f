package dev.attune.math;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.decomposition.TriangularSolver_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;

/**
 * A GP posterior: fixed hyperparameters conditioned on inputs and one or more target vectors that share
 * those inputs (the observed targets, or one vector per fantasy sample of pending evaluations).
 *
 * <p>Predictions are of the latent function (without observation noise). With S target vectors the
 * posterior has S means and one variance at every point, which is what averaging an acquisition over
 * fantasies needs.
 *
 * <p>Implementation note: one Cholesky factorization K + σ²I = LLᵀ (EJML) serves every target vector; a
 * prediction costs O(n·d) for the kernel vector and O(n²) for the variance. When the factorization fails
 * (inputs closer than the noise can separate) jitter is added, ten times more at each try.
 */
public final class GaussianProcess {
    private static final int JITTER_TRIES = 6;

    private final double[][] inputs;
    private final GpPrior hyper;
    private final int n;
    private final double[] lower;
    private final double[][] alphas;
    private final double[] firstTarget;
    /** Coordinates appended to a point that lacks them (the active task's, for a transfer-learning GP). */
    private final double[] suffix;

    private GaussianProcess(
            double[][] inputs,
            GpPrior hyper,
            double[] lower,
            double[][] alphas,
            double[] firstTarget,
            double[] suffix) {
        this.firstTarget = firstTarget;
        this.suffix = suffix;
        this.inputs = inputs;
        this.hyper = hyper;
        this.n = inputs.length;
        this.lower = lower;
        this.alphas = alphas;
    }

    /** The posterior given {@code targets[s][i]}, the s-th target vector's value at {@code inputs[i]}. */
    public static GaussianProcess condition(double[][] raw, double[][] targets, GpPrior hyper) {
        return condition(raw, targets, hyper, new double[0]);
    }

    /**
     * As {@link #condition(double[][], double[][], GpPrior)}, for inputs whose last coordinates
     * are {@code suffix.length} extra ones (e.g. a task's one-hot code): a point given without them, to
     * {@link #predict}, {@link #means} or {@link #sampleObservations}, gets {@code suffix} appended, and
     * gradients are returned for the coordinates it was given.
     */
    public static GaussianProcess condition(double[][] raw, double[][] targets, GpPrior hyper, double[] suffix) {
        double[][] inputs = java.util.Arrays.stream(raw).map(hyper::warp).toArray(double[][]::new);
        int n = inputs.length;
        double[] lower = choleskyOfCovariance(inputs, hyper);
        double[][] alphas = new double[targets.length][];
        for (int s = 0; s < targets.length; s++) {
            double[] a = new double[n];
            for (int i = 0; i < n; i++) {
                a[i] = targets[s][i] - hyper.mean(inputs[i]);
            }
            TriangularSolver_DDRM.solveL(lower, a, n);
            TriangularSolver_DDRM.solveTranL(lower, a, n);
            alphas[s] = a;
        }
        return new GaussianProcess(
                inputs, hyper, lower, alphas, targets.length == 0 ? new double[0] : targets[0].clone(), suffix.clone());
    }

    /** {@code raw} with {@link #suffix} appended when it lacks those coordinates. */
    private double[] full(double[] raw) {
        if (suffix.length == 0 || n == 0 || raw.length + suffix.length != inputs[0].length) {
            return raw;
        }
        double[] x = java.util.Arrays.copyOf(raw, raw.length + suffix.length);
        System.arraycopy(suffix, 0, x, raw.length, suffix.length);
        return x;
    }

    /** L with LLᵀ = K(inputs) + σ²I, row-major, adding jitter if K is numerically singular. */
    static double[] choleskyOfCovariance(double[][] inputs, GpPrior hyper) {
        int n = inputs.length;
        double jitter = 0;
        double scale = n == 0 ? 1 : hyper.variance(inputs[0]);
        // the kernel is evaluated once; a retry with jitter starts from a copy of these entries
        double[] entries = covarianceEntries(inputs, hyper);
        for (int attempt = 0; attempt < JITTER_TRIES; attempt++) {
            double[] factor = cholesky(entries, inputs, hyper, jitter);
            if (factor != null) {
                return factor;
            }
            jitter = jitter == 0 ? 1e-8 * scale : jitter * 10;
        }
        throw new IllegalStateException("covariance matrix is not positive definite even with jitter " + jitter);
    }

    /** L with LLᵀ = K(inputs) + σ²I + jitter·I, row-major, or null when the factorization fails. */
    static double[] choleskyWithJitter(double[][] inputs, GpPrior hyper, double jitter) {
        return cholesky(covarianceEntries(inputs, hyper), inputs, hyper, jitter);
    }

    /** K(inputs) row-major, both triangles, with the prior variance (without noise) on the diagonal. */
    private static double[] covarianceEntries(double[][] inputs, GpPrior hyper) {
        int n = inputs.length;
        double[] k = new double[n * n];
        for (int i = 0; i < n; i++) {
            k[i * n + i] = hyper.variance(inputs[i]);
            for (int j = i + 1; j < n; j++) {
                double v = hyper.covariance(inputs[i], inputs[j]);
                k[i * n + j] = v;
                k[j * n + i] = v;
            }
        }
        return k;
    }

    private static double[] cholesky(double[] entries, double[][] inputs, GpPrior hyper, double jitter) {
        int n = inputs.length;
        if (n == 0) {
            return new double[0];
        }
        double[] cov = entries.clone();
        for (int i = 0; i < n; i++) {
            cov[i * n + i] = entries[i * n + i] + hyper.noise(inputs[i]) + jitter;
        }
        return Cholesky.lowerInPlace(cov, n) ? cov : null;
    }

    public int size() {
        return n;
    }

    public int targets() {
        return alphas.length;
    }

    /** The Matern hyperparameters of this posterior; fails for another prior. */
    public GpHyperparameters hyperparameters() {
        return (GpHyperparameters) hyper;
    }

    /** The prior this posterior conditions. */
    public GpPrior prior() {
        return hyper;
    }

    /** Means (one per target vector) and the variance of the latent function at one point. */
    public record Prediction(double[] means, double variance) {
        public double sigma() {
            return Math.sqrt(variance);
        }
    }

    /** The posterior means (one per target vector) at x, without the O(n²) variance. */
    public double[] means(double[] raw) {
        double[] x = hyper.warp(full(raw));
        double[] means = new double[alphas.length];
        java.util.Arrays.fill(means, hyper.mean(x));
        for (int i = 0; i < n; i++) {
            double kx = hyper.covariance(x, inputs[i]);
            for (int s = 0; s < alphas.length; s++) {
                means[s] += kx * alphas[s][i];
            }
        }
        return means;
    }

    public Prediction predict(double[] x) {
        return predict(x, null, null);
    }

    /**
     * Predicts at {@code x}; when {@code meanGradients} (S × d) and {@code varianceGradient} (d) are given,
     * writes the gradients of every mean and of the variance with respect to x into them.
     */
    public Prediction predict(double[] given, double[][] meanGradients, double[] varianceGradient) {
        double[] raw = full(given);
        if (raw != given && meanGradients != null) { // gradients over the given coordinates only
            double[][] mg = new double[meanGradients.length][raw.length];
            double[] vg = new double[raw.length];
            Prediction p = predict(raw, mg, vg);
            for (int s = 0; s < mg.length; s++) {
                System.arraycopy(mg[s], 0, meanGradients[s], 0, given.length);
            }
            System.arraycopy(vg, 0, varianceGradient, 0, given.length);
            return p;
        }
        double[] x = hyper.warp(raw);
        int d = x.length;
        double[] kx = new double[n];
        double[][] dk = meanGradients == null ? null : new double[n][d];
        for (int i = 0; i < n; i++) {
            kx[i] = dk == null ? hyper.covariance(x, inputs[i]) : hyper.covarianceAndGradient(x, inputs[i], dk[i]);
        }
        double[] means = new double[alphas.length];
        for (int s = 0; s < alphas.length; s++) {
            double m = hyper.mean(x);
            for (int i = 0; i < n; i++) {
                m += kx[i] * alphas[s][i];
            }
            means[s] = m;
        }
        double[] v = kx.clone();
        TriangularSolver_DDRM.solveL(lower, v, n);
        double prior = hyper.variance(x);
        double variance = prior;
        for (int i = 0; i < n; i++) {
            variance -= v[i] * v[i];
        }
        variance = Math.max(variance, 1e-12 * prior);
        if (dk != null) {
            for (int s = 0; s < alphas.length; s++) {
                for (int j = 0; j < d; j++) {
                    double g = 0;
                    for (int i = 0; i < n; i++) {
                        g += dk[i][j] * alphas[s][i];
                    }
                    meanGradients[s][j] = g;
                }
            }
            TriangularSolver_DDRM.solveTranL(lower, v, n); // v = K⁻¹ k(x)
            for (int j = 0; j < d; j++) {
                double g = 0;
                for (int i = 0; i < n; i++) {
                    g += dk[i][j] * v[i];
                }
                varianceGradient[j] = -2 * g;
            }
            InputWarping w = hyper.warping();
            if (w != null) { // chain rule through the warping
                for (int j = 0; j < d; j++) {
                    double dw = w.derivative(raw[j], j);
                    varianceGradient[j] *= dw;
                    for (double[] mg : meanGradients) {
                        mg[j] *= dw;
                    }
                }
            }
        }
        return new Prediction(means, variance);
    }

    /**
     * Leave-one-out predictive means and variances of the observations in {@code rows} (first target
     * vector): μ₋ᵢ = yᵢ − αᵢ/[K⁻¹]ᵢᵢ and σ²₋ᵢ = 1/[K⁻¹]ᵢᵢ, without refitting ([1] §5.4.2). Costs O(n²) per row.
     */
    public double[][] leaveOneOut(int[] rows) {
        double[] means = new double[rows.length];
        double[] variances = new double[rows.length];
        for (int a = 0; a < rows.length; a++) {
            int i = rows[a];
            double[] e = new double[n];
            e[i] = 1;
            TriangularSolver_DDRM.solveL(lower, e, n);
            double inverseDiagonal = 0;
            for (double v : e) {
                inverseDiagonal += v * v;
            }
            variances[a] = 1 / inverseDiagonal;
            means[a] = firstTarget[i] - alphas[0][i] / inverseDiagonal;
        }
        return new double[][] {means, variances};
    }

    /**
     * Draws {@code samples} joint samples of noisy observations at {@code points} from the posterior of the
     * first target vector: the fantasies that stand in for pending evaluations. Row s is sample s.
     */
    public double[][] sampleObservations(double[][] raw, int samples, SplittableRandom random) {
        double[][] points =
                java.util.Arrays.stream(raw).map(this::full).map(hyper::warp).toArray(double[][]::new);
        int p = points.length;
        double[][] v = new double[p][];
        double[] mean = new double[p];
        for (int a = 0; a < p; a++) {
            double[] kx = new double[n];
            for (int i = 0; i < n; i++) {
                kx[i] = hyper.covariance(points[a], inputs[i]);
            }
            double m = hyper.mean(points[a]);
            for (int i = 0; i < n; i++) {
                m += kx[i] * alphas[0][i];
            }
            mean[a] = m;
            TriangularSolver_DDRM.solveL(lower, kx, n);
            v[a] = kx;
        }
        DMatrixRMaj cov = new DMatrixRMaj(p, p);
        for (int a = 0; a < p; a++) {
            for (int b = a; b < p; b++) {
                double c = hyper.covariance(points[a], points[b]);
                for (int i = 0; i < n; i++) {
                    c -= v[a][i] * v[b][i];
                }
                if (a == b) {
                    c = Math.max(c, 0) + hyper.noise(points[a]) + 1e-9 * hyper.variance(points[a]);
                }
                cov.set(a, b, c);
                cov.set(b, a, c);
            }
        }
        CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(p, true);
        double[] l;
        if (chol.decompose(cov.copy())) {
            l = chol.getT(null).data;
        } else { // fall back to independent marginals
            l = new double[p * p];
            for (int a = 0; a < p; a++) {
                l[a * p + a] = Math.sqrt(cov.get(a, a));
            }
        }
        double[][] out = new double[samples][p];
        for (int s = 0; s < samples; s++) {
            double[] z = new double[p];
            for (int a = 0; a < p; a++) {
                z[a] = Normal.sample(random);
            }
            for (int a = 0; a < p; a++) {
                double val = mean[a];
                for (int b = 0; b <= a; b++) {
                    val += l[a * p + b] * z[b];
                }
                out[s][a] = val;
            }
        }
        return out;
    }
}
