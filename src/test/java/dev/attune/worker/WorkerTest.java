package dev.attune.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The worker's console and exit codes, without a server. */
class WorkerTest {
    @Test
    void numbersArePlainNeverInENotation() {
        assertThat(Worker.plain(1.23456789e-7)).isEqualTo("0.000000123457");
        assertThat(Worker.plain(0.1)).isEqualTo("0.1");
        assertThat(Worker.plain(12345678.9)).isEqualTo("12345700");
        assertThat(Worker.plain(0.25)).isEqualTo("0.25");
        assertThat(Worker.plain(Double.NaN)).isEqualTo("NaN");
    }

    @Test
    void anUnreachableServerEndsTheWorkerWithExitCode5AfterItsPatience() throws Exception {
        Worker w = new Worker(
                "http://127.0.0.1:1",
                null,
                "s",
                "w",
                new WorkerOptions(
                        List.of("true"),
                        Path.of("ck"),
                        false,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1),
                        1,
                        false,
                        true,
                        List.of(),
                        1,
                        Duration.ofSeconds(1)),
                Duration.ofMillis(800),
                Duration.ofSeconds(1));
        long t0 = System.nanoTime();
        assertThat(w.run()).isEqualTo(ExitCode.SERVER_UNREACHABLE);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
    }
}
