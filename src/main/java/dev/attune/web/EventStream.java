package dev.attune.web;

import dev.attune.service.StudyService;
import dev.attune.study.Views;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Service;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Pushes a study's events as Server-Sent Events from a sequence number on: each event is sent once,
 * with its {@code seq} as the SSE id, so a browser's automatic reconnect (which sends
 * {@code Last-Event-ID}) resumes exactly where it stopped.
 *
 * <p>Implementation note: the stream polls the event log (an indexed range read, empty most of the time)
 * every {@code attune.stream.poll-ms} ({@link PolledStreams}); the log is the only source, so this works
 * the same whichever replica wrote the events. A comment line every 15 s keeps proxies from closing an
 * idle stream, and a stream ends after {@code attune.stream.max-seconds}, when the browser reconnects.
 */
@Service
public class EventStream extends PolledStreams {
    private static final int BATCH = 500;
    private static final long KEEP_ALIVE_NANOS = Duration.ofSeconds(15).toNanos();
    private final StudyService studies;

    public EventStream(
            StudyService studies,
            @Value("${attune.stream.poll-ms:400}") long pollMs,
            @Value("${attune.stream.max-seconds:300}") long maxSeconds) {
        super(pollMs, maxSeconds);
        this.studies = studies;
    }

    /** Checks the study exists (404 otherwise) before the stream opens. */
    public SseEmitter open(String studyId, long afterSeq) {
        studies.events(studyId, afterSeq, 1);
        return open("sse-" + studyId, new Events(studyId, afterSeq));
    }

    /** A study's events after {@code seq}, in batches, with a comment line when nothing was sent for 15 s. */
    private final class Events implements Poll {
        private final String studyId;
        private long seq;
        private long lastSent = -1;

        Events(String studyId, long afterSeq) {
            this.studyId = studyId;
            this.seq = afterSeq;
        }

        @Override
        public Next send(SseEmitter emitter) throws IOException {
            if (lastSent < 0) {
                emitter.send(SseEmitter.event().comment("attune events after " + seq));
                lastSent = System.nanoTime();
            }
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
            if (events.size() == BATCH) {
                return Next.MORE;
            }
            if (System.nanoTime() - lastSent > KEEP_ALIVE_NANOS) {
                emitter.send(SseEmitter.event().comment("keep-alive"));
                lastSent = System.nanoTime();
            }
            return Next.WAIT;
        }
    }
}
