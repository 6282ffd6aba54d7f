package dev.attune.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HypervolumeTest {

    /** Exact: inclusion–exclusion over the boxes [p, ref); the intersection of boxes is [max p, ref). */
    static double inclusionExclusion(double[][] points, double[] ref) {
        int n = points.length;
        int d = ref.length;
        double total = 0;
        for (int mask = 1; mask < (1 << n); mask++) {
            double[] corner = new double[d];
            Arrays.fill(corner, Double.NEGATIVE_INFINITY);
            for (int i = 0; i < n; i++) {
                if ((mask & (1 << i)) != 0) {
                    for (int k = 0; k < d; k++) {
                        corner[k] = Math.max(corner[k], points[i][k]);
                    }
                }
            }
            double volume = 1;
            for (int k = 0; k < d; k++) {
                volume *= Math.max(0, ref[k] - corner[k]);
            }
            total += Integer.bitCount(mask) % 2 == 1 ? volume : -volume;
        }
        return total;
    }

    /** Exact on integer coordinates: counts the unit cells of [0, ref) that some point dominates. */
    static long gridCount(int[][] points, int[] ref) {
        int d = ref.length;
        int[] cell = new int[d];
        long count = 0;
        while (true) {
            for (int[] p : points) {
                boolean covers = true;
                for (int k = 0; k < d && covers; k++) {
                    covers = p[k] <= cell[k];
                }
                if (covers) {
                    count++;
                    break;
                }
            }
            int k = 0;
            while (k < d && ++cell[k] == ref[k]) {
                cell[k] = 0;
                k++;
            }
            if (k == d) {
                return count;
            }
        }
    }

    @Test
    void workedValues() {
        assertThat(Hypervolume.of(new double[][] {{1, 3}, {2, 2}, {3, 1}}, new double[] {4, 4}))
                .isEqualTo(6.0);
        // One point: its box. A point at or beyond the reference adds nothing.
        assertThat(Hypervolume.of(new double[][] {{1, 2, 3}, {5, 0, 0}}, new double[] {4, 4, 4}))
                .isEqualTo(3.0 * 2 * 1);
        // Two boxes in 3-D: 3·3·1 + 1·1·3 overlapping in 1·1·1 → 9 + 3 − 1 = 11.
        assertThat(Hypervolume.of(new double[][] {{0, 0, 2}, {2, 2, 0}}, new double[] {3, 3, 3}))
                .isEqualTo(3 * 3 * 1 + 1 * 1 * 3 - 1.0);
        // 4-D: the unit-simplex corners e_i against (1,1,1,1): each 0-box overlaps the others.
        double[][] corners = {{0, 1, 1, 1}, {1, 0, 1, 1}, {1, 1, 0, 1}, {1, 1, 1, 0}};
        assertThat(Hypervolume.of(corners, new double[] {2, 2, 2, 2}))
                .isCloseTo(inclusionExclusion(corners, new double[] {2, 2, 2, 2}), within(1e-12));
        assertThat(Hypervolume.of(new double[][] {{0.5}}, new double[] {2})).isEqualTo(1.5);
        assertThat(Hypervolume.of(new double[0][], new double[] {1, 1})).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 5, 6})
    void matchesInclusionExclusionOnRandomFronts(int d) {
        Random random = new Random(7 + d);
        for (int round = 0; round < 200; round++) {
            int n = 1 + random.nextInt(10);
            double[][] points = new double[n][d];
            for (double[] p : points) {
                for (int k = 0; k < d; k++) {
                    // Some ties and some points beyond the reference on purpose.
                    p[k] = random.nextInt(4) == 0 ? Math.floor(random.nextDouble() * 4) : random.nextDouble() * 4.4;
                }
            }
            double[] ref = new double[d];
            Arrays.fill(ref, 4);
            double expected = inclusionExclusion(points, ref);
            assertThat(Hypervolume.of(points, ref))
                    .as("round %d, %s", round, Arrays.deepToString(points))
                    .isCloseTo(expected, within(1e-9 * Math.max(1, expected)));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void matchesGridCountingOnIntegerFronts(int d) {
        Random random = new Random(11 * d);
        int side = d == 4 ? 8 : 20;
        for (int round = 0; round < 50; round++) {
            int n = 1 + random.nextInt(d == 2 ? 40 : 25);
            int[][] points = new int[n][d];
            double[][] asDouble = new double[n][d];
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < d; k++) {
                    points[i][k] = random.nextInt(side);
                    asDouble[i][k] = points[i][k];
                }
            }
            int[] ref = new int[d];
            Arrays.fill(ref, side);
            double[] refD = Arrays.stream(ref).asDoubleStream().toArray();
            assertThat(Hypervolume.of(asDouble, refD)).isEqualTo((double) gridCount(points, ref));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 5})
    void growsMonotonicallyAsPointsAreAdded(int d) {
        Random random = new Random(3 * d);
        double[] ref = new double[d];
        Arrays.fill(ref, 1.1);
        List<double[]> points = new ArrayList<>();
        double previous = 0;
        for (int i = 0; i < 150; i++) {
            double[] p = new double[d];
            for (int k = 0; k < d; k++) {
                p[k] = random.nextDouble();
            }
            points.add(p);
            double now = Hypervolume.of(points.toArray(new double[0][]), ref);
            assertThat(now).isGreaterThanOrEqualTo(previous - 1e-12);
            // Each box alone is a lower bound; the sum of all boxes an upper one.
            assertThat(now).isGreaterThanOrEqualTo(box(p, ref) - 1e-12);
            previous = now;
        }
        double sum = points.stream().mapToDouble(p -> box(p, ref)).sum();
        assertThat(previous).isLessThanOrEqualTo(sum).isLessThanOrEqualTo(Math.pow(1.1, d));
    }

    /**
     * Above three objectives WFG answers; slicing (HSO) is a second exact algorithm built on a different
     * decomposition, so agreement on fronts too large for inclusion–exclusion checks both.
     */
    @ParameterizedTest
    @ValueSource(ints = {4, 5, 6})
    void wfgAgreesWithSlicingOnSphericalFronts(int d) {
        Random random = new Random(17 * d);
        for (int round = 0; round < 5; round++) {
            int n = 20 + random.nextInt(d == 6 ? 15 : 40);
            double[][] points = new double[n][d];
            for (double[] p : points) {
                double norm = 0;
                for (int k = 0; k < d; k++) {
                    p[k] = Math.abs(random.nextGaussian());
                    norm += p[k] * p[k];
                }
                for (int k = 0; k < d; k++) {
                    p[k] /= Math.sqrt(norm); // on the unit sphere's positive part: mutually non-dominated
                }
            }
            double[] ref = new double[d];
            Arrays.fill(ref, 1.1);
            double wfg = Hypervolume.of(points, ref);
            double hso = Hypervolume.slice(Arrays.asList(points), ref);
            assertThat(wfg).isCloseTo(hso, within(1e-9)).isPositive();
        }
    }

    @Test
    void dominatedPointsChangeNothing() {
        Random random = new Random(5);
        double[][] front = {{0.1, 0.9, 0.5}, {0.5, 0.5, 0.5}, {0.9, 0.1, 0.4}};
        double[] ref = {1, 1, 1};
        double base = Hypervolume.of(front, ref);
        for (int i = 0; i < 20; i++) {
            double[] worse = front[random.nextInt(3)].clone();
            for (int k = 0; k < 3; k++) {
                worse[k] += random.nextDouble() * 0.05;
            }
            double[][] more = Arrays.copyOf(front, 4);
            more[3] = worse;
            assertThat(Hypervolume.of(more, ref)).isCloseTo(base, within(1e-12));
        }
    }

    private static double box(double[] p, double[] ref) {
        double v = 1;
        for (int k = 0; k < p.length; k++) {
            v *= Math.max(0, ref[k] - p[k]);
        }
        return v;
    }
}
