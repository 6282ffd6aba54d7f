package dev.attune.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.searcher.Options;
import dev.attune.searcher.TransferTask;
import dev.attune.space.InvalidInputException;
import dev.attune.trial.Decision;
import dev.attune.trial.Metric;
import dev.attune.trial.Mode;
import dev.attune.trial.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * RUSH (Syne Tune's RUSHScheduler): the earlier tasks' top configs first, as RUSH points, then the study's
 * own points; trials worse than the best RUSH point at a rung stop.
 */
class RushTest {
    static TransferTask task(String name, double... xAndLoss) {
        List<TransferTask.Evaluation> evals = new ArrayList<>();
        for (int i = 0; i < xAndLoss.length; i += 2) {
            evals.add(new TransferTask.Evaluation(Map.of("x", xAndLoss[i]), Map.of("loss", xAndLoss[i + 1])));
        }
        return new TransferTask(name, evals);
    }

    static MethodContext context(
            Mode mode, Map<String, Object> options, List<Map<String, Object>> points, List<TransferTask> tasks) {
        return new MethodContext(
                MultiFidelityTest.SPACE,
                List.of(new Metric("loss", mode)),
                new Resource("epoch", 27L, "epochs"),
                5,
                points,
                false,
                Options.parse(options, RushMethod.options()),
                null,
                tasks);
    }

    static final List<TransferTask> TASKS = List.of(
            task("t1", 0.1, 0.9, 0.2, 0.3, 0.3, 0.5), // best: x = 0.2, then 0.3
            task("t2", 0.7, 0.4, 0.8, 0.1, 0.2, 0.2), // best: x = 0.8, then 0.2
            task("t3", 0.8, 0.05)); // best: x = 0.8 again (counted once)

    @Test
    void startsWithEachEarlierTasksBestConfigsThenTheStudysOwnPoints() {
        MethodContext c = context(
                Mode.MIN,
                Map.of("numHyperparametersPerTask", 2),
                List.of(Map.of("x", 0.55, "epochs", 27L), Map.of("x", 0.2, "epochs", 27L)),
                TASKS);
        Scheduler s = RushMethod.create(c);
        List<Object> xs = new ArrayList<>();
        for (long id = 0; id < 5; id++) {
            xs.add(((Suggestion.Start) MultiFidelityTest.start(s, id)).config().get("x"));
        }
        // t1's top two (0.2, 0.3), t2's (0.8, 0.2 repeated), t3's (0.8 repeated); then the study's 0.55
        // (its 0.2 is a RUSH point already); then random.
        assertThat(xs.subList(0, 4)).containsExactly(0.2, 0.3, 0.8, 0.55);
        assertThat(RushMethod.rushPoints(c)).hasSize(3);
    }

    @Test
    void rankingFollowsTheMetricsMode() {
        MethodContext c = context(Mode.MAX, Map.of(), List.of(), TASKS);
        // max: t1's largest loss is at x = 0.1, t2's at 0.7, t3's at 0.8.
        assertThat(RushMethod.rushPoints(c).stream().map(p -> p.get("x")).toList())
                .containsExactly(0.1, 0.7, 0.8);
    }

    @Test
    void stopsTrialsBelowTheBestRushPointAtARung() {
        MethodContext c = context(Mode.MIN, Map.of("rungLevels", List.of(1, 3)), List.of(), TASKS);
        Scheduler s = RushMethod.create(c);
        for (long id = 0; id < 8; id++) {
            MultiFidelityTest.start(s, id);
        }
        // RUSH points: trials 0 (x = 0.2) and 1 (x = 0.8; t3's best is the same config).
        assertThat(MultiFidelityTest.report(s, 0, 1, 0.3).decision()).isEqualTo(Decision.CONTINUE);
        for (long id = 2; id <= 5; id++) {
            assertThat(MultiFidelityTest.report(s, id, 1, 0.9).decision()).isEqualTo(Decision.STOP);
        }
        // [.3,.35,.9 ×4]: 0.35 is within ASHA's 1/3 quantile but worse than the RUSH point's 0.3: stop.
        assertThat(MultiFidelityTest.report(s, 6, 1, 0.35).decision()).isEqualTo(Decision.STOP);
        assertThat(MultiFidelityTest.report(s, 7, 1, 0.25).decision()).isEqualTo(Decision.CONTINUE);
        // The RUSH point 1 passes ASHA (cutoff 0.31 + 0.04/3) and continues though worse than 0.3.
        assertThat(MultiFidelityTest.report(s, 1, 1, 0.31).decision()).isEqualTo(Decision.CONTINUE);
    }

    @Test
    void promotionTypePausesAndHoldsBackTrialsWorseThanTheRushPoint() {
        MethodContext c = context(Mode.MIN, Map.of("type", "promotion", "rungLevels", List.of(1, 3)), List.of(), TASKS);
        Scheduler s = RushMethod.create(c);
        assertThat(s.pausesTrials()).isTrue();
        for (long id = 0; id < 5; id++) {
            MultiFidelityTest.start(s, id);
        }
        MultiFidelityTest.report(s, 0, 1, 0.3); // RUSH point
        MultiFidelityTest.report(s, 2, 1, 0.9);
        MultiFidelityTest.report(s, 3, 1, 0.9);
        MultiFidelityTest.report(s, 4, 1, 0.9);
        Suggestion first = s.suggest(5);
        assertThat(first).isInstanceOf(Suggestion.Resume.class);
        assertThat(((Suggestion.Resume) first).trialId()).isZero();
        s.onTrialResumed(0, ((Suggestion.Resume) first).config());
        // Trial 1 (the other RUSH point) is still running; the rest are worse than 0.3: a new trial starts.
        assertThat(s.suggest(5)).isInstanceOf(Suggestion.Start.class);
    }

    @Test
    void refusesWithoutEarlierTasksNamingTransferEvaluations() {
        MethodContext none = context(Mode.MIN, Map.of(), List.of(), List.of());
        assertThatThrownBy(() -> RushMethod.create(none))
                .isInstanceOf(InvalidInputException.class)
                .satisfies(e -> assertThat(
                                ((InvalidInputException) e).errors().getFirst().field())
                        .isEqualTo("transferEvaluations"));
        MethodContext noMetric = context(
                Mode.MIN,
                Map.of(),
                List.of(),
                List.of(new TransferTask(
                        "t", List.of(new TransferTask.Evaluation(Map.of("x", 0.1), Map.of("acc", 1.0))))));
        assertThatThrownBy(() -> RushMethod.create(noMetric)).hasMessageContaining("transferEvaluations");
        MethodContext outside = context(Mode.MIN, Map.of(), List.of(), List.of(task("t", 7.0, 0.1)));
        assertThatThrownBy(() -> RushMethod.create(outside)).hasMessageContaining("transferEvaluations.t.config.x");
    }

    @Test
    void typeIsStoppingOrPromotionOnly() {
        assertThatThrownBy(() -> context(Mode.MIN, Map.of("type", "pasha"), List.of(), TASKS))
                .hasMessageContaining("options.type");
    }
}
