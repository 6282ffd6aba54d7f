package dev.attune.math;

/**
 * The hyperparameters of a GP with a Matern 5/2 kernel, Gaussian noise and a constant mean.
 *
 * <p>The optimizer works on the vector θ = (log c, log ℓ₁…log ℓ_m, log σ², μ) within {@link #lowerBounds} and
 * {@link #upperBounds}; targets are expected standardized (mean 0, variance 1), which the bounds assume.
 */
public record GpHyperparameters(Matern52Kernel kernel, double noise, double mean) {
    static final double MIN_AMPLITUDE = 1e-3;
    static final double MAX_AMPLITUDE = 1e3;
    static final double MIN_LENGTHSCALE = 1e-2;
    static final double MAX_LENGTHSCALE = 1e2;
    public static final double MIN_NOISE = 1e-6;
    static final double MAX_NOISE = 10;
    static final double MAX_MEAN = 5;

    /** Syne Tune's initial values: c = 1, every inverse bandwidth 1, noise 1e-3, mean 0. */
    public static GpHyperparameters initial(int lengthscales) {
        double[] ls = new double[lengthscales];
        java.util.Arrays.fill(ls, 1.0);
        return new GpHyperparameters(new Matern52Kernel(1.0, ls), 1e-3, 0.0);
    }

    public static int size(int lengthscales) {
        return lengthscales + 3;
    }

    public double[] toVector() {
        int m = kernel.lengthscales().length;
        double[] theta = new double[size(m)];
        theta[0] = Math.log(kernel.amplitude());
        for (int j = 0; j < m; j++) {
            theta[1 + j] = Math.log(kernel.lengthscales()[j]);
        }
        theta[m + 1] = Math.log(noise);
        theta[m + 2] = mean;
        return theta;
    }

    public static GpHyperparameters fromVector(double[] theta) {
        int m = theta.length - 3;
        double[] ls = new double[m];
        for (int j = 0; j < m; j++) {
            ls[j] = Math.exp(theta[1 + j]);
        }
        return new GpHyperparameters(new Matern52Kernel(Math.exp(theta[0]), ls), Math.exp(theta[m + 1]), theta[m + 2]);
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
