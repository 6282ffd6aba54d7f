package dev.attune.math;

/**
 * A score over encoded inputs that Bayesian optimization minimizes (Syne Tune's acquisition functions are
 * all minimized: −EI, LCB, …).
 *
 * <p>Implementations are immutable and may be called from several threads.
 */
public interface Acquisition {

    /** The score at {@code x}; when {@code gradient} is non-null, its gradient with respect to x goes there. */
    double evaluate(double[] x, double[] gradient);

    default double value(double[] x) {
        return evaluate(x, null);
    }

    /**
     * This acquisition over inputs one shorter, with the last input held at {@code last} (e.g. a GP over
     * config and resource, read at one resource level).
     */
    default Acquisition withLastInput(double last) {
        Acquisition inner = this;
        return (x, gradient) -> {
            double[] full = java.util.Arrays.copyOf(x, x.length + 1);
            full[x.length] = last;
            double[] g = gradient == null ? null : new double[full.length];
            double v = inner.evaluate(full, g);
            if (gradient != null) {
                System.arraycopy(g, 0, gradient, 0, x.length);
            }
            return v;
        };
    }

    /**
     * Expected improvement over {@code best} of a value with this mean and standard deviation, for
     * minimization, with its partial derivatives: {EI, ∂EI/∂μ, ∂EI/∂σ}.
     *
     * <p>EI = σ (z Φ(z) + φ(z)), z = (best − μ)/σ; ∂EI/∂μ = −Φ(z); ∂EI/∂σ = φ(z).
     */
    static double[] expectedImprovement(double mean, double sigma, double best) {
        double z = (best - mean) / sigma;
        double cdf = Normal.cdf(z);
        double pdf = Normal.pdf(z);
        return new double[] {Math.max(0, sigma * (z * cdf + pdf)), -cdf, pdf};
    }
}
