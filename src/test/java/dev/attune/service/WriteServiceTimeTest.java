package dev.attune.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The time-per-write estimate on a clock the test moves: it is the server's time per answered write while
 * it had work, whatever the batching and the parallelism, and idle time does not count.
 */
class WriteServiceTimeTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private long now = 1_000_000_000L;
    private final WriteServiceTime time = new WriteServiceTime(() -> now);

    @Test
    void zeroUntilTheFirstWindowCloses() {
        time.entered();
        now += 50 * MS;
        time.answered();
        assertThat(time.nanosPerWrite()).isZero();
        time.entered();
        now += 60 * MS;
        time.answered();
        // 110 ms busy over two answers.
        assertThat(time.nanosPerWrite()).isCloseTo(55.0 * MS, within(1e-6));
    }

    @Test
    void aQueueServedOneAtATimeGivesTheTimeOfOne() {
        for (int i = 0; i < 50; i++) {
            time.entered();
        }
        for (int i = 0; i < 500; i++) {
            now += 2 * MS;
            time.answered();
            time.entered();
        }
        assertThat(time.nanosPerWrite()).isCloseTo(2.0 * MS, within(1e-6));
        assertThat(time.inServer()).isEqualTo(50);
    }

    @Test
    void batchesCommittedTogetherShareTheirTime() {
        // Twenty writes arrive every 10 ms, one each half millisecond, and one commit answers them all.
        for (int batch = 0; batch < 100; batch++) {
            for (int k = 0; k < 20; k++) {
                time.entered();
                now += MS / 2;
            }
            for (int k = 0; k < 20; k++) {
                time.answered();
            }
        }
        // A window closes at an answer, possibly inside a batch: each sample is off by part of a batch.
        assertThat(time.nanosPerWrite()).isCloseTo(0.5 * MS, withinPercentage(3));
    }

    @Test
    void parallelConnectionsDivideTheTime() {
        // Four batches of one write finish together every 8 ms: a write each 2 ms, though each took 8.
        for (int i = 0; i < 40; i++) {
            time.entered();
        }
        for (int round = 0; round < 100; round++) {
            now += 8 * MS;
            for (int c = 0; c < 4; c++) {
                time.answered();
                time.entered();
            }
        }
        assertThat(time.nanosPerWrite()).isCloseTo(2.0 * MS, withinPercentage(3));
    }

    @Test
    void idleTimeIsNotServiceTime() {
        time.entered();
        now += 5 * MS;
        time.answered();
        now += WriteServiceTime.IDLE_RESET_MS * MS / 2; // a gap too short to forget the estimate
        time.entered();
        now += 5 * MS;
        time.answered();
        assertThat(time.nanosPerWrite()).isCloseTo(5.0 * MS, within(1e-6));
    }

    @Test
    void oneOddWindowMovesTheEstimateByAQuarterAndItComesBack() {
        for (int i = 0; i < 100; i++) {
            time.entered();
            now += 100 * MS;
            time.answered();
        }
        assertThat(time.nanosPerWrite()).isCloseTo(100.0 * MS, within(1e-6));
        time.entered();
        now += 500 * MS;
        time.answered();
        assertThat(time.nanosPerWrite()).isCloseTo((100 + WriteServiceTime.WEIGHT * 400) * MS, within(1e-6));
        for (int i = 0; i < 30; i++) {
            time.entered();
            now += 100 * MS;
            time.answered();
        }
        assertThat(time.nanosPerWrite()).isCloseTo(100.0 * MS, within(0.05 * MS));
    }

    @Test
    void aPauseWithNothingInTheServerForgetsTheEstimate() {
        time.entered();
        now += 2_500 * MS; // one slow write at an idle server: a long suggestion
        time.answered();
        assertThat(time.nanosPerWrite()).isCloseTo(2_500.0 * MS, within(1e-6));
        now += WriteServiceTime.IDLE_RESET_MS * MS;
        time.entered();
        assertThat(time.nanosPerWrite())
                .as("the next burst is not judged by it")
                .isZero();
        now += 2 * MS;
        time.answered();
    }

    @Test
    void aShortGapKeepsTheEstimate() {
        time.entered();
        now += 200 * MS;
        time.answered();
        now += WriteServiceTime.IDLE_RESET_MS * MS / 2;
        time.entered();
        assertThat(time.nanosPerWrite()).isCloseTo(200.0 * MS, within(1e-6));
    }

    @Test
    void aWriteRefusedByItsStudyIsNotAnAnswer() {
        time.entered(); // served, 100 ms
        for (int i = 0; i < 99; i++) {
            time.entered(); // refused at once by its study's bound
            time.refused();
        }
        now += 100 * MS;
        time.answered();
        assertThat(time.inServer()).isZero();
        assertThat(time.nanosPerWrite()).isCloseTo(100.0 * MS, within(1e-6));
    }
}
