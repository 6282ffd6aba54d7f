package dev.attune.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The multi-fidelity transfer benchmark's curves, transfer data and budget/regret bookkeeping. */
class MultiFidelityTransferBenchTest {
    private static final int EPOCHS = 27;

    @Test
    void curvesComeDownToAtLeastTheTaskMinimumAndRegretIsNeverNegative() {
        SplittableRandom random = new SplittableRandom(11);
        for (long seed = 1; seed <= 20; seed++) {
            TransferBench.Task task = TransferBench.family(seed).get(TransferBench.EARLIER_TASKS);
            for (int i = 0; i < 200; i++) {
                double[] x = {random.nextDouble(), random.nextDouble(), random.nextDouble()};
                double speed = 0.05 + 0.95 * random.nextDouble();
                double previous = Double.POSITIVE_INFINITY;
                for (int epoch = 1; epoch <= EPOCHS; epoch++) {
                    double y = MultiFidelityTransferBench.value(task, x, speed, epoch);
                    assertThat(y).isLessThan(previous).isGreaterThanOrEqualTo(task.minimum());
                    previous = y;
                }
                MultiFidelityTransferBench.Progress progress = new MultiFidelityTransferBench.Progress(EPOCHS, 1);
                progress.observe(EPOCHS, previous);
                assertThat(progress.regret(task)).isGreaterThanOrEqualTo(0);
            }
        }
    }

    @Test
    void onlyValuesAtTheLastEpochCountTowardTheRegret() {
        TransferBench.Task task = TransferBench.family(3).get(TransferBench.EARLIER_TASKS);
        MultiFidelityTransferBench.Progress progress = new MultiFidelityTransferBench.Progress(EPOCHS, 2);
        double best = task.minimum() + 0.1 * task.scale();
        progress.observe(1, task.minimum()); // lower, but an early epoch of a stopped trial
        progress.observe(EPOCHS - 1, task.minimum());
        assertThat(progress.regret(task)).isInfinite();
        progress.observe(EPOCHS, best + task.scale());
        progress.observe(EPOCHS, best);
        assertThat(progress.regret(task)).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void theBudgetIsFullTrialsTimesEpochs() {
        MultiFidelityTransferBench.Progress progress = new MultiFidelityTransferBench.Progress(EPOCHS, 20);
        int spent = 0;
        while (progress.hasBudget()) {
            progress.observe(1 + spent % EPOCHS, 0);
            spent++;
        }
        assertThat(spent).isEqualTo(20 * EPOCHS);
        assertThat(progress.used()).isEqualTo(20 * EPOCHS);
        assertThatThrownBy(() -> progress.observe(EPOCHS, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void earlierTasksGetFinalEpochValuesOfTheirOwnTask() {
        List<TransferBench.Task> family = TransferBench.family(5);
        List<Map<String, Object>> tasks = MultiFidelityTransferBench.transferEvaluations(family, 5, EPOCHS);
        assertThat(tasks).hasSize(TransferBench.EARLIER_TASKS);
        for (int k = 0; k < tasks.size(); k++) {
            List<?> evaluations = (List<?>) tasks.get(k).get("evaluations");
            assertThat(evaluations).hasSize(TransferBench.EARLIER_EVALS);
            for (Object e : evaluations) {
                Map<?, ?> config = (Map<?, ?>) ((Map<?, ?>) e).get("config");
                double[] x = {
                    ((Number) config.get("x0")).doubleValue(),
                    ((Number) config.get("x1")).doubleValue(),
                    ((Number) config.get("x2")).doubleValue()
                };
                double speed = ((Number) config.get("speed")).doubleValue();
                assertThat(speed)
                        .isBetween(MultiFidelityTransferBench.SPEED_LOWER, MultiFidelityTransferBench.SPEED_UPPER);
                double y = ((Number) ((Map<?, ?>) ((Map<?, ?>) e).get("metrics")).get("y")).doubleValue();
                assertThat(y).isEqualTo(MultiFidelityTransferBench.value(family.get(k), x, speed, EPOCHS));
                assertThat(y).isNotEqualTo(MultiFidelityTransferBench.value(family.get(k), x, speed, 1));
            }
        }
    }
}
