package dev.attune.study;

import dev.attune.space.InvalidInputException;
import dev.attune.study.StudyEvent.CheckpointsRemoved;
import dev.attune.study.StudyEvent.Reported;
import dev.attune.study.StudyEvent.StudyStatusChanged;
import dev.attune.study.StudyEvent.TrialAdded;
import dev.attune.study.StudyEvent.TrialCompleted;
import dev.attune.study.StudyEvent.TrialFailed;
import dev.attune.study.StudyEvent.TrialReleased;
import dev.attune.study.StudyEvent.TrialResumed;
import dev.attune.study.StudyEvent.TrialRun;
import dev.attune.study.StudyEvent.TrialSkipped;
import dev.attune.study.StudyEvent.TrialStale;
import dev.attune.trial.TrialStatus;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Replays a log brought from another server (an export) into a new study, one stored event at a time,
 * refusing any event the study could not have recorded in the state the earlier ones left it in: numbers
 * out of order, a trial that does not exist or is in the wrong status, a config outside the space. What
 * passes is folded in exactly as a replica folds its own log, so the new study continues as the original
 * would have. A refusal names the event ({@code events[i]}) and the field.
 */
public final class LogImport {
    private final Study study;

    public LogImport(Study study) {
        this.study = study;
    }

    public Study study() {
        return study;
    }

    /**
     * Reads, checks and folds in the next event of the log; {@code path} names it in errors.
     *
     * @throws InvalidInputException when the event is malformed or not one the study could have recorded
     */
    public StudyEvent accept(long seq, String type, Long trialId, Map<String, Object> payload, String path) {
        if (seq != study.seq() + 1) {
            throw InvalidInputException.of(
                    path + ".seq",
                    "must be " + (study.seq() + 1) + " (events numbered from 1 without gaps), got " + seq);
        }
        StudyEvent event = decode(seq, type, trialId, payload, path);
        check(event, path);
        try {
            study.apply(event);
        } catch (RuntimeException e) {
            // The study is abandoned with the whole import; nothing of it is stored.
            throw InvalidInputException.of(path, "cannot be replayed: " + e.getMessage());
        }
        return event;
    }

    private static StudyEvent decode(long seq, String type, Long trialId, Map<String, Object> payload, String path) {
        EventType eventType;
        try {
            eventType = EventType.valueOf(type == null ? "" : type.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw InvalidInputException.of(
                    path + ".type", "is not an event type; known: " + java.util.List.of(EventType.values()));
        }
        try {
            StudyEvent event = EventCodec.decode(seq, eventType, trialId, payload);
            if (event instanceof StudyEvent.TrialEvent t && trialId == null) {
                throw new IllegalArgumentException("trialId is required for " + eventType);
            }
            return event;
        } catch (RuntimeException e) {
            throw InvalidInputException.of(
                    path + ".payload", "is not a valid " + eventType + " payload: " + e.getMessage());
        }
    }

    private void check(StudyEvent event, String path) {
        switch (event) {
            case TrialAdded e -> {
                if (e.trialId() != study.nextTrialId()) {
                    throw InvalidInputException.of(
                            path + ".trialId",
                            "must be " + study.nextTrialId() + " (trial ids count from 0 without gaps), got "
                                    + e.trialId());
                }
                if (e.status() != TrialStatus.PENDING && e.status() != TrialStatus.RUNNING) {
                    throw InvalidInputException.of(
                            path + ".payload.status", "must be PENDING or RUNNING, got " + e.status());
                }
                if (e.retryOf() != null) {
                    TrialStatus retried = study.trialStatus(e.retryOf());
                    if (retried != TrialStatus.FAILED && retried != TrialStatus.STALE) {
                        throw InvalidInputException.of(
                                path + ".payload.retryOf", "must name a failed or stale trial, got " + e.retryOf());
                    }
                }
                if (e.checkpointTrialId() != null && study.trialStatus(e.checkpointTrialId()) == null) {
                    throw InvalidInputException.of(
                            path + ".payload.checkpointTrialId",
                            "names trial " + e.checkpointTrialId() + ", which does not exist");
                }
                study.definition().space().validate(e.config(), path + ".payload.config");
            }
            case TrialRun e -> requireStatus(e.trialId(), TrialStatus.PENDING, path);
            case TrialResumed e -> {
                requireStatus(e.trialId(), TrialStatus.PAUSED, path);
                study.definition()
                        .space()
                        .validate(withoutResourceTarget(e.trialId(), e.config()), path + ".payload.config");
            }
            case Reported e -> requireStatus(e.trialId(), TrialStatus.RUNNING, path);
            case TrialCompleted e -> requireMove(e.trialId(), TrialStatus.COMPLETED, path);
            case TrialFailed e -> requireMove(e.trialId(), TrialStatus.FAILED, path);
            case TrialSkipped e -> requireMove(e.trialId(), TrialStatus.SKIPPED, path);
            case TrialStale e -> requireStatus(e.trialId(), TrialStatus.RUNNING, path);
            case TrialReleased e -> requireStatus(e.trialId(), TrialStatus.RUNNING, path);
            case CheckpointsRemoved e -> {
                for (long id : e.trialIds()) {
                    if (study.trialStatus(id) == null) {
                        throw InvalidInputException.of(
                                path + ".payload.trialIds", "names trial " + id + ", which does not exist");
                    }
                }
            }
            case StudyStatusChanged e -> {}
            // Operator actions and budgets (the study checked them when they were commands)
            case StudyEvent.RunningTrialsStopped e -> {}
            case StudyEvent.DefinitionChanged e -> {}
            case StudyEvent.TrialStopRequested e -> existing(e.trialId(), path);
            case StudyEvent.TrialPauseRequested e -> requireStatus(e.trialId(), TrialStatus.RUNNING, path);
            case StudyEvent.TrialResumeRequested e -> requireStatus(e.trialId(), TrialStatus.PAUSED, path);
        }
    }

    /**
     * A resume's config with the trial's own value of the resource attribute (a resume may carry a new
     * resource target there, which a constant domain would refuse).
     */
    private Map<String, Object> withoutResourceTarget(long trialId, Map<String, Object> config) {
        var resource = study.definition().resource();
        if (resource == null || resource.maxAttr() == null || !config.containsKey(resource.maxAttr())) {
            return config;
        }
        Map<String, Object> checked = new LinkedHashMap<>(config);
        checked.put(resource.maxAttr(), study.config(trialId).get(resource.maxAttr()));
        return checked;
    }

    private TrialStatus existing(long trialId, String path) {
        TrialStatus s = study.trialStatus(trialId);
        if (s == null) {
            throw InvalidInputException.of(path + ".trialId", "names trial " + trialId + ", which does not exist");
        }
        return s;
    }

    private void requireStatus(long trialId, TrialStatus required, String path) {
        TrialStatus s = existing(trialId, path);
        if (s != required) {
            throw InvalidInputException.of(path + ".trialId", "trial " + trialId + " is " + s + ", not " + required);
        }
    }

    private void requireMove(long trialId, TrialStatus to, String path) {
        TrialStatus s = existing(trialId, path);
        if (!s.canMoveTo(to)) {
            throw InvalidInputException.of(
                    path + ".trialId", "trial " + trialId + " is " + s + " and cannot become " + to);
        }
    }
}
