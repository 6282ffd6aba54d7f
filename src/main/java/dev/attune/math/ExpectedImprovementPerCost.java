package dev.attune.math;

/**
 * Cost-aware EI: EI(x) / cost(x)^ρ, where log cost(x) = shift + scale · (mean of a GP fitted to standardized
 * log costs), so the cost stays positive. Minus that is minimized.
 *
 * <p>[1] Snoek, Larochelle and Adams, Practical Bayesian Optimization of Machine Learning Algorithms,
 * NeurIPS 2012 (EI per second).
 *
 * @param exponent ρ in (0, 1]
 */
public record ExpectedImprovementPerCost(
        GaussianProcess objective, double[] best, GaussianProcess logCost, double shift, double scale, double exponent)
        implements Acquisition {

    @Override
    public double evaluate(double[] x, double[] gradient) {
        int d = x.length;
        double[] eiGrad = gradient == null ? null : new double[d];
        double ei = -new ExpectedImprovement(objective, best).evaluate(x, eiGrad);
        double[] cGrad = gradient == null ? null : new double[d];
        double logC = logCost(x, cGrad);
        double factor = Math.exp(-exponent * logC); // 1 / cost^ρ
        if (gradient != null) {
            for (int j = 0; j < d; j++) {
                // ∂(EI·e^{−ρ log c}) = ∂EI·scale − EI·scale·ρ·∂log c; eiGrad holds ∂(−EI)
                gradient[j] = -(-eiGrad[j] * factor - ei * factor * exponent * scale * cGrad[j]);
            }
        }
        return -ei * factor;
    }

    /**
     * The predicted log cost at x, shift + scale · (the GP's mean); when {@code meanGradient} is non-null,
     * the gradient of the GP's mean (without the scale) goes there.
     */
    private double logCost(double[] x, double[] meanGradient) {
        double[][] cGrad = meanGradient == null ? null : new double[logCost.targets()][x.length];
        double[] cVarGrad = meanGradient == null ? null : new double[x.length];
        double logC = shift + scale * logCost.predict(x, cGrad, cVarGrad).means()[0];
        if (meanGradient != null) {
            System.arraycopy(cGrad[0], 0, meanGradient, 0, x.length);
        }
        return logC;
    }

    /** Minus log EI plus ρ log cost. */
    @Override
    public Acquisition forLocalSearch() {
        Acquisition logEi = new LogExpectedImprovement(objective, best);
        return (x, gradient) -> {
            double value = logEi.evaluate(x, gradient);
            double[] cGrad = gradient == null ? null : new double[x.length];
            double logC = logCost(x, cGrad);
            if (gradient != null) {
                for (int j = 0; j < x.length; j++) {
                    gradient[j] += exponent * scale * cGrad[j];
                }
            }
            return value + exponent * logC;
        };
    }
}
