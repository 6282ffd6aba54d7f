package dev.attune.math;

/**
 * The Matern 5/2 kernel k(x, x') = c (1 + d + d²/3) e^{−d}, d = √5 ‖(x − x') / ℓ‖, with one length scale
 * per input (ARD) or one shared by all. In general inputs beyond the last length scale share it: one
 * length scale is the shared case, and m < d length scales give the first m − 1 inputs their own and
 * the rest (e.g. a task's one-hot code) one between them.
 *
 * <p>Implementation note: derivatives are written through {@link #slope}, (5/3) c (1 + d) e^{−d}, which
 * is finite at d = 0: ∂k/∂log ℓ_j = slope · ((x_j − x'_j)/ℓ_j)² and ∂k/∂x_j = −slope · (x_j − x'_j)/ℓ_j².
 */
public record Matern52Kernel(double amplitude, double[] lengthscales) {
    static final double SQRT5 = Math.sqrt(5);

    public Matern52Kernel {
        lengthscales = lengthscales.clone();
    }

    /** The length scale of input {@code j}. */
    public double lengthscale(int j) {
        return lengthscales[Math.min(j, lengthscales.length - 1)];
    }

    /** The squared scaled distance ‖(a − b) / ℓ‖². */
    public double scaledDistance2(double[] a, double[] b) {
        double r2 = 0;
        for (int j = 0; j < a.length; j++) {
            double t = (a[j] - b[j]) / lengthscale(j);
            r2 += t * t;
        }
        return r2;
    }

    public double value(double[] a, double[] b) {
        return valueAt(scaledDistance2(a, b));
    }

    /** The kernel as a function of the squared scaled distance. */
    public double valueAt(double r2) {
        double d = SQRT5 * Math.sqrt(r2);
        return amplitude * (1 + d + d * d / 3) * Math.exp(-d);
    }

    /** (5/3) c (1 + d) e^{−d}: minus the derivative of k with respect to r², times two. */
    public double slope(double r2) {
        double d = SQRT5 * Math.sqrt(r2);
        return 5.0 / 3.0 * amplitude * (1 + d) * Math.exp(-d);
    }

    /** Writes ∂k(x, b)/∂x into {@code gradient} and returns k(x, b). */
    public double valueAndGradient(double[] x, double[] b, double[] gradient) {
        double r2 = scaledDistance2(x, b);
        double s = slope(r2);
        for (int j = 0; j < x.length; j++) {
            double l = lengthscale(j);
            gradient[j] = -s * (x[j] - b[j]) / (l * l);
        }
        return valueAt(r2);
    }
}
