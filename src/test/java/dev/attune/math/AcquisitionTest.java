package dev.attune.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

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
        GaussianProcess gp = twoTargets();
        GaussianProcess constraint = constraint();
        double[] best = BEST;
        Acquisition[] all = {
            new ExpectedImprovement(gp, best),
            new LowerConfidenceBound(gp, 1.5),
            new ConstrainedExpectedImprovement(gp, best, constraint, 0.1),
            new ConstrainedExpectedImprovement(gp, null, constraint, 0.1),
            new ExpectedImprovementPerCost(gp, best, constraint, 0.5, 2.0, 0.7),
            new LogExpectedImprovement(gp, best),
            new LogExpectedImprovement(gp, new double[] {-30, -25}), // EI itself underflows here
            new ConstrainedExpectedImprovement(gp, best, constraint, 0.1).forLocalSearch(),
            new ConstrainedExpectedImprovement(gp, null, constraint, 0.1).forLocalSearch(),
            new ConstrainedExpectedImprovement(gp, null, constraint, -40).forLocalSearch(), // P(feasible) underflows
            new ExpectedImprovementPerCost(gp, best, constraint, 0.5, 2.0, 0.7).forLocalSearch(),
            twoConstraints(gp, best),
            twoConstraints(gp, null),
            twoConstraints(gp, best).forLocalSearch(),
            twoConstraints(gp, null).forLocalSearch()
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

    @Test
    void withTwoConstraintsConstrainedEiIsEiTimesTheProductOfTheProbabilitiesOfFeasibility() {
        GaussianProcess gp = GaussianProcess.condition(
                GaussianProcessTest.X, new double[][] {GaussianProcessTest.Y}, GaussianProcessTest.H);
        GaussianProcess first =
                GaussianProcess.condition(GaussianProcessTest.X, new double[][] {shifted(0.5)}, GaussianProcessTest.H);
        GaussianProcess second =
                GaussianProcess.condition(GaussianProcessTest.X, new double[][] {shifted(-0.3)}, GaussianProcessTest.H);
        double[] x = {0.2, 0.8};
        double best = -0.5;
        // By hand: EI = (best − μ) Φ(u) + σ φ(u), u = (best − μ)/σ; P_k = Φ((t_k − μ_k)/σ_k)
        GaussianProcess.Prediction f = gp.predict(x);
        double u = (best - f.means()[0]) / f.sigma();
        double ei = (best - f.means()[0]) * Normal.cdf(u) + f.sigma() * Normal.pdf(u);
        GaussianProcess.Prediction c1 = first.predict(x);
        GaussianProcess.Prediction c2 = second.predict(x);
        double p1 = Normal.cdf((0.1 - c1.means()[0]) / c1.sigma());
        double p2 = Normal.cdf((-0.2 - c2.means()[0]) / c2.sigma());
        assertThat(p1).isBetween(1e-3, 1 - 1e-3);
        assertThat(p2).isBetween(1e-3, 1 - 1e-3);
        var constraints = java.util.List.of(
                new ConstrainedExpectedImprovement.Constraint(first, 0.1),
                new ConstrainedExpectedImprovement.Constraint(second, -0.2));
        Acquisition both = new ConstrainedExpectedImprovement(gp, new double[] {best}, constraints);
        assertThat(both.value(x)).isCloseTo(-ei * p1 * p2, within(1e-12));
        assertThat(both.value(x))
                .as("a second constraint lowers the acquisition by its probability")
                .isCloseTo(
                        p2 * new ConstrainedExpectedImprovement(gp, new double[] {best}, first, 0.1).value(x),
                        within(1e-12));
        Acquisition nothingFeasibleYet = new ConstrainedExpectedImprovement(gp, null, constraints);
        assertThat(nothingFeasibleYet.value(x)).isCloseTo(-p1 * p2, within(1e-12));
        assertThat(nothingFeasibleYet.forLocalSearch().value(x)).isCloseTo(-Math.log(p1) - Math.log(p2), within(1e-9));
    }

    private static Acquisition twoConstraints(GaussianProcess gp, double[] best) {
        GaussianProcess second =
                GaussianProcess.condition(GaussianProcessTest.X, new double[][] {shifted(-0.3)}, GaussianProcessTest.H);
        return new ConstrainedExpectedImprovement(
                gp,
                best,
                java.util.List.of(
                        new ConstrainedExpectedImprovement.Constraint(constraint(), 0.1),
                        new ConstrainedExpectedImprovement.Constraint(second, -0.2)));
    }

    @Test
    void logExpectedImprovementIsTheLogOfEiWhereEiIsAccurate() {
        for (double z = -20; z <= 5; z += 0.37) {
            double sigma = 0.3;
            double mean = 1.0;
            double best = mean + z * sigma;
            double[] ei = Acquisition.expectedImprovement(mean, sigma, best);
            double[] log = Acquisition.logExpectedImprovement(mean, sigma, best);
            assertThat(log[0]).as("log EI at z = %.2f", z).isCloseTo(Math.log(ei[0]), within(1e-8));
            assertThat(log[1]).as("∂/∂μ at z = %.2f", z).isCloseTo(ei[1] / ei[0], withinPercentage(1e-6));
            assertThat(log[2]).as("∂/∂σ at z = %.2f", z).isCloseTo(ei[2] / ei[0], withinPercentage(1e-6));
        }
    }

    @Test
    void logExpectedImprovementStaysFiniteAndFollowsItsAsymptoteFarBelowTheIncumbent() {
        for (double t : new double[] {40, 100, 1e4}) {
            double[] log = Acquisition.logExpectedImprovement(t, 1.0, 0.0); // z = −t
            assertThat(Acquisition.expectedImprovement(t, 1.0, 0.0)[0]).isZero();
            // z Φ(z) + φ(z) = φ(z) (1/t² − 3/t⁴ + 15/t⁶ − …) for large t
            double asymptote = Math.log(Normal.pdf(0)) - t * t / 2 + Math.log(1 / (t * t) - 3 / Math.pow(t, 4));
            assertThat(log[0]).as("t = %s", t).isCloseTo(asymptote, within(1e-4));
            assertThat(log[1]).as("∂/∂μ, t = %s", t).isCloseTo(-t, withinPercentage(1));
            assertThat(log[2]).as("∂/∂σ, t = %s", t).isCloseTo(t * t, withinPercentage(1));
        }
    }

    @Test
    void logCdfIsTheLogOfTheCdfAndStaysFiniteInTheTail() {
        for (double z = -20; z <= 5; z += 0.37) {
            double[] l = Normal.logCdf(z);
            assertThat(l[0]).as("log Φ(%.2f)", z).isCloseTo(Math.log(Normal.cdf(z)), within(1e-9));
            assertThat(l[1]).as("φ/Φ at %.2f", z).isCloseTo(Normal.pdf(z) / Normal.cdf(z), withinPercentage(1e-6));
        }
        for (double t : new double[] {40, 1e3}) {
            double[] l = Normal.logCdf(-t);
            assertThat(Normal.cdf(-t)).isZero();
            // Φ(−t) = φ(t)/t · (1 − 1/t² + 3/t⁴ − …)
            assertThat(l[0])
                    .isCloseTo(
                            Normal.logPdf(t) - Math.log(t) + Math.log(1 - 1 / (t * t) + 3 / Math.pow(t, 4)),
                            within(1e-8));
            assertThat(l[1]).isCloseTo(t, withinPercentage(0.1));
        }
    }

    @Test
    void constrainedAndCostAwareLogFormsRankPointsAsTheirAcquisitionsDo() {
        GaussianProcess gp = twoTargets();
        GaussianProcess constraint = constraint();
        double[] best = BEST;
        Acquisition[] all = {
            new ConstrainedExpectedImprovement(gp, best, constraint, 0.1),
            new ConstrainedExpectedImprovement(gp, null, constraint, 0.1),
            new ExpectedImprovementPerCost(gp, best, constraint, 0.5, 2.0, 0.7),
            twoConstraints(gp, best)
        };
        for (Acquisition a : all) {
            for (double[] x : new double[][] {{0.36, 0.64}, {0.9, 0.1}, {0.5, 0.5}}) {
                assertThat(a.forLocalSearch().value(x))
                        .as("%s at %s", a.getClass().getSimpleName(), java.util.Arrays.toString(x))
                        .isCloseTo(-Math.log(-a.value(x)), within(1e-9));
            }
        }
    }

    @Test
    void theLocalSearchMovesTowardsFeasibilityWhereItsProbabilityUnderflows() {
        GaussianProcess gp = GaussianProcess.condition(
                GaussianProcessTest.X, new double[][] {GaussianProcessTest.Y}, GaussianProcessTest.H);
        GaussianProcess constraint =
                GaussianProcess.condition(GaussianProcessTest.X, new double[][] {shifted(0.0)}, GaussianProcessTest.H);
        Acquisition cei = new ConstrainedExpectedImprovement(gp, null, constraint, -45); // far below every mean
        double[] start = {0.45, 0.55};
        double[] lower = {0, 0};
        double[] upper = {1, 1};
        assertThat(cei.value(start)).as("P(feasible) underflows").isZero();
        BoundedLbfgs.Result plain = BoundedLbfgs.minimize(cei::evaluate, start, lower, upper, 50, 1e-7);
        Acquisition log = cei.forLocalSearch();
        BoundedLbfgs.Result logScale = BoundedLbfgs.minimize(log::evaluate, start, lower, upper, 50, 1e-7);
        assertThat(plain.point()).containsExactly(start);
        assertThat(logScale.value()).isLessThan(log.value(start) - 10);
    }

    @Test
    void logFormsRankPointsAsEiAndMixtureEiDo() {
        GaussianProcess gp = twoTargets();
        double[] best = BEST;
        double[] levels = {0.3, 0.9};
        double[] weights = {0.25, 0.75};
        Acquisition ei = new ExpectedImprovement(gp, best);
        Acquisition mixture = new MixtureExpectedImprovement(gp, levels, weights, best);
        for (double[] x : new double[][] {{0.36, 0.64}, {0.9, 0.1}, {0.5, 0.5}}) {
            assertThat(ei.forLocalSearch().value(x)).isCloseTo(-Math.log(-ei.value(x)), within(1e-10));
            double[] one = {x[0]};
            assertThat(mixture.forLocalSearch().value(one)).isCloseTo(-Math.log(-mixture.value(one)), within(1e-10));
        }
        double[] g = new double[1];
        Acquisition log = mixture.forLocalSearch();
        log.evaluate(new double[] {0.42}, g);
        FiniteDifferences.assertGradient(g, log::value, new double[] {0.42}, 1e-6, 1e-6, "mixture log EI");
    }

    @Test
    void theLocalSearchLeavesAStartWhereEiUnderflowsOnlyOnTheLogScale() {
        GaussianProcess gp = GaussianProcess.condition(
                GaussianProcessTest.X, new double[][] {GaussianProcessTest.Y}, GaussianProcessTest.H);
        double[] best = {-40}; // far below every mean: EI ≈ e^−400 or less everywhere
        ExpectedImprovement ei = new ExpectedImprovement(gp, best);
        double[] start = {0.45, 0.55}; // near an observed input, where σ is small
        double[] lower = {0, 0};
        double[] upper = {1, 1};
        BoundedLbfgs.Result plain = BoundedLbfgs.minimize(ei::evaluate, start, lower, upper, 50, 1e-7);
        Acquisition log = ei.forLocalSearch();
        BoundedLbfgs.Result logScale = BoundedLbfgs.minimize(log::evaluate, start, lower, upper, 50, 1e-7);
        assertThat(plain.point()).as("plain EI's gradient vanishes").containsExactly(start);
        assertThat(logScale.value())
                .as("log EI climbs towards higher σ and lower mean")
                .isLessThan(log.value(start) - 10);
    }

    /** Incumbents for the two target vectors of {@link #twoTargets}. */
    static final double[] BEST = {-1.0, -0.7};

    /** A GP on the test data with two target vectors (as with fantasies). */
    static GaussianProcess twoTargets() {
        return GaussianProcess.condition(
                GaussianProcessTest.X, new double[][] {GaussianProcessTest.Y, shifted(0.2)}, GaussianProcessTest.H);
    }

    /** A constraint GP on shifted test data. */
    static GaussianProcess constraint() {
        return GaussianProcess.condition(GaussianProcessTest.X, new double[][] {shifted(-0.1)}, GaussianProcessTest.H);
    }

    static double[] shifted(double by) {
        double[] y = GaussianProcessTest.Y.clone();
        for (int i = 0; i < y.length; i++) {
            y[i] = y[i] * 0.8 + by;
        }
        return y;
    }
}
