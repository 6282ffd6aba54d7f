package dev.attune.web;

import dev.attune.service.StudyService;
import dev.attune.study.Views;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Service;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Pushes a study's events as Server-Sent Events from a sequence number on: each event is sent once,
 * with its {@code seq} as the SSE id, so a browser's automatic reconnect (which sends
 * {@code Last-Event-ID}) resumes exactly where it stopped.
 *
 * <p>Implementation note: one virtual thread per open stream polls the event log (an indexed range read,
 * empty most of the time) every {@code attune.stream.poll-ms}; the log is the only source, so this works
 * the same whichever replica wrote the events. A comment line every 15 s keeps proxies from closing an
 * idle stream, and a stream ends after {@code attune.stream.max-seconds}, when the browser reconnects.
 */
@Service
public class EventStream implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(EventStream.class);
    private static final int BATCH = 500;
    private final StudyService studies;
    private final long pollMs;
    private final long maxSeconds;
    private final Set<SseEmitter> open = ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    public EventStream(
            StudyService studies,
            @Value("${attune.stream.poll-ms:400}") long pollMs,
            @Value("${attune.stream.max-seconds:300}") long maxSeconds) {
        this.studies = studies;
        this.pollMs = pollMs;
        this.maxSeconds = maxSeconds;
    }

    /** Checks the study exists (404 otherwise) before the stream opens. */
    public SseEmitter open(String studyId, long afterSeq) {
        studies.events(studyId, afterSeq, 1);
        SseEmitter emitter = new SseEmitter(Duration.ofSeconds(maxSeconds + 30).toMillis());
        open.add(emitter);
        emitter.onCompletion(() -> open.remove(emitter));
        Thread.ofVirtual().name("sse-" + studyId).start(() -> pump(studyId, afterSeq, emitter));
        return emitter;
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

    private void pump(String studyId, long afterSeq, SseEmitter emitter) {
        long seq = afterSeq;
        long deadline = System.nanoTime() + Duration.ofSeconds(maxSeconds).toNanos();
        long lastSent = System.nanoTime();
        try {
            emitter.send(SseEmitter.event().comment("attune events after " + afterSeq));
            while (running && System.nanoTime() < deadline) {
                List<Views.Event> events = studies.events(studyId, seq, BATCH);
                for (Views.Event e : events) {
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("seq", e.seq());
                    data.put("type", e.type());
                    data.put("trialId", e.trialId());
                    data.put("payload", e.payload());
                    data.put("createdAt", e.createdAt().toString());
                    emitter.send(SseEmitter.event()
                            .id(Long.toString(e.seq()))
                            .name("event")
                            .data(data, MediaType.APPLICATION_JSON));
                    seq = e.seq();
                    lastSent = System.nanoTime();
                }
                if (events.size() < BATCH) {
                    if (System.nanoTime() - lastSent > Duration.ofSeconds(15).toNanos()) {
                        emitter.send(SseEmitter.event().comment("keep-alive"));
                        lastSent = System.nanoTime();
                    }
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
            // The study was deleted, or the database is gone: end the stream, the browser will retry.
            log.debug("event stream of study {} ended: {}", studyId, e.toString());
            emitter.completeWithError(e);
        }
    }
}
