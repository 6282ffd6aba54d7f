package dev.attune.math;

import java.util.List;

/**
 * Constrained EI: EI(x) · Π_k P(c_k(x) ≤ 0), each constraint modelled by its own GP (independent, so the
 * probability that all hold is the product), with the incumbent taken over observations feasible under
 * every constraint; until one is, it is just the probability of feasibility. Minus that is minimized.
 *
 * <p>[1] Gardner et al., Bayesian Optimization with Inequality Constraints, ICML 2014.
 *
 * @param best the incumbent per target vector of {@code objective}, or null when nothing is feasible yet
 * @param constraints one GP per constraint metric with its bound in that GP's units (0 before
 *     standardization); at least one
 */
public record ConstrainedExpectedImprovement(GaussianProcess objective, double[] best, List<Constraint> constraints)
        implements Acquisition {

    /** A constraint c(x) ≤ threshold, c modelled by {@code gp}. */
    public record Constraint(GaussianProcess gp, double threshold) {}

    public ConstrainedExpectedImprovement {
        if (constraints.isEmpty()) {
            throw new IllegalArgumentException("at least one constraint");
        }
        constraints = List.copyOf(constraints);
    }

    /** With a single constraint c(x) ≤ {@code threshold}. */
    public ConstrainedExpectedImprovement(
            GaussianProcess objective, double[] best, GaussianProcess constraint, double threshold) {
        this(objective, best, List.of(new Constraint(constraint, threshold)));
    }

    @Override
    public double evaluate(double[] x, double[] gradient) {
        int d = x.length;
        int m = constraints.size();
        double[][] dz = gradient == null ? null : new double[m][d];
        double[] cdf = new double[m];
        double[] pdf = new double[m];
        double feasible = 1;
        for (int k = 0; k < m; k++) {
            double z = feasibilityZ(constraints.get(k), x, 0, dz == null ? null : dz[k]);
            cdf[k] = Normal.cdf(z);
            pdf[k] = Normal.pdf(z);
            feasible *= cdf[k];
        }
        double[] eiGrad = gradient == null ? null : new double[d];
        double ei = best == null ? 1.0 : -new ExpectedImprovement(objective, best).evaluate(x, eiGrad);
        if (gradient != null) {
            // ∂Π_k Φ(z_k) = Σ_k φ(z_k) ∂z_k Π_{j≠k} Φ(z_j), without dividing by a Φ that may be 0
            double[] feasibleGrad = new double[d];
            for (int k = 0; k < m; k++) {
                double others = 1;
                for (int j = 0; j < m; j++) {
                    if (j != k) {
                        others *= cdf[j];
                    }
                }
                for (int i = 0; i < d; i++) {
                    feasibleGrad[i] += pdf[k] * dz[k][i] * others;
                }
            }
            for (int i = 0; i < d; i++) {
                double dEi = best == null ? 0 : -eiGrad[i];
                gradient[i] = -(dEi * feasible + ei * feasibleGrad[i]);
            }
        }
        return -ei * feasible;
    }

    /**
     * z = (t − μ_c(x))/σ_c(x), whose Φ is P(c(x) ≤ t), with σ_c floored at {@code minSigma} (0: none); when
     * {@code dz} is non-null, its gradient goes there: ∂z = −∂μ/σ − (t − μ) ∂σ/σ² (∂σ = 0 below the floor).
     */
    private static double feasibilityZ(Constraint constraint, double[] x, double minSigma, double[] dz) {
        int d = x.length;
        GaussianProcess gp = constraint.gp();
        double[][] cMeanGrad = dz == null ? null : new double[gp.targets()][d];
        double[] cVarGrad = dz == null ? null : new double[d];
        GaussianProcess.Prediction c = gp.predict(x, cMeanGrad, cVarGrad);
        double cSigma = Math.max(c.sigma(), minSigma);
        double margin = constraint.threshold() - c.means()[0];
        if (dz != null) {
            boolean floored = minSigma > 0 && c.sigma() <= minSigma;
            for (int j = 0; j < d; j++) {
                double dSigma = floored ? 0 : cVarGrad[j] / (2 * cSigma);
                dz[j] = -cMeanGrad[0][j] / cSigma - margin * dSigma / (cSigma * cSigma);
            }
        }
        return margin / cSigma;
    }

    /**
     * Minus log EI minus Σ_k log P(c_k feasible): where a probability underflows, it still points towards
     * feasibility.
     */
    @Override
    public Acquisition forLocalSearch() {
        Acquisition logEi = best == null ? null : new LogExpectedImprovement(objective, best);
        return (x, gradient) -> {
            double value = logEi == null ? 0 : logEi.evaluate(x, gradient);
            if (gradient != null && logEi == null) {
                java.util.Arrays.fill(gradient, 0);
            }
            double[] dz = gradient == null ? null : new double[x.length];
            for (Constraint constraint : constraints) {
                double[] logFeasible = Normal.logCdf(feasibilityZ(constraint, x, LogExpectedImprovement.MIN_SIGMA, dz));
                value -= logFeasible[0];
                if (gradient != null) {
                    for (int j = 0; j < x.length; j++) {
                        gradient[j] -= logFeasible[1] * dz[j];
                    }
                }
            }
            return value;
        };
    }
}
