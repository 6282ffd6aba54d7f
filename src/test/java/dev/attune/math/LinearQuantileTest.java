package dev.attune.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LinearQuantileTest {
    @Test
    void matchesNumpysLinearQuantileOnHandComputedValues() {
        double[] sorted = {1, 2, 3, 4};
        assertThat(LinearQuantile.ofSorted(sorted, 1.0 / 3)).isEqualTo(2.0); // (n − 1)q = 1
        assertThat(LinearQuantile.ofSorted(sorted, 0.81)).isCloseTo(3.43, within(1e-12)); // 1 + 2.43
        assertThat(LinearQuantile.ofSorted(sorted, 0)).isEqualTo(1.0);
        assertThat(LinearQuantile.ofSorted(sorted, 1)).isEqualTo(4.0);
        assertThat(LinearQuantile.of(4, 1, true, i -> sorted[3 - i])).isEqualTo(4.0);
        assertThat(LinearQuantile.of(4, 0, true, i -> sorted[3 - i])).isEqualTo(1.0);
        assertThat(LinearQuantile.ofSorted(new double[] {5, 7}, 0.5)).isEqualTo(6.0);
        assertThat(LinearQuantile.ofSorted(new double[] {5}, 0.3)).isEqualTo(5.0);
        assertThatThrownBy(() -> LinearQuantile.ofSorted(new double[0], 0.5))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** The descending (maximized metric's) form reads the same quantile from the other end. */
    @Test
    void descendingOrderGivesTheSameQuantileAsAscending() {
        SplittableRandom random = new SplittableRandom(17);
        for (int round = 0; round < 500; round++) {
            int n = 2 + random.nextInt(40);
            double[] ascending = random.doubles(n, -5, 5).sorted().toArray();
            double q = random.nextDouble();
            double h = (n - 1) * q;
            int lo = (int) Math.floor(h);
            double expected =
                    lo + 1 < n ? ascending[lo] + (h - lo) * (ascending[lo + 1] - ascending[lo]) : ascending[lo];
            assertThat(LinearQuantile.ofSorted(ascending, q)).isCloseTo(expected, within(1e-12));
            assertThat(LinearQuantile.of(n, q, true, i -> ascending[n - 1 - i]))
                    .as("n %d q %s values %s", n, q, Arrays.toString(ascending))
                    .isCloseTo(expected, within(1e-12));
        }
    }
}
