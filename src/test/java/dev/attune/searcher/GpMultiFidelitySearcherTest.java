package dev.attune.searcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.math.LinearQuantile;
import dev.attune.space.FloatDomain;
import dev.attune.space.SearchSpace;
import dev.attune.trial.Metric;
import dev.attune.trial.Mode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GpMultiFidelitySearcherTest {
    static final SearchSpace LINE = new SearchSpace(new LinkedHashMap<>(Map.of("x", new FloatDomain(0, 1, false))));

    static GpMultiFidelitySearcher searcher(boolean hyperTune) {
        return new GpMultiFidelitySearcher(
                new SearcherContext(
                        LINE,
                        List.of(new Metric("loss", Mode.MIN)),
                        5,
                        List.of(),
                        false,
                        Options.parse(Map.of(), GpMultiFidelitySearcher.HYPERTUNE_OPTIONS),
                        new SearcherContext.Fidelity("epoch", List.of(1L, 3L, 9L, 27L))),
                hyperTune);
    }

    static void report(GpMultiFidelitySearcher s, long id, long epoch, double x) {
        s.onReport(id, Map.of("epoch", (double) epoch, "loss", (x - 0.3) * (x - 0.3) + 1.0 / epoch));
    }

    @Test
    void acquiresAtTheHighestLevelWithAsManyResultsAsInputs() {
        GpMultiFidelitySearcher s = searcher(false);
        assertThat(s.acquisitionLevel()).as("no data: the lowest level").isEqualTo(1);
        s.onTrialAdded(0, Map.of("x", 0.5), Map.of());
        report(s, 0, 1, 0.5);
        report(s, 0, 2, 0.5); // not a rung level: not modelled
        report(s, 0, 3, 0.5);
        assertThat(s.acquisitionLevel()).isEqualTo(3);
        report(s, 0, 9, 0.5);
        assertThat(s.acquisitionLevel()).isEqualTo(9);
    }

    @Test
    void stoppedAndPausedTrialsAreNoLongerPendingAndResumedOnesAreAgain() {
        GpMultiFidelitySearcher s = searcher(false);
        for (long id = 0; id < 3; id++) {
            s.onTrialAdded(id, Map.of("x", 0.2 * id), Map.of());
            report(s, id, 1, 0.2 * id);
        }
        assertThat(s.pendingTrials()).isEqualTo(3);
        s.onRemove(0); // stopped at a rung
        s.onRemove(1); // paused
        assertThat(s.pendingTrials()).isEqualTo(1);
        s.onResumed(1);
        assertThat(s.pendingTrials()).isEqualTo(2);
        s.onComplete(2, Map.of());
        assertThat(s.pendingTrials()).isEqualTo(1);
    }

    @Test
    void hyperTuneRecordsItsLevelWeightsInTheMemoAndStaysInTheSpace() {
        GpMultiFidelitySearcher s = searcher(true);
        long id = 0;
        for (; id < 12; id++) {
            Proposal p = s.propose(id).orElseThrow();
            s.onTrialAdded(id, p.config(), p.memo());
            double x = ((Number) p.config().get("x")).doubleValue();
            for (long level : List.of(1L, 3L, 9L)) {
                if (level == 1 || id % (level == 3 ? 2 : 3) == 0) {
                    report(s, id, level, x);
                }
            }
            s.onRemove(id);
        }
        s.pendingWork().ifPresent(Runnable::run);
        Proposal p = s.propose(id).orElseThrow();
        assertThat(((Number) p.config().get("x")).doubleValue()).isBetween(0.0, 1.0);
        List<?> theta = (List<?>) p.memo().get("theta");
        assertThat(theta).hasSize(4);
        double sum = theta.stream().mapToDouble(v -> ((Number) v).doubleValue()).sum();
        assertThat(sum).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(((Number) theta.get(3)).doubleValue())
                .as("no weight above r*")
                .isZero();
    }

    @Test
    void aCappedModelKeepsTheTrialsThatRanFurthestAndUnderDyhpoThinsThemFirst() {
        for (boolean dyhpo : List.of(false, true)) {
            GpMultiFidelitySearcher s = new GpMultiFidelitySearcher(new SearcherContext(
                    LINE,
                    List.of(new Metric("loss", Mode.MIN)),
                    5,
                    List.of(),
                    false,
                    Options.parse(Map.of("maxSizeDataForModel", 6), GpMultiFidelitySearcher.MOBSTER_OPTIONS),
                    new SearcherContext.Fidelity("epoch", List.of(1L, 3L, 5L, 7L, 9L), dyhpo)));
            // trial 0 runs to 9, trial 1 to 5; trials 2–5 stop at 1. The single-fidelity rule would keep the
            // best two values (1@5, 0@9) and a uniform sample of four of the other ten.
            s.onTrialAdded(0, Map.of("x", 0.9), Map.of());
            for (long e : List.of(1L, 3L, 5L, 7L, 9L)) {
                report(s, 0, e, 0.9);
            }
            s.onTrialAdded(1, Map.of("x", 0.8), Map.of());
            for (long e : List.of(1L, 3L, 5L)) {
                report(s, 1, e, 0.8);
            }
            for (long id = 2; id < 6; id++) {
                s.onTrialAdded(id, Map.of("x", 0.3), Map.of());
                report(s, id, 1, 0.3);
            }
            List<String> kept = s.keptObservations();
            assertThat(kept).as("dyhpo %s", dyhpo).hasSize(6);
            if (dyhpo) {
                // thinned to one per bucket (≤1, 2–3, 4–9): trial 0 keeps 1, 3, 9 and trial 1 keeps 1, 3, 5
                assertThat(kept).containsExactlyInAnyOrder("0@1", "0@3", "0@9", "1@1", "1@3", "1@5");
            } else {
                // trial 0 whole (5 rows), then one of trial 1's: its highest, 5
                assertThat(kept).containsExactlyInAnyOrder("0@1", "0@3", "0@5", "0@7", "0@9", "1@5");
            }
        }
    }

    @Test
    void denseSearcherDataAllIsUncappedByDefaultAsSyneTuneAndThinnedPerBucketWhenCapped() {
        for (boolean capped : List.of(false, true)) {
            Map<String, Object> given = new java.util.HashMap<>(Map.of("searcherData", "all", "maxSizeDataForFit", 20));
            if (capped) {
                given.put("maxSizeDataForModel", 500);
            }
            GpMultiFidelitySearcher s = new GpMultiFidelitySearcher(new SearcherContext(
                    LINE,
                    List.of(new Metric("loss", Mode.MIN)),
                    5,
                    List.of(),
                    false,
                    Options.parse(given, GpMultiFidelitySearcher.MOBSTER_OPTIONS),
                    new SearcherContext.Fidelity("epoch", List.of(1L, 3L, 9L, 27L))));
            for (long id = 0; id < 20; id++) { // 20 trials × 27 epochs = 540 observations
                s.onTrialAdded(id, Map.of("x", id / 20.0), Map.of());
                for (long e = 1; e <= 27; e++) {
                    report(s, id, e, id / 20.0);
                }
            }
            List<String> kept = s.keptObservations();
            if (!capped) {
                assertThat(kept).hasSize(540);
            } else {
                // thinned from the highest levels down until 500 remain: every trial keeps its level 1
                // (whole-trials capping alone would drop every level-1 and level-2 observation first)
                assertThat(kept).hasSize(500);
                for (long id = 0; id < 20; id++) {
                    assertThat(kept).contains(id + "@1", id + "@2", id + "@27");
                }
            }
        }
    }

    /**
     * A small successive-halving run (η = 3, rungs 1, 3, 9, 27; the stopping rule's cutoffs) on loss = (x − 0.3)² + 5·exp(−speed·epoch):
     * a slow config is worse at every epoch, as in bench quality's branin-mf. Returns how many proposals after
     * the initial random ones stopped at the first rung.
     */
    static int stoppedAtTheFirstRung(String rungSurvival, int trials) {
        return stoppedAtTheFirstRung(rungSurvival, trials, List.of(1L, 3L, 9L, 27L));
    }

    /** The same on other rung levels (reduction factor r_{k+1} / r_k). */
    static int stoppedAtTheFirstRung(String rungSurvival, int trials, List<Long> levels) {
        SearchSpace space = new SearchSpace(new LinkedHashMap<>(Map.of(
                "x", new FloatDomain(0, 1, false),
                "speed", new FloatDomain(0.05, 1, true))));
        GpMultiFidelitySearcher s = new GpMultiFidelitySearcher(new SearcherContext(
                space,
                List.of(new Metric("loss", Mode.MIN)),
                3,
                List.of(),
                false,
                Options.parse(Map.of("rungSurvival", rungSurvival), GpMultiFidelitySearcher.MOBSTER_OPTIONS),
                new SearcherContext.Fidelity("epoch", levels)));
        Map<Long, List<Double>> rungs = new java.util.HashMap<>();
        int stopped = 0;
        for (long id = 0; id < trials; id++) {
            s.pendingWork().ifPresent(Runnable::run);
            Proposal p = s.propose(id).orElseThrow();
            s.onTrialAdded(id, p.config(), p.memo());
            double x = ((Number) p.config().get("x")).doubleValue();
            double speed = ((Number) p.config().get("speed")).doubleValue();
            long top = levels.getLast();
            for (int k = 0; k < levels.size(); k++) {
                long level = levels.get(k);
                double loss = (x - 0.3) * (x - 0.3) + 5 * Math.exp(-speed * level);
                s.onReport(id, Map.of("epoch", (double) level, "loss", loss));
                List<Double> seen = rungs.computeIfAbsent(level, l -> new ArrayList<>());
                seen.add(loss);
                double[] sorted =
                        seen.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                // the stopping rule's cutoff: numpy's linear quantile at level / next level
                boolean goesOn = sorted.length < 2
                        || loss
                                <= LinearQuantile.ofSorted(
                                        sorted, (double) level / levels.get(Math.min(k + 1, levels.size() - 1)));
                if (!goesOn || level == top) {
                    if (!goesOn && k == 0 && id >= 6) {
                        stopped++;
                    }
                    break;
                }
            }
            s.onRemove(id);
        }
        return stopped;
    }

    @Test
    void rungSurvivalProposesFewerConfigsThatTheFirstRungStops() {
        int off = stoppedAtTheFirstRung("off", 40);
        int probability = stoppedAtTheFirstRung("probability", 40);
        int perEpoch = stoppedAtTheFirstRung("per-epoch", 40);
        System.out.println(
                "stopped at rung 1: off " + off + ", probability " + probability + ", per-epoch " + perEpoch);
        assertThat(probability).isLessThan(off);
        assertThat(perEpoch).isLessThan(off);
    }

    /** The same with reduction factors 2 (rungs 1, 2, …, 16) and 4 (1, 4, 16): the cutoffs follow the levels. */
    @Test
    void rungSurvivalProposesFewerFirstRungStopsAtOtherReductionFactors() {
        for (List<Long> levels : List.of(List.of(1L, 2L, 4L, 8L, 16L), List.of(1L, 4L, 16L))) {
            int off = stoppedAtTheFirstRung("off", 40, levels);
            int probability = stoppedAtTheFirstRung("probability", 40, levels);
            int perEpoch = stoppedAtTheFirstRung("per-epoch", 40, levels);
            System.out.println("levels " + levels + ", stopped at rung 1: off " + off + ", probability " + probability
                    + ", per-epoch " + perEpoch);
            assertThat(probability).as("%s", levels).isLessThan(off);
            assertThat(perEpoch).as("%s", levels).isLessThan(off);
        }
    }
}
