package dev.attune.math;

import org.jspecify.annotations.Nullable;

/**
 * The hyperparameters of a GP with a Matern 5/2 kernel, Gaussian noise, a constant mean and optionally an
 * input warping.
 *
 * <p>The optimizer works on the vector θ = (log c, log ℓ₁…log ℓ_m, log σ², μ[, log a₁…log a_d, log b₁…log
 * b_d]) within {@link #lowerBounds} and {@link #upperBounds}; targets are expected standardized (mean 0,
 * variance 1), which the bounds assume.
 *
 * @param warping the input warping, or null for none
 */
public record GpHyperparameters(
        Matern52Kernel kernel,
        double noise,
        double mean,
        @Nullable InputWarping warping) implements GpPrior {

    public GpHyperparameters(Matern52Kernel kernel, double noise, double mean) {
        this(kernel, noise, mean, null);
    }

    /** The same hyperparameters with the kernel a product split before input {@code from}. */
    public GpHyperparameters withProductFrom(int from) {
        return new GpHyperparameters(kernel.withProductFrom(from), noise, mean, warping);
    }

    @Override
    public double mean(double[] x) {
        return mean;
    }

    @Override
    public double covariance(double[] a, double[] b) {
        return kernel.value(a, b);
    }

    @Override
    public double covarianceAndGradient(double[] a, double[] b, double[] gradient) {
        return kernel.valueAndGradient(a, b, gradient);
    }

    @Override
    public double variance(double[] a) {
        return kernel.amplitude();
    }

    @Override
    public double noise(double[] a) {
        return noise;
    }

    /** The inputs as the kernel sees them: warped, or as they are. */
    @Override
    public double[] warp(double[] x) {
        return warping == null ? x : warping.apply(x);
    }

    static final double MIN_AMPLITUDE = 1e-3;
    static final double MAX_AMPLITUDE = 1e3;
    static final double MIN_LENGTHSCALE = 1e-2;
    static final double MAX_LENGTHSCALE = 1e2;
    public static final double MIN_NOISE = 1e-6;
    static final double MAX_NOISE = 10;
    static final double MAX_MEAN = 5;

    /** Syne Tune's initial values: c = 1, every inverse bandwidth 1, noise 1e-3, mean 0. */
    public static GpHyperparameters initial(int lengthscales) {
        return initial(lengthscales, 0);
    }

    /** The initial values, with an identity warping of {@code warped} inputs if that is positive. */
    public static GpHyperparameters initial(int lengthscales, int warped) {
        double[] ls = new double[lengthscales];
        java.util.Arrays.fill(ls, 1.0);
        return new GpHyperparameters(
                new Matern52Kernel(1.0, ls), 1e-3, 0.0, warped > 0 ? InputWarping.identity(warped) : null);
    }

    public static int size(int lengthscales) {
        return size(lengthscales, 0);
    }

    public static int size(int lengthscales, int warped) {
        return lengthscales + 3 + 2 * warped;
    }

    public double[] toVector() {
        int m = kernel.lengthscales().length;
        double[] theta = new double[size(m, warping == null ? 0 : warping.a().length)];
        theta[0] = Math.log(kernel.amplitude());
        for (int j = 0; j < m; j++) {
            theta[1 + j] = Math.log(kernel.lengthscales()[j]);
        }
        theta[m + 1] = Math.log(noise);
        theta[m + 2] = mean;
        if (warping != null) {
            int d = warping.a().length;
            for (int j = 0; j < d; j++) {
                theta[m + 3 + j] = Math.log(warping.a()[j]);
                theta[m + 3 + d + j] = Math.log(warping.b()[j]);
            }
        }
        return theta;
    }

    public static GpHyperparameters fromVector(double[] theta) {
        return fromVector(theta, theta.length - 3);
    }

    /** The hyperparameters of θ with {@code m} length scales; the rest beyond m + 3 is the warping. */
    public static GpHyperparameters fromVector(double[] theta, int m) {
        double[] ls = new double[m];
        for (int j = 0; j < m; j++) {
            ls[j] = Math.exp(theta[1 + j]);
        }
        int d = (theta.length - m - 3) / 2;
        InputWarping warping = null;
        if (d > 0) {
            double[] a = new double[d];
            double[] b = new double[d];
            for (int j = 0; j < d; j++) {
                a[j] = Math.exp(theta[m + 3 + j]);
                b[j] = Math.exp(theta[m + 3 + d + j]);
            }
            warping = new InputWarping(a, b);
        }
        return new GpHyperparameters(
                new Matern52Kernel(Math.exp(theta[0]), ls), Math.exp(theta[m + 1]), theta[m + 2], warping);
    }

    static double[] lowerBounds(int m, int warped) {
        double[] b = java.util.Arrays.copyOf(lowerBounds(m), size(m, warped));
        java.util.Arrays.fill(b, m + 3, b.length, Math.log(InputWarping.MIN));
        return b;
    }

    static double[] upperBounds(int m, int warped) {
        double[] b = java.util.Arrays.copyOf(upperBounds(m), size(m, warped));
        java.util.Arrays.fill(b, m + 3, b.length, Math.log(InputWarping.MAX));
        return b;
    }

    /**
     * Holds the warping of the inputs {@code unwarped} marks (e.g. a categorical's one-hot block, where a
     * warping has nothing to bend) at the identity, a = b = 1, by closing their bounds; null marks none.
     */
    static void pinIdentity(double[] lower, double[] upper, int m, int warped, boolean[] unwarped) {
        if (unwarped == null || warped == 0) {
            return;
        }
        for (int c = 0; c < warped; c++) {
            if (unwarped[c]) {
                lower[m + 3 + c] = upper[m + 3 + c] = 0;
                lower[m + 3 + warped + c] = upper[m + 3 + warped + c] = 0;
            }
        }
    }

    static double[] lowerBounds(int m) {
        double[] b = new double[size(m)];
        b[0] = Math.log(MIN_AMPLITUDE);
        java.util.Arrays.fill(b, 1, m + 1, Math.log(MIN_LENGTHSCALE));
        b[m + 1] = Math.log(MIN_NOISE);
        b[m + 2] = -MAX_MEAN;
        return b;
    }

    static double[] upperBounds(int m) {
        double[] b = new double[size(m)];
        b[0] = Math.log(MAX_AMPLITUDE);
        java.util.Arrays.fill(b, 1, m + 1, Math.log(MAX_LENGTHSCALE));
        b[m + 1] = Math.log(MAX_NOISE);
        b[m + 2] = MAX_MEAN;
        return b;
    }
}
