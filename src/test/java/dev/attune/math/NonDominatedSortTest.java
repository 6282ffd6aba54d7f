package dev.attune.math;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The non-dominated sort: fronts first, an ε-net inside each, against hand-worked and brute-force answers. */
class NonDominatedSortTest {

    @Test
    void frontsComeInOrderAndAFrontStartsAtItsFirstObjectivesMinimum() {
        double[][] p = {
            {3, 3}, // 0: second front
            {1, 5}, // 1: first front
            {5, 1}, // 2: first front
            {2, 2}, // 3: first front
            {6, 6} // 4: third front (dominated by 0)
        };
        // front 1 = {1, 2, 3}: start at 1 (x = 1); farthest from (1,5) is 2 (5,1); then 3
        assertThat(NonDominatedSort.order(p)).containsExactly(1, 2, 3, 0, 4);
    }

    @Test
    void syneTunesOrderReadsTheEpsilonNetsRanksAsIndices() {
        double[][] p = {{2, 2}, {1, 5}, {5, 1}};
        // ε-net positions in the front [0, 1, 2]: start at 1, then 2 (farthest from (1,5)), then 0 → [1, 2, 0];
        // its ranks are [2, 0, 1], which v0.13 uses as positions: front[2], front[0], front[1]
        assertThat(NonDominatedSort.order(p)).containsExactly(1, 2, 0);
        assertThat(NonDominatedSort.syneTuneOrder(p)).containsExactly(2, 0, 1);
    }

    @Test
    void noPointPrecedesOneThatDominatesIt() {
        SplittableRandom r = new SplittableRandom(5);
        for (int round = 0; round < 50; round++) {
            double[][] p = new double[12][3];
            for (double[] v : p) {
                for (int k = 0; k < v.length; k++) {
                    v[k] = Math.floor(r.nextDouble() * 5); // ties on purpose
                }
            }
            int[] order = NonDominatedSort.order(p);
            assertThat(order).as("a permutation").containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
            for (int a = 0; a < order.length; a++) {
                for (int b = a + 1; b < order.length; b++) {
                    assertThat(NonDominatedSort.dominates(p[order[b]], p[order[a]]))
                            .as("round %d: %d placed before %d, which dominates it", round, order[a], order[b])
                            .isFalse();
                }
            }
        }
    }
}
