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

    /**
     * Bit for bit the arithmetic the schedulers had before it moved here (Syne Tune's: their cutoffs must match
     * recorded decision streams), signed zeros included, for every q below 1.
     */
    @Test
    void isBitForBitTheSchedulersFormerArithmetic() {
        // on a value (frac = 0) beside a signed zero, the former arithmetic gives +0.0 where a plain read gives −0.0
        double[] zeros = {-0.0, 0.0, 1.0};
        double[] zerosDescending = {1.0, 0.0, -0.0};
        assertThat(bits(former(zeros, 0, false))).isEqualTo(bits(0.0));
        assertThat(bits(LinearQuantile.ofSorted(zeros, 0))).isEqualTo(bits(former(zeros, 0, false)));
        assertThat(bits(LinearQuantile.of(3, 0, true, i -> zerosDescending[i])))
                .isEqualTo(bits(former(zerosDescending, 0, true)));
        SplittableRandom random = new SplittableRandom(23);
        for (int round = 0; round < 2000; round++) {
            int n = 2 + random.nextInt(30);
            double[] ascending = random.doubles(n, -3, 3)
                    .map(v -> random.nextInt(5) == 0 ? Math.rint(v) * (random.nextBoolean() ? 0.0 : 1.0) : v)
                    .map(v -> v == 0 && random.nextBoolean() ? -0.0 : v)
                    .sorted()
                    .toArray();
            double q = random.nextInt(4) == 0 ? random.nextInt(n) / (double) (n - 1) : random.nextDouble();
            if (q >= 1) {
                continue;
            }
            double[] descending = new double[n];
            for (int i = 0; i < n; i++) {
                descending[i] = ascending[n - 1 - i];
            }
            assertThat(bits(LinearQuantile.ofSorted(ascending, q))).isEqualTo(bits(former(ascending, q, false)));
            assertThat(bits(LinearQuantile.of(n, q, true, i -> descending[i])))
                    .isEqualTo(bits(former(descending, q, true)));
        }
    }

    private static long bits(double value) {
        return Double.doubleToRawLongBits(value);
    }

    /** Rung.quantile's code before LinearQuantile (ee6a11a^), over values in its best-first order. */
    private static double former(double[] bestFirst, double q, boolean descending) {
        int n = bestFirst.length;
        double virtual = (n - 1) * q + 1;
        int index = (int) virtual;
        double frac = virtual - index;
        int left;
        double g;
        if (!descending) {
            left = index - 1;
            g = frac;
        } else {
            left = n - index - 1;
            g = 1 - frac;
        }
        return g * bestFirst[left + 1] + (1 - g) * bestFirst[left];
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
