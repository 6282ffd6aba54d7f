package dev.attune.searcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.attune.math.GaussianProcess;
import dev.attune.math.GpHyperparameters;
import dev.attune.math.MarginalLikelihood;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.Test;

class HyperTuneWeightsTest {
    static final List<Long> LEVELS = List.of(1L, 3L, 9L);

    @Test
    void rankingLossCountsDiscordantPairs() {
        assertThat(HyperTuneWeights.rankingLoss(new double[] {1, 2, 3}, new double[] {10, 20, 30}))
                .isZero();
        assertThat(HyperTuneWeights.rankingLoss(new double[] {3, 2, 1}, new double[] {10, 20, 30}))
                .isEqualTo(3);
        assertThat(HyperTuneWeights.rankingLoss(new double[] {1, 3, 2}, new double[] {10, 20, 30}))
                .isEqualTo(1);
    }

    @Test
    void allMassOnTheLowestLevelUntilTheSecondHasEnoughResults() {
        double[] theta = weights((x, r) -> (x - 0.3) * (x - 0.3) + 1 / r, 20, 5, 0);
        assertThat(theta).containsExactly(new double[] {1, 0, 0}, within(0.0));
    }

    /**
     * When the lowest level orders configs the opposite way to the higher ones, it gets (almost) no weight;
     * when all levels agree it gets a real share. Seeded: deterministic.
     */
    @Test
    void levelsThatMisrankTheTopLevelLoseWeight() {
        double[] consistent = weights((x, r) -> (x - 0.3) * (x - 0.3) + 1 / r, 24, 12, 8);
        double[] crossing = weights((x, r) -> (r == 1 ? -1 : 1) * (x - 0.3) * (x - 0.3) + 1 / r, 24, 12, 8);
        assertThat(Arrays.stream(consistent).sum()).isCloseTo(1, within(1e-12));
        assertThat(crossing[0]).isLessThan(0.1);
        assertThat(consistent[0]).isGreaterThan(crossing[0] + 0.2);
    }

    /** Configs x = i/n; the first {@code atMid} also at level 3, the first {@code atTop} also at 9. */
    static double[] weights(DoubleBinaryOperator f, int n, int atMid, int atTop) {
        List<double[]> inputs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        List<Long> levelOfRow = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            double x = r.nextDouble();
            for (long level : LEVELS) {
                if ((level == 3 && i >= atMid) || (level == 9 && i >= atTop)) {
                    break;
                }
                inputs.add(new double[] {x, level / 9.0});
                ys.add(f.applyAsDouble(x, level));
                levelOfRow.add(level);
            }
        }
        double[][] xs = inputs.toArray(new double[0][]);
        double[] y =
                GpModel.standardize(ys.stream().mapToDouble(Double::doubleValue).toArray());
        GpHyperparameters h = new MarginalLikelihood(xs, y, 2)
                .fit(List.of(), new MarginalLikelihood.FitOptions(50, 1, 1e-6), new SplittableRandom(1))
                .hyperparameters();
        GaussianProcess gp = GaussianProcess.condition(xs, new double[][] {y}, h);
        return HyperTuneWeights.estimate(
                gp,
                levelOfRow.stream().mapToLong(Long::longValue).toArray(),
                y,
                xs,
                LEVELS,
                50,
                new SplittableRandom(5),
                new double[] {1 / 9.0, 3 / 9.0, 1});
    }
}
