package dev.attune.scheduler;

import java.util.Map;

/** A scheduler's answer to an ask. */
public sealed interface Suggestion {

    /**
     * Start a new trial.
     *
     * @param checkpointTrialId the trial whose checkpoint it starts from (PBT), or null
     * @param memo bookkeeping handed back to {@link Scheduler#onTrialAdded} once stored
     */
    record Start(Map<String, Object> config, Long checkpointTrialId, Map<String, Object> memo) implements Suggestion {}

    /** Resume a paused trial with this config (which may carry a new resource target). */
    record Resume(long trialId, Map<String, Object> config) implements Suggestion {}

    /** Nothing to hand out now, but maybe later (e.g. a synchronous rung is not complete). */
    record Wait(String reason) implements Suggestion {}

    /** Nothing left to try: the study is done once running trials end. */
    record Exhausted(String reason) implements Suggestion {}
}
