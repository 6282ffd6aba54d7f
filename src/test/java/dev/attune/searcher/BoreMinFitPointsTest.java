package dev.attune.searcher;

import static dev.attune.searcher.BoreCqrSearcherTest.EPOCHS;
import static dev.attune.searcher.BoreCqrSearcherTest.context;
import static dev.attune.searcher.BoreCqrSearcherTest.feed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.math.boosting.Classifier;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Multi-fidelity BORE's rung-level floor (option minFitPoints). */
class BoreMinFitPointsTest {

    static double spread(Classifier c) {
        SplittableRandom r = new SplittableRandom(7);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < 200; i++) {
            double p = c.probability(new double[] {r.nextDouble(), r.nextDouble()});
            min = Math.min(min, p);
            max = Math.max(max, p);
        }
        return max - min;
    }

    @Test
    void defaultFloorIsTheFewestResultsXgboostCanSplitOn() {
        assertThat(BoreSearcher.defaultMinFitPoints(0.25, "xgboost")).isEqualTo(12);
        assertThat(BoreSearcher.defaultMinFitPoints(0.5, "xgboost")).isEqualTo(8);
        assertThat(BoreSearcher.defaultMinFitPoints(0.1, "xgboost")).isEqualTo(24);
        assertThat(BoreSearcher.defaultMinFitPoints(0.25, "rf"))
                .as("Syne Tune's ⌊1/γ⌋")
                .isEqualTo(4);
        assertThat(BoreSearcher.defaultMinFitPoints(0.25, "logreg")).isEqualTo(4);
    }

    @Test
    void fourResultsAtTheTopRungAreSkippedForALowerRungTheClassifierLearnsFrom() {
        for (long seed = 1; seed <= 3; seed++) {
            BoreSearcher s = new BoreSearcher(context(seed, Map.of(), BoreSearcher.OPTIONS, EPOCHS));
            feed(s, 0, 30, 1, KernelDensitySearcherTest.A);
            feed(s, 100, 4, 3, KernelDensitySearcherTest.B);
            assertThat(s.trainingRows())
                    .as("4 results at level 3 are below the floor 12")
                    .hasSize(30);
            assertThat(spread(s.model().orElseThrow()))
                    .as("seed %d: the classifier is not constant", seed)
                    .isGreaterThan(0.1);
            feed(s, 200, 8, 3, KernelDensitySearcherTest.B);
            assertThat(s.trainingRows())
                    .as("12 results at level 3 reach the floor")
                    .hasSize(12);
            assertThat(spread(s.model().orElseThrow())).isGreaterThan(0.1);
        }
    }

    @Test
    void syneTunesFloorFitsAConstantClassifierOnFourResults() {
        BoreSearcher s = new BoreSearcher(context(1, Map.of("minFitPoints", 4), BoreSearcher.OPTIONS, EPOCHS));
        feed(s, 0, 30, 1, KernelDensitySearcherTest.A);
        feed(s, 100, 4, 3, KernelDensitySearcherTest.B);
        assertThat(s.trainingRows()).hasSize(4);
        assertThat(spread(s.model().orElseThrow())).isLessThan(1e-12);
    }

    @Test
    void floorBelowOneIsRejected() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new BoreSearcher(context(1, Map.of("minFitPoints", 0), BoreSearcher.OPTIONS, EPOCHS)))
                .hasMessageContaining("minFitPoints");
    }
}
