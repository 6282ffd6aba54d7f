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
     * What the local optimizer minimizes: a score with the same minimizers, better conditioned. Expected
     * improvement answers minus its logarithm, whose gradient does not vanish where EI underflows.
     */
    default Acquisition forLocalSearch() {
        return this;
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

    /**
     * The logarithm of {@link #expectedImprovement} with its partial derivatives: {log EI, ∂/∂μ, ∂/∂σ},
     * finite however far below the incumbent the mean lies.
     *
     * <p>[1] Ament et al., Unexpected Improvements to Expected Improvement for Bayesian Optimization,
     * NeurIPS 2023. Implementation note: with t = −z and the Mills ratio M(t) = Φ(−t)/φ(t), z Φ(z) + φ(z) =
     * φ(z)·M(t)·C(t) where C(t) = 1/M(t) − t = 1/(t + 2/(t + 3/(t + …))) (Laplace's continued fraction),
     * ({@link Normal#millsTail}); ∂ log EI/∂μ = −1/(σ C), ∂ log EI/∂σ = 1/(σ M C).
     */
    static double[] logExpectedImprovement(double mean, double sigma, double best) {
        double z = (best - mean) / sigma;
        double logSigma = Math.log(sigma);
        if (z >= Normal.TAIL_Z) {
            double cdf = Normal.cdf(z);
            double pdf = Normal.pdf(z);
            double h = z * cdf + pdf;
            return new double[] {logSigma + Math.log(h), -cdf / (sigma * h), pdf / (sigma * h)};
        }
        double t = -z;
        double c = Normal.millsTail(t);
        double mills = 1 / (t + c);
        double logH = Normal.logPdf(z) + Math.log(mills * c);
        return new double[] {logSigma + logH, -1 / (sigma * c), 1 / (sigma * mills * c)};
    }
}
