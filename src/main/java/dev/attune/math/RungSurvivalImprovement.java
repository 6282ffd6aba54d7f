package dev.attune.math;

/**
 * Minus expected improvement at one resource level, times the probability under the GP that a config clears
 * the scheduler's cutoff at each lower rung: P = Π_k P_k, P_k = Φ((q_k − μ_k(x)) / σ_k(x)), μ_k the
 * posterior mean at level k (averaged over the GP's target vectors), σ_k² its variance plus the observation
 * noise (a result, not the latent function, meets the cutoff), q_k the value a result at rung k must not
 * exceed to go on. With {@code costs}, that is divided by the expected resource the trial will use,
 * C = first + Σ_k costs_k · P_0 ⋯ P_k: improvement per epoch, so that a config stopped early is cheap
 * rather than worthless.
 *
 * <p>Why: a multi-fidelity GP that has seen a region only at low levels can be unsure of it at the top level
 * while sure it is bad at the first rung. EI at the top level alone then proposes there, and successive
 * halving stops the trial at the first rung, having spent an epoch to learn what the model already knew. The
 * probabilities are multiplied as if independent, which they are not; the first rung, where the model is
 * surest, dominates the product.
 *
 * @param improvement minus EI over the config's encoded inputs (the level already held)
 * @param gp the GP over (config, level)
 * @param levels the GP's last input at each lower rung
 * @param cutoffs q_k per lower rung, in the GP's target scale; +∞ where a rung has no cutoff yet (P_k = 1)
 * @param first the resource spent before the first decision
 * @param costs per lower rung, the resource spent after clearing it until the next decision (the last: until
 *     the end), or null to weigh by the probability alone
 */
public record RungSurvivalImprovement(
        Acquisition improvement, GaussianProcess gp, double[] levels, double[] cutoffs, double first, double[] costs)
        implements Acquisition {

    public RungSurvivalImprovement {
        if (levels.length != cutoffs.length || costs != null && costs.length != levels.length) {
            throw new IllegalArgumentException(levels.length + " levels but " + cutoffs.length + " cutoffs");
        }
    }

    /** Weighs by the probability of clearing the lower rungs alone. */
    public RungSurvivalImprovement(Acquisition improvement, GaussianProcess gp, double[] levels, double[] cutoffs) {
        this(improvement, gp, levels, cutoffs, 1, null);
    }

    /**
     * log P, less log C with costs, its gradient with respect to x into {@code gradient} when that is
     * non-null.
     */
    double logSurvival(double[] x, double[] gradient) {
        double[][] perRung = gradient == null ? null : new double[levels.length][x.length];
        double[] logs = new double[levels.length];
        double total = 0;
        for (int k = 0; k < levels.length; k++) {
            logs[k] = logClearing(k, x, perRung == null ? null : perRung[k]);
            total += logs[k];
        }
        if (gradient != null) {
            java.util.Arrays.fill(gradient, 0);
            for (double[] g : perRung) {
                for (int j = 0; j < x.length; j++) {
                    gradient[j] += g[j];
                }
            }
        }
        if (costs == null) {
            return total;
        }
        // C = first + Σ_k costs_k S_k, S_k = exp(Σ_{i≤k} log P_i); ∂C = Σ_k costs_k S_k Σ_{i≤k} ∂log P_i
        double cost = first;
        double cumulative = 0;
        double[] dCost = gradient == null ? null : new double[x.length];
        double[] dCumulative = gradient == null ? null : new double[x.length];
        for (int k = 0; k < levels.length; k++) {
            cumulative += logs[k];
            double term = costs[k] * Math.exp(cumulative);
            cost += term;
            if (gradient != null) {
                for (int j = 0; j < x.length; j++) {
                    dCumulative[j] += perRung[k][j];
                    dCost[j] += term * dCumulative[j];
                }
            }
        }
        if (gradient != null) {
            for (int j = 0; j < x.length; j++) {
                gradient[j] -= dCost[j] / cost;
            }
        }
        return total - Math.log(cost);
    }

    /** log P_k, its gradient into {@code gradient} when non-null. */
    private double logClearing(int k, double[] x, double[] gradient) {
        if (cutoffs[k] == Double.POSITIVE_INFINITY) {
            return 0;
        }
        int s = gp.targets();
        double[] input = java.util.Arrays.copyOf(x, x.length + 1);
        input[x.length] = levels[k];
        double[][] meanGrad = gradient == null ? null : new double[s][input.length];
        double[] varGrad = gradient == null ? null : new double[input.length];
        GaussianProcess.Prediction p = gp.predict(input, meanGrad, varGrad);
        // the cutoff is met or missed by a noisy result, not by the latent function
        double total = Math.sqrt(p.variance() + gp.prior().noise(input));
        double sigma = Math.max(total, LogExpectedImprovement.MIN_SIGMA);
        double mean = 0;
        for (double m : p.means()) {
            mean += m / s;
        }
        double z = (cutoffs[k] - mean) / sigma;
        double[] logCdf = Normal.logCdf(z); // log Φ(z), φ(z)/Φ(z)
        if (gradient != null) {
            for (int j = 0; j < x.length; j++) {
                double dMean = 0;
                for (double[] g : meanGrad) {
                    dMean += g[j] / s;
                }
                double dSigma = total > LogExpectedImprovement.MIN_SIGMA ? varGrad[j] / (2 * sigma) : 0;
                gradient[j] = logCdf[1] * (-dMean - z * dSigma) / sigma;
            }
        }
        return logCdf[0];
    }

    @Override
    public double evaluate(double[] x, double[] gradient) {
        double[] gImprovement = gradient == null ? null : new double[x.length];
        double[] gSurvival = gradient == null ? null : new double[x.length];
        double value = improvement.evaluate(x, gImprovement);
        double survival = Math.exp(logSurvival(x, gSurvival));
        if (gradient != null) {
            for (int j = 0; j < x.length; j++) {
                gradient[j] = survival * (gImprovement[j] + value * gSurvival[j]);
            }
        }
        return value * survival;
    }

    /** Minus log EI minus log survival: the same minimizers, finite where either factor underflows. */
    @Override
    public Acquisition forLocalSearch() {
        Acquisition logImprovement = improvement.forLocalSearch();
        return (x, gradient) -> {
            double[] gSurvival = gradient == null ? null : new double[x.length];
            double value = logImprovement.evaluate(x, gradient) - logSurvival(x, gSurvival);
            if (gradient != null) {
                for (int j = 0; j < x.length; j++) {
                    gradient[j] -= gSurvival[j];
                }
            }
            return value;
        };
    }
}
