package dev.attune.math;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The Box–Cox transform of positive targets, z = (y^λ − 1)/λ (log y at λ = 0), with λ fitted jointly
 * with the GP's hyperparameters by maximizing the likelihood of the observed targets: the GP's marginal
 * likelihood of the standardized z plus the log-Jacobian (λ − 1) Σ log yᵢ − n log sd(z).
 *
 * <p>[1] Box and Cox, An Analysis of Transformations, JRSS B, 1964.
 *
 * <p>Implementation note: near λ = 0 the transform is evaluated as u + λu²/2 with u = log y, as Syne Tune
 * does; targets below {@link #MIN_TARGET} are raised to it. The derivative with respect to λ is a central
 * difference (two more factorizations per step), the others are {@link MarginalLikelihood}'s.
 */
public final class BoxCox {
    public static final double MIN_TARGET = 1e-6;
    static final double MIN_LAMBDA = -1;
    static final double MAX_LAMBDA = 2;
    private static final double STEP = 1e-5;

    private BoxCox() {}

    public static double transform(double y, double lambda) {
        double u = Math.log(Math.max(y, MIN_TARGET));
        if (Math.abs(lambda) < 1e-6) {
            return u + lambda * u * u / 2;
        }
        return (Math.exp(lambda * u) - 1) / lambda;
    }

    public static double[] transform(double[] y, double lambda) {
        double[] z = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            z[i] = transform(y[i], lambda);
        }
        return z;
    }

    /** Fitted hyperparameters and λ, and minus the log likelihood there. */
    public record Fit(GpHyperparameters hyperparameters, double lambda, double value) {}

    /**
     * Minimizes over (θ, λ) from each start (θ with λ appended) and from {@code randomStarts} random
     * points; keeps the best.
     */
    public static Fit fit(
            double[][] x,
            double[] y,
            int lengthscales,
            boolean warping,
            List<double[]> starts,
            MarginalLikelihood.FitOptions options,
            SplittableRandom random) {
        int warped = warping && x.length > 0 ? x[0].length : 0;
        int p = GpHyperparameters.size(lengthscales, warped);
        double[] lo = java.util.Arrays.copyOf(GpHyperparameters.lowerBounds(lengthscales, warped), p + 1);
        double[] hi = java.util.Arrays.copyOf(GpHyperparameters.upperBounds(lengthscales, warped), p + 1);
        GpHyperparameters.pinIdentity(lo, hi, lengthscales, warped, options.unwarped());
        lo[p] = MIN_LAMBDA;
        hi[p] = MAX_LAMBDA;
        List<double[]> points = new ArrayList<>(starts);
        if (points.isEmpty()) {
            double[] initial = java.util.Arrays.copyOf(
                    GpHyperparameters.initial(lengthscales, warped).toVector(), p + 1);
            initial[p] = 1;
            points.add(initial);
        }
        for (int r = 0; r < options.randomStarts(); r++) {
            double[] theta = new double[p + 1];
            for (int i = 0; i < p; i++) {
                theta[i] = lo[i] + random.nextDouble() * (hi[i] - lo[i]);
            }
            theta[p] = random.nextDouble(-0.5, 1.5);
            points.add(theta);
        }
        BoundedLbfgs.Objective objective = (t, g) -> evaluate(x, y, lengthscales, warping, t, g);
        BoundedLbfgs.Result best =
                BoundedLbfgs.bestOf(objective, points, lo, hi, options.maxIterations(), options.tolerance());
        double[] theta = best.point();
        return new Fit(
                GpHyperparameters.fromVector(java.util.Arrays.copyOf(theta, p), lengthscales), theta[p], best.value());
    }

    /** Minus the log likelihood of the raw targets at (θ, λ); the gradient goes into {@code gradient}. */
    static double evaluate(double[][] x, double[] y, int m, boolean warping, double[] theta, double[] gradient) {
        int p = theta.length - 1;
        double[] hyper = java.util.Arrays.copyOf(theta, p);
        double[] g = new double[p];
        double value = evaluateAt(x, y, m, warping, hyper, theta[p], g);
        if (gradient != null) {
            System.arraycopy(g, 0, gradient, 0, p);
            double up = evaluateAt(x, y, m, warping, hyper, theta[p] + STEP, new double[p]);
            double down = evaluateAt(x, y, m, warping, hyper, theta[p] - STEP, new double[p]);
            gradient[p] = (up - down) / (2 * STEP);
        }
        return value;
    }

    private static double evaluateAt(
            double[][] x, double[] y, int m, boolean warping, double[] hyper, double lambda, double[] gradient) {
        double[] z = transform(y, lambda);
        double mean = java.util.Arrays.stream(z).average().orElse(0);
        double var =
                java.util.Arrays.stream(z).map(v -> (v - mean) * (v - mean)).sum() / Math.max(1, z.length);
        double sd = var > 1e-24 ? Math.sqrt(var) : 1;
        double[] s = java.util.Arrays.stream(z).map(v -> (v - mean) / sd).toArray();
        double logY = 0;
        for (double v : y) {
            logY += Math.log(Math.max(v, MIN_TARGET));
        }
        double gp = new MarginalLikelihood(x, s, m, warping).evaluate(hyper, gradient);
        return gp - (lambda - 1) * logY + y.length * Math.log(sd);
    }
}
