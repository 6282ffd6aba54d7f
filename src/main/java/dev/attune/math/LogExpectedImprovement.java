package dev.attune.math;

/**
 * Minus the logarithm of expected improvement — averaged over the GP's target vectors (fantasies) and,
 * for a mixture, summed over levels with weights — for the local search only: EI of a point whose mean is
 * many σ above the incumbent underflows, and the optimizer, seeing a zero gradient, stays where it
 * started. The log has the same maximizers and a gradient everywhere.
 *
 * <p>[1] Ament et al., Unexpected Improvements to Expected Improvement for Bayesian Optimization,
 * NeurIPS 2023.
 *
 * <p>Implementation note: log Σ w_r (1/s) Σ_k EI_rk is a log-sum-exp of log w_r + log EI_rk − log s
 * ({@link Acquisition#logExpectedImprovement}); its gradient weights each term's by its softmax share.
 *
 * @param levels the last GP input of each mixture component, or null for plain EI over x itself
 * @param weights the components' weights (ignored when {@code levels} is null)
 * @param best the incumbent per target vector
 */
public record LogExpectedImprovement(GaussianProcess gp, double[] levels, double[] weights, double[] best)
        implements Acquisition {
    /** A floor on σ, so that log σ stays finite at observed inputs. */
    static final double MIN_SIGMA = 1e-10;

    /** Plain log EI over the GP's own inputs. */
    public LogExpectedImprovement(GaussianProcess gp, double[] best) {
        this(gp, null, null, best);
    }

    @Override
    public double evaluate(double[] x, double[] gradient) {
        int components = levels == null ? 1 : levels.length;
        int s = gp.targets();
        double[] terms = new double[components * s];
        double[][] termGradients = gradient == null ? null : new double[terms.length][];
        java.util.Arrays.fill(terms, Double.NEGATIVE_INFINITY);
        for (int r = 0; r < components; r++) {
            double weight = levels == null ? 1 : weights[r];
            if (weight <= 0) {
                continue;
            }
            double[] input = levels == null ? x : java.util.Arrays.copyOf(x, x.length + 1);
            if (levels != null) {
                input[x.length] = levels[r];
            }
            double[][] meanGrad = gradient == null ? null : new double[s][input.length];
            double[] varGrad = gradient == null ? null : new double[input.length];
            GaussianProcess.Prediction p = gp.predict(input, meanGrad, varGrad);
            double sigma = Math.max(p.sigma(), MIN_SIGMA);
            for (int k = 0; k < s; k++) {
                double[] l = Acquisition.logExpectedImprovement(p.means()[k], sigma, best[k]);
                int i = r * s + k;
                terms[i] = Math.log(weight) + l[0] - Math.log(s);
                if (gradient != null) {
                    double[] g = new double[x.length];
                    for (int j = 0; j < x.length; j++) {
                        double sigmaGrad = p.sigma() > MIN_SIGMA ? varGrad[j] / (2 * sigma) : 0;
                        g[j] = l[1] * meanGrad[k][j] + l[2] * sigmaGrad;
                    }
                    termGradients[i] = g;
                }
            }
        }
        double max = java.util.Arrays.stream(terms).max().orElseThrow();
        double sum = 0;
        for (double t : terms) {
            sum += Math.exp(t - max);
        }
        double logTotal = max + Math.log(sum);
        if (gradient != null) {
            java.util.Arrays.fill(gradient, 0);
            for (int i = 0; i < terms.length; i++) {
                if (termGradients[i] == null) {
                    continue;
                }
                double share = Math.exp(terms[i] - logTotal);
                for (int j = 0; j < x.length; j++) {
                    gradient[j] -= share * termGradients[i][j];
                }
            }
        }
        return -logTotal;
    }
}
