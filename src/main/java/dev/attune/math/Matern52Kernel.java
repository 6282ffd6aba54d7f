package dev.attune.math;

/**
 * The Matern 5/2 kernel k(x, x') = c (1 + d + d²/3) e^{−d}, d = √5 ‖(x − x') / ℓ‖, with one length scale
 * per input (ARD) or one shared by all. In general inputs beyond the last length scale share it: one
 * length scale is the shared case, and m < d length scales give the first m − 1 inputs their own and
 * the rest (e.g. a task's one-hot code) one between them.
 *
 * <p>With {@code productFrom} p below the input count the kernel is a product of two unit Matern 5/2
 * kernels, one over the inputs before p and one over the inputs from p on: k(x, x') = c u(r_a) u(r_b),
 * u(r) = (1 + d + d²/3) e^{−d} at d = √5 r (Syne Tune's transfer kernel: a Matern over the config times a
 * Matern over the task's one-hot code).
 *
 * <p>Implementation note: derivatives are written through {@link #slope}, (5/3) c (1 + d) e^{−d}, which
 * is finite at d = 0: ∂k/∂log ℓ_j = slope · ((x_j − x'_j)/ℓ_j)² and ∂k/∂x_j = −slope · (x_j − x'_j)/ℓ_j².
 * For the product, input j's slope is c times the other factor's value times its own factor's unit slope.
 */
public record Matern52Kernel(double amplitude, double[] lengthscales, int productFrom) {
    static final double SQRT5 = Math.sqrt(5);

    /** No product: one Matern over every input. */
    public static final int NO_PRODUCT = Integer.MAX_VALUE;

    public Matern52Kernel {
        lengthscales = lengthscales.clone();
        if (productFrom < 1) {
            throw new IllegalArgumentException("productFrom must be at least 1, got " + productFrom);
        }
    }

    public Matern52Kernel(double amplitude, double[] lengthscales) {
        this(amplitude, lengthscales, NO_PRODUCT);
    }

    /** The same kernel as a product split before input {@code from} ({@link #NO_PRODUCT}: none). */
    public Matern52Kernel withProductFrom(int from) {
        return new Matern52Kernel(amplitude, lengthscales, from);
    }

    /** Whether inputs of {@code dimensions} coordinates see a product of two kernels. */
    public boolean isProduct(int dimensions) {
        return productFrom < dimensions;
    }

    /** The length scale of input {@code j}. */
    public double lengthscale(int j) {
        return lengthscales[Math.min(j, lengthscales.length - 1)];
    }

    /** The squared scaled distance ‖(a − b) / ℓ‖². */
    public double scaledDistance2(double[] a, double[] b) {
        return scaledDistance2(a, b, 0, a.length);
    }

    /** The squared scaled distance over the inputs {@code from} (inclusive) to {@code to} (exclusive). */
    public double scaledDistance2(double[] a, double[] b, int from, int to) {
        double r2 = 0;
        for (int j = from; j < to; j++) {
            double t = (a[j] - b[j]) / lengthscale(j);
            r2 += t * t;
        }
        return r2;
    }

    public double value(double[] a, double[] b) {
        if (!isProduct(a.length)) {
            return valueAt(scaledDistance2(a, b));
        }
        return productValueAndSlopes(a, b, null);
    }

    /**
     * The product kernel at (a, b), c u(r_a) u(r_b); with {@code slopes} non-null also writes the first
     * factor's inputs' slope c u(r_b) u'(r_a) into {@code slopes[0]} and the second's, c u(r_a) u'(r_b), into
     * {@code slopes[1]} (u' the {@link #unitSlope}). The one place the product's arithmetic is written.
     */
    public double productValueAndSlopes(double[] a, double[] b, double[] slopes) {
        double ra = scaledDistance2(a, b, 0, productFrom);
        double rb = scaledDistance2(a, b, productFrom, a.length);
        double ua = unit(ra);
        double ub = unit(rb);
        if (slopes != null) {
            slopes[0] = amplitude * ub * unitSlope(ra);
            slopes[1] = amplitude * ua * unitSlope(rb);
        }
        return amplitude * ua * ub;
    }

    /** The (non-product) kernel as a function of the squared scaled distance. */
    public double valueAt(double r2) {
        // the same operations in the same order as before the product existed: plain GPs stay bit-identical
        double d = SQRT5 * Math.sqrt(r2);
        return amplitude * (1 + d + d * d / 3) * Math.exp(-d);
    }

    /** (5/3) c (1 + d) e^{−d}: minus the derivative of k with respect to r², times two. */
    public double slope(double r2) {
        double d = SQRT5 * Math.sqrt(r2);
        return 5.0 / 3.0 * amplitude * (1 + d) * Math.exp(-d);
    }

    /** The unit Matern 5/2 at squared scaled distance r². */
    public static double unit(double r2) {
        double d = SQRT5 * Math.sqrt(r2);
        return (1 + d + d * d / 3) * Math.exp(-d);
    }

    /** (5/3) (1 + d) e^{−d}, the unit kernel's {@link #slope}. */
    private static double unitSlope(double r2) {
        double d = SQRT5 * Math.sqrt(r2);
        return 5.0 / 3.0 * (1 + d) * Math.exp(-d);
    }

    /** Writes ∂k(x, b)/∂x into {@code gradient} and returns k(x, b). */
    public double valueAndGradient(double[] x, double[] b, double[] gradient) {
        if (!isProduct(x.length)) {
            double r2 = scaledDistance2(x, b);
            double s = slope(r2);
            for (int j = 0; j < x.length; j++) {
                double l = lengthscale(j);
                gradient[j] = -s * (x[j] - b[j]) / (l * l);
            }
            return valueAt(r2);
        }
        double[] slopes = new double[2];
        double value = productValueAndSlopes(x, b, slopes);
        for (int j = 0; j < x.length; j++) {
            double l = lengthscale(j);
            gradient[j] = -slopes[j < productFrom ? 0 : 1] * (x[j] - b[j]) / (l * l);
        }
        return value;
    }
}
