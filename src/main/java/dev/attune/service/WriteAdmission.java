package dev.attune.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The server-wide bound on queued work: writes admitted and not yet answered (waiting for their study's
 * lock, for a model fit, or running), across all studies. Beyond {@code attune.max-queued-writes} a write
 * is refused at once with {@link OverloadedException} (429 with {@code Retry-After}) before it queues or
 * changes anything, so that overload shows as refusals rather than as growing latency and a pile of parked
 * threads.
 *
 * <p>Model fits that run outside a study's lock (ADR 0003) are CPU- and memory-heavy, so at most
 * {@code attune.max-concurrent-fits} run at once; an ask waiting for its turn counts as queued work, and one
 * that waits longer than {@code attune.fit-wait-ms} is refused with 429 as well.
 *
 * <p>Both bounds default to sizes derived from the machine: {@code max-queued-writes} 0 means
 * {@value #WRITES_PER_CONNECTION} per database connection (two full batches of writes for each connection,
 * so every connection has a batch running and one waiting; 2,048 with the default pool of 16), and
 * {@code max-concurrent-fits} 0 means one per available processor.
 */
@Component
public class WriteAdmission {
    /** Queued writes allowed per connection of the pool when {@code attune.max-queued-writes} is 0. */
    static final int WRITES_PER_CONNECTION = 128;

    private final AtomicInteger queued = new AtomicInteger();
    private final int maxQueued;
    private final Semaphore fits;
    private final int maxFits;
    private final long fitWaitMs;
    private final Counter refusedQueue;
    private final Counter refusedFits;

    public WriteAdmission(
            MeterRegistry meters,
            @Value("${attune.max-queued-writes:0}") int maxQueued,
            @Value("${spring.datasource.hikari.maximum-pool-size:10}") int poolSize,
            @Value("${attune.max-concurrent-fits:0}") int maxFits,
            @Value("${attune.fit-wait-ms:10000}") long fitWaitMs) {
        if (maxQueued < 0) {
            throw new IllegalArgumentException("attune.max-queued-writes must be >= 0 (0: derived from the pool size)");
        }
        if (maxFits < 0) {
            throw new IllegalArgumentException("attune.max-concurrent-fits must be >= 0 (0: one per processor)");
        }
        if (fitWaitMs < 0) {
            throw new IllegalArgumentException("attune.fit-wait-ms must be >= 0");
        }
        this.maxQueued = maxQueued > 0 ? maxQueued : Math.max(1, poolSize) * WRITES_PER_CONNECTION;
        this.maxFits = maxFits > 0 ? maxFits : Runtime.getRuntime().availableProcessors();
        this.fits = new Semaphore(this.maxFits, true);
        this.fitWaitMs = fitWaitMs;
        Gauge.builder("attune.writes.queued", queued, AtomicInteger::get)
                .description("writes admitted and not yet answered, over all studies (bound: attune.max-queued-writes)")
                .register(meters);
        Gauge.builder("attune.model.fits.running", fits, s -> this.maxFits - s.availablePermits())
                .description("model fits running outside a study's lock (bound: attune.max-concurrent-fits)")
                .register(meters);
        this.refusedQueue = Counter.builder("attune.writes.refused")
                .tag("bound", "server")
                .description("writes refused with 429 because the server had attune.max-queued-writes waiting")
                .register(meters);
        this.refusedFits = Counter.builder("attune.writes.refused")
                .tag("bound", "fits")
                .description("asks refused with 429 because no model fit could start within attune.fit-wait-ms")
                .register(meters);
    }

    /** Runs a write if the server has room for it, counting it as queued until it returns; else refuses it. */
    public <T> T admit(Supplier<T> write) {
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            refusedQueue.increment();
            throw new OverloadedException("the server has " + maxQueued + " writes waiting; retry after Retry-After");
        }
        try {
            return write.get();
        } finally {
            queued.decrementAndGet();
        }
    }

    /**
     * Runs the model fit {@code pending} offers (if any) once one of the fit slots is free, as queued work.
     * {@code pending} is asked again after the wait, since a fit for the same study that ran meanwhile may
     * have made this one unnecessary. Methods without a model take no slot.
     */
    public void fit(Supplier<Optional<Runnable>> pending, Consumer<Runnable> run) {
        if (pending.get().isEmpty()) {
            return;
        }
        admit(() -> {
            boolean got;
            try {
                got = fits.tryAcquire(fitWaitMs, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OverloadedException("interrupted while waiting for a model fit slot");
            }
            if (!got) {
                refusedFits.increment();
                throw new OverloadedException("all " + maxFits + " model fit slots stayed busy for " + fitWaitMs
                        + " ms; retry after Retry-After");
            }
            try {
                pending.get().ifPresent(run);
            } finally {
                fits.release();
            }
            return null;
        });
    }

    /** Writes admitted and not yet answered. */
    public int queued() {
        return queued.get();
    }

    public int maxQueued() {
        return maxQueued;
    }

    public int maxFits() {
        return maxFits;
    }
}
