package dev.attune.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.searcher.Options;
import dev.attune.searcher.RandomSearcher;
import dev.attune.space.InvalidInputException;
import dev.attune.space.SearchSpace;
import dev.attune.space.SpaceParser;
import dev.attune.trial.Decision;
import dev.attune.trial.Metric;
import dev.attune.trial.Mode;
import dev.attune.trial.Resource;
import dev.attune.trial.Verdict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The options and edge cases of the multi-fidelity schedulers, driven directly. */
class MultiFidelityTest {
    static final SearchSpace SPACE = SpaceParser.parse(
            new LinkedHashMap<>(Map.of("x", Map.of("type", "uniform", "lower", 0, "upper", 1), "epochs", 27)), "space");

    static MethodContext context(Mode mode, Map<String, Object> options, List<dev.attune.searcher.OptionSpec> specs) {
        return new MethodContext(
                SPACE,
                List.of(new Metric("loss", mode)),
                new Resource("epoch", 27L, "epochs"),
                7,
                List.of(),
                false,
                Options.parse(options, specs));
    }

    static HyperbandScheduler asha(Mode mode, Map<String, Object> options) {
        MethodContext c = context(mode, options, HyperbandScheduler.options("stopping", 1));
        return new HyperbandScheduler(c, new RandomSearcher(c.searcherContext()));
    }

    /** Starts trial {@code id} as the service would. */
    static Suggestion start(Scheduler s, long id) {
        Suggestion sug = s.suggest(id);
        Suggestion.Start start = (Suggestion.Start) sug;
        s.onTrialAdded(id, start.config(), start.memo());
        return sug;
    }

    static Verdict report(Scheduler s, long id, long epoch, double loss) {
        return s.onReport(id, Map.of("epoch", (double) epoch, "loss", loss));
    }

    @Test
    void hyperTuneReweightsBracketsUpToTheTopLevelByThetaOverLevel() {
        double[] p0 = {0.6, 0.25, 0.1, 0.05};
        List<Long> levels = List.of(1L, 3L, 9L, 27L);
        double[] w = BracketDistribution.hyperTuneWeights(p0, List.of(0.5, 0.5, 0.0, 0.0), 1, levels);
        // r0 = 3; mass 0.85 split as θ/r = 0.5 : 0.1667, i.e. 3 : 1
        assertThat(w)
                .containsExactly(
                        new double[] {0.6375, 0.2125, 0.1, 0.05}, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(BracketDistribution.hyperTuneWeights(p0, List.of(0.0, 0.0, 0.0, 0.0), 2, levels))
                .as("no mass on the supported levels: ASHA's distribution")
                .containsExactly(p0);
    }

    @Test
    void rungLevelsFollowGracePeriodReductionFactorIncrementOrAList() {
        assertThat(RungLevels.of(null, 1, 3.0, null, 27)).containsExactly(1L, 3L, 9L);
        assertThat(RungLevels.of(null, 1, 3.0, null, 81)).containsExactly(1L, 3L, 9L, 27L);
        assertThat(RungLevels.of(null, 2, 2.0, null, 20)).containsExactly(2L, 4L, 8L, 16L);
        assertThat(RungLevels.of(null, 1, null, 5L, 20)).containsExactly(1L, 6L, 11L, 16L);
        // The last level equal to the maximum is dropped: decisions there are "reached the end".
        assertThat(RungLevels.of(List.of(2L, 5L, 27L), 1, 3.0, null, 27)).containsExactly(2L, 5L);
        assertThatThrownBy(() -> RungLevels.of(List.of(5L, 2L), 1, 3.0, null, 27))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> RungLevels.of(null, 27, 3.0, null, 27)).hasMessageContaining("gracePeriod");
    }

    @Test
    void stopsTrialBelowRungQuantileAndKeepsTheFirstOfARung() {
        HyperbandScheduler s = asha(Mode.MIN, Map.of());
        for (long id = 0; id < 4; id++) {
            start(s, id);
        }
        // One value in a rung: no cutoff (fewer than 2 entries), the trial continues.
        assertThat(report(s, 0, 1, 0.5).decision()).isEqualTo(Decision.CONTINUE);
        // Two values: cutoff at the 1/3 quantile = 0.5 + (0.9-0.5)/3; 0.9 is above it.
        Verdict v = report(s, 1, 1, 0.9);
        assertThat(v.decision()).isEqualTo(Decision.STOP);
        assertThat(v.reason()).contains("rung 1").contains("cutoff");
        assertThat(report(s, 2, 1, 0.1).decision()).isEqualTo(Decision.CONTINUE);
        // Between levels: no decision to make.
        assertThat(report(s, 0, 2, 0.45).decision()).isEqualTo(Decision.CONTINUE);
    }

    @Test
    void maximizationFlipsTheCutoff() {
        HyperbandScheduler s = asha(Mode.MAX, Map.of());
        for (long id = 0; id < 3; id++) {
            start(s, id);
        }
        report(s, 0, 1, 0.5);
        assertThat(report(s, 1, 1, 0.9).decision()).isEqualTo(Decision.CONTINUE);
        assertThat(report(s, 2, 1, 0.1).decision()).isEqualTo(Decision.STOP);
    }

    @Test
    void theMaximumResourceEndsATrialWithStop() {
        HyperbandScheduler s = asha(Mode.MIN, Map.of("rungLevels", List.of(1, 27)));
        start(s, 0);
        Verdict v = report(s, 0, 27, 1.0);
        assertThat(v.decision()).isEqualTo(Decision.STOP);
        assertThat(v.reason()).contains("maximum resource 27");
    }

    @Test
    void aReportThatSkipsARungLeavesItAlone() {
        HyperbandScheduler s = asha(Mode.MIN, Map.of());
        start(s, 0);
        start(s, 1);
        report(s, 0, 1, 0.1);
        report(s, 0, 3, 0.1);
        // Trial 1 jumps from nothing to level 5: rung 1 and 3 are skipped, as in Syne Tune, so no cutoff applies.
        assertThat(report(s, 1, 5, 99.0).decision()).isEqualTo(Decision.CONTINUE);
        // A report after STOP is not the scheduler's business: it answers CONTINUE and records nothing.
        start(s, 2);
        report(s, 2, 1, 5.0);
        assertThat(report(s, 2, 1, 5.0).decision()).isEqualTo(Decision.CONTINUE);
    }

    @Test
    void promotionPausesAtRungsAndResumesTheBestWithItsNextTarget() {
        MethodContext c = context(Mode.MIN, Map.of("type", "promotion"), HyperbandScheduler.options("stopping", 1));
        HyperbandScheduler s = new HyperbandScheduler(c, new RandomSearcher(c.searcherContext()));
        Suggestion.Start first = (Suggestion.Start) start(s, 0);
        assertThat(first.config()).containsEntry("epochs", 1L);
        start(s, 1);
        assertThat(report(s, 0, 1, 0.3).decision()).isEqualTo(Decision.PAUSE);
        assertThat(report(s, 1, 1, 0.8).decision()).isEqualTo(Decision.PAUSE);
        Suggestion next = s.suggest(2);
        assertThat(next).isInstanceOf(Suggestion.Resume.class);
        Suggestion.Resume resume = (Suggestion.Resume) next;
        assertThat(resume.trialId()).isZero();
        assertThat(resume.config()).containsEntry("epochs", 3L);
        // suggest changed nothing: asking again gives the same answer.
        assertThat(s.suggest(2)).isEqualTo(next);
        s.onTrialResumed(0, resume.config());
        // Resumed without a checkpoint, it reports levels 1..3 again: the early ones are set aside.
        Verdict early = report(s, 0, 1, 0.3);
        assertThat(early.decision()).isEqualTo(Decision.CONTINUE);
        assertThat(early.reason()).contains("not used");
        assertThat(report(s, 0, 3, 0.2).decision()).isEqualTo(Decision.PAUSE);
        // Trial 1 is not promotable (worse than the cutoff) and rung 3 has one entry: a new trial starts.
        assertThat(s.suggest(2)).isInstanceOf(Suggestion.Start.class);
    }

    @Test
    void bracketsSkipLowRungsAndPerBracketRungSystemsAreSeparate() {
        MethodContext c = context(
                Mode.MIN,
                Map.of("brackets", 3, "type", "promotion", "rungSystemPerBracket", true),
                HyperbandScheduler.options("stopping", 1));
        HyperbandScheduler s = new HyperbandScheduler(c, new RandomSearcher(c.searcherContext()));
        Map<Integer, Long> firstTarget = new java.util.HashMap<>();
        for (long id = 0; id < 200; id++) {
            Suggestion.Start st = (Suggestion.Start) s.suggest(id);
            s.onTrialAdded(id, st.config(), st.memo());
            firstTarget.put(
                    ((Number) st.memo().get("bracket")).intValue(),
                    ((Number) st.config().get("epochs")).longValue());
        }
        assertThat(firstTarget).containsEntry(0, 1L).containsEntry(1, 3L).containsEntry(2, 9L);
    }

    @Test
    void bracketWeightsFollowSynchronousHyperbandSizes() {
        double[] w = BracketDistribution.weights(3, 3, 3);
        assertThat(w[0]).isCloseTo(27.0 / 51, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(w[1]).isCloseTo(18.0 / 51, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(w[2]).isCloseTo(6.0 / 51, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void pashaStartsWithTwoRungsAndGrowsWhenTheRankingChanges() {
        MethodContext c = context(Mode.MIN, Map.of(), HyperbandScheduler.options("pasha", 1));
        HyperbandScheduler s = new HyperbandScheduler(c, new RandomSearcher(c.searcherContext()));
        PashaRungSystem rs = new PashaRungSystem(List.of(1L, 3L, 9L), 27, true, PashaRungSystem.SoftRanking.EXACT);
        assertThat(rs.effectiveMaxT()).isEqualTo(3);
        for (long id = 0; id < 3; id++) {
            rs.onTrialAdded(id, 0);
        }
        rs.onReport(0, 1, 0.1, 0);
        rs.onReport(1, 1, 0.2, 0);
        rs.onResumed(0);
        rs.onResumed(1);
        rs.onReport(0, 3, 0.5, 0);
        assertThat(rs.effectiveMaxT()).isEqualTo(3);
        // At rung 3, trial 1 overtakes trial 0: the rankings of rungs 1 and 3 disagree, rung 9 opens.
        rs.onReport(1, 3, 0.4, 0);
        assertThat(rs.effectiveMaxT()).isEqualTo(9);
        assertThat(s.suggest(0)).isInstanceOf(Suggestion.Start.class);
    }

    /** The scenario above under a soft ranking: does trial 1 overtaking trial 0 at rung 3 open rung 9? */
    static long pashaMaxAfterOvertaking(boolean minimize, PashaRungSystem.SoftRanking ranking) {
        double sign = minimize ? 1 : -1;
        PashaRungSystem rs = new PashaRungSystem(List.of(1L, 3L, 9L), 27, minimize, ranking);
        for (long id = 0; id < 3; id++) {
            rs.onTrialAdded(id, 0);
        }
        rs.onReport(0, 1, sign * 0.1, 0);
        rs.onReport(1, 1, sign * 0.2, 0); // rung 1: trial 0 ahead by 0.1
        rs.onResumed(0);
        rs.onResumed(1);
        rs.onReport(0, 3, sign * 0.5, 0);
        rs.onReport(1, 3, sign * 0.4, 0); // rung 3: trial 1 ahead
        return rs.effectiveMaxT();
    }

    @Test
    void pashaIgnoresRankChangesBetweenValuesWithinEpsilon() {
        for (boolean minimize : new boolean[] {true, false}) {
            assertThat(pashaMaxAfterOvertaking(minimize, new PashaRungSystem.SoftRanking("soft_ranking", 0.05, 1)))
                    .as("ε 0.05 < 0.1: a real change, minimize %s", minimize)
                    .isEqualTo(9);
            assertThat(pashaMaxAfterOvertaking(minimize, new PashaRungSystem.SoftRanking("soft_ranking", 0.1, 1)))
                    .as("ε 0.1: tied, minimize %s", minimize)
                    .isEqualTo(3);
            // std of {0.1, 0.2} is 0.05: scaled by 1 the change counts, by 3 it does not
            assertThat(pashaMaxAfterOvertaking(minimize, new PashaRungSystem.SoftRanking("soft_ranking_std", 9, 1)))
                    .isEqualTo(9);
            assertThat(pashaMaxAfterOvertaking(minimize, new PashaRungSystem.SoftRanking("soft_ranking_std", 0, 3)))
                    .isEqualTo(3);
        }
    }

    @Test
    void pashaEstimatesEpsilonFromTheLowerRungsValues() {
        double[] v = {1, 2, 7};
        assertThat(new PashaRungSystem.SoftRanking("soft_ranking_std", 0, 2).epsilon(v))
                .isCloseTo(2 * Math.sqrt(62.0 / 9), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(new PashaRungSystem.SoftRanking("soft_ranking_mean_dst", 0, 1).epsilon(v))
                .isCloseTo(4, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(new PashaRungSystem.SoftRanking("soft_ranking_median_dst", 0, 0.5).epsilon(v))
                .isCloseTo(2.5, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(new PashaRungSystem.SoftRanking("soft_ranking", 0.3, 5).epsilon(v))
                .isEqualTo(0.3);
        assertThat(new PashaRungSystem.SoftRanking("soft_ranking_std", 0, 1).epsilon(new double[] {4}))
                .isZero();
    }

    static MoashaScheduler moasha(boolean syneTuneRanking) {
        MethodContext c = new MethodContext(
                SPACE,
                List.of(new Metric("loss", Mode.MIN), new Metric("accuracy", Mode.MAX)),
                new Resource("epoch", 27L, "epochs"),
                7,
                List.of(),
                false,
                Options.parse(Map.of("syneTuneRanking", syneTuneRanking), MoashaScheduler.options()));
        return new MoashaScheduler(c, new RandomSearcher(c.searcherContext()));
    }

    /** The verdict for trial 4 at rung 1 after four trials there, each (loss, accuracy). */
    static Decision moashaAtRungOne(boolean syneTuneRanking, double loss, double accuracy) {
        MoashaScheduler s = moasha(syneTuneRanking);
        double[][] earlier = {{40, 0.5}, {85, 0.4}, {110, 0.3}, {189, 0.2}};
        for (int id = 0; id <= 4; id++) {
            start(s, id);
        }
        for (int id = 0; id < 4; id++) {
            s.onReport(id, Map.of("epoch", 1.0, "loss", earlier[id][0], "accuracy", earlier[id][1]));
        }
        return s.onReport(4, Map.of("epoch", 1.0, "loss", loss, "accuracy", accuracy))
                .decision();
    }

    @Test
    void moashaKeepsTrialsInTheBestThirdOfTheNonDominatedOrder() {
        assertThat(moashaAtRungOne(false, 10, 0.9)).as("dominates all").isEqualTo(Decision.CONTINUE);
        assertThat(moashaAtRungOne(false, 30, 0.1))
                .as("on the first front, beside trial 0")
                .isEqualTo(Decision.CONTINUE);
        assertThat(moashaAtRungOne(false, 200, 0.1)).as("dominated by all").isEqualTo(Decision.STOP);
        assertThat(moashaAtRungOne(false, 100, 0.35)).as("second front").isEqualTo(Decision.STOP);
    }

    @Test
    void moashaWithSyneTunesRankingStopsEvenATrialThatDominatesAll() {
        // v0.13 takes the index of the item sorted last (trial 3, index 3 of 5) as the new trial's rank
        assertThat(moashaAtRungOne(true, 10, 0.9)).isEqualTo(Decision.STOP);
        assertThat(moashaAtRungOne(false, 10, 0.9)).isEqualTo(Decision.CONTINUE);
    }

    @Test
    void moashaStopsEveryTrialAtTheMaximumResource() {
        MoashaScheduler s = moasha(false);
        start(s, 0);
        assertThat(s.onReport(0, Map.of("epoch", 1.0, "loss", 1.0, "accuracy", 0.9))
                        .decision())
                .isEqualTo(Decision.CONTINUE);
        assertThat(s.onReport(0, Map.of("epoch", 27.0, "loss", 0.5, "accuracy", 0.95))
                        .decision())
                .isEqualTo(Decision.STOP);
    }

    @Test
    void syncHyperbandRungSizesAreSyneTunes() {
        List<List<long[]>> b = SyncHyperbandScheduler.geometric(1, 27, 3, null);
        assertThat(b).hasSize(4);
        assertThat(b.get(0)).extracting(r -> r[0] + "@" + r[1]).containsExactly("27@1", "9@3", "3@9", "1@27");
        assertThat(b.get(1)).extracting(r -> r[0] + "@" + r[1]).containsExactly("12@3", "4@9", "2@27");
        assertThat(b.get(3)).extracting(r -> r[0] + "@" + r[1]).containsExactly("4@27");
    }

    @Test
    void syncHyperbandCanWaitForARungInsteadOfOpeningABracket() {
        MethodContext c = context(
                Mode.MIN,
                Map.of("waitForRungs", true, "brackets", 1, "gracePeriod", 9),
                SyncHyperbandScheduler.options());
        SyncHyperbandScheduler s = new SyncHyperbandScheduler(c, new RandomSearcher(c.searcherContext()));
        // Bracket 0 with r_min 9: rungs (3 @ 9), (1 @ 27).
        for (long id = 0; id < 3; id++) {
            start(s, id);
        }
        assertThat(s.suggest(3)).isInstanceOf(Suggestion.Wait.class);
        assertThat(report(s, 0, 9, 0.2).decision()).isEqualTo(Decision.PAUSE);
        assertThat(report(s, 1, 9, 0.1).decision()).isEqualTo(Decision.PAUSE);
        assertThat(s.suggest(3)).isInstanceOf(Suggestion.Wait.class);
        s.onFailure(2);
        Suggestion next = s.suggest(3);
        assertThat(next).isInstanceOf(Suggestion.Resume.class);
        assertThat(((Suggestion.Resume) next).trialId()).isEqualTo(1);
        assertThat(((Suggestion.Resume) next).config()).containsEntry("epochs", 27L);
    }

    @Test
    void medianStoppingNeedsAGracePopulationAndStopsBelowTheCutoff() {
        MethodContext c = context(
                Mode.MIN,
                Map.of("gracePopulation", 3, "runningAverage", false),
                MedianStoppingScheduler.options(List.of("randomsearch")));
        MedianStoppingScheduler s = new MedianStoppingScheduler(c, MethodRegistry.standard());
        for (long id = 0; id < 4; id++) {
            start(s, id);
        }
        assertThat(report(s, 0, 1, 0.1).decision()).isEqualTo(Decision.CONTINUE);
        assertThat(report(s, 1, 1, 0.9).decision()).isEqualTo(Decision.CONTINUE);
        // Third value at level 1, rank 2/3 > 0.5: stopped.
        assertThat(report(s, 2, 1, 0.95).decision()).isEqualTo(Decision.STOP);
        assertThat(report(s, 3, 1, 0.05).decision()).isEqualTo(Decision.CONTINUE);
    }

    @Test
    void pbtReplacesTheBottomTrialWithAPerturbedCopyOfTheTop() {
        MethodContext c = new MethodContext(
                SPACE,
                List.of(new Metric("loss", Mode.MIN)),
                new Resource("epoch", 27L, "epochs"),
                7,
                List.of(),
                false,
                Options.parse(Map.of("populationSize", 4, "perturbationInterval", 2), PbtScheduler.options()));
        PbtScheduler s = new PbtScheduler(c, new RandomSearcher(c.searcherContext()));
        for (long id = 0; id < 4; id++) {
            start(s, id);
        }
        assertThat(s.suggest(4)).isInstanceOf(Suggestion.Wait.class);
        // Each reporter is the best so far, so it is never in the bottom quantile.
        for (long id = 0; id < 3; id++) {
            assertThat(report(s, id, 2, 3 - id).decision()).isEqualTo(Decision.CONTINUE);
        }
        Verdict worst = report(s, 3, 2, 10);
        assertThat(worst.decision()).isEqualTo(Decision.STOP);
        assertThat(worst.reason()).contains("copy of trial 2");
        Suggestion.Start replacement = (Suggestion.Start) s.suggest(4);
        assertThat(replacement.checkpointTrialId()).isEqualTo(2);
        assertThat(SPACE.validate(replacement.config(), "config")).isNotNull();
    }

    @Test
    void overTheCheckpointBudgetPausedTrialsLeastWorthKeepingLoseTheirCheckpoints() {
        MethodContext c = context(
                Mode.MIN,
                Map.of("type", "promotion", "maxNumCheckpoints", 5),
                HyperbandScheduler.options("stopping", 1));
        HyperbandScheduler s = new HyperbandScheduler(c, new RandomSearcher(c.searcherContext()));
        double[] losses = {0.1, 0.5, 0.9, 0.3};
        for (long id = 0; id < 4; id++) {
            Suggestion.Start st = (Suggestion.Start) s.suggest(id);
            s.onTrialAdded(id, st.config(), st.memo());
        }
        for (int id = 0; id < 4; id++) {
            assertThat(report(s, id, 1, losses[id]).decision()).isEqualTo(Decision.PAUSE);
        }
        assertThat(s.proposeRemovals(Double.NaN))
                .as("4 paused, none running: within 5")
                .isEmpty();
        Suggestion.Resume best = (Suggestion.Resume) s.suggest(4);
        assertThat(best.trialId()).isZero();
        s.onTrialResumed(0, best.config());
        s.onTrialAdded(4, Map.of("x", 0.5, "epochs", 1L), Map.of());
        s.onTrialAdded(5, Map.of("x", 0.6, "epochs", 1L), Map.of());
        // 3 running + 3 paused = 6 > 5. Without a time limit: lowest rung, worst rank first (trial 2).
        List<Long> byLevel = s.proposeRemovals(Double.NaN);
        assertThat(byLevel).containsExactly(2L);
        // proposing changes nothing; applying does.
        assertThat(s.proposeRemovals(Double.NaN)).containsExactly(2L);
        // With a time limit, the expected-cost score ranks the same worst trial last here.
        assertThat(s.proposeRemovals(1.0)).containsExactly(2L);
        s.onCheckpointsRemoved(byLevel);
        assertThat(s.checkpointsToRemove()).containsExactly(2L);
        assertThat(s.proposeRemovals(Double.NaN)).isEmpty();
        s.onTrialAdded(6, Map.of("x", 0.7, "epochs", 1L), Map.of());
        assertThat(s.proposeRemovals(Double.NaN)).containsExactly(1L);
    }
}
