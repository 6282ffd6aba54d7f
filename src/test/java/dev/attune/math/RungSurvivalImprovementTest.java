package dev.attune.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * EI at a level weighted by the probability of clearing lower rungs: its value against the formula, its
 * gradients against finite differences, and what the per-epoch form changes.
 */
class RungSurvivalImprovementTest {
    /** A GP over (x, level) with two target vectors; EI is read at level 0.9, rungs at 0.0 and 0.4. */
    static final GaussianProcess GP = AcquisitionTest.twoTargets();

    static final Acquisition EI =
            new MixtureExpectedImprovement(GP, new double[] {0.9}, new double[] {1}, AcquisitionTest.BEST);
    static final double[] LEVELS = {0.0, 0.4};
    static final double[] CUTOFFS = {-0.2, 0.1};
    static final double[] COSTS = {2, 24};

    /** P_k by hand: Φ((q_k − mean over targets) / √(variance + noise)) at (x, level_k). */
    static double clearing(double x, int k) {
        double[] in = {x, LEVELS[k]};
        GaussianProcess.Prediction p = GP.predict(in);
        double mean = (p.means()[0] + p.means()[1]) / 2;
        return Normal.cdf(
                (CUTOFFS[k] - mean) / Math.sqrt(p.variance() + GP.prior().noise(in)));
    }

    @Test
    void valuesAreEiTimesTheClearingProbabilitiesAndPerEpochAlsoOverTheExpectedCost() {
        Acquisition probability = new RungSurvivalImprovement(EI, GP, LEVELS, CUTOFFS);
        Acquisition perEpoch = new RungSurvivalImprovement(EI, GP, LEVELS, CUTOFFS, 1, COSTS);
        for (double x : new double[] {0.05, 0.36, 0.7, 0.95}) {
            double[] in = {x};
            double p0 = clearing(x, 0);
            double p1 = clearing(x, 1);
            assertThat(p0 * p1)
                    .as("a probability strictly inside (0, 1) at %s", x)
                    .isBetween(1e-12, 1 - 1e-12);
            double expected = EI.value(in) * p0 * p1;
            assertThat(probability.value(in)).isCloseTo(expected, within(1e-12 + 1e-9 * Math.abs(expected)));
            double cost = 1 + COSTS[0] * p0 + COSTS[1] * p0 * p1;
            assertThat(perEpoch.value(in)).isCloseTo(expected / cost, within(1e-12 + 1e-9 * Math.abs(expected)));
            for (Acquisition a : new Acquisition[] {probability, perEpoch}) {
                assertThat(a.forLocalSearch().value(in))
                        .as("the local search's form is minus the log of minus the value")
                        .isCloseTo(-Math.log(-a.value(in)), within(1e-8));
            }
        }
    }

    @Test
    void aRungWithoutCutoffCountsAsCleared() {
        Acquisition none = new RungSurvivalImprovement(
                EI, GP, LEVELS, new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY});
        Acquisition first =
                new RungSurvivalImprovement(EI, GP, LEVELS, new double[] {CUTOFFS[0], Double.POSITIVE_INFINITY});
        double[] in = {0.36};
        assertThat(none.value(in)).isEqualTo(EI.value(in));
        assertThat(first.value(in)).isCloseTo(EI.value(in) * clearing(0.36, 0), within(1e-12));
    }

    @Test
    void farBeyondTheCutoffTheLogFormStaysFiniteAndKeepsAGradient() {
        // a cutoff far below every prediction: P underflows to 0, its log does not
        Acquisition hopeless = new RungSurvivalImprovement(EI, GP, LEVELS, new double[] {-40, -40}, 1, COSTS);
        double[] in = {0.42};
        assertThat(hopeless.value(in)).isEqualTo(0.0);
        double[] g = new double[1];
        double log = hopeless.forLocalSearch().evaluate(in, g);
        assertThat(log).isFinite().isGreaterThan(100);
        assertThat(g[0]).isFinite().isNotZero();
        FiniteDifferences.assertGradient(g, hopeless.forLocalSearch()::value, in, 1e-6, 1e-5, "hopeless log form");
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        for (Acquisition a : new Acquisition[] {
            new RungSurvivalImprovement(EI, GP, LEVELS, CUTOFFS),
            new RungSurvivalImprovement(EI, GP, LEVELS, CUTOFFS, 1, COSTS),
            new RungSurvivalImprovement(EI, GP, LEVELS, new double[] {-3, Double.POSITIVE_INFINITY}, 1, COSTS)
        }) {
            for (Acquisition form : new Acquisition[] {a, a.forLocalSearch()}) {
                for (double x : new double[] {0.12, 0.42, 0.81}) {
                    double[] in = {x};
                    double[] g = new double[1];
                    double v = form.evaluate(in, g);
                    assertThat(v).isEqualTo(form.value(in));
                    FiniteDifferences.assertGradient(g, form::value, in, 1e-6, 1e-5, "rung survival " + a);
                }
            }
        }
    }

    @Test
    void perEpochWeighsAnUnlikelySurvivorLessHarshlyThanTheProbabilityAlone() {
        double likely = 0;
        double unlikely = 0;
        for (double x = 0.01; x < 1; x += 0.01) { // the grid points where clearing both rungs is most and least likely
            double p = clearing(x, 0) * clearing(x, 1);
            if (likely == 0 || p > clearing(likely, 0) * clearing(likely, 1)) {
                likely = x;
            }
            if (unlikely == 0 || p < clearing(unlikely, 0) * clearing(unlikely, 1)) {
                unlikely = x;
            }
        }
        double[] a = {likely};
        double[] b = {unlikely};
        Acquisition probability = new RungSurvivalImprovement(EI, GP, LEVELS, CUTOFFS);
        Acquisition perEpoch = new RungSurvivalImprovement(EI, GP, LEVELS, CUTOFFS, 1, COSTS);
        double byProbability = (probability.value(b) / EI.value(b)) / (probability.value(a) / EI.value(a));
        double byEpoch = (perEpoch.value(b) / EI.value(b)) / (perEpoch.value(a) / EI.value(a));
        assertThat(byProbability).isLessThan(0.5);
        assertThat(byEpoch)
                .as("a config likely stopped at the first rung costs one epoch, not 27")
                .isGreaterThan(2 * byProbability);
    }
}
