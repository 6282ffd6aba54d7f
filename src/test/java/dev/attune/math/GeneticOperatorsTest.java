package dev.attune.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GeneticOperatorsTest {

    @Test
    void sbxChildrenStayInBoundsAndAreSymmetricAboutTheParentsAwayFromTheBounds() {
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 10_000; i++) {
            double a = r.nextDouble();
            double b = r.nextDouble();
            double[] c = GeneticOperators.sbx(a, b, 0, 1, 15, r);
            assertThat(c[0]).isBetween(0.0, 1.0);
            assertThat(c[1]).isBetween(0.0, 1.0);
        }
        // Far from the bounds the truncation is negligible: c1 + c2 = a + b (Deb and Agrawal's spread).
        for (int i = 0; i < 1000; i++) {
            double[] c = GeneticOperators.sbx(0.49, 0.51, -1000, 1000, 15, r);
            assertThat(c[0] + c[1]).isCloseTo(1.0, within(1e-9));
        }
        assertThat(GeneticOperators.sbx(0.3, 0.3, 0, 1, 15, r)).containsExactly(0.3, 0.3);
    }

    @Test
    void sbxSpreadFollowsTheUntruncatedDensity() {
        // Without bounds in reach, β = |c2 − c1| / |b − a| has P(β ≤ 1) = 1/2 (contracting and expanding
        // children are equally likely) and E[β | β ≤ 1] = (η+1)/(η+2).
        SplittableRandom r = new SplittableRandom(2);
        int contracting = 0;
        double sum = 0;
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            double[] c = GeneticOperators.sbx(0, 1, -1e6, 1e6, 15, r);
            double beta = Math.abs(c[1] - c[0]);
            if (beta <= 1) {
                contracting++;
                sum += beta;
            }
        }
        assertThat(contracting / (double) n).isCloseTo(0.5, within(0.005));
        assertThat(sum / contracting).isCloseTo(16.0 / 17, within(0.002));
    }

    @Test
    void polynomialMutationStaysInBoundsAndConcentratesNearTheParent() {
        SplittableRandom r = new SplittableRandom(3);
        double far = 0;
        double meanShift = 0;
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            double y = GeneticOperators.polynomialMutation(0.5, 0, 1, 20, r);
            assertThat(y).isBetween(0.0, 1.0);
            far += Math.abs(y - 0.5) > 0.1 ? 1 : 0;
            meanShift += y - 0.5;
        }
        // At y = 0.5, u ≤ 1/2: δ = v^(1/21) − 1 with v = 2u + (1 − 2u)·0.5^21, so |δ| > 0.1 exactly when
        // v < 0.9^21; the same on the other side. P = (0.9^21 − 0.5^21) / (1 − 0.5^21).
        double c = Math.pow(0.5, 21);
        double tail = (Math.pow(0.9, 21) - c) / (1 - c);
        assertThat(far / n).isCloseTo(tail, within(0.003));
        assertThat(meanShift / n).isCloseTo(0, within(0.002));
        double lowEnd = GeneticOperators.polynomialMutation(0, 0, 1, 20, new SplittableRandom(4));
        assertThat(lowEnd).isBetween(0.0, 1.0);
    }
}
