package dev.attune.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.searcher.RandomSearcher;
import dev.attune.space.InvalidInputException;
import dev.attune.trial.Decision;
import dev.attune.trial.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The rung systems {@code cost_promotion}, {@code rush_stopping} and {@code rush_promotion} on hand-made
 * sequences, each expected decision worked out from Syne Tune v0.13's source (hyperband_cost_promotion.py,
 * hyperband_rush.py), whose rule is quoted at each test.
 */
class RungSystemVariantsTest {

    /** Promotes whatever can be promoted, one at a time, as resumes would; returns the trials in order. */
    private static List<Long> promoteAll(PromotionRungSystem rs) {
        List<Long> promoted = new ArrayList<>();
        for (PromotionRungSystem.Promotion p = rs.findPromotion(); p != null; p = rs.findPromotion()) {
            promoted.add(p.trialId());
            rs.onResumed(p.trialId());
        }
        return promoted;
    }

    /**
     * Syne Tune's CostPromotionRungSystem._find_promotable_trial: with at least two entries, threshold =
     * sum(cost of all entries) · q; scan the entries best first adding up their costs; once the sum exceeds
     * the threshold nothing is promoted; the first entry not promoted before that is promoted (no quantile
     * check). Here q = 1/3 (rungs 1, 3; max 9).
     */
    @Test
    void costPromotionPromotesTheBestWhileTheirCostsStayWithinTheQuantileOfTheRungsCost() {
        // Costs 1,1,1,1,1,7 (total 12, threshold 4): the four best are promotable, one by one.
        CostPromotionRungSystem rs = new CostPromotionRungSystem(List.of(1L, 3L), 9, true);
        double[] costs = {1, 1, 1, 1, 1, 7};
        for (int i = 0; i < costs.length; i++) {
            rs.onTrialAdded(i, 0);
            rs.observeCost(i, costs[i]);
            assertThat(rs.onReport(i, 1, 0.1 * (i + 1), 0).continues()).isFalse(); // pauses at rung 1
        }
        assertThat(promoteAll(rs)).containsExactly(0L, 1L, 2L, 3L);

        // The same values under plain promotion: the 1/3 quantile of 6 values lets only the best two go.
        PromotionRungSystem plain = new PromotionRungSystem(List.of(1L, 3L), 9, true);
        for (int i = 0; i < costs.length; i++) {
            plain.onTrialAdded(i, 0);
            plain.onReport(i, 1, 0.1 * (i + 1), 0);
        }
        assertThat(promoteAll(plain)).containsExactly(0L, 1L);
    }

    @Test
    void costPromotionPromotesNothingWhenTheBestAloneCostsMoreThanTheQuantile() {
        // Costs 10,1,1,1 (threshold 13/3): the best one's cost already exceeds it.
        CostPromotionRungSystem rs = new CostPromotionRungSystem(List.of(1L, 3L), 9, true);
        double[] costs = {10, 1, 1, 1};
        for (int i = 0; i < costs.length; i++) {
            rs.onTrialAdded(i, 0);
            rs.observeCost(i, costs[i]);
            rs.onReport(i, 1, 0.1 * (i + 1), 0);
        }
        assertThat(rs.findPromotion()).isNull();
        // One entry alone is never promoted (len(rung) > 1 is required).
        CostPromotionRungSystem single = new CostPromotionRungSystem(List.of(1L, 3L), 9, true);
        single.onTrialAdded(0, 0);
        single.observeCost(0, 1.0);
        single.onReport(0, 1, 0.5, 0);
        assertThat(single.findPromotion()).isNull();
    }

    @Test
    void costPromotionRanksByModeAndSkipsPromotedEntriesInTheSum() {
        // max mode: best = largest value. Values 0.9 (cost 1), 0.8 (1), 0.1 (2): total 4, threshold 4/3.
        CostPromotionRungSystem rs = new CostPromotionRungSystem(List.of(1L, 3L), 9, false);
        double[][] trials = {{0.1, 2}, {0.9, 1}, {0.8, 1}};
        for (int i = 0; i < trials.length; i++) {
            rs.onTrialAdded(i, 0);
            rs.observeCost(i, trials[i][1]);
            rs.onReport(i, 1, trials[i][0], 0);
        }
        // Trial 1 (0.9) first; then trial 2 would bring the sum to 2 > 4/3: nothing more.
        assertThat(promoteAll(rs)).containsExactly(1L);
    }

    /**
     * Syne Tune's HyperbandScheduler.on_trial_result with a cost_attr and pause-and-resume: total cost =
     * reported cost + offset; on reaching a milestone the offset becomes that total; a resumed trial that
     * reports at or below the level it resumed from (it restarted without a checkpoint) resets it to 0.
     */
    @Test
    void costPromotionAddsTheCostSpentBeforeAPauseToTheCostReportedAfterTheResume() {
        MethodContext c = MultiFidelityTest.context(
                Mode.MIN,
                Map.of("type", "cost_promotion", "costAttr", "cost", "rungLevels", List.of(1, 3)),
                HyperbandScheduler.options("stopping", 1));
        HyperbandScheduler s = new HyperbandScheduler(c, new RandomSearcher(c.searcherContext()));
        CostPromotionRungSystem rs = (CostPromotionRungSystem) s.systemForTest();
        for (long id = 0; id < 3; id++) {
            MultiFidelityTest.start(s, id);
            double cost = new double[] {2.0, 0.5, 6.0}[(int) id]; // total 8.5: the best two fit in 8.5/3
            assertThat(s.onReport(id, Map.of("epoch", 1.0, "loss", 0.1 * (id + 1), "cost", cost))
                            .decision())
                    .isEqualTo(Decision.PAUSE);
        }
        Suggestion.Resume r = (Suggestion.Resume) s.suggest(3);
        assertThat(r.trialId()).isZero();
        s.onTrialResumed(0, r.config());
        s.onReport(0, Map.of("epoch", 2.0, "loss", 0.05, "cost", 1.0));
        s.onReport(0, Map.of("epoch", 3.0, "loss", 0.04, "cost", 2.5));
        assertThat(rs.costAt(1, 0)).isEqualTo(2.0);
        assertThat(rs.costAt(3, 0))
                .as("2 before the pause + 2.5 since the resume")
                .isEqualTo(4.5);

        // Trial 1 restarts from scratch after its resume: the offset is dropped, as Syne Tune drops it.
        Suggestion.Resume r1 = (Suggestion.Resume) s.suggest(3);
        assertThat(r1.trialId()).isEqualTo(1);
        s.onTrialResumed(1, r1.config());
        s.onReport(1, Map.of("epoch", 1.0, "loss", 0.2, "cost", 1.0));
        s.onReport(1, Map.of("epoch", 3.0, "loss", 0.1, "cost", 3.0));
        assertThat(rs.costAt(3, 1)).isEqualTo(3.0);
    }

    @Test
    void costPromotionWithoutCostAttrIsRefusedNamingIt() {
        MethodContext c = MultiFidelityTest.context(
                Mode.MIN, Map.of("type", "cost_promotion"), HyperbandScheduler.options("stopping", 1));
        assertThatThrownBy(() -> new HyperbandScheduler(c, new RandomSearcher(c.searcherContext())))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("options.costAttr");
    }

    /**
     * Syne Tune's RUSHStoppingRungSystem._task_continues with RUSHDecider.task_continues: first the ASHA
     * rule (value at least as good as the rung's quantile; no quantile below two values); if it stops the
     * trial, the trial stops and sets no threshold. A RUSH point (trial id below num_threshold_candidates)
     * then continues and sets threshold[level] = better(threshold, value); any other trial continues iff
     * better(threshold, value) == value. Here one rung at 1 with max 2, so q = 1/2 (the median).
     */
    @Test
    void rushStoppingStopsTrialsWorseThanTheBestRushPointThatPassedTheRung() {
        RushPoints points = new RushPoints(2, true);
        RushStoppingRungSystem rs = new RushStoppingRungSystem(List.of(1L), 2, true, points);
        for (long id = 0; id <= 10; id++) {
            points.onTrialAdded(id); // trials 0 and 1 are the RUSH points
        }
        // t0 (RUSH) 0.5: one value, no quantile → continues; threshold 0.5.
        assertThat(rs.onReport(0, 1, 0.5, 0).continues()).isTrue();
        assertThat(rs.threshold(1)).isEqualTo(0.5);
        // t2..t4 0.1: below the median and the threshold → continue.
        for (long id = 2; id <= 4; id++) {
            assertThat(rs.onReport(id, 1, 0.1, 0).continues()).isTrue();
        }
        // t1 (RUSH) 0.4: median of [.1,.1,.1,.4,.5] is 0.1 → the ASHA rule stops it; the threshold stays 0.5.
        assertThat(rs.onReport(1, 1, 0.4, 0).continues()).isFalse();
        assertThat(rs.threshold(1)).isEqualTo(0.5);
        // t5..t8 0.9: above the median → stop.
        for (long id = 5; id <= 8; id++) {
            assertThat(rs.onReport(id, 1, 0.9, 0).continues()).isFalse();
        }
        // t9 0.45: median of 10 values = (0.45 + 0.5) / 2 → passes ASHA; 0.45 ≤ threshold 0.5 → continues
        // (had the stopped RUSH point set the threshold to 0.4, it would stop).
        assertThat(rs.onReport(9, 1, 0.45, 0).continues()).isTrue();
        // t10 0.5000001: median (0.5 + 0.5000001) / 2 → passes ASHA; worse than the threshold → stops.
        assertThat(rs.onReport(10, 1, 0.5000001, 0).continues()).isFalse();
    }

    @Test
    void rushStoppingWithoutRushPointsIsAsha() {
        RushStoppingRungSystem rush = new RushStoppingRungSystem(List.of(1L, 3L), 9, true, new RushPoints(0, true));
        StoppingRungSystem asha = new StoppingRungSystem(List.of(1L, 3L), 9, true);
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        for (long id = 0; id < 200; id++) {
            double v = random.nextDouble();
            long level = random.nextBoolean() ? 1 : 3;
            assertThat(rush.onReport(id, level, v, 0).continues())
                    .isEqualTo(asha.onReport(id, level, v, 0).continues());
        }
    }

    @Test
    void rushStoppingInMaxModeKeepsTheLargestRushValue() {
        RushPoints points = new RushPoints(1, false);
        RushStoppingRungSystem rs = new RushStoppingRungSystem(List.of(1L), 2, false, points);
        for (long id = 0; id < 4; id++) {
            points.onTrialAdded(id);
        }
        assertThat(rs.onReport(0, 1, 0.6, 0).continues()).isTrue(); // threshold 0.6
        assertThat(rs.onReport(1, 1, 0.7, 0).continues()).isTrue(); // ≥ median, ≥ 0.6
        // 0.65: median of [.6,.65,.7] is 0.65 → passes ASHA; ≥ 0.6 → continues
        assertThat(rs.onReport(2, 1, 0.65, 0).continues()).isTrue();
        // 0.59: below the median → stops
        assertThat(rs.onReport(3, 1, 0.59, 0).continues()).isFalse();
    }

    /**
     * Syne Tune's RUSHPromotionRungSystem: _find_promotable_trial scans the rung best first for the first
     * entry with _is_promotable_trial (not promoted, and then RUSHDecider.task_continues: a RUSH point is
     * promotable and raises the threshold, another entry must meet it), then promotes it only if its
     * value is at least as good as the quantile. So a RUSH point further down can be promoted ahead of
     * better entries that miss the threshold. One rung at 1 with max 2: q = 1/2.
     */
    @Test
    void rushPromotionHoldsBackEntriesWorseThanTheBestRushPointAndMayPromoteARushPointInstead() {
        RushPoints points = new RushPoints(2, true);
        RushPromotionRungSystem rs = new RushPromotionRungSystem(List.of(1L), 2, true, points);
        double[] values = {0.2, 0.32, 0.3, 0.35, 0.9, 0.9}; // trials 0, 1 are RUSH points
        for (int id = 0; id < values.length; id++) {
            points.onTrialAdded(id);
            rs.onTrialAdded(id, 0);
            rs.onReport(id, 1, values[id], 0);
        }
        // Median (0.32 + 0.35) / 2 = 0.335. t0 (RUSH, 0.2) first; then t2 (0.3) misses the threshold 0.2,
        // and t1 (RUSH, 0.32 ≤ 0.335) is promoted instead; then t2 and t3 miss the threshold: nothing.
        assertThat(promoteAll(rs)).containsExactly(0L, 1L);

        PromotionRungSystem plain = new PromotionRungSystem(List.of(1L), 2, true);
        for (int id = 0; id < values.length; id++) {
            plain.onTrialAdded(id, 0);
            plain.onReport(id, 1, values[id], 0);
        }
        assertThat(promoteAll(plain))
                .as("plain ASHA: the three at or below the median")
                .containsExactly(0L, 2L, 1L);
    }

    @Test
    void rushPromotionPromotesARushPointOnlyWithinTheQuantile() {
        RushPoints points = new RushPoints(1, true);
        RushPromotionRungSystem rs = new RushPromotionRungSystem(List.of(1L), 2, true, points);
        double[] values = {0.5, 0.1, 0.2, 0.3}; // trial 0 is the RUSH point
        for (int id = 0; id < values.length; id++) {
            points.onTrialAdded(id);
            rs.onTrialAdded(id, 0);
            rs.onReport(id, 1, values[id], 0);
        }
        // Median 0.25: t1 (0.1) and t2 (0.2) meet the threshold 0.5 and the median; t3 (0.3) and t0 do not.
        assertThat(promoteAll(rs)).containsExactly(1L, 2L);
    }

    @Test
    void newTypesAreListedAndTheStoppingOnesDoNotPause() {
        assertThat(HyperbandScheduler.TYPES).contains("cost_promotion", "rush_stopping", "rush_promotion", "dyhpo");
        assertThat(RungSystemType.of("rush_stopping").pauses()).isFalse();
        assertThat(RungSystemType.of("rush_promotion").pauses()).isTrue();
        assertThat(RungSystemType.of("cost_promotion").pauses()).isTrue();
        assertThat(RungSystemType.of("dyhpo").pauses()).isTrue();
    }

    @Test
    void rushTypesUnderAshaTakeTheFirstTrialsAsRushPoints() {
        MethodContext c = MultiFidelityTest.context(
                Mode.MIN,
                Map.of("type", "rush_stopping", "numThresholdCandidates", 1, "rungLevels", List.of(1, 3)),
                HyperbandScheduler.options("stopping", 1));
        HyperbandScheduler s = new HyperbandScheduler(c, new RandomSearcher(c.searcherContext()));
        for (long id = 0; id < 7; id++) {
            MultiFidelityTest.start(s, id);
        }
        assertThat(MultiFidelityTest.report(s, 0, 1, 0.2).decision()).isEqualTo(Decision.CONTINUE); // RUSH point
        for (long id = 1; id <= 4; id++) {
            assertThat(MultiFidelityTest.report(s, id, 1, 0.9).decision()).isEqualTo(Decision.STOP);
        }
        // [.2,.25,.9,.9,.9,.9]: the 1/3 quantile is 0.25 + 2/3·0.65 → 0.25 passes ASHA, but misses 0.2.
        assertThat(MultiFidelityTest.report(s, 5, 1, 0.25).decision()).isEqualTo(Decision.STOP);
        assertThat(MultiFidelityTest.report(s, 6, 1, 0.15).decision()).isEqualTo(Decision.CONTINUE);
    }
}
