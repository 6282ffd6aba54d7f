package dev.attune.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Matern 5/2 kernel, plain and as Syne Tune's transfer product: values from the definition, input gradients. */
class Matern52KernelTest {
    /** The unit Matern 5/2 written out from its definition, d = √5 r. */
    static double unitByDefinition(double r) {
        double d = Math.sqrt(5) * r;
        return (1 + d + 5 * r * r / 3) * Math.exp(-d);
    }

    static double[] random(SplittableRandom r, int n, double scale) {
        double[] v = new double[n];
        for (int j = 0; j < n; j++) {
            v[j] = scale * r.nextDouble();
        }
        return v;
    }

    /** Length scales in [0.3, 1.8): distances between unit-box points stay where e^{−d} does not underflow. */
    static double[] lengthscales(SplittableRandom r, int n) {
        double[] l = random(r, n, 1.5);
        for (int j = 0; j < n; j++) {
            l[j] += 0.3;
        }
        return l;
    }

    /** Config inputs 0–2 with their own length scales, task code inputs 3–5 sharing the last one. */
    static Matern52Kernel product(SplittableRandom r) {
        return new Matern52Kernel(0.5 + 2 * r.nextDouble(), lengthscales(r, 4), 3);
    }

    @Test
    void theProductIsTheAmplitudeTimesAUnitMaternPerFactor() {
        SplittableRandom r = new SplittableRandom(17);
        for (int trial = 0; trial < 50; trial++) {
            Matern52Kernel k = product(r);
            double[] a = random(r, 6, 1);
            double[] b = random(r, 6, 1);
            double ra = 0;
            for (int j = 0; j < 3; j++) {
                ra += Math.pow((a[j] - b[j]) / k.lengthscales()[j], 2);
            }
            double rb = 0;
            for (int j = 3; j < 6; j++) {
                rb += Math.pow((a[j] - b[j]) / k.lengthscales()[3], 2);
            }
            double expected = k.amplitude() * unitByDefinition(Math.sqrt(ra)) * unitByDefinition(Math.sqrt(rb));
            assertThat(k.value(a, b)).isCloseTo(expected, within(1e-12));
            double[] slopes = new double[2];
            assertThat(k.productValueAndSlopes(a, b, slopes)).isEqualTo(k.value(a, b));
            assertThat(slopes[0]).isPositive();
            assertThat(slopes[1]).isPositive();
        }
    }

    @Test
    void aProductSplitPastTheLastInputIsThePlainKernel() {
        SplittableRandom r = new SplittableRandom(3);
        Matern52Kernel plain = new Matern52Kernel(1.3, lengthscales(r, 3));
        double[] a = random(r, 3, 1);
        double[] b = random(r, 3, 1);
        assertThat(plain.withProductFrom(3).isProduct(3)).isFalse();
        assertThat(plain.withProductFrom(3).value(a, b)).isEqualTo(plain.value(a, b));
    }

    @Test
    void inputGradientsMatchFiniteDifferencesPlainAndProduct() {
        SplittableRandom r = new SplittableRandom(29);
        for (int trial = 0; trial < 30; trial++) {
            Matern52Kernel k = trial % 2 == 0 ? product(r) : new Matern52Kernel(1.7, lengthscales(r, 6));
            double[] x = random(r, 6, 1);
            double[] b = random(r, 6, 1);
            double[] gradient = new double[6];
            double value = k.valueAndGradient(x, b, gradient);
            assertThat(value).isEqualTo(k.value(x, b));
            FiniteDifferences.assertGradient(
                    gradient, v -> k.value(v, b), x, 1e-6, 1e-6, k.isProduct(6) ? "product" : "plain");
        }
    }

    @Test
    void theProductFactorsSeeOnlyTheirOwnInputs() {
        // moving only the task code changes only the second factor: the ratio to the config-only value is u(r_b)
        Matern52Kernel k = new Matern52Kernel(2, new double[] {0.5, 0.7, 0.3, 0.9}, 3);
        double[] a = {0.1, 0.2, 0.3, 1, 0, 0};
        double[] sameTask = {0.4, 0.1, 0.5, 1, 0, 0};
        double[] otherTask = {0.4, 0.1, 0.5, 0, 1, 0};
        double rho = unitByDefinition(Math.sqrt(2) / 0.9);
        assertThat(k.value(a, otherTask) / k.value(a, sameTask)).isCloseTo(rho, within(1e-12));
    }
}
