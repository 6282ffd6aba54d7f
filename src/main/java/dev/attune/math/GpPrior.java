package dev.attune.math;

import org.jspecify.annotations.Nullable;

/**
 * What a GP posterior needs of its prior: a mean function, a covariance function with its gradient in the
 * first argument, and the observation noise, all over (possibly warped) inputs. {@link GpHyperparameters}
 * (constant mean, Matern 5/2, one noise) is one; {@link ResourceKernel} (a kernel over config and
 * resource for multi-fidelity searchers) is another.
 */
public interface GpPrior {
    /** The inputs as the covariance sees them. */
    double[] warp(double[] raw);

    /** The warping {@link #warp} applies, or null for the identity. */
    @Nullable
    InputWarping warping();

    /** The prior mean at a (warped) input; constant in every input but possibly the last. */
    double mean(double[] x);

    double covariance(double[] a, double[] b);

    /**
     * k(a, b), writing ∂k/∂a into {@code gradient}. Entries for an input the searcher holds fixed (the
     * resource level of a multi-fidelity GP) may be left 0.
     */
    double covarianceAndGradient(double[] a, double[] b, double[] gradient);

    /** k(a, a). */
    double variance(double[] a);

    /** The observation noise variance at a. */
    double noise(double[] a);
}
