package dev.attune.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ParetoFrontsTest {

    @Test
    void frontsOfAWorkedExample() {
        double[][] points = {
            {1, 5}, // 0: front 0
            {2, 3}, // 1: front 0
            {4, 1}, // 2: front 0
            {3, 4}, // 3: dominated by 1
            {4, 3}, // 4: dominated by 1 and 2
            {5, 2}, // 5: dominated by 2
            {5, 5}, // 6: dominated by 3, 4 and 5 as well
        };
        List<int[]> fronts = ParetoFronts.sort(points, null);
        assertThat(fronts).hasSize(3);
        assertThat(fronts.get(0)).containsExactly(0, 1, 2);
        assertThat(fronts.get(1)).containsExactly(3, 4, 5);
        assertThat(fronts.get(2)).containsExactly(6);
    }

    @Test
    void constrainedDominationPutsFeasiblePointsFirstThenLeastViolation() {
        double[][] points = {{0, 0}, {3, 3}, {1, 1}, {5, 5}, {-1, -1}};
        double[] violations = {2, 0, 0.5, 0, 2};
        List<int[]> fronts = ParetoFronts.sort(points, violations);
        // Feasible: 1 dominates 3. Infeasible after them by violation; 0 and 4 tie (non-dominated by rule).
        assertThat(fronts.get(0)).containsExactly(1);
        assertThat(fronts.get(1)).containsExactly(3);
        assertThat(fronts.get(2)).containsExactly(2);
        assertThat(fronts.get(3)).containsExactly(0, 4);
        assertThat(ParetoFronts.violation(new double[] {-1, 0.25, 2})).isEqualTo(2.25);
    }

    @Test
    void crowdingDistanceOfAWorkedExample() {
        double[][] points = {{0, 4}, {1, 2}, {2, 1}, {4, 0}};
        double[] d = ParetoFronts.crowdingDistance(points, new int[] {0, 1, 2, 3});
        assertThat(d[0]).isInfinite();
        assertThat(d[3]).isInfinite();
        // (1,2): f1 neighbours 0 and 2 over a range of 4, f2 neighbours 1 and 4 over 4.
        assertThat(d[1]).isCloseTo(2.0 / 4 + 3.0 / 4, within(1e-12));
        assertThat(d[2]).isCloseTo(3.0 / 4 + 2.0 / 4, within(1e-12));
        // A flat objective adds nothing; two points are both boundaries.
        assertThat(ParetoFronts.crowdingDistance(new double[][] {{1, 1}, {2, 1}, {3, 1}}, new int[] {0, 1, 2})[1])
                .isCloseTo(1.0, within(1e-12));
        assertThat(ParetoFronts.crowdingDistance(points, new int[] {1, 2})).containsOnly(Double.POSITIVE_INFINITY);
    }

    /** Brute force: a point's front is 1 + the highest front of the points dominating it (0 if none). */
    static int[] bruteForceRanks(double[][] points, double[] v) {
        int n = points.length;
        int[] rank = new int[n];
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (ParetoFronts.dominates(points[j], v[j], points[i], v[i]) && rank[i] < rank[j] + 1) {
                        rank[i] = rank[j] + 1;
                        changed = true;
                    }
                }
            }
        }
        return rank;
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void seededRandomPointsSortLikeBruteForceAndNoFrontMemberIsDominated(int d) {
        Random random = new Random(31 * d);
        for (int round = 0; round < 100; round++) {
            int n = 1 + random.nextInt(40);
            double[][] points = new double[n][d];
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < d; k++) {
                    points[i][k] = random.nextInt(6); // ties and duplicates on purpose
                }
                v[i] = random.nextInt(4) == 0 ? random.nextInt(3) : 0;
            }
            List<int[]> fronts = ParetoFronts.sort(points, v);
            int[] expected = bruteForceRanks(points, v);
            Set<Integer> seen = new HashSet<>();
            for (int f = 0; f < fronts.size(); f++) {
                for (int i : fronts.get(f)) {
                    assertThat(expected[i]).as("round %d point %d", round, i).isEqualTo(f);
                    assertThat(seen.add(i)).isTrue();
                    for (int j : fronts.get(f)) {
                        assertThat(ParetoFronts.dominates(points[j], v[j], points[i], v[i]))
                                .as("a front member dominated within its front")
                                .isFalse();
                    }
                }
            }
            assertThat(seen).hasSize(n);
            // Front 0 of the unconstrained sort is exactly what NonDominatedSort.paretoEfficient keeps.
            List<Integer> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                all.add(i);
            }
            boolean[] efficient = NonDominatedSort.paretoEfficient(points, all);
            int[] first = ParetoFronts.sort(points, null).getFirst();
            int[] efficientIdx = java.util.stream.IntStream.range(0, n)
                    .filter(i -> efficient[i])
                    .toArray();
            assertThat(first).as(Arrays.deepToString(points)).containsExactlyInAnyOrder(efficientIdx);
        }
    }
}
