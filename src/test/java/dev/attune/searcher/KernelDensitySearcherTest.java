package dev.attune.searcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.attune.trial.Metric;
import dev.attune.trial.Mode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Where BOHB's densities are fitted under a multi-fidelity scheduler, and how wide they are. */
class KernelDensitySearcherTest {
    static final SearcherContext.Fidelity EPOCHS = new SearcherContext.Fidelity("epoch", List.of(1L, 3L, 9L));
    static final double[] A = {0.2, 0.7};
    static final double[] B = {0.8, 0.2};

    static KernelDensitySearcher searcher(long seed, Map<String, Object> options, SearcherContext.Fidelity fidelity) {
        Map<String, Object> all = new HashMap<>(options);
        all.putIfAbsent("randomFraction", 0.0);
        return new KernelDensitySearcher(new SearcherContext(
                ModelBasedSearcherTest.PLANE,
                List.of(new Metric("y", Mode.MIN)),
                seed,
                List.of(),
                false,
                Options.parse(all, KernelDensitySearcher.OPTIONS),
                fidelity));
    }

    static double distance(Map<String, Object> config, double[] point) {
        double a = ((Number) config.get("a")).doubleValue() - point[0];
        double b = ((Number) config.get("b")).doubleValue() - point[1];
        return Math.sqrt(a * a + b * b);
    }

    /** Adds {@code n} random trials that report, at {@code level}, their distance to {@code optimum}. */
    static void feed(KernelDensitySearcher s, long firstId, int n, long level, double[] optimum) {
        SplittableRandom r = new SplittableRandom(firstId);
        for (long id = firstId; id < firstId + n; id++) {
            Map<String, Object> config = Map.of("a", r.nextDouble(), "b", r.nextDouble());
            s.onTrialAdded(id, config, Map.of());
            s.onReport(id, Map.of("y", distance(config, optimum), "epoch", (double) level));
        }
    }

    /** Mean distance of 30 proposals to {@code point}; proposals are not added as trials. */
    static double meanDistanceOfProposals(KernelDensitySearcher s, double[] point) {
        double total = 0;
        for (long id = 1000; id < 1030; id++) {
            total += distance(s.propose(id).orElseThrow().config(), point);
        }
        return total / 30;
    }

    @Test
    void theDensitiesLiveAtTheHighestLevelWhoseResultsCanBeSplit() {
        for (long seed = 1; seed <= 3; seed++) {
            KernelDensitySearcher s = searcher(seed, Map.of(), EPOCHS);
            feed(s, 0, 30, 1, A);
            // 19 results at level 3: the good set, 15 % of them, would not exceed d = 2 points
            feed(s, 100, 19, 3, B);
            assertThat(meanDistanceOfProposals(s, A))
                    .as("seed %d: level 3 cannot be split yet, so level 1's optimum A attracts", seed)
                    .isLessThan(0.5 * meanDistanceOfProposals(s, B));

            feed(s, 200, 1, 3, B);
            assertThat(meanDistanceOfProposals(s, B))
                    .as("seed %d: twenty results at level 3 can be split, so its optimum B attracts", seed)
                    .isLessThan(0.5 * meanDistanceOfProposals(s, A));
        }
    }

    /**
     * Syne Tune's {@code _check_data_shape_and_good_size}: the good set is max(numMinDataPoints, ⌊15 % of
     * n⌋), and both sets must exceed d points. With d = 2 the model starts at 20 results (3 good);
     * {@code numMinDataPoints: 3} (HpBandSter's d + 1) starts it at 6.
     */
    @Test
    void theGoodSetIsSyneTunesAndNumMinDataPointsOfDPlusOneStartsTheModelSooner() {
        KernelDensitySearcher syneTune = searcher(1, Map.of(), null);
        assertThat(syneTune.goodCount(19)).isEqualTo(-1);
        assertThat(syneTune.goodCount(20)).isEqualTo(3);
        assertThat(syneTune.goodCount(100)).isEqualTo(15);

        KernelDensitySearcher hpBandSter = searcher(1, Map.of("numMinDataPoints", 3), null);
        assertThat(hpBandSter.goodCount(5)).isEqualTo(-1);
        assertThat(hpBandSter.goodCount(6)).isEqualTo(3);
        assertThat(hpBandSter.goodCount(100)).isEqualTo(15);
    }

    @Test
    void withTooFewResultsAtEveryLevelConfigsAreRandom() {
        KernelDensitySearcher s = searcher(1, Map.of(), EPOCHS);
        feed(s, 0, 5, 1, A);
        feed(s, 100, 5, 3, A);
        List<Map<String, Object>> random = new ArrayList<>();
        RandomSearcher r = new RandomSearcher(new SearcherContext(
                ModelBasedSearcherTest.PLANE,
                List.of(new Metric("y", Mode.MIN)),
                1,
                List.of(),
                false,
                Options.parse(Map.of(), List.of())));
        for (long id = 1000; id < 1010; id++) {
            assertThat(s.propose(id).orElseThrow().config())
                    .isEqualTo(r.propose(id).orElseThrow().config());
            random.add(r.propose(id).orElseThrow().config());
        }
        assertThat(random).doesNotHaveDuplicates();
    }

    @Test
    void theMinimumBandwidthDefaultsToSyneTunesPerSetting() {
        for (SearcherContext.Fidelity fidelity : java.util.Arrays.asList(EPOCHS, null)) {
            double expected = fidelity == null ? 1e-3 : 0.1;
            double other = fidelity == null ? 0.1 : 1e-3;
            List<Map<String, Object>> byDefault = proposals(searcher(7, Map.of(), fidelity), fidelity);
            assertThat(byDefault)
                    .as("fidelity %s", fidelity)
                    .isEqualTo(proposals(searcher(7, Map.of("minBandwidth", expected), fidelity), fidelity))
                    .isNotEqualTo(proposals(searcher(7, Map.of("minBandwidth", other), fidelity), fidelity));
        }
    }

    /** Ten proposals after 20 results that all sit on A or far from it (the good density collapses). */
    static List<Map<String, Object>> proposals(KernelDensitySearcher s, SearcherContext.Fidelity fidelity) {
        SplittableRandom r = new SplittableRandom(3);
        for (long id = 0; id < 20; id++) {
            Map<String, Object> config =
                    id < 5 ? Map.of("a", A[0], "b", A[1]) : Map.of("a", r.nextDouble(), "b", r.nextDouble());
            s.onTrialAdded(id, config, Map.of());
            Map<String, Double> metrics = Map.of("y", distance(config, A), "epoch", 1.0);
            if (fidelity == null) {
                s.onComplete(id, metrics);
            } else {
                s.onReport(id, metrics);
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (long id = 1000; id < 1010; id++) {
            out.add(s.propose(id).orElseThrow().config());
        }
        return out;
    }

    /**
     * The density is statsmodels' {@code KDEMultivariate(data, var_type="cc", bw="normal_reference")}, which
     * Syne Tune's KDE searcher fits: its pdf at (0.3, 0.4) for these four points is 1.10695855 (bandwidths
     * 0.1666132 and 0.23679718, from the standard deviation of divisor n; with n − 1 the pdf would be 1.11347).
     */
    @Test
    void theDensityIsStatsmodelsNormalReferenceKde() {
        List<double[]> data = List.of(
                new double[] {0.1, 0.3}, new double[] {0.2, 0.9}, new double[] {0.6, 0.5}, new double[] {0.45, 0.15});
        KernelDensitySearcher.ParzenDensity density = new KernelDensitySearcher.ParzenDensity(
                data,
                new KdeEncoding(ModelBasedSearcherTest.PLANE),
                KernelDensitySearcher.SINGLE_FIDELITY_MIN_BANDWIDTH);

        assertThat(density.density(new double[] {0.3, 0.4})).isCloseTo(1.10695855, within(1e-7));
    }
}
