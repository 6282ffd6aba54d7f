package dev.attune.math;

/**
 * Minus the expected improvement of a GP posterior over an incumbent, averaged over the posterior's target
 * vectors (fantasy samples), each with its own incumbent.
 *
 * <p>[1] Jones, Schonlau and Welch, Efficient Global Optimization of Expensive Black-Box Functions, Journal
 * of Global Optimization, 1998.
 */
public record ExpectedImprovement(GaussianProcess gp, double[] best) implements Acquisition {

    @Override
    public double evaluate(double[] x, double[] gradient) {
        int s = gp.targets();
        double[][] meanGrad = gradient == null ? null : new double[s][x.length];
        double[] varGrad = gradient == null ? null : new double[x.length];
        GaussianProcess.Prediction p = gp.predict(x, meanGrad, varGrad);
        double sigma = p.sigma();
        double total = 0;
        if (gradient != null) {
            java.util.Arrays.fill(gradient, 0);
        }
        for (int k = 0; k < s; k++) {
            double[] ei = Acquisition.expectedImprovement(p.means()[k], sigma, best[k]);
            total += ei[0];
            if (gradient != null) {
                for (int j = 0; j < x.length; j++) {
                    gradient[j] -= (ei[1] * meanGrad[k][j] + ei[2] * varGrad[j] / (2 * sigma)) / s;
                }
            }
        }
        return -total / s;
    }

    @Override
    public Acquisition forLocalSearch() {
        return new LogExpectedImprovement(gp, best);
    }
}
