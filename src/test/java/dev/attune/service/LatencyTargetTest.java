package dev.attune.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The latency target of {@link WriteAdmission} and its {@code Retry-After}, on a clock the test moves.
 * Writes are held "in the server" by nesting admissions: the innermost one of {@code k} nested writes is
 * admitted with {@code k} writes ahead of it, all on the test's thread.
 */
class LatencyTargetTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private long now = 5 * SECOND;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private WriteAdmission admission(int cap, long targetMs, int poolSize) {
        return new WriteAdmission(meters, cap, targetMs, poolSize, 1, 1000, () -> now);
    }

    /** Answers writes one at a time, each taking {@code seconds}, so that the estimate is that time. */
    private void serve(WriteAdmission a, int writes, double seconds) {
        for (int i = 0; i < writes; i++) {
            a.admit(() -> now += (long) (seconds * SECOND));
        }
    }

    private static <T> T nested(WriteAdmission a, int ahead, Supplier<T> write) {
        return ahead == 0 ? a.admit(write) : a.admit(() -> nested(a, ahead - 1, write));
    }

    private double refused(String bound) {
        return meters.get("attune.writes.refused").tag("bound", bound).counter().count();
    }

    @Test
    void refusesAWriteWhoseQueueAheadWouldWaitPastTheTarget() {
        WriteAdmission a = admission(100, 2000, 2);
        serve(a, 3, 1.0);
        assertThat(a.nanosPerWrite()).isEqualTo(1.0 * SECOND);
        // Two writes ahead at 1 s each: 2 s, not over the target. With it, three are in the server.
        assertThat(nested(a, 2, () -> meters.get("attune.writes.wait.estimate")
                        .timeGauge()
                        .value(TimeUnit.SECONDS)))
                .isEqualTo(3.0);
        AtomicInteger ran = new AtomicInteger();
        // Three ahead: 3 s. Refused before running; the queue drains below the target in (3 + 1) - 2 s.
        assertThatThrownBy(() -> nested(a, 3, ran::incrementAndGet))
                .isInstanceOfSatisfying(OverloadedException.class, e -> assertThat(e.retryAfterSeconds())
                        .isEqualTo(2))
                .hasMessageContaining("over the target of 2000 ms");
        assertThat(ran).hasValue(0);
        assertThat(a.queued()).isZero();
        assertThat(refused("target")).isEqualTo(1.0);
        assertThat(refused("server")).isZero();
    }

    @Test
    void aSlowerServerAdmitsFewerAndAFasterOneMore() {
        WriteAdmission a = admission(1000, 500, 4);
        serve(a, 2, 0.1);
        // 100 ms a write: five ahead fit in 500 ms, six do not.
        assertThat(nested(a, 5, () -> 1)).isEqualTo(1);
        assertThatThrownBy(() -> nested(a, 6, () -> 1)).isInstanceOf(OverloadedException.class);
        // Writes get cheaper (e.g. larger batches): the same queue is admitted again.
        serve(a, 200, 0.01);
        assertThat(a.nanosPerWrite()).isLessThan(0.02 * SECOND);
        assertThat(nested(a, 40, () -> 2)).isEqualTo(2);
    }

    @Test
    void neverRefusesWhileFewerWritesThanConnectionsAreAhead() {
        WriteAdmission a = admission(100, 1, 4);
        serve(a, 1, 2.0);
        // One slow write made the estimate 2 s a write, far over a 1 ms target: light load still passes.
        assertThat(nested(a, 3, () -> "light")).isEqualTo("light");
        assertThatThrownBy(() -> nested(a, 4, () -> "heavy")).isInstanceOf(OverloadedException.class);
    }

    @Test
    void noTargetMeansOnlyTheCap() {
        WriteAdmission a = admission(60, 0, 2);
        serve(a, 1, 1.0);
        assertThat(nested(a, 50, () -> "queued")).isEqualTo("queued");
        assertThatThrownBy(() -> new WriteAdmission(meters, 0, -1, 16, 0, 1000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("attune.write-queue-target-ms");
    }

    @Test
    void retryAfterIsTheDrainTimeInWholeSecondsFromOneToThirty() {
        WriteAdmission a = admission(3, 0, 2);
        serve(a, 1, 7.0);
        // The cap: one write over it, 7 s to drain.
        assertThatThrownBy(() -> nested(a, 3, () -> 0))
                .isInstanceOfSatisfying(OverloadedException.class, e -> assertThat(e.retryAfterSeconds())
                        .isEqualTo(7));
        assertThat(refused("server")).isEqualTo(1.0);
        // A study's bound: its queue served at the server's time per write, capped.
        assertThat(a.studyFull("s", 2).retryAfterSeconds()).isEqualTo(14);
        assertThat(a.studyFull("s", 5).retryAfterSeconds()).isEqualTo(WriteAdmission.MAX_RETRY_AFTER_SECONDS);
        assertThat(refused("study")).isEqualTo(2.0);
        assertThat(WriteAdmission.retryAfterSeconds(0)).isEqualTo(1);
        assertThat(WriteAdmission.retryAfterSeconds(1.2 * SECOND)).isEqualTo(2);
        assertThat(WriteAdmission.retryAfterSeconds(-3)).isEqualTo(1);
        // Before any estimate (a fresh server), a refusal still asks for at least a second.
        assertThat(admission(1, 0, 2).studyFull("t", 1000).retryAfterSeconds()).isEqualTo(1);
    }
}
