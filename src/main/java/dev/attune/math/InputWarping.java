package dev.attune.math;

/**
 * The Kumaraswamy input warping w(x) = 1 − (1 − r^a)^b, r = ε + (1 − 2ε)x, applied per input with its own
 * a, b &gt; 0 (a = b = 1 is the identity up to ε), and its derivatives.
 *
 * <p>[1] Snoek et al., Input Warping for Bayesian Optimization of Non-Stationary Functions, ICML 2014.
 *
 * <p>Implementation note: ε keeps r inside (0, 1), so log r and log(1 − r^a) stay finite at the borders.
 */
public record InputWarping(double[] a, double[] b) {
    static final double EPSILON = 1e-6;
    static final double MIN = 0.1;
    static final double MAX = 10;

    public InputWarping {
        a = a.clone();
        b = b.clone();
    }

    public static InputWarping identity(int inputs) {
        double[] ones = new double[inputs];
        java.util.Arrays.fill(ones, 1.0);
        return new InputWarping(ones, ones);
    }

    private static double r(double x) {
        return EPSILON + (1 - 2 * EPSILON) * Math.min(1, Math.max(0, x));
    }

    public double[] apply(double[] x) {
        double[] w = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            w[j] = 1 - Math.pow(1 - Math.pow(r(x[j]), a[j]), b[j]);
        }
        return w;
    }

    /** ∂w_j/∂x_j (zero outside [0, 1], where the input is clipped). */
    public double derivative(double x, int j) {
        if (x < 0 || x > 1) {
            return 0;
        }
        double r = r(x);
        double ra = Math.pow(r, a[j]);
        return b[j] * Math.pow(1 - ra, b[j] - 1) * a[j] * ra / r * (1 - 2 * EPSILON);
    }

    /** ∂w_j/∂log a_j at x. */
    double derivativeLogA(double x, int j) {
        double r = r(x);
        double ra = Math.pow(r, a[j]);
        return b[j] * Math.pow(1 - ra, b[j] - 1) * ra * Math.log(r) * a[j];
    }

    /** ∂w_j/∂log b_j at x. */
    double derivativeLogB(double x, int j) {
        double ra = Math.pow(r(x), a[j]);
        return -Math.pow(1 - ra, b[j]) * Math.log(1 - ra) * b[j];
    }
}
