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
