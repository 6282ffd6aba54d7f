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
        double[][] cMeanGrad = gradient == null ? null : new double[constraint.targets()][d];
        double[] cVarGrad = gradient == null ? null : new double[d];
        GaussianProcess.Prediction c = constraint.predict(x, cMeanGrad, cVarGrad);
        double cSigma = c.sigma();
        double z = (threshold - c.means()[0]) / cSigma;
        double feasible = Normal.cdf(z);
        double[] eiGrad = gradient == null ? null : new double[d];
        double ei = best == null ? 1.0 : -new ExpectedImprovement(objective, best).evaluate(x, eiGrad);
        if (gradient != null) {
            double pdf = Normal.pdf(z);
            for (int j = 0; j < d; j++) {
                double dSigma = cVarGrad[j] / (2 * cSigma);
                // z = (t − μ)/σ: ∂z = −∂μ/σ − (t − μ) ∂σ/σ²
                double dz = -cMeanGrad[0][j] / cSigma - (threshold - c.means()[0]) * dSigma / (cSigma * cSigma);
                double dFeasible = pdf * dz;
                double dEi = best == null ? 0 : -eiGrad[j];
                gradient[j] = -(dEi * feasible + ei * dFeasible);
            }
        }
        return -ei * feasible;
    }

    /** Minus log EI minus log P(feasible): where P(feasible) underflows, it still points towards feasibility. */
    @Override
    public Acquisition forLocalSearch() {
        Acquisition logEi = best == null ? null : new LogExpectedImprovement(objective, best);
        return (x, gradient) -> {
            int d = x.length;
            double[][] cMeanGrad = gradient == null ? null : new double[constraint.targets()][d];
            double[] cVarGrad = gradient == null ? null : new double[d];
            GaussianProcess.Prediction c = constraint.predict(x, cMeanGrad, cVarGrad);
            double cSigma = Math.max(c.sigma(), LogExpectedImprovement.MIN_SIGMA);
            double z = (threshold - c.means()[0]) / cSigma;
            double[] logFeasible = Normal.logCdf(z);
            double value = logEi == null ? -logFeasible[0] : logEi.evaluate(x, gradient) - logFeasible[0];
            if (gradient != null) {
                if (logEi == null) {
                    java.util.Arrays.fill(gradient, 0);
                }
                for (int j = 0; j < d; j++) {
                    double dSigma = c.sigma() > LogExpectedImprovement.MIN_SIGMA ? cVarGrad[j] / (2 * cSigma) : 0;
                    double dz = -cMeanGrad[0][j] / cSigma - (threshold - c.means()[0]) * dSigma / (cSigma * cSigma);
                    gradient[j] -= logFeasible[1] * dz;
                }
            }
            return value;
        };
    }
}
