package dev.attune.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The objective against scikit-learn 1.2.1's {@code log_marginal_likelihood(theta, eval_gradient=True)}
 * for the data of {@link GaussianProcessTest} (−5.8924329971797045; gradient with respect to log c,
 * log ℓ₁, log ℓ₂, log σ²: −0.7054111, 1.31285692, −0.96244424, −0.02015939), plus Syne Tune's
 * LogNormal(0, 1) prior on c, whose minus log density is log c + (log c)²/2 up to a constant.
 */
class MarginalLikelihoodTest {
    static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

    @Test
    void valueAndGradientMatchScikitLearnPlusThePrior() {
        MarginalLikelihood ml = new MarginalLikelihood(GaussianProcessTest.X, GaussianProcessTest.Y, 2);
        double[] theta = GaussianProcessTest.H.toVector();
        double[] gradient = new double[theta.length];
        double value = ml.evaluate(theta, gradient);
        double logC = Math.log(1.3);
        double prior = logC + 0.5 * logC * logC;
        assertThat(value).isCloseTo(5.8924329971797045 + prior, within(1e-9));
        assertThat(gradient[0]).isCloseTo(0.7054111 + 1 + logC, within(1e-6));
        assertThat(gradient[1]).isCloseTo(-1.31285692, within(1e-6));
        assertThat(gradient[2]).isCloseTo(0.96244424, within(1e-6));
        assertThat(gradient[3]).isCloseTo(0.02015939, within(1e-6));
    }

    @Test
    void gradientMatchesFiniteDifferencesAtRandomPoints() {
        SplittableRandom r = new SplittableRandom(11);
        double[][] x = new double[30][3];
        double[] y = new double[30];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < 3; j++) {
                x[i][j] = r.nextDouble();
            }
            y[i] = Math.sin(6 * x[i][0]) + x[i][1] * x[i][1] + 0.1 * r.nextDouble();
        }
        for (int lengthscales : new int[] {1, 3}) {
            MarginalLikelihood ml = new MarginalLikelihood(x, y, lengthscales);
            for (int trial = 0; trial < 5; trial++) {
                double[] theta = randomTheta(r, lengthscales + 3, -1.5, 0.5);
                theta[lengthscales + 1] = r.nextDouble(-6, -1);
                assertGradientAt(ml, theta, "ARD " + lengthscales);
            }
        }
    }

    /** θ of {@code size} entries drawn uniformly from [lo, hi). */
    static double[] randomTheta(SplittableRandom r, int size, double lo, double hi) {
        double[] theta = new double[size];
        for (int i = 0; i < size; i++) {
            theta[i] = r.nextDouble(lo, hi);
        }
        return theta;
    }

    /** The likelihood's analytic gradient at θ against central finite differences. */
    static void assertGradientAt(MarginalLikelihood ml, double[] theta, String label) {
        double[] g = new double[theta.length];
        ml.evaluate(theta, g);
        FiniteDifferences.assertGradient(g, t -> ml.evaluate(t, new double[t.length]), theta, 1e-6, 1e-4, label);
    }

    /** Config (2 inputs) ⊕ a one-hot code of 3 tasks, the code's inputs sharing the last length scale. */
    static double[][] transferInputs(SplittableRandom r, int n) {
        double[][] x = new double[n][5];
        for (int i = 0; i < n; i++) {
            x[i][0] = r.nextDouble();
            x[i][1] = r.nextDouble();
            x[i][2 + i % 3] = 1;
        }
        return x;
    }

    @Test
    void gradientOfTheProductKernelMatchesFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(13);
        double[][] x = transferInputs(r, 27);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.sin(5 * x[i][0] + 0.3 * (i % 3)) + x[i][1];
        }
        for (boolean warping : new boolean[] {false, true}) {
            MarginalLikelihood ml = new MarginalLikelihood(x, standardize(y), 3, warping, 2);
            for (int trial = 0; trial < 4; trial++) {
                double[] theta = randomTheta(r, GpHyperparameters.size(3, warping ? 5 : 0), -1, 0.5);
                theta[4] = r.nextDouble(-6, -1);
                assertGradientAt(ml, theta, "product, warped " + warping);
            }
        }
    }

    @Test
    void theProductKernelIsTheConfigKernelTimesTheTaskKernel() {
        SplittableRandom r = new SplittableRandom(14);
        double[][] x = transferInputs(r, 12);
        Matern52Kernel config = new Matern52Kernel(1.7, new double[] {0.3, 0.8});
        Matern52Kernel task = new Matern52Kernel(1, new double[] {0.6});
        Matern52Kernel product = new Matern52Kernel(1.7, new double[] {0.3, 0.8, 0.6}, 2);
        Matern52Kernel joint = new Matern52Kernel(1.7, new double[] {0.3, 0.8, 0.6});
        for (double[] a : x) {
            for (double[] b : x) {
                double[] ac = java.util.Arrays.copyOf(a, 2);
                double[] bc = java.util.Arrays.copyOf(b, 2);
                double[] at = java.util.Arrays.copyOfRange(a, 2, 5);
                double[] bt = java.util.Arrays.copyOfRange(b, 2, 5);
                double expected = config.value(ac, bc) * task.value(at, bt);
                assertThat(product.value(a, b)).isCloseTo(expected, within(1e-12));
                if (a[2] != b[2] || a[3] != b[3]) { // across tasks the product and the joint Matern differ
                    assertThat(Math.abs(joint.value(a, b) - expected)).isGreaterThan(1e-6);
                }
                double[] g = new double[5];
                assertThat(product.valueAndGradient(a, b, g)).isCloseTo(expected, within(1e-12));
                for (int j = 0; j < 2; j++) { // ∂k/∂a_j by central differences
                    double[] up = a.clone();
                    double[] down = a.clone();
                    up[j] += 1e-6;
                    down[j] -= 1e-6;
                    double fd = (product.value(up, b) - product.value(down, b)) / 2e-6;
                    assertThat(g[j]).isCloseTo(fd, within(1e-5));
                }
            }
        }
    }

    @Test
    void aProductFitKeepsItsSplitAndPredictsFromIt() {
        SplittableRandom r = new SplittableRandom(15);
        double[][] x = transferInputs(r, 30);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.sin(5 * x[i][0]) + x[i][1];
        }
        MarginalLikelihood.Fit fit = new MarginalLikelihood(x, standardize(y), 3, false, 2)
                .fit(List.of(), new MarginalLikelihood.FitOptions(50, 2, 1e-8), new SplittableRandom(1));
        assertThat(fit.hyperparameters().kernel().productFrom()).isEqualTo(2);
        assertThat(fit.hyperparameters().kernel().isProduct(5)).isTrue();
        double[] g = new double[fit.hyperparameters().toVector().length];
        assertThat(new MarginalLikelihood(x, standardize(y), 3, false, 2)
                        .evaluate(fit.hyperparameters().toVector(), g))
                .isCloseTo(fit.value(), within(1e-9));
    }

    @Test
    void gradientWithInputWarpingMatchesFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(12);
        double[][] x = new double[25][2];
        double[] y = new double[25];
        for (int i = 0; i < x.length; i++) {
            x[i][0] = r.nextDouble();
            x[i][1] = r.nextDouble();
            y[i] = Math.log(x[i][0] + 0.01) + x[i][1];
        }
        for (int lengthscales : new int[] {1, 2}) {
            MarginalLikelihood ml = new MarginalLikelihood(x, standardize(y), lengthscales, true);
            double[] theta = randomTheta(r, GpHyperparameters.size(lengthscales, 2), -1, 0.5);
            theta[lengthscales + 1] = -4;
            assertGradientAt(ml, theta, "warped, " + lengthscales);
        }
    }

    @Test
    void warpingImprovesTheFitOfAFunctionThatChangesFastNearOneBorder() {
        SplittableRandom r = new SplittableRandom(4);
        double[][] x = new double[30][1];
        double[] y = new double[30];
        for (int i = 0; i < x.length; i++) {
            x[i][0] = r.nextDouble();
            y[i] = Math.log(x[i][0] + 1e-3); // steep near 0, flat near 1
        }
        double[] s = standardize(y);
        MarginalLikelihood.FitOptions options = new MarginalLikelihood.FitOptions(100, 2, 1e-9);
        double plain = new MarginalLikelihood(x, s, 1)
                .fit(List.of(), options, new SplittableRandom(1))
                .value();
        double warped = new MarginalLikelihood(x, s, 1, true)
                .fit(List.of(), options, new SplittableRandom(1))
                .value();
        assertThat(warped).isLessThan(plain - 5);
    }

    @Test
    void anUnwarpedInputKeepsTheIdentityWarpingWhileTheOthersBend() {
        SplittableRandom r = new SplittableRandom(4);
        double[][] x = new double[30][2];
        double[] y = new double[30];
        for (int i = 0; i < x.length; i++) {
            x[i][0] = r.nextDouble();
            x[i][1] = r.nextDouble();
            y[i] = Math.log(x[i][0] + 1e-3) + Math.log(x[i][1] + 1e-3); // both steep near 0
        }
        double[] s = standardize(y);
        MarginalLikelihood ml = new MarginalLikelihood(x, s, 2, true);
        InputWarping free = ml.fit(List.of(), new MarginalLikelihood.FitOptions(100, 2, 1e-9), new SplittableRandom(1))
                .hyperparameters()
                .warping();
        InputWarping pinned = ml.fit(
                        List.of(),
                        new MarginalLikelihood.FitOptions(100, 2, 1e-9, new boolean[] {false, true}),
                        new SplittableRandom(1))
                .hyperparameters()
                .warping();
        assertThat(free.a()[1] != 1 || free.b()[1] != 1)
                .as("left free, input 1 is warped")
                .isTrue();
        assertThat(pinned.a()[1]).isEqualTo(1.0);
        assertThat(pinned.b()[1]).isEqualTo(1.0);
        assertThat(Math.abs(Math.log(pinned.a()[0])) + Math.abs(Math.log(pinned.b()[0])))
                .as("input 0 is still warped")
                .isGreaterThan(0.1);
    }

    @Test
    void fitImprovesOnItsStartAndFindsTheRelevantInput() {
        SplittableRandom r = new SplittableRandom(5);
        double[][] x = new double[40][2];
        double[] y = new double[40];
        for (int i = 0; i < x.length; i++) {
            x[i][0] = r.nextDouble();
            x[i][1] = r.nextDouble();
            y[i] = Math.sin(8 * x[i][0]); // depends on the first input only
        }
        double[] standardized = standardize(y);
        MarginalLikelihood ml = new MarginalLikelihood(x, standardized, 2);
        double start = ml.evaluate(GpHyperparameters.initial(2).toVector(), new double[5]);
        MarginalLikelihood.Fit fit = ml.fit(
                List.of(GpHyperparameters.initial(2)),
                new MarginalLikelihood.FitOptions(100, 2, 1e-9),
                new SplittableRandom(1));
        assertThat(fit.value()).isLessThan(start - 1);
        double[] ls = fit.hyperparameters().kernel().lengthscales();
        assertThat(ls[1])
                .as("the irrelevant input gets a much longer length scale")
                .isGreaterThan(5 * ls[0]);
    }

    static double[] standardize(double[] y) {
        double mean = java.util.Arrays.stream(y).average().orElseThrow();
        double sd = Math.sqrt(java.util.Arrays.stream(y)
                .map(v -> (v - mean) * (v - mean))
                .average()
                .orElseThrow());
        return java.util.Arrays.stream(y).map(v -> (v - mean) / sd).toArray();
    }
}
