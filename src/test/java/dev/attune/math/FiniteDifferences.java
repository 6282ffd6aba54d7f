package dev.attune.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.function.ToDoubleFunction;

/** Central finite differences, to check analytic gradients against. */
final class FiniteDifferences {
    private FiniteDifferences() {}

    static double partial(ToDoubleFunction<double[]> f, double[] x, int i, double h) {
        double[] up = x.clone();
        double[] down = x.clone();
        up[i] += h;
        down[i] -= h;
        return (f.applyAsDouble(up) - f.applyAsDouble(down)) / (2 * h);
    }

    /**
     * Asserts every component of {@code analytic} equals the central difference of f at x with step h,
     * within {@code tolerance} relative to max(1, |difference|).
     */
    static void assertGradient(
            double[] analytic, ToDoubleFunction<double[]> f, double[] x, double h, double tolerance, String what) {
        for (int i = 0; i < x.length; i++) {
            double fd = partial(f, x, i, h);
            assertThat(analytic[i])
                    .as("%s, component %d at %s", what, i, java.util.Arrays.toString(x))
                    .isCloseTo(fd, within(tolerance * Math.max(1, Math.abs(fd))));
        }
    }
}
