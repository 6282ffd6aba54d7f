package dev.attune.study;

/** The kinds of entries in a study's event log; each changes the study's state in one way. */
public enum EventType {
    /** A trial joined: from an ask ({@code RUNNING}) or from a client ({@code PENDING}). */
    TRIAL_ADDED,
    /** A client-added {@code PENDING} trial was handed out. */
    TRIAL_RUN,
    /** A paused trial was handed out again. */
    TRIAL_RESUMED,
    /** A report and the decision it got. */
    REPORT,
    TRIAL_COMPLETED,
    TRIAL_FAILED,
    TRIAL_SKIPPED,
    TRIAL_STALE,
    /**
     * Its worker gave a running trial back (shutting down) with its checkpoint: {@code PAUSED}, and the next
     * ask resumes it; the scheduler is not told, it still sees the trial running.
     */
    TRIAL_RELEASED,
    /** Checkpoints of these paused trials are to be removed (speculative removal). */
    CHECKPOINTS_REMOVED,
    /** The study moved to {@code STOPPING} or {@code DONE}. */
    STUDY_STATUS,
    /** Running trials are answered STOP at their next report (a budget ran out, or the study was stopped). */
    RUNNING_TRIALS_STOPPED,
    /** An operator stops one trial. */
    TRIAL_STOP_REQUESTED,
    /** An operator pauses one running trial. */
    TRIAL_PAUSE_REQUESTED,
    /** An operator resumes one paused trial. */
    TRIAL_RESUME_REQUESTED,
    /** The study's changeable settings (stopping criterion, limits, name) were changed. */
    DEFINITION_CHANGED
}
