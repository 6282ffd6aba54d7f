package dev.attune.study;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the study service answers with: read-only snapshots, free of persistence types. */
public final class Views {
    private Views() {}

    public record Study(
            String id,
            String name,
            String project,
            String status,
            String statusReason,
            String method,
            long seed,
            Map<String, Object> definition,
            Map<String, Long> trialCounts,
            long trialsResumedWithoutCheckpoint,
            Instant createdAt,
            Instant updatedAt) {}

    public record Trial(
            long id,
            String status,
            Map<String, Object> config,
            Map<String, Object> metrics,
            boolean resumed,
            Long checkpointTrialId,
            String workerId,
            String statusReason,
            Instant createdAt,
            Instant updatedAt,
            Long retryOf,
            Map<String, Object> metadata,
            List<Object> links,
            boolean resumedWithoutCheckpoint,
            List<Report> reports) {}

    public record Logs(String stdout, String stderr) {}

    public record Report(Map<String, Object> metrics, Long step, String decision, String reason, Instant receivedAt) {}

    /**
     * An ask's answer: {@code RUN} with a trial, {@code WAIT} with a delay, or {@code DONE}; {@code replayed}
     * when it is the answer an earlier ask with the same {@code Idempotency-Key} got.
     */
    public record Ask(String status, Trial trial, Long retryAfterMs, String reason, boolean replayed) {
        public Ask(String status, Trial trial, Long retryAfterMs, String reason) {
            this(status, trial, retryAfterMs, reason, false);
        }
    }

    /**
     * A batch ask's answer: {@code RUN} with the trials handed out (and, when fewer than asked for, why),
     * or {@code WAIT} / {@code DONE} with none; {@code replayed} as for {@link Ask}.
     */
    public record BatchAsk(String status, List<Trial> trials, Long retryAfterMs, String reason, boolean replayed) {
        public BatchAsk(String status, List<Trial> trials, Long retryAfterMs, String reason) {
            this(status, trials, retryAfterMs, reason, false);
        }
    }

    /** A report's answer, or a heartbeat's. */
    public record Decision(String decision, String reason) {}

    public record Page<T>(List<T> items, String nextPageToken) {}

    public record Method(
            String name, String description, boolean multiFidelity, boolean multiObjective, List<Option> options) {}

    public record Option(
            String name,
            String type,
            Object defaultValue,
            Double min,
            Double max,
            List<String> allowed,
            String description) {}

    public record Event(
            long seq, String type, Long trialId, Map<String, Object> payload, Instant createdAt, String actor) {}
}
