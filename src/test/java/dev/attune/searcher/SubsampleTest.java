package dev.attune.searcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SubsampleTest {

    @Test
    void keepsEverythingUpToTheLimit() {
        double[] y = {3, 1, 2};
        assertThat(Subsample.rows(y, 3, 5, 0.25, new SplittableRandom(1))).containsExactly(0, 1, 2);
        assertThat(Subsample.rows(y, 3, 0, 0.25, new SplittableRandom(1))).containsExactly(0, 1, 2);
    }

    @Test
    void keepsTheBestFractionAndDistinctOthersUpToTheLimit() {
        SplittableRandom r = new SplittableRandom(3);
        double[] y = IntStream.range(0, 1000).mapToDouble(i -> r.nextDouble()).toArray();
        int[] rows = Subsample.rows(y, 1000, 200, 0.25, new SplittableRandom(4));
        assertThat(rows).hasSize(200).isSorted().doesNotHaveDuplicates();
        int[] best50 = IntStream.range(0, 1000)
                .boxed()
                .sorted((a, b) -> Double.compare(y[a], y[b]))
                .limit(50)
                .mapToInt(Integer::intValue)
                .toArray();
        for (int b : best50) {
            assertThat(Arrays.binarySearch(rows, b))
                    .as("row %d is among the best 50", b)
                    .isNotNegative();
        }
        assertThat(Subsample.rows(y, 1000, 200, 0.25, new SplittableRandom(4)))
                .as("the same generator gives the same rows")
                .containsExactly(rows);
    }
}
