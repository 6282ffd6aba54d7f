package dev.attune.web;

import dev.attune.service.FeedbackService;
import dev.attune.study.Views;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Service;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * A running trial's output as Server-Sent Events: an event {@code logs} with {@code {stdout, stderr,
 * status}} (the tails its worker uploaded) whenever they change, until the trial stops running (one last
 * event, then the stream ends) or after {@code attune.stream.max-seconds}. Polled from the trial's row,
 * so it works whichever replica the worker talks to.
 */
@Service
public class LogStream implements SmartLifecycle {
    private final FeedbackService feedback;
    private final long pollMs;
    private final long maxSeconds;
    private final Set<SseEmitter> open = ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    public LogStream(
            FeedbackService feedback,
            @Value("${attune.stream.poll-ms:400}") long pollMs,
            @Value("${attune.stream.max-seconds:300}") long maxSeconds) {
        this.feedback = feedback;
        this.pollMs = pollMs;
        this.maxSeconds = maxSeconds;
    }

    /** Checks the trial exists (404 otherwise) before the stream opens. */
    public SseEmitter open(String studyId, long trialId) {
        feedback.logs(studyId, trialId);
        SseEmitter emitter = new SseEmitter(Duration.ofSeconds(maxSeconds + 30).toMillis());
        open.add(emitter);
        emitter.onCompletion(() -> open.remove(emitter));
        Thread.ofVirtual().name("logs-" + studyId + "-" + trialId).start(() -> pump(studyId, trialId, emitter));
        return emitter;
    }

    private void pump(String studyId, long trialId, SseEmitter emitter) {
        long deadline = System.nanoTime() + Duration.ofSeconds(maxSeconds).toNanos();
        Views.Logs last = null;
        try {
            while (running && System.nanoTime() < deadline) {
                String status = feedback.trialStatus(studyId, trialId);
                Views.Logs logs = feedback.logs(studyId, trialId);
                boolean ended = !status.equals("RUNNING");
                if (!logs.equals(last) || ended) {
                    emitter.send(SseEmitter.event()
                            .name("logs")
                            .data(
                                    Map.of("stdout", logs.stdout(), "stderr", logs.stderr(), "status", status),
                                    MediaType.APPLICATION_JSON));
                    last = logs;
                }
                if (ended) {
                    break;
                }
                Thread.sleep(pollMs);
            }
            emitter.complete();
        } catch (IOException | IllegalStateException e) {
            emitter.completeWithError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            emitter.complete();
        } catch (RuntimeException e) {
            emitter.completeWithError(e);
        }
    }

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
