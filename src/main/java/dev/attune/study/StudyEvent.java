package dev.attune.study;

import dev.attune.trial.TrialStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/** One entry of a study's event log, numbered from 1 without gaps. */
public record StudyEvent(long seq, EventType type, Long trialId, Map<String, Object> payload) {

    /** A trial joins the study with this config; {@code memo} is its suggestion's, {@code source} a PBT checkpoint or null. */
    public static StudyEvent trialAdded(
            long seq,
            long trialId,
            Map<String, Object> config,
            Map<String, Object> memo,
            TrialStatus status,
            Long source) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("config", config);
        payload.put("memo", memo);
        payload.put("status", status.name());
        if (source != null) {
            payload.put("checkpointTrialId", source);
        }
        return new StudyEvent(seq, EventType.TRIAL_ADDED, trialId, payload);
    }

    /** A new pending trial that retries a failed or stale one with the same config. */
    public static StudyEvent retry(long seq, long trialId, Map<String, Object> config, long retryOf) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("config", config);
        payload.put("memo", Map.of());
        payload.put("status", TrialStatus.PENDING.name());
        payload.put("retryOf", retryOf);
        return new StudyEvent(seq, EventType.TRIAL_ADDED, trialId, payload);
    }

    /** A paused trial is handed out again with this config. */
    public static StudyEvent trialResumed(long seq, long trialId, Map<String, Object> config) {
        return new StudyEvent(seq, EventType.TRIAL_RESUMED, trialId, Map.of("config", config));
    }
}
