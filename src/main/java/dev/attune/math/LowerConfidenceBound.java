package dev.attune.math;

/** The lower confidence bound μ(x) − κσ(x), the mean averaged over the posterior's target vectors. */
public record LowerConfidenceBound(GaussianProcess gp, double kappa) implements Acquisition {

    @Override
    public double evaluate(double[] x, double[] gradient) {
        int s = gp.targets();
        double[][] meanGrad = gradient == null ? null : new double[s][x.length];
        double[] varGrad = gradient == null ? null : new double[x.length];
        GaussianProcess.Prediction p = gp.predict(x, meanGrad, varGrad);
        double sigma = p.sigma();
        double mean = 0;
        for (double m : p.means()) {
            mean += m / s;
        }
        if (gradient != null) {
            for (int j = 0; j < x.length; j++) {
                double g = 0;
                for (int k = 0; k < s; k++) {
                    g += meanGrad[k][j] / s;
                }
                gradient[j] = g - kappa * varGrad[j] / (2 * sigma);
            }
        }
        return mean - kappa * sigma;
    }
}
