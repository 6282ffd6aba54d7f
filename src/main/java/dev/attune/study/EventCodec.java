package dev.attune.study;

import dev.attune.space.Values;
import dev.attune.study.StudyEvent.CheckpointsRemoved;
import dev.attune.study.StudyEvent.DefinitionChanged;
import dev.attune.study.StudyEvent.Reported;
import dev.attune.study.StudyEvent.RunningTrialsStopped;
import dev.attune.study.StudyEvent.StudyStatusChanged;
import dev.attune.study.StudyEvent.TrialAdded;
import dev.attune.study.StudyEvent.TrialCompleted;
import dev.attune.study.StudyEvent.TrialEvent;
import dev.attune.study.StudyEvent.TrialFailed;
import dev.attune.study.StudyEvent.TrialPauseRequested;
import dev.attune.study.StudyEvent.TrialReleased;
import dev.attune.study.StudyEvent.TrialResumeRequested;
import dev.attune.study.StudyEvent.TrialResumed;
import dev.attune.study.StudyEvent.TrialRun;
import dev.attune.study.StudyEvent.TrialSkipped;
import dev.attune.study.StudyEvent.TrialStale;
import dev.attune.study.StudyEvent.TrialStopRequested;
import dev.attune.trial.Decision;
import dev.attune.trial.TrialStatus;
import dev.attune.trial.Verdict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns typed events into the log's stored form (a type name, the trial id, and a JSON-shaped payload)
 * and back. The payloads are those every release has written, so a log written by an earlier release
 * replays unchanged; fields added since ({@code workerId}, {@code idempotencyKey}) are optional on reading.
 */
public final class EventCodec {
    private EventCodec() {}

    /** An event as the log stores it; {@code payload} holds only maps, lists, strings, numbers and booleans. */
    public record Stored(long seq, EventType type, Long trialId, Map<String, Object> payload) {}

    public static Stored encode(StudyEvent event) {
        Map<String, Object> p = new LinkedHashMap<>();
        EventType type =
                switch (event) {
                    case TrialAdded e -> {
                        p.put("config", e.config());
                        p.put("memo", e.memo());
                        p.put("status", e.status().name());
                        putIfPresent(p, "checkpointTrialId", e.checkpointTrialId());
                        putIfPresent(p, "retryOf", e.retryOf());
                        putIfPresent(p, "workerId", e.workerId());
                        putIfPresent(p, "idempotencyKey", e.idempotencyKey());
                        yield EventType.TRIAL_ADDED;
                    }
                    case TrialRun e -> {
                        putIfPresent(p, "workerId", e.workerId());
                        putIfPresent(p, "idempotencyKey", e.idempotencyKey());
                        yield EventType.TRIAL_RUN;
                    }
                    case TrialResumed e -> {
                        p.put("config", e.config());
                        putIfPresent(p, "workerId", e.workerId());
                        putIfPresent(p, "idempotencyKey", e.idempotencyKey());
                        yield EventType.TRIAL_RESUMED;
                    }
                    case Reported e -> {
                        p.put("metrics", e.metrics());
                        p.put("decision", e.verdict().decision().name());
                        p.put("reason", e.verdict().reason());
                        putIfPresent(p, "level", e.level());
                        putIfPresent(p, "step", e.step());
                        if (e.verdict().completes()) {
                            p.put("completes", true);
                        }
                        yield EventType.REPORT;
                    }
                    case TrialCompleted e -> {
                        if (!e.metrics().isEmpty()) {
                            p.put("metrics", e.metrics());
                        }
                        putIfPresent(p, "idempotencyKey", e.idempotencyKey());
                        yield EventType.TRIAL_COMPLETED;
                    }
                    case TrialFailed e -> {
                        putIfPresent(p, "reason", e.reason());
                        putIfPresent(p, "idempotencyKey", e.idempotencyKey());
                        yield EventType.TRIAL_FAILED;
                    }
                    case TrialSkipped e -> {
                        putIfPresent(p, "reason", e.reason());
                        yield EventType.TRIAL_SKIPPED;
                    }
                    case TrialStale e -> {
                        putIfPresent(p, "reason", e.reason());
                        yield EventType.TRIAL_STALE;
                    }
                    case TrialReleased e -> {
                        putIfPresent(p, "reason", e.reason());
                        yield EventType.TRIAL_RELEASED;
                    }
                    case CheckpointsRemoved e -> {
                        p.put("trialIds", e.trialIds());
                        yield EventType.CHECKPOINTS_REMOVED;
                    }
                    case StudyStatusChanged e -> {
                        p.put("status", e.status().name());
                        putIfPresent(p, "reason", e.reason());
                        yield EventType.STUDY_STATUS;
                    }
                    case RunningTrialsStopped e -> {
                        p.put("reason", e.reason());
                        yield EventType.RUNNING_TRIALS_STOPPED;
                    }
                    case TrialStopRequested e -> {
                        putIfPresent(p, "reason", e.reason());
                        yield EventType.TRIAL_STOP_REQUESTED;
                    }
                    case TrialPauseRequested e -> {
                        putIfPresent(p, "reason", e.reason());
                        yield EventType.TRIAL_PAUSE_REQUESTED;
                    }
                    case TrialResumeRequested e -> EventType.TRIAL_RESUME_REQUESTED;
                    case DefinitionChanged e -> {
                        p.put("settings", e.settings());
                        yield EventType.DEFINITION_CHANGED;
                    }
                };
        return new Stored(event.seq(), type, event instanceof TrialEvent t ? t.trialId() : null, p);
    }

    /** Reads a stored event; the payload is as the log's JSON reads back (numbers of any boxed type). */
    @SuppressWarnings("unchecked")
    public static StudyEvent decode(long seq, EventType type, Long trialId, Map<String, Object> p) {
        return switch (type) {
            case TRIAL_ADDED ->
                new TrialAdded(
                        seq,
                        trialId,
                        (Map<String, Object>) Values.canonical(p.get("config")),
                        (Map<String, Object>) Values.canonical(p.getOrDefault("memo", Map.of())),
                        TrialStatus.valueOf((String) p.get("status")),
                        longOrNull(p.get("checkpointTrialId")),
                        longOrNull(p.get("retryOf")),
                        (String) p.get("workerId"),
                        (String) p.get("idempotencyKey"));
            case TRIAL_RUN -> new TrialRun(seq, trialId, (String) p.get("workerId"), (String) p.get("idempotencyKey"));
            case TRIAL_RESUMED ->
                new TrialResumed(
                        seq,
                        trialId,
                        (Map<String, Object>) Values.canonical(p.get("config")),
                        (String) p.get("workerId"),
                        (String) p.get("idempotencyKey"));
            case REPORT ->
                new Reported(
                        seq,
                        trialId,
                        numbers(p.get("metrics")),
                        new Verdict(
                                Decision.valueOf((String) p.get("decision")),
                                (String) p.getOrDefault("reason", ""),
                                Boolean.TRUE.equals(p.get("completes"))),
                        longOrNull(p.get("level")),
                        longOrNull(p.get("step")));
            case TRIAL_COMPLETED ->
                new TrialCompleted(
                        seq, trialId, numbers(p.getOrDefault("metrics", Map.of())), (String) p.get("idempotencyKey"));
            case TRIAL_FAILED ->
                new TrialFailed(seq, trialId, (String) p.get("reason"), (String) p.get("idempotencyKey"));
            case TRIAL_SKIPPED -> new TrialSkipped(seq, trialId, (String) p.get("reason"));
            case TRIAL_STALE -> new TrialStale(seq, trialId, (String) p.get("reason"));
            case TRIAL_RELEASED -> new TrialReleased(seq, trialId, (String) p.get("reason"));
            case CHECKPOINTS_REMOVED ->
                new CheckpointsRemoved(
                        seq,
                        ((List<?>) p.get("trialIds"))
                                .stream().map(x -> ((Number) x).longValue()).toList());
            case STUDY_STATUS ->
                new StudyStatusChanged(seq, StudyStatus.valueOf((String) p.get("status")), (String) p.get("reason"));
            case RUNNING_TRIALS_STOPPED -> new RunningTrialsStopped(seq, (String) p.get("reason"));
            case TRIAL_STOP_REQUESTED -> new TrialStopRequested(seq, trialId, (String) p.get("reason"));
            case TRIAL_PAUSE_REQUESTED -> new TrialPauseRequested(seq, trialId, (String) p.get("reason"));
            case TRIAL_RESUME_REQUESTED -> new TrialResumeRequested(seq, trialId);
            case DEFINITION_CHANGED ->
                new DefinitionChanged(seq, (Map<String, Object>) Values.canonical(p.get("settings")));
        };
    }

    /** A metrics map as JSON reads back: names to numbers. */
    public static Map<String, Double> numbers(Object json) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        ((Map<?, ?>) json).forEach((k, v) -> metrics.put(String.valueOf(k), ((Number) v).doubleValue()));
        return metrics;
    }

    private static Long longOrNull(Object value) {
        return value instanceof Number n ? n.longValue() : null;
    }

    private static void putIfPresent(Map<String, Object> payload, String key, Object value) {
        if (value != null) {
            payload.put(key, value);
        }
    }
}
