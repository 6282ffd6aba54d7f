package dev.attune.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BoxCoxTest {

    @Test
    void transformIsYMinusOneAtLambdaOneAndTheLogarithmAtZero() {
        assertThat(BoxCox.transform(3.5, 1)).isCloseTo(2.5, within(1e-12));
        assertThat(BoxCox.transform(3.5, 0)).isCloseTo(Math.log(3.5), within(1e-12));
        assertThat(BoxCox.transform(4, 0.5)).isCloseTo(2, within(1e-12));
        assertThat(BoxCox.transform(3.5, 1e-7)).isCloseTo(BoxCox.transform(3.5, 2e-6), within(1e-5));
        assertThat(BoxCox.transform(-1, 0)).as("thresholded").isCloseTo(Math.log(BoxCox.MIN_TARGET), within(1e-12));
    }

    static double[][] inputs(int n, SplittableRandom r) {
        double[][] x = new double[n][1];
        for (double[] row : x) {
            row[0] = r.nextDouble();
        }
        return x;
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(8);
        double[][] x = inputs(20, r);
        double[] y = new double[20];
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.exp(2 * Math.sin(5 * x[i][0]));
        }
        double[] theta = {0.2, -1.0, -3.0, 0.1, 0.4}; // log c, log ℓ, log σ², μ, λ
        double[] g = new double[theta.length];
        BoxCox.evaluate(x, y, 1, false, theta, g);
        FiniteDifferences.assertGradient(
                g, t -> BoxCox.evaluate(x, y, 1, false, t, null), theta, 1e-5, 1e-4, "Box-Cox likelihood");
    }

    @Test
    void fitFindsALogLikeLambdaForTargetsThatAreTheExponentialOfASmoothFunction() {
        SplittableRandom r = new SplittableRandom(9);
        double[][] x = inputs(40, r);
        double[] y = new double[40];
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.exp(3 * Math.sin(4 * x[i][0]));
        }
        MarginalLikelihood.FitOptions options = new MarginalLikelihood.FitOptions(100, 2, 1e-9);
        BoxCox.Fit fit = BoxCox.fit(x, y, 1, false, List.of(), options, new SplittableRandom(2));
        assertThat(fit.lambda()).isBetween(-0.35, 0.35);
        double identity =
                BoxCox.evaluate(x, y, 1, false, append(fit.hyperparameters().toVector(), 1.0), null);
        assertThat(fit.value())
                .as("better than leaving the targets as they are")
                .isLessThan(identity - 5);
    }

    static double[] append(double[] v, double last) {
        double[] out = java.util.Arrays.copyOf(v, v.length + 1);
        out[v.length] = last;
        return out;
    }
}
