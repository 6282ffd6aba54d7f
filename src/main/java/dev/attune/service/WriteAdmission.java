package dev.attune.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The server-wide bounds on queued work: writes admitted and not yet answered (waiting for their study's
 * lock, for a model fit, or running), across all studies. A write is refused at once with {@link
 * OverloadedException} (429 with {@code Retry-After}) before it queues or changes anything, so that overload
 * shows as refusals rather than as growing latency and a pile of parked threads, when either
 *
 * <ul>
 *   <li>its estimated wait exceeds {@code attune.write-queue-target-ms}: the writes queued ahead of it
 *       times the server's moving time per write ({@link WriteServiceTime}, which folds in the batching of
 *       writes per study and the parallel connections). Never while fewer writes are ahead than the pool
 *       has connections, so that light load is not refused on the strength of one slow write; or
 *   <li>{@code attune.max-queued-writes} are queued (the memory cap, whatever the estimate).
 * </ul>
 *
 * <p>Model fits that run outside a study's lock (ADR 0003) are CPU- and memory-heavy, so at most
 * {@code attune.max-concurrent-fits} run at once; an ask waiting for its turn counts as queued work, and one
 * that waits longer than {@code attune.fit-wait-ms} is refused with 429 as well. Fits count against the
 * cap and are refused when the write queue is over its target (the ask's write would be), but they are
 * not samples of the time per write.
 *
 * <p>{@code Retry-After} is the estimated time for the queue that refused the write to drain to where it
 * would have been admitted, in whole seconds from 1 to {@value #MAX_RETRY_AFTER_SECONDS}.
 *
 * <p>Defaults: {@code max-queued-writes} 0 means {@value #WRITES_PER_CONNECTION} per database connection
 * (2,048 with the default pool of 16), and {@code max-concurrent-fits} 0 means one per available processor.
 */
@Component
public class WriteAdmission {
    /** Queued writes allowed per connection of the pool when {@code attune.max-queued-writes} is 0. */
    static final int WRITES_PER_CONNECTION = 128;

    /** The longest {@code Retry-After} given: past it the estimate says little, and clients should look again. */
    static final long MAX_RETRY_AFTER_SECONDS = 30;

    /** The weight of one fit in the moving mean of fit durations. */
    private static final double FIT_WEIGHT = 1.0 / 8;

    private final AtomicInteger queued = new AtomicInteger();
    private final int maxQueued;
    private final long targetNanos;
    private final int floor;
    private final WriteServiceTime serviceTime;
    private final LongSupplier nanoTime;
    private final Semaphore fits;
    private final int maxFits;
    private final long fitWaitMs;
    private final AtomicLong fitNanosBits = new AtomicLong(Double.doubleToRawLongBits(0));
    private final Counter refusedQueue;
    private final Counter refusedTarget;
    private final Counter refusedStudy;
    private final Counter refusedFits;

    @Autowired
    public WriteAdmission(
            MeterRegistry meters,
            @Value("${attune.max-queued-writes:0}") int maxQueued,
            @Value("${attune.write-queue-target-ms:500}") long targetMs,
            @Value("${spring.datasource.hikari.maximum-pool-size:10}") int poolSize,
            @Value("${attune.max-concurrent-fits:0}") int maxFits,
            @Value("${attune.fit-wait-ms:10000}") long fitWaitMs) {
        this(meters, maxQueued, targetMs, poolSize, maxFits, fitWaitMs, System::nanoTime);
    }

    /** With the clock the estimates read, for tests. */
    WriteAdmission(
            MeterRegistry meters,
            int maxQueued,
            long targetMs,
            int poolSize,
            int maxFits,
            long fitWaitMs,
            LongSupplier nanoTime) {
        if (maxQueued < 0) {
            throw new IllegalArgumentException("attune.max-queued-writes must be >= 0 (0: derived from the pool size)");
        }
        if (targetMs < 0) {
            throw new IllegalArgumentException("attune.write-queue-target-ms must be >= 0 (0: no latency target)");
        }
        if (maxFits < 0) {
            throw new IllegalArgumentException("attune.max-concurrent-fits must be >= 0 (0: one per processor)");
        }
        if (fitWaitMs < 0) {
            throw new IllegalArgumentException("attune.fit-wait-ms must be >= 0");
        }
        this.maxQueued = maxQueued > 0 ? maxQueued : Math.max(1, poolSize) * WRITES_PER_CONNECTION;
        this.targetNanos = TimeUnit.MILLISECONDS.toNanos(targetMs);
        this.floor = Math.max(1, poolSize);
        this.nanoTime = nanoTime;
        this.serviceTime = new WriteServiceTime(nanoTime);
        this.maxFits = maxFits > 0 ? maxFits : Runtime.getRuntime().availableProcessors();
        this.fits = new Semaphore(this.maxFits, true);
        this.fitWaitMs = fitWaitMs;
        Gauge.builder("attune.writes.queued", queued, AtomicInteger::get)
                .description("writes admitted and not yet answered, over all studies (bound: attune.max-queued-writes)")
                .register(meters);
        TimeGauge.builder(
                        "attune.writes.wait.estimate",
                        this,
                        TimeUnit.NANOSECONDS,
                        a -> a.serviceTime.inServer() * a.serviceTime.nanosPerWrite())
                .description("estimated wait of a write admitted now (target: attune.write-queue-target-ms)")
                .register(meters);
        Gauge.builder("attune.model.fits.running", fits, s -> this.maxFits - s.availablePermits())
                .description("model fits running outside a study's lock (bound: attune.max-concurrent-fits)")
                .register(meters);
        this.refusedQueue = refusals(meters, "server", "the server had attune.max-queued-writes waiting");
        this.refusedTarget =
                refusals(meters, "target", "the write's estimated wait exceeded attune.write-queue-target-ms");
        this.refusedStudy =
                refusals(meters, "study", "its study had attune.max-queued-writes-per-study writes waiting");
        this.refusedFits = refusals(meters, "fits", "no model fit could start within attune.fit-wait-ms");
    }

    private static Counter refusals(MeterRegistry meters, String bound, String why) {
        return Counter.builder("attune.writes.refused")
                .tag("bound", bound)
                .description("writes refused with 429 because " + why)
                .register(meters);
    }

    /** Runs a write if the server has room for it, counting it as queued until it returns; else refuses it. */
    public <T> T admit(Supplier<T> write) {
        enter();
        try {
            checkTarget(serviceTime.inServer());
        } catch (OverloadedException e) {
            queued.decrementAndGet();
            throw e;
        }
        serviceTime.entered();
        boolean served = false;
        try {
            T answer = write.get();
            served = true;
            return answer;
        } catch (OverloadedException e) {
            // Refused by its study's bound before it queued: not an answer the time per write may count.
            serviceTime.refused();
            throw e;
        } catch (RuntimeException | Error e) {
            served = true; // failed, but it took the server's time all the same
            throw e;
        } finally {
            if (served) {
                serviceTime.answered();
            }
            queued.decrementAndGet();
        }
    }

    /** Counts a write or a fit as queued unless the cap is reached. */
    private void enter() {
        int n = queued.incrementAndGet();
        if (n > maxQueued) {
            queued.decrementAndGet();
            refusedQueue.increment();
            throw new OverloadedException(
                    "the server has " + maxQueued + " writes waiting; retry after Retry-After",
                    retryAfterSeconds((n - maxQueued) * serviceTime.nanosPerWrite()));
        }
    }

    private void checkTarget(int ahead) {
        if (targetNanos == 0 || ahead < floor) {
            return;
        }
        double perWrite = serviceTime.nanosPerWrite();
        double wait = ahead * perWrite;
        if (wait > targetNanos) {
            refusedTarget.increment();
            throw new OverloadedException(
                    String.format(
                            java.util.Locale.ROOT,
                            "the %d writes queued on the server would take about %d ms, over the target of %d ms;"
                                    + " retry after Retry-After",
                            ahead,
                            Math.round(wait / 1e6),
                            TimeUnit.NANOSECONDS.toMillis(targetNanos)),
                    retryAfterSeconds((ahead + 1) * perWrite - targetNanos));
        }
    }

    /**
     * The refusal of a write to a study that has {@code waiting} writes queued, its bound: it retries once
     * they are served, at the server's time per write.
     */
    OverloadedException studyFull(String studyId, int waiting) {
        refusedStudy.increment();
        return new OverloadedException(
                "study " + studyId + " has " + waiting + " writes waiting; retry after Retry-After",
                retryAfterSeconds(waiting * serviceTime.nanosPerWrite()));
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
        enter();
        try {
            checkTarget(serviceTime.inServer());
            boolean got;
            try {
                got = fits.tryAcquire(fitWaitMs, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OverloadedException("interrupted while waiting for a model fit slot", 1);
            }
            if (!got) {
                refusedFits.increment();
                // The asks waiting for a slot, this one's turn among them, at the fits' mean duration.
                double rounds = (double) (fits.getQueueLength() + 1) / maxFits;
                throw new OverloadedException(
                        "all " + maxFits + " model fit slots stayed busy for " + fitWaitMs
                                + " ms; retry after Retry-After",
                        retryAfterSeconds(rounds * fitNanos()));
            }
            long started = nanoTime.getAsLong();
            try {
                pending.get().ifPresent(run);
            } finally {
                fits.release();
                double took = nanoTime.getAsLong() - started;
                fitNanosBits.updateAndGet(bits -> {
                    double m = Double.longBitsToDouble(bits);
                    return Double.doubleToRawLongBits(m == 0 ? took : m + FIT_WEIGHT * (took - m));
                });
            }
        } finally {
            queued.decrementAndGet();
        }
    }

    /** Whole seconds for {@code Retry-After}: the estimate rounded up, at least 1, at most the cap. */
    static long retryAfterSeconds(double nanos) {
        if (!(nanos > 0)) { // 0, negative or NaN: come back soon
            return 1;
        }
        double seconds = Math.ceil(nanos / 1e9);
        return (long) Math.clamp(seconds, 1, MAX_RETRY_AFTER_SECONDS);
    }

    /** Writes admitted and not yet answered, fits waiting or running included. */
    public int queued() {
        return queued.get();
    }

    public int maxQueued() {
        return maxQueued;
    }

    public int maxFits() {
        return maxFits;
    }

    /** The estimated time per write, in nanoseconds (see {@link WriteServiceTime}). */
    double nanosPerWrite() {
        return serviceTime.nanosPerWrite();
    }

    /** The mean duration of a model fit, in nanoseconds; 0 before the first. */
    double fitNanos() {
        return Double.longBitsToDouble(fitNanosBits.get());
    }
}
