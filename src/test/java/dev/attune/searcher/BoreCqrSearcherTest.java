package dev.attune.searcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.space.InvalidInputException;
import dev.attune.trial.Metric;
import dev.attune.trial.Mode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** BORE and CQR: they find the good region of a seeded quadratic, where their models are fitted, and what they refuse. */
class BoreCqrSearcherTest {
    static final double[] OPTIMUM = {0.8, 0.3};
    static final SearcherContext.Fidelity EPOCHS = new SearcherContext.Fidelity("epoch", List.of(1L, 3L, 9L));

    static SearcherContext context(
            long seed, Map<String, Object> options, List<OptionSpec> specs, SearcherContext.Fidelity fidelity) {
        return new SearcherContext(
                ModelBasedSearcherTest.PLANE,
                List.of(new Metric("y", Mode.MIN)),
                seed,
                List.of(),
                false,
                Options.parse(options, specs),
                fidelity);
    }

    static double quadratic(Map<String, Object> config) {
        return KernelDensitySearcherTest.distance(config, OPTIMUM)
                * KernelDensitySearcherTest.distance(config, OPTIMUM);
    }

    /** Runs {@code evals} trials one after another; the mean distance to the optimum of the last 20 proposals. */
    static double lateDistance(Searcher s, int evals) {
        double total = 0;
        for (long id = 0; id < evals; id++) {
            Map<String, Object> config = s.propose(id).orElseThrow().config();
            s.onTrialAdded(id, config, Map.of());
            s.onComplete(id, Map.of("y", quadratic(config)));
            if (id >= evals - 20) {
                total += KernelDensitySearcherTest.distance(config, OPTIMUM);
            }
        }
        return total / 20;
    }

    void concentrates(Function<Long, Searcher> build, String name) {
        double model = 0, random = 0;
        for (long seed = 1; seed <= 3; seed++) {
            model += lateDistance(build.apply(seed), 60);
            random += lateDistance(new RandomSearcher(context(seed, Map.of(), List.of(), null)), 60);
        }
        // random configs in the unit square lie about 0.4 from the optimum on average
        assertThat(model / 3).as(name).isLessThan(0.2).isLessThan(0.5 * random / 3);
    }

    @Test
    void boreConcentratesOnTheGoodRegion() {
        concentrates(seed -> new BoreSearcher(context(seed, Map.of(), BoreSearcher.OPTIONS, null)), "BORE xgboost");
        concentrates(
                seed -> new BoreSearcher(context(seed, Map.of("classifier", "rf"), BoreSearcher.OPTIONS, null)),
                "BORE rf");
    }

    @Test
    void boreWithLogisticRegressionMovesTowardsTheGoodSide() {
        // a linear classifier cannot enclose the optimum but points towards it (the corner (1, 0) is 0.36 away)
        double total = 0, random = 0;
        for (long seed = 1; seed <= 3; seed++) {
            total += lateDistance(
                    new BoreSearcher(context(seed, Map.of("classifier", "logreg"), BoreSearcher.OPTIONS, null)), 60);
            random += lateDistance(new RandomSearcher(context(seed, Map.of(), List.of(), null)), 60);
        }
        assertThat(total / 3).isLessThan(0.9 * random / 3);
    }

    @Test
    void cqrConcentratesOnTheGoodRegion() {
        concentrates(
                seed -> new ConformalQuantileSearcher(context(seed, Map.of(), ConformalQuantileSearcher.OPTIONS, null)),
                "CQR");
    }

    @Test
    void proposalsAreDeterministicGivenTheSeedAndHistory() {
        for (List<OptionSpec> specs : List.of(BoreSearcher.OPTIONS, ConformalQuantileSearcher.OPTIONS)) {
            Function<Long, Searcher> build = seed -> specs == BoreSearcher.OPTIONS
                    ? new BoreSearcher(context(seed, Map.of(), specs, null))
                    : new ConformalQuantileSearcher(context(seed, Map.of(), specs, null));
            Searcher a = build.apply(4L), b = build.apply(4L), c = build.apply(5L);
            lateDistance(a, 40);
            lateDistance(b, 40);
            lateDistance(c, 40);
            assertThat(a.propose(99).orElseThrow().config())
                    .isEqualTo(b.propose(99).orElseThrow().config());
            assertThat(a.propose(99).orElseThrow().config())
                    .isNotEqualTo(c.propose(99).orElseThrow().config());
        }
    }

    @Test
    void boreStaysRandomUntilInitRandomResults() {
        BoreSearcher s = new BoreSearcher(context(1, Map.of(), BoreSearcher.OPTIONS, null));
        RandomSearcher r = new RandomSearcher(context(1, Map.of(), List.of(), null));
        for (long id = 0; id < 6; id++) {
            Map<String, Object> config = s.propose(id).orElseThrow().config();
            assertThat(config)
                    .as("trial %d", id)
                    .isEqualTo(r.propose(id).orElseThrow().config());
            s.onTrialAdded(id, config, Map.of());
            r.onTrialAdded(id, config, Map.of());
            s.onComplete(id, Map.of("y", quadratic(config)));
        }
        assertThat(s.propose(6).orElseThrow().config())
                .isNotEqualTo(r.propose(6).orElseThrow().config());
    }

    /** Adds n random trials reporting at {@code level} their distance to {@code optimum}. */
    static void feed(Searcher s, long firstId, int n, long level, double[] optimum) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(firstId);
        for (long id = firstId; id < firstId + n; id++) {
            Map<String, Object> config = Map.of("a", r.nextDouble(), "b", r.nextDouble());
            s.onTrialAdded(id, config, Map.of());
            s.onReport(id, Map.of("y", KernelDensitySearcherTest.distance(config, optimum), "epoch", (double) level));
        }
    }

    static double meanDistance(Searcher s, double[] point) {
        double total = 0;
        for (long id = 1000; id < 1030; id++) {
            total += KernelDensitySearcherTest.distance(
                    s.propose(id).orElseThrow().config(), point);
        }
        return total / 30;
    }

    @Test
    void multiFidelityBoreFitsAtTheHighestLevelWithOneOverGammaResults() {
        for (long seed = 1; seed <= 3; seed++) {
            BoreSearcher s = new BoreSearcher(context(seed, Map.of(), BoreSearcher.OPTIONS, EPOCHS));
            feed(s, 0, 30, 1, KernelDensitySearcherTest.A);
            feed(s, 100, 3, 3, KernelDensitySearcherTest.B);
            assertThat(s.trainingRows())
                    .as("three results at level 3 are fewer than 1/0.25")
                    .hasSize(30);
            assertThat(meanDistance(s, KernelDensitySearcherTest.A))
                    .as("seed %d", seed)
                    .isLessThan(0.5 * meanDistance(s, KernelDensitySearcherTest.B));
            feed(s, 200, 12, 3, KernelDensitySearcherTest.B);
            assertThat(s.trainingRows()).hasSize(15);
            assertThat(s.observations()).isEqualTo(45);
            assertThat(meanDistance(s, KernelDensitySearcherTest.B))
                    .as("seed %d", seed)
                    .isLessThan(0.5 * meanDistance(s, KernelDensitySearcherTest.A));
        }
    }

    @Test
    void multiFidelityCqrLearnsEachTrialsLastReportedValue() {
        ConformalQuantileSearcher s = new ConformalQuantileSearcher(
                context(1, Map.of("updateFrequency", 3), ConformalQuantileSearcher.OPTIONS, EPOCHS));
        feed(s, 0, 4, 1, KernelDensitySearcherTest.A);
        assertThat(s.snapshotSize())
                .as("four trials are fewer than numInitRandomDraws")
                .isZero();
        feed(s, 10, 1, 1, KernelDensitySearcherTest.A);
        assertThat(s.snapshotSize()).isEqualTo(5);
        feed(s, 20, 2, 1, KernelDensitySearcherTest.A);
        s.onReport(0, Map.of("y", 0.0, "epoch", 3.0)); // a later report of a known trial is no new trial
        assertThat(s.snapshotSize()).as("refit only after 3 more trials").isEqualTo(5);
        feed(s, 30, 1, 1, KernelDensitySearcherTest.A);
        assertThat(s.snapshotSize()).isEqualTo(8);
    }

    @Test
    void badOptionsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> new ConformalQuantileSearcher(
                        context(1, Map.of("quantiles", 4), ConformalQuantileSearcher.OPTIONS, null)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("options.quantiles");
        assertThatThrownBy(() -> Options.parse(new HashMap<>(Map.of("classifier", "mlp")), BoreSearcher.OPTIONS))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("options.classifier");
        assertThatThrownBy(() -> Options.parse(Map.of("gamma", 1.0), BoreSearcher.OPTIONS))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("options.gamma");
    }
}
