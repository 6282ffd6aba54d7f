package dev.attune.study;

import dev.attune.trial.TrialStatus;
import dev.attune.trial.Verdict;
import java.util.List;
import java.util.Map;

/**
 * One entry of a study's event log, numbered from 1 without gaps. Only {@link Study} creates events (its
 * commands record what they decided) and only {@link EventCodec} reads them back from the log; {@link
 * Study#apply} folds them in, and the rows clients read are a projection of them.
 */
public sealed interface StudyEvent {
    /** The event's place in the study's log. */
    long seq();

    /** An event about one trial. */
    sealed interface TrialEvent extends StudyEvent {
        long trialId();
    }

    /**
     * A trial joined the study: from an ask ({@code RUNNING}, with the worker it was handed to) or from a
     * client or a retry ({@code PENDING}). {@code memo} is its suggestion's, {@code checkpointTrialId} the
     * trial whose checkpoint it starts from (PBT), {@code retryOf} the failed trial it repeats, {@code
     * idempotencyKey} the ask's {@code Idempotency-Key} (null when it had none, and in logs written before it).
     */
    record TrialAdded(
            long seq,
            long trialId,
            Map<String, Object> config,
            Map<String, Object> memo,
            TrialStatus status,
            Long checkpointTrialId,
            Long retryOf,
            String workerId,
            String idempotencyKey)
            implements HandOut {}

    /**
     * An event that may hand a trial out to a worker (a {@link TrialAdded} does when {@code RUNNING}), with the
     * {@code Idempotency-Key} of the ask that did, so that a retry of the ask answers the same trial.
     */
    sealed interface HandOut extends TrialEvent {
        String workerId();

        /** The ask's {@code Idempotency-Key}, or null. */
        String idempotencyKey();
    }

    /** A client-added or retried {@code PENDING} trial was handed out. */
    record TrialRun(long seq, long trialId, String workerId, String idempotencyKey) implements HandOut {}

    /** A paused trial was handed out again with this config (its next resource target). */
    record TrialResumed(long seq, long trialId, Map<String, Object> config, String workerId, String idempotencyKey)
            implements HandOut {}

    /**
     * A report and the decision it got. {@code level} is the resource level (or the step when the study has
     * no resource), null when the report had neither.
     */
    record Reported(long seq, long trialId, Map<String, Double> metrics, Verdict verdict, Long level, Long step)
            implements TrialEvent {}

    /** The trial ended with these metrics (possibly none). */
    /**
     * The trial finished; {@code idempotencyKey} is the completing request's (null: none), which tells a
     * retry of that request from another worker's completion with the same metrics.
     */
    record TrialCompleted(long seq, long trialId, Map<String, Double> metrics, String idempotencyKey)
            implements TrialEvent {}

    /** The trial failed; {@code idempotencyKey} as for {@link TrialCompleted}. */
    record TrialFailed(long seq, long trialId, String reason, String idempotencyKey) implements TrialEvent {}

    /** The trial ended without feedback to the algorithm (PyGlove's {@code skip}). */
    record TrialSkipped(long seq, long trialId, String reason) implements TrialEvent {}

    /** The trial's lease ran out with no word from its worker. */
    record TrialStale(long seq, long trialId, String reason) implements TrialEvent {}

    /**
     * Its worker gave the running trial back (it was shutting down) with a checkpoint to resume from: the
     * trial is {@code PAUSED} and the next ask hands it out again, without the scheduler's say.
     */
    record TrialReleased(long seq, long trialId, String reason) implements TrialEvent {}

    /** Checkpoints of these paused trials are to be removed (speculative removal). */
    record CheckpointsRemoved(long seq, List<Long> trialIds) implements StudyEvent {}

    /** The study moved to {@code STOPPING} or {@code DONE} (or back to {@code ACTIVE}). */
    record StudyStatusChanged(long seq, StudyStatus status, String reason) implements StudyEvent {}

    /**
     * Every running trial's next report answers STOP with this reason: a budget ran out or the study was
     * stopped, and the study does not wait for running trials ({@code waitTrialCompletionWhenStopping}
     * false). Holds until the study is active again.
     */
    record RunningTrialsStopped(long seq, String reason) implements StudyEvent {}

    /**
     * An operator stops the trial: a running one at its next report, a paused one at once. (A pending one
     * is skipped instead.)
     */
    record TrialStopRequested(long seq, long trialId, String reason) implements TrialEvent {}

    /** An operator pauses the running trial: its next report answers PAUSE. */
    record TrialPauseRequested(long seq, long trialId, String reason) implements TrialEvent {}

    /** An operator resumes the paused trial: the next ask hands it out before the scheduler's choice. */
    record TrialResumeRequested(long seq, long trialId) implements TrialEvent {}

    /**
     * The study's changeable settings now read {@code settings} (the definition's JSON fields {@code name},
     * {@code stoppingCriterion}, {@code maxConcurrentTrials}, {@code leaseSeconds}, {@code maxRetries},
     * {@code maxFailures}; an absent one is unset).
     */
    record DefinitionChanged(long seq, Map<String, Object> settings) implements StudyEvent {}
}
