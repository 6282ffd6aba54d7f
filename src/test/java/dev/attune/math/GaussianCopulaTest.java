package dev.attune.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GaussianCopulaTest {

    @Test
    void matchesSyneTunesGaussianTransform() {
        // reference: Syne Tune's GaussianTransform (numpy searchsorted, scipy norm.ppf) on the same values
        double[] y = {3, 1, 2, 5, 4, 10, -1, 0.5};
        double[] expected = {
            0.0,
            -0.6744897501960817,
            -0.31863936396437514,
            0.6744897501960817,
            0.31863936396437514,
            1.1503493803760079,
            -1.5704149245373866,
            -1.1503493803760079
        };
        assertThat(GaussianCopula.delta(8)).isCloseTo(0.058159306286144935, within(1e-12));
        double[] z = GaussianCopula.transform(y, null);
        for (int i = 0; i < y.length; i++) {
            assertThat(z[i]).as("value %s", y[i]).isCloseTo(expected[i], within(1e-9));
        }
    }

    @Test
    void onlyRanksMatterSoScaledTasksGetTheSameScores() {
        SplittableRandom r = new SplittableRandom(7);
        for (int trial = 0; trial < 20; trial++) {
            int n = 2 + r.nextInt(60);
            double[] y = new double[n];
            double[] scaled = new double[n];
            for (int i = 0; i < n; i++) {
                y[i] = r.nextGaussian();
                scaled[i] = Math.exp(3 * y[i]) * 1000 + 5; // strictly increasing map
            }
            double[] a = GaussianCopula.transform(y, null);
            double[] b = GaussianCopula.transform(scaled, null);
            assertThat(b).containsExactly(a, within(1e-12));
            double bound = GaussianCopula.inverseCdf(1 - GaussianCopula.delta(n));
            for (int i = 0; i < n; i++) {
                assertThat(Math.abs(a[i])).isLessThanOrEqualTo(bound + 1e-12);
                for (int j = 0; j < n; j++) {
                    if (y[i] < y[j]) {
                        assertThat(a[i]).isLessThanOrEqualTo(a[j]); // equal only where truncated
                    }
                }
            }
        }
    }

    @Test
    void tiesGetARandomRankAmongTheTiedOnes() {
        double[] y = {1, 1, 1, 1, 2};
        double[] lowest = GaussianCopula.transform(y, null);
        assertThat(lowest[0]).isEqualTo(lowest[3]);
        java.util.Set<Double> seen = new java.util.HashSet<>();
        for (int s = 0; s < 50; s++) {
            double[] z = GaussianCopula.transform(y, new SplittableRandom(s));
            for (int i = 0; i < 4; i++) {
                seen.add(z[i]);
                assertThat(z[i]).isLessThan(z[4]);
            }
        }
        assertThat(seen).hasSize(4); // ranks 0..3, each reached
    }

    @Test
    void inverseCdfInvertsTheCdf() {
        for (double p = 0.01; p < 1; p += 0.07) {
            assertThat(Normal.cdf(GaussianCopula.inverseCdf(p))).isCloseTo(p, within(1e-12));
        }
    }

    @Test
    void standardizeIsAZScore() {
        double[] z = GaussianCopula.standardize(new double[] {1, 2, 3, 4});
        assertThat(z)
                .containsExactly(
                        new double[] {-1.3416407864998738, -0.4472135954999579, 0.4472135954999579, 1.3416407864998738},
                        within(1e-12));
        assertThat(GaussianCopula.standardize(new double[] {5, 5})).containsExactly(0, 0);
    }
}
