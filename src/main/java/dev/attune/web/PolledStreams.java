package dev.attune.web;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Server-Sent Event streams fed by polling the database: one virtual thread per open stream asks its
 * {@link Poll} every {@code pollMs} (at once again when it says there is more), and the stream ends when
 * the poll says so, after {@code maxSeconds} (the browser then reconnects), when the client goes away, or
 * when the server stops. Polling the database rather than listening in memory makes a stream show what any
 * replica wrote.
 */
abstract class PolledStreams implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(PolledStreams.class);

    /** What a poll found: more to send at once, nothing new for now, or the end of the stream. */
    enum Next {
        MORE,
        WAIT,
        END
    }

    /** One stream's poll, holding where the stream is. */
    @FunctionalInterface
    interface Poll {
        Next send(SseEmitter emitter) throws IOException;
    }

    private final long pollMs;
    private final long maxSeconds;
    private final Set<SseEmitter> open = ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    PolledStreams(long pollMs, long maxSeconds) {
        this.pollMs = pollMs;
        this.maxSeconds = maxSeconds;
    }

    /** Opens a stream fed by {@code poll} on a virtual thread named {@code name}. */
    SseEmitter open(String name, Poll poll) {
        SseEmitter emitter = new SseEmitter(Duration.ofSeconds(maxSeconds + 30).toMillis());
        open.add(emitter);
        emitter.onCompletion(() -> open.remove(emitter));
        Thread.ofVirtual().name(name).start(() -> pump(name, poll, emitter));
        return emitter;
    }

    private void pump(String name, Poll poll, SseEmitter emitter) {
        long deadline = System.nanoTime() + Duration.ofSeconds(maxSeconds).toNanos();
        try {
            while (running && System.nanoTime() < deadline) {
                Next next = poll.send(emitter);
                if (next == Next.END) {
                    break;
                }
                if (next == Next.WAIT) {
                    Thread.sleep(pollMs);
                }
            }
            emitter.complete();
        } catch (IOException | IllegalStateException e) {
            // The client went away (or the emitter timed out): nothing to tell anyone.
            emitter.completeWithError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            emitter.complete();
        } catch (RuntimeException e) {
            // The study or trial was deleted, or the database is gone: end the stream, the browser retries.
            log.debug("stream {} ended: {}", name, e.toString());
            emitter.completeWithError(e);
        }
    }

    /**
     * Open streams would hold a graceful shutdown for its whole timeout; they end first (this phase stops
     * before the web server's), and browsers reconnect to another replica or to the restarted server.
     */
    @Override
    public void stop() {
        running = false;
        open.forEach(SseEmitter::complete);
        open.clear();
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
