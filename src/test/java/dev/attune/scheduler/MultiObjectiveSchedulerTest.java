package dev.attune.scheduler;

import static dev.attune.scheduler.MultiFidelityTest.SPACE;
import static dev.attune.scheduler.MultiFidelityTest.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.searcher.Options;
import dev.attune.searcher.RandomSearcher;
import dev.attune.space.InvalidInputException;
import dev.attune.trial.Decision;
import dev.attune.trial.Metric;
import dev.attune.trial.Mode;
import dev.attune.trial.Resource;
import dev.attune.trial.Verdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** MOASHA's priorities and the linear scalarization wrapper. */
class MultiObjectiveSchedulerTest {
    static final List<Metric> LOSS_AND_ACCURACY =
            List.of(new Metric("loss", Mode.MIN), new Metric("accuracy", Mode.MAX));

    static MoashaScheduler moasha(Map<String, Object> options) {
        MethodContext c = new MethodContext(
                SPACE,
                LOSS_AND_ACCURACY,
                new Resource("epoch", 27L, "epochs"),
                7,
                List.of(),
                false,
                Options.parse(options, MoashaScheduler.options()));
        return new MoashaScheduler(c, new RandomSearcher(c.searcherContext()));
    }

    /** The verdict for a fifth trial at rung 1 after four there, each (loss, accuracy). */
    static Decision atRungOne(Map<String, Object> options, double loss, double accuracy) {
        MoashaScheduler s = moasha(options);
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
    void fixedObjectivePriorityRanksByThatObjectiveAlone() {
        Map<String, Object> byLoss = Map.of("multiobjectivePriority", "fixed_objective");
        Map<String, Object> byAccuracy = Map.of("multiobjectivePriority", "fixed_objective", "fixedObjective", 1);
        // Loss 30 beats all four (rank 0 of 5); a loss of 50 has one below it, rank 1/5 ≤ 1/3: both go on.
        assertThat(atRungOne(byLoss, 30, 0.0)).isEqualTo(Decision.CONTINUE);
        assertThat(atRungOne(byLoss, 50, 0.0)).isEqualTo(Decision.CONTINUE);
        // Loss 100 has two below it: rank 2/5 > 1/3 stops, however good its accuracy.
        assertThat(atRungOne(byLoss, 100, 1.0)).isEqualTo(Decision.STOP);
        // By accuracy (maximized, so −accuracy is ranked): 0.45 has one better (0.5); 0.35 has two.
        assertThat(atRungOne(byAccuracy, 1000, 0.45)).isEqualTo(Decision.CONTINUE);
        assertThat(atRungOne(byAccuracy, 1, 0.35)).isEqualTo(Decision.STOP);
    }

    @Test
    void linearScalarizationPriorityRanksByTheWeightedMean() {
        Map<String, Object> weighted =
                Map.of("multiobjectivePriority", "linear_scalarization", "scalarizationWeights", List.of(0.0, 100.0));
        // Weights (0, 100) rank by −100·accuracy / 2, i.e. by accuracy alone.
        assertThat(atRungOne(weighted, 1000, 0.45)).isEqualTo(Decision.CONTINUE);
        assertThat(atRungOne(weighted, 1, 0.35)).isEqualTo(Decision.STOP);
        // Default weights 1: (loss − accuracy) / 2; the loss dominates at these scales.
        Map<String, Object> plain = Map.of("multiobjectivePriority", "linear_scalarization");
        assertThat(atRungOne(plain, 50, 0.0)).isEqualTo(Decision.CONTINUE);
        assertThat(atRungOne(plain, 100, 1.0)).isEqualTo(Decision.STOP);
        assertThat(moasha(plain).priorities(new double[][] {{2, -4}, {1, 1}})).containsExactly(-1.0, 1.0);
    }

    @Test
    void priorityOptionsAreChecked() {
        assertThatThrownBy(() -> moasha(Map.of("scalarizationWeights", List.of(1.0))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("scalarizationWeights");
        assertThatThrownBy(() -> moasha(Map.of("fixedObjective", 2)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("fixedObjective");
        assertThatThrownBy(() -> moasha(Map.of("multiobjectivePriority", "crowding")))
                .isInstanceOf(InvalidInputException.class);
    }

    /** A single-objective base that records what it is told. */
    static final class Recording implements Scheduler {
        final List<Map<String, Double>> reports = new ArrayList<>();
        final List<Map<String, Double>> completions = new ArrayList<>();

        @Override
        public Suggestion suggest(long nextTrialId) {
            return new Suggestion.Start(Map.of("x", 0.5, "epochs", 27L), null, Map.of());
        }

        @Override
        public void onTrialAdded(long trialId, Map<String, Object> config, Map<String, Object> memo) {}

        @Override
        public Verdict onReport(long trialId, Map<String, Double> metrics) {
            reports.add(metrics);
            return Verdict.proceed();
        }

        @Override
        public void onComplete(long trialId, Map<String, Double> metrics) {
            completions.add(metrics);
        }

        @Override
        public void onFailure(long trialId) {}
    }

    @Test
    void linearScalarizedSchedulerFeedsItsBaseTheWeightedSumUnderSyneTunesName() {
        Recording base = new Recording();
        List<Metric> seen = new ArrayList<>();
        MethodSpec spec = new MethodSpec("Recording", "", false, false, List.of(), c -> {
            seen.addAll(c.metrics());
            return base;
        });
        MethodContext c = new MethodContext(
                SPACE,
                LOSS_AND_ACCURACY,
                null,
                1,
                List.of(),
                false,
                Options.parse(
                        Map.of("scalarizationWeights", List.of(2, 0.5)), List.of(LinearScalarizedScheduler.WEIGHTS)));
        LinearScalarizedScheduler s = new LinearScalarizedScheduler(c, spec, Options.parse(Map.of(), List.of()));
        assertThat(seen).containsExactly(new Metric("scalarized_loss_accuracy", Mode.MIN));
        s.onReport(1, Map.of("loss", 3.0, "accuracy", 0.8));
        s.onReport(1, Map.of("loss", 3.0)); // without every metric there is nothing to scalarize
        s.onComplete(1, new HashMap<>(Map.of("loss", 1.0, "accuracy", 0.4)));
        // 2·3 + 0.5·(−0.8): the maximized metric enters negated, so the sum is minimized.
        assertThat(base.reports.get(0))
                .containsEntry("scalarized_loss_accuracy", 2 * 3.0 + 0.5 * -0.8)
                .containsEntry("loss", 3.0);
        assertThat(base.reports.get(1)).doesNotContainKey("scalarized_loss_accuracy");
        assertThat(base.completions.get(0)).containsEntry("scalarized_loss_accuracy", 2 * 1.0 + 0.5 * -0.4);
    }

    @Test
    void linearScalarizedSchedulerNeedsOneWeightPerMetric() {
        MethodContext c = new MethodContext(
                SPACE,
                LOSS_AND_ACCURACY,
                null,
                1,
                List.of(),
                false,
                Options.parse(
                        Map.of("scalarizationWeights", List.of(1, 2, 3)),
                        LinearScalarizedScheduler.options(List.of("randomsearch"))));
        assertThatThrownBy(() -> new LinearScalarizedScheduler(c, MethodRegistry.standard()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("one weight per metric");
    }
}
