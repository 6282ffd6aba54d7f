package dev.attune.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BoundedLbfgsTest {

    static double rosenbrock(double[] x, double[] g) {
        double a = 1 - x[0];
        double b = x[1] - x[0] * x[0];
        if (g != null) {
            g[0] = -2 * a - 400 * x[0] * b;
            g[1] = 200 * b;
        }
        return a * a + 100 * b * b;
    }

    @Test
    void findsTheRosenbrockMinimumInsideTheBox() {
        BoundedLbfgs.Result r = BoundedLbfgs.minimize(
                BoundedLbfgsTest::rosenbrock,
                new double[] {-1.2, 1},
                new double[] {-2, -2},
                new double[] {2, 2},
                500,
                1e-12);
        assertThat(r.point()[0]).isCloseTo(1, within(1e-4));
        assertThat(r.point()[1]).isCloseTo(1, within(1e-4));
    }

    @Test
    void stopsOnTheBoundWhenTheMinimumIsOutside() {
        // (x − 3)² + (y + 0.5)² over [0, 1]²: the answer is (1, 0)
        BoundedLbfgs.Objective f = (x, g) -> {
            g[0] = 2 * (x[0] - 3);
            g[1] = 2 * (x[1] + 0.5);
            return (x[0] - 3) * (x[0] - 3) + (x[1] + 0.5) * (x[1] + 0.5);
        };
        BoundedLbfgs.Result r =
                BoundedLbfgs.minimize(f, new double[] {0.2, 0.7}, new double[] {0, 0}, new double[] {1, 1}, 100, 1e-10);
        assertThat(r.point()).containsExactly(new double[] {1, 0}, within(1e-9));
    }

    @Test
    void stepsBackFromRegionsWhereTheObjectiveIsUndefined() {
        // log barrier: undefined (infinite) for x ≤ 0.5, minimum at x = 1
        BoundedLbfgs.Objective f = (x, g) -> {
            if (x[0] <= 0.5) {
                return Double.POSITIVE_INFINITY;
            }
            g[0] = 2 * (x[0] - 1) - 0.001 / (x[0] - 0.5);
            return (x[0] - 1) * (x[0] - 1) - 0.001 * Math.log(x[0] - 0.5);
        };
        BoundedLbfgs.Result r =
                BoundedLbfgs.minimize(f, new double[] {3}, new double[] {-5}, new double[] {5}, 100, 1e-12);
        assertThat(r.point()[0]).isCloseTo(1.0, within(0.01));
        assertThat(r.value()).isFinite();
    }
}
