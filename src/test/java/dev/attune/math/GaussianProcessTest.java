package dev.attune.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The GP against values computed independently with scikit-learn 1.2.1 ({@code GaussianProcessRegressor}
 * with {@code ConstantKernel(1.3) * Matern(length_scale=[0.4, 0.7], nu=2.5) + WhiteKernel(0.01)}, no
 * optimizer, on the data below), and its gradients against finite differences.
 */
class GaussianProcessTest {
    static final double[][] X = {{0.1, 0.2}, {0.4, 0.9}, {0.75, 0.3}, {0.5, 0.5}, {0.95, 0.85}};
    static final double[] Y = {0.3, -1.2, 0.8, 0.1, -0.4};
    static final GpHyperparameters H =
            new GpHyperparameters(new Matern52Kernel(1.3, new double[] {0.4, 0.7}), 0.01, 0.0);

    @Test
    void kernelMatchesScikitLearn() {
        assertThat(H.kernel().value(X[0], X[1])).isCloseTo(0.5083731, within(1e-7));
        assertThat(H.kernel().value(X[2], X[2])).isCloseTo(1.3, within(1e-12));
    }

    @Test
    void posteriorMeanAndVarianceMatchScikitLearn() {
        GaussianProcess gp = GaussianProcess.condition(X, new double[][] {Y}, H);
        GaussianProcess.Prediction a = gp.predict(new double[] {0.3, 0.6});
        GaussianProcess.Prediction b = gp.predict(new double[] {0.9, 0.1});
        assertThat(a.means()[0]).isCloseTo(-0.45996853, within(1e-7));
        assertThat(b.means()[0]).isCloseTo(0.76531216, within(1e-7));
        assertThat(a.variance()).isCloseTo(0.16230047, within(1e-7));
        assertThat(b.variance()).isCloseTo(0.30876014, within(1e-7));
    }

    @Test
    void constantMeanShiftsThePosteriorMean() {
        GpHyperparameters shifted = new GpHyperparameters(H.kernel(), H.noise(), 2.0);
        double[] y = Y.clone();
        for (int i = 0; i < y.length; i++) {
            y[i] += 2.0;
        }
        GaussianProcess gp = GaussianProcess.condition(X, new double[][] {y}, shifted);
        assertThat(gp.predict(new double[] {0.3, 0.6}).means()[0]).isCloseTo(2 - 0.45996853, within(1e-7));
    }

    @Test
    void gradientsOfMeanAndVarianceMatchFiniteDifferences() {
        GaussianProcess gp = GaussianProcess.condition(X, new double[][] {Y, Y.clone()}, H);
        assertGradientsMatchFiniteDifferences(gp, new double[] {0.33, 0.61}, 1e-6);
    }

    /** The first mean's and the variance's gradients at x against central differences, within {@code tolerance}. */
    static void assertGradientsMatchFiniteDifferences(GaussianProcess gp, double[] x, double tolerance) {
        double[][] meanGrad = new double[gp.targets()][x.length];
        double[] varGrad = new double[x.length];
        gp.predict(x, meanGrad, varGrad);
        double h = 1e-6;
        for (int j = 0; j < x.length; j++) {
            double[] up = x.clone();
            double[] down = x.clone();
            up[j] += h;
            down[j] -= h;
            GaussianProcess.Prediction pu = gp.predict(up);
            GaussianProcess.Prediction pd = gp.predict(down);
            assertThat(meanGrad[0][j]).isCloseTo((pu.means()[0] - pd.means()[0]) / (2 * h), within(tolerance));
            assertThat(varGrad[j]).isCloseTo((pu.variance() - pd.variance()) / (2 * h), within(tolerance));
        }
    }

    @Test
    void gradientsThroughAnInputWarpingMatchFiniteDifferences() {
        GpHyperparameters warped = new GpHyperparameters(
                H.kernel(), H.noise(), 0.1, new InputWarping(new double[] {0.6, 1.8}, new double[] {2.5, 0.7}));
        GaussianProcess gp = GaussianProcess.condition(X, new double[][] {Y}, warped);
        assertGradientsMatchFiniteDifferences(gp, new double[] {0.27, 0.83}, 1e-5);
    }

    @Test
    void identityWarpingLeavesThePosteriorAsItIs() {
        GpHyperparameters identity = new GpHyperparameters(H.kernel(), H.noise(), 0.0, InputWarping.identity(2));
        GaussianProcess.Prediction a =
                GaussianProcess.condition(X, new double[][] {Y}, identity).predict(new double[] {0.3, 0.6});
        assertThat(a.means()[0]).isCloseTo(-0.45996853, within(1e-5));
        assertThat(a.variance()).isCloseTo(0.16230047, within(1e-5));
    }

    @Test
    void posteriorInterpolatesNoiselessData() {
        GpHyperparameters exact = new GpHyperparameters(H.kernel(), 1e-9, 0.0);
        GaussianProcess gp = GaussianProcess.condition(X, new double[][] {Y}, exact);
        for (int i = 0; i < X.length; i++) {
            GaussianProcess.Prediction p = gp.predict(X[i]);
            assertThat(p.means()[0]).isCloseTo(Y[i], within(1e-5));
            assertThat(p.variance()).isLessThan(1e-6);
        }
    }

    /**
     * Fantasies are joint draws of noisy observations: their sample mean and covariance approach the
     * posterior's. Seeded, so it cannot fail at random; with 20,000 draws the sampling error of the mean is
     * about 0.005, the tolerance 0.03 (6 standard errors).
     */
    @Test
    void fantasiesFollowThePosterior() {
        GaussianProcess gp = GaussianProcess.condition(X, new double[][] {Y}, H);
        double[][] points = {{0.3, 0.6}, {0.32, 0.58}};
        int n = 20_000;
        double[][] draws = gp.sampleObservations(points, n, new SplittableRandom(7));
        double[] mean = new double[2];
        for (double[] d : draws) {
            mean[0] += d[0] / n;
            mean[1] += d[1] / n;
        }
        double var0 = 0;
        double cov = 0;
        for (double[] d : draws) {
            var0 += (d[0] - mean[0]) * (d[0] - mean[0]) / n;
            cov += (d[0] - mean[0]) * (d[1] - mean[1]) / n;
        }
        GaussianProcess.Prediction p = gp.predict(points[0]);
        assertThat(mean[0]).isCloseTo(p.means()[0], within(0.03));
        assertThat(var0).isCloseTo(p.variance() + H.noise(), within(0.03));
        assertThat(cov / var0).as("nearby points are strongly correlated").isGreaterThan(0.8);
    }
}
