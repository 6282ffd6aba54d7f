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

    // Rows in observation order: trial, level. Trial 0 ran to 9, trial 1 to 3, trials 2–4 stopped at 1.
    static final long[] MF_TRIALS = {0, 1, 2, 3, 4, 0, 1, 2, 0};
    static final long[] MF_LEVELS = {1, 1, 1, 1, 1, 3, 3, 3, 9};

    @Test
    void multiFidelityKeepsWholeTrialsFromTheHighestLevelDown() {
        double[] y = new double[9];
        // Syne Tune's cap_size_tuning_job_state with max 5: trial 0 (level 9) whole, then of trials 1 and 2
        // (level 3) their level-3 rows, whose level-1 rows do not fit; trials 3 and 4 are dropped.
        assertThat(Subsample.multiFidelity(MF_TRIALS, MF_LEVELS).rows(y, 9, 5, new SplittableRandom(1)))
                .containsExactly(0, 5, 6, 7, 8);
        // With max 6 one level-1 row of trials 1 and 2 fits: drawn uniformly, so both occur over seeds.
        java.util.Set<Integer> drawn = new java.util.HashSet<>();
        for (int seed = 0; seed < 40; seed++) {
            int[] rows = Subsample.multiFidelity(MF_TRIALS, MF_LEVELS).rows(y, 9, 6, new SplittableRandom(seed));
            assertThat(rows).hasSize(6).contains(0, 5, 6, 7, 8).doesNotContain(3, 4);
            drawn.add(Arrays.stream(rows)
                    .filter(r -> r == 1 || r == 2)
                    .findFirst()
                    .orElseThrow());
        }
        assertThat(drawn).containsExactlyInAnyOrder(1, 2);
        // The targets play no part (unlike the single-fidelity rule, which keeps the best).
        double[] best = {0, 0, 0, -5, -5, 1, 1, 1, 2};
        assertThat(Subsample.multiFidelity(MF_TRIALS, MF_LEVELS).rows(best, 9, 5, new SplittableRandom(1)))
                .containsExactly(0, 5, 6, 7, 8);
        assertThat(Subsample.multiFidelity(MF_TRIALS, MF_LEVELS).rows(best, 9, 9, new SplittableRandom(1)))
                .hasSize(9);
        // Of the first k rows only: the first 5 rows fit in 5.
        assertThat(Subsample.multiFidelity(MF_TRIALS, MF_LEVELS).rows(best, 5, 5, new SplittableRandom(1)))
                .containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void denseKeepsOneObservationPerTrialAndGeometricBucketAsSyneTunesDyhpoConverter() {
        // DyHPO's linear rungs: trial 0 reported at 1, 3, 5, 7, 9, trial 1 at 1, 3, 5, trial 2 at 1.
        long[] trials = {0, 1, 2, 0, 1, 0, 1, 0, 0};
        long[] levels = {1, 1, 1, 3, 3, 5, 5, 7, 9};
        double[] y = new double[9];
        // Expected rows from Syne Tune v0.13's _sparsify_at_most_one_per_trial_and_group (buckets ≤1, 2–3,
        // 4–9), followed by cap_size_tuning_job_state where more than max remain.
        assertThat(Subsample.dense(trials, levels).rows(y, 9, 8, new SplittableRandom(1)))
                .as("drops trial 0's 7 (its 9 is higher in the bucket) and stops at 8")
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 8);
        assertThat(Subsample.dense(trials, levels).rows(y, 9, 7, new SplittableRandom(1)))
                .containsExactly(0, 1, 2, 3, 4, 6, 8);
        assertThat(Subsample.dense(trials, levels).rows(y, 9, 6, new SplittableRandom(1)))
                .as("thinned to 7, then capped: trials 0 and 1 whole, trial 2 dropped")
                .containsExactly(0, 1, 3, 4, 6, 8);
        assertThat(Subsample.dense(trials, levels).rows(y, 9, 9, new SplittableRandom(1)))
                .hasSize(9);
    }
}
