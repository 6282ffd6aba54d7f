package dev.attune.math;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ScalarizationTest {

    @Test
    void linearAndChebyshevOfWorkedValues() {
        double[] y = {2, -1, 4};
        double[] w = {0.5, 2, 0.25};
        assertThat(Scalarization.LINEAR.apply(y, w)).isEqualTo(0.5 * 2 - 2 + 0.25 * 4);
        assertThat(Scalarization.CHEBYSHEV.apply(y, w)).isEqualTo(1.0); // max(1, -2, 1)
    }

    @Test
    void rankNormalizationMatchesScipyRankdataWithAverageTies() {
        // scipy.stats.rankdata([3, 1, 4, 1, 5]) = [3, 1.5, 4, 1.5, 5]; divided by its max 5.
        assertThat(Scalarization.rankNormalized(new double[] {3, 1, 4, 1, 5})).containsExactly(0.6, 0.3, 0.8, 0.3, 1.0);
        assertThat(Scalarization.rankNormalized(new double[] {7, 7})).containsExactly(1.0, 1.0);
    }

    /**
     * A minimizer of either scalarization with positive weights is Pareto-optimal among the candidates
     * (Chebyshev: weakly, so ties are broken toward a non-dominated one by the linear check here).
     */
    @Test
    void seededMinimizersOfPositiveScalarizationsAreNotDominated() {
        Random random = new Random(9);
        for (int round = 0; round < 200; round++) {
            double[][] points = new double[30][3];
            for (double[] p : points) {
                for (int k = 0; k < 3; k++) {
                    p[k] = random.nextDouble();
                }
            }
            double[] w = {0.1 + random.nextDouble(), 0.1 + random.nextDouble(), 0.1 + random.nextDouble()};
            int best = 0;
            for (int i = 1; i < points.length; i++) {
                if (Scalarization.LINEAR.apply(points[i], w) < Scalarization.LINEAR.apply(points[best], w)) {
                    best = i;
                }
            }
            for (double[] q : points) {
                assertThat(NonDominatedSort.dominates(q, points[best])).isFalse();
            }
            int cheb = 0;
            for (int i = 1; i < points.length; i++) {
                if (Scalarization.CHEBYSHEV.apply(points[i], w) < Scalarization.CHEBYSHEV.apply(points[cheb], w)) {
                    cheb = i;
                }
            }
            for (double[] q : points) {
                // strictly better in every objective would lower the weighted maximum
                boolean strictlyBetter = true;
                for (int k = 0; k < 3; k++) {
                    strictlyBetter &= q[k] < points[cheb][k];
                }
                assertThat(strictlyBetter).isFalse();
            }
        }
    }
}
