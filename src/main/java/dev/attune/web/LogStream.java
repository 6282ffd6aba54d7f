package dev.attune.web;

import dev.attune.service.FeedbackService;
import dev.attune.study.Views;
import java.io.IOException;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
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
public class LogStream extends PolledStreams {
    private final FeedbackService feedback;

    public LogStream(
            FeedbackService feedback,
            @Value("${attune.stream.poll-ms:400}") long pollMs,
            @Value("${attune.stream.max-seconds:300}") long maxSeconds) {
        super(pollMs, maxSeconds);
        this.feedback = feedback;
    }

    /** Checks the trial exists (404 otherwise) before the stream opens. */
    public SseEmitter open(String studyId, long trialId) {
        feedback.logs(studyId, trialId);
        return open("logs-" + studyId + "-" + trialId, new Tails(studyId, trialId));
    }

    /** A trial's log tails, sent when they change and once more when the trial stops running. */
    private final class Tails implements Poll {
        private final String studyId;
        private final long trialId;
        private Views.Logs last;

        Tails(String studyId, long trialId) {
            this.studyId = studyId;
            this.trialId = trialId;
        }

        @Override
        public Next send(SseEmitter emitter) throws IOException {
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
            return ended ? Next.END : Next.WAIT;
        }
    }
}
