package dev.attune.math;

/**
 * Minus the expected improvement under a mixture of a GP over (x, r) across levels r with weights θ_r:
 * because EI is linear in the predictive distribution, it is Σ θ_r EI(x, r) (Hyper-Tune's ensemble
 * predictive distribution).
 *
 * <p>[1] Li et al., Hyper-Tune: Towards Efficient Hyper-parameter Tuning at Scale, VLDB 2022.
 *
 * @param levels the last input of the GP for each mixture component
 * @param weights θ, summing to 1
 * @param best the incumbent per target vector of {@code gp}
 */
public record MixtureExpectedImprovement(GaussianProcess gp, double[] levels, double[] weights, double[] best)
        implements Acquisition {

    @Override
    public double evaluate(double[] x, double[] gradient) {
        double total = 0;
        double[] g = gradient == null ? null : new double[x.length];
        if (gradient != null) {
            java.util.Arrays.fill(gradient, 0);
        }
        ExpectedImprovement ei = new ExpectedImprovement(gp, best);
        for (int k = 0; k < levels.length; k++) {
            if (weights[k] <= 0) {
                continue;
            }
            total += weights[k] * ei.withLastInput(levels[k]).evaluate(x, g);
            if (gradient != null) {
                for (int j = 0; j < x.length; j++) {
                    gradient[j] += weights[k] * g[j];
                }
            }
        }
        return total;
    }

    @Override
    public Acquisition forLocalSearch() {
        return new LogExpectedImprovement(gp, levels, weights, best);
    }
}
