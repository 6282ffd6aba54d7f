package dev.attune.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The server-wide bounds: queued writes, and model fits running outside a study's lock. */
class WriteAdmissionTest {
    @Test
    void defaultsFollowThePoolAndTheProcessors() {
        WriteAdmission a = new WriteAdmission(new SimpleMeterRegistry(), 0, 0, 16, 0, 1000);
        assertThat(a.maxQueued()).isEqualTo(16 * WriteAdmission.WRITES_PER_CONNECTION);
        assertThat(a.maxFits()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThatThrownBy(() -> new WriteAdmission(new SimpleMeterRegistry(), -1, 0, 16, 0, 1000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("attune.max-queued-writes");
        assertThatThrownBy(() -> new WriteAdmission(new SimpleMeterRegistry(), 0, 0, 16, -2, 1000))
                .hasMessageContaining("attune.max-concurrent-fits");
    }

    @Test
    void aWriteBeyondTheBoundIsRefusedWithoutRunningAndTheCountComesBack() throws Exception {
        WriteAdmission a = new WriteAdmission(new SimpleMeterRegistry(), 2, 0, 16, 1, 1000);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<?> one = CompletableFuture.runAsync(() -> a.admit(() -> await(release)), pool);
        CompletableFuture<?> two = CompletableFuture.runAsync(() -> a.admit(() -> await(release)), pool);
        for (int i = 0; i < 500 && a.queued() < 2; i++) {
            Thread.sleep(5);
        }
        AtomicInteger ran = new AtomicInteger();
        assertThatThrownBy(() -> a.admit(ran::incrementAndGet))
                .isInstanceOfSatisfying(OverloadedException.class, e -> assertThat(e.retryAfterSeconds())
                        .isBetween(1L, 30L));
        assertThat(ran).hasValue(0);
        assertThat(a.queued()).isEqualTo(2);
        release.countDown();
        one.get(5, TimeUnit.SECONDS);
        two.get(5, TimeUnit.SECONDS);
        assertThat(a.queued()).isZero();
        // A failing write leaves the count as it found it.
        assertThatThrownBy(() -> a.admit(() -> {
                    throw new IllegalStateException("boom");
                }))
                .isInstanceOf(IllegalStateException.class);
        assertThat(a.queued()).isZero();
        assertThat(a.admit(() -> 7)).isEqualTo(7);
        pool.shutdown();
    }

    @Test
    void fitsBeyondTheSlotsWaitThenAreRefusedAndAFitDoneMeanwhileIsNotRepeated() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        WriteAdmission a = new WriteAdmission(meters, 100, 0, 16, 1, 1000);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger fitsRun = new AtomicInteger();
        AtomicReference<Runnable> pending = new AtomicReference<>(() -> {
            running.countDown();
            await(release);
        });
        CompletableFuture<?> first = CompletableFuture.runAsync(
                () -> a.fit(() -> Optional.ofNullable(pending.get()), work -> {
                    fitsRun.incrementAndGet();
                    work.run();
                    pending.set(null); // the fit is cached now
                }),
                pool);
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(meters.get("attune.model.fits.running").gauge().value()).isEqualTo(1.0);

        // The only slot is busy for longer than attune.fit-wait-ms: refused, counted, the slot untouched.
        long started = System.nanoTime();
        assertThatThrownBy(() -> a.fit(() -> Optional.of(() -> {}), Runnable::run))
                .isInstanceOf(OverloadedException.class)
                .hasMessageContaining("model fit");
        assertThat((System.nanoTime() - started) / 1e6).isBetween(900.0, 8000.0);
        assertThat(meters.get("attune.writes.refused")
                        .tag("bound", "fits")
                        .counter()
                        .count())
                .isEqualTo(1.0);

        // A second ask for the same study waits for the slot, then finds the fit done and runs nothing.
        CompletableFuture<?> second = CompletableFuture.runAsync(
                () -> a.fit(() -> Optional.ofNullable(pending.get()), work -> {
                    fitsRun.incrementAndGet();
                    work.run();
                }),
                pool);
        Thread.sleep(50);
        release.countDown();
        first.get(5, TimeUnit.SECONDS);
        second.get(5, TimeUnit.SECONDS);
        assertThat(fitsRun).hasValue(1);
        assertThat(a.queued()).isZero();
        assertThat(meters.get("attune.model.fits.running").gauge().value()).isZero();
        // Methods without a model take no slot and never wait.
        AtomicInteger asked = new AtomicInteger();
        a.fit(
                () -> {
                    asked.incrementAndGet();
                    return Optional.empty();
                },
                Runnable::run);
        assertThat(asked).hasValue(1);
        pool.shutdown();
    }

    private static Object await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }
}
