package dev.attune.service;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A moving estimate of the server's time per write: how long, at the concurrency it has now, the server
 * takes to answer one more write. Multiplied by the writes queued ahead of a new one it estimates that
 * write's wait ({@link WriteAdmission}). Callers report each write's entry and answer.
 *
 * <p>Implementation note: the time a write takes on its own is not the number wanted. Writes to one study
 * share a transaction and a commit (flat combining, ADR 0002), so a batch of 40 costs little more than a
 * batch of one; and batches of different studies run at once on the pool's connections. Rather than model
 * batch sizes and connections, the estimate is the inverse of the server's throughput while it had work:
 * over windows of at least {@value #WINDOW_MS} ms, the time during which at least one write was in the
 * server (busy time) divided by the writes it answered. That is the time per write whatever the batching
 * and parallelism were at that load (Little's law: writes in the server ÷ throughput = the wait), and idle
 * time does not dilute it. A window closes at its first answer after {@value #WINDOW_MS} ms, so a slow
 * server still yields samples. The estimate is an exponentially weighted mean of the windows' samples
 * with weight {@value #WEIGHT} each: under load it follows a change within about half a second and one
 * odd window moves it by a quarter of its deviation. Before the first window closes it is 0.
 *
 * <p>Thread-safe: the counts change under the instance's monitor, a few arithmetic operations per call.
 */
final class WriteServiceTime {
    /** The shortest window over which busy time and answers are summed into one sample. */
    static final long WINDOW_MS = 100;

    /** The weight of one window's sample in the moving mean. */
    static final double WEIGHT = 0.25;

    private static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(WINDOW_MS);

    /** How long the server must have been empty for the estimate to start afresh. */
    static final long IDLE_RESET_MS = 1000;

    private static final long IDLE_RESET_NANOS = TimeUnit.MILLISECONDS.toNanos(IDLE_RESET_MS);

    private final LongSupplier nanoTime;
    private int inServer;
    private long last;
    private long windowStart;
    private long busyNanos;
    private long answers;
    private volatile double perWrite = Double.NaN;

    WriteServiceTime(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.last = nanoTime.getAsLong();
        this.windowStart = last;
    }

    /** Writes in the server now: admitted and not yet answered. */
    synchronized int inServer() {
        return inServer;
    }

    /**
     * A write admitted. After a pause of {@value #IDLE_RESET_MS} ms with nothing in the server the estimate
     * starts afresh: it described the last busy period, and one slow write before the pause (a long
     * suggestion, an administrative write) must not refuse the next burst.
     */
    synchronized void entered() {
        long before = last;
        long now = tick();
        if (inServer == 0 && now - before >= IDLE_RESET_NANOS) {
            perWrite = Double.NaN;
            busyNanos = 0;
            answers = 0;
            windowStart = now;
        }
        inServer++;
    }

    /** A write that left without being served (refused by its study's bound): no answer to count. */
    synchronized void refused() {
        tick();
        inServer--;
    }

    /** A write answered (or failed: it took the server's time all the same). */
    synchronized void answered() {
        long now = tick();
        inServer--;
        answers++;
        if (now - windowStart >= WINDOW_NANOS) {
            double sample = (double) busyNanos / answers;
            double s = perWrite;
            perWrite = Double.isNaN(s) ? sample : s + WEIGHT * (sample - s);
            busyNanos = 0;
            answers = 0;
            windowStart = now;
        }
    }

    private long tick() {
        long now = nanoTime.getAsLong();
        if (inServer > 0) {
            busyNanos += now - last;
        }
        last = now;
        return now;
    }

    /** The estimated time per write, in nanoseconds; 0 before the first window closed. */
    double nanosPerWrite() {
        double s = perWrite;
        return Double.isNaN(s) ? 0 : s;
    }
}
