package dev.attune.math;

/**
 * Constrained EI: EI(x) · P(c(x) ≤ 0), with the incumbent taken over feasible observations only; until
 * one is feasible it is just the probability of feasibility. Minus that is minimized.
 *
 * <p>[1] Gardner et al., Bayesian Optimization with Inequality Constraints, ICML 2014.
 *
 * @param best the incumbent per target vector of {@code objective}, or null when nothing is feasible yet
 * @param threshold the constraint's bound in the constraint GP's units (0 before standardization)
 */
public record ConstrainedExpectedImprovement(
        GaussianProcess objective, double[] best, GaussianProcess constraint, double threshold) implements Acquisition {

    @Override
    public double evaluate(double[] x, double[] gradient) {
        int d = x.length;
        double[] dz = gradient == null ? null : new double[d];
        double z = feasibilityZ(x, 0, dz);
        double feasible = Normal.cdf(z);
        double[] eiGrad = gradient == null ? null : new double[d];
        double ei = best == null ? 1.0 : -new ExpectedImprovement(objective, best).evaluate(x, eiGrad);
        if (gradient != null) {
            double pdf = Normal.pdf(z);
            for (int j = 0; j < d; j++) {
                double dEi = best == null ? 0 : -eiGrad[j];
                gradient[j] = -(dEi * feasible + ei * (pdf * dz[j]));
            }
        }
        return -ei * feasible;
    }

    /**
     * z = (t − μ_c(x))/σ_c(x), whose Φ is P(feasible), with σ_c floored at {@code minSigma} (0: none); when
     * {@code dz} is non-null, its gradient goes there: ∂z = −∂μ/σ − (t − μ) ∂σ/σ² (∂σ = 0 below the floor).
     */
    private double feasibilityZ(double[] x, double minSigma, double[] dz) {
        int d = x.length;
        double[][] cMeanGrad = dz == null ? null : new double[constraint.targets()][d];
        double[] cVarGrad = dz == null ? null : new double[d];
        GaussianProcess.Prediction c = constraint.predict(x, cMeanGrad, cVarGrad);
        double cSigma = Math.max(c.sigma(), minSigma);
        double margin = threshold - c.means()[0];
        if (dz != null) {
            boolean floored = minSigma > 0 && c.sigma() <= minSigma;
            for (int j = 0; j < d; j++) {
                double dSigma = floored ? 0 : cVarGrad[j] / (2 * cSigma);
                dz[j] = -cMeanGrad[0][j] / cSigma - margin * dSigma / (cSigma * cSigma);
            }
        }
        return margin / cSigma;
    }

    /** Minus log EI minus log P(feasible): where P(feasible) underflows, it still points towards feasibility. */
    @Override
    public Acquisition forLocalSearch() {
        Acquisition logEi = best == null ? null : new LogExpectedImprovement(objective, best);
        return (x, gradient) -> {
            double[] dz = gradient == null ? null : new double[x.length];
            double[] logFeasible = Normal.logCdf(feasibilityZ(x, LogExpectedImprovement.MIN_SIGMA, dz));
            double value = logEi == null ? -logFeasible[0] : logEi.evaluate(x, gradient) - logFeasible[0];
            if (gradient != null) {
                if (logEi == null) {
                    java.util.Arrays.fill(gradient, 0);
                }
                for (int j = 0; j < x.length; j++) {
                    gradient[j] -= logFeasible[1] * dz[j];
                }
            }
            return value;
        };
    }
}
