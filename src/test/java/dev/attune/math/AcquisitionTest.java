package dev.attune.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.math3.analysis.integration.SimpsonIntegrator;
import org.junit.jupiter.api.Test;

/** Acquisition functions: EI against numerical integration, every gradient against finite differences. */
class AcquisitionTest {

    @Test
    void expectedImprovementMatchesNumericalIntegration() {
        double[][] cases = {{0, 1, 0}, {0.5, 0.2, 0.1}, {-1, 2, 0.3}, {2, 0.5, -1}};
        for (double[] c : cases) {
            double mean = c[0];
            double sigma = c[1];
            double best = c[2];
            // E[max(best − Y, 0)] for Y ~ N(mean, sigma²)
            double integral = new SimpsonIntegrator(1e-10, 1e-12, 3, 30)
                    .integrate(
                            1_000_000,
                            y -> Math.max(best - y, 0) * Normal.pdf((y - mean) / sigma) / sigma,
                            mean - 12 * sigma,
                            Math.min(best, mean + 12 * sigma) + 1e-12);
            assertThat(Acquisition.expectedImprovement(mean, sigma, best)[0])
                    .as("EI for %s", java.util.Arrays.toString(c))
                    .isCloseTo(integral, within(1e-7));
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        GaussianProcess gp = GaussianProcess.condition(
                GaussianProcessTest.X, new double[][] {GaussianProcessTest.Y, shifted(0.2)}, GaussianProcessTest.H);
        GaussianProcess constraint =
                GaussianProcess.condition(GaussianProcessTest.X, new double[][] {shifted(-0.1)}, GaussianProcessTest.H);
        double[] best = {-1.0, -0.7};
        Acquisition[] all = {
            new ExpectedImprovement(gp, best),
            new LowerConfidenceBound(gp, 1.5),
            new ConstrainedExpectedImprovement(gp, best, constraint, 0.1),
            new ConstrainedExpectedImprovement(gp, null, constraint, 0.1),
            new ExpectedImprovementPerCost(gp, best, constraint, 0.5, 2.0, 0.7)
        };
        double[] x = {0.36, 0.64};
        for (Acquisition a : all) {
            double[] g = new double[2];
            double value = a.evaluate(x, g);
            assertThat(value).isEqualTo(a.value(x));
            FiniteDifferences.assertGradient(
                    g, a::value, x, 1e-6, 1e-6, a.getClass().getSimpleName());
        }
    }

    @Test
    void constrainedEiIsEiTimesTheProbabilityOfFeasibility() {
        GaussianProcess gp = GaussianProcess.condition(
                GaussianProcessTest.X, new double[][] {GaussianProcessTest.Y}, GaussianProcessTest.H);
        GaussianProcess constraint =
                GaussianProcess.condition(GaussianProcessTest.X, new double[][] {shifted(0.5)}, GaussianProcessTest.H);
        double[] x = {0.2, 0.8};
        GaussianProcess.Prediction c = constraint.predict(x);
        double feasible = Normal.cdf((0 - c.means()[0]) / c.sigma());
        double ei = new ExpectedImprovement(gp, new double[] {-0.5}).value(x);
        assertThat(new ConstrainedExpectedImprovement(gp, new double[] {-0.5}, constraint, 0).value(x))
                .isCloseTo(ei * feasible, within(1e-12));
    }

    static double[] shifted(double by) {
        double[] y = GaussianProcessTest.Y.clone();
        for (int i = 0; i < y.length; i++) {
            y[i] = y[i] * 0.8 + by;
        }
        return y;
    }
}
