package dev.attune.scheduler;

import dev.attune.trial.Verdict;
import java.util.Map;

/**
 * Decides who runs and for how long (Syne Tune's {@code TrialScheduler}); its searcher decides what.
 *
 * <p>The study service calls every method under the study's lock, one call at a time, in the order the
 * events are written to the study's log; replaying the log through a fresh scheduler must lead to the
 * same state. {@link #suggest} must not change state: its answer may be discarded. Everything else is a
 * fold over the log and may change state. Draws must come from {@code SeededRandom} keyed by trial id or
 * report, never from a shared stream.
 */
public interface Scheduler {

    /** What an ask should get: start a new trial with id {@code nextTrialId}, resume a paused one, wait, or stop. */
    Suggestion suggest(long nextTrialId);

    /**
     * Model fitting the next {@link #suggest} would otherwise do under the lock (see
     * {@code Searcher.pendingWork}); the study service runs it after releasing the lock.
     */
    default java.util.Optional<Runnable> pendingWork() {
        return java.util.Optional.empty();
    }

    /** A new trial was stored; {@code memo} is the one its {@link Suggestion.Start} carried, or empty for a client's trial. */
    void onTrialAdded(long trialId, Map<String, Object> config, Map<String, Object> memo);

    /** A paused trial was handed out again with this config. */
    default void onTrialResumed(long trialId, Map<String, Object> config) {}

    /** A report of a running trial; the answer tells it to continue, stop or pause. */
    Verdict onReport(long trialId, Map<String, Double> metrics);

    /** The trial finished with these final metrics (possibly none). */
    void onComplete(long trialId, Map<String, Double> metrics);

    /** The trial failed or went stale. */
    void onFailure(long trialId);

    /** The trial was skipped: it ends without feedback to the algorithm. */
    default void onSkip(long trialId) {
        onFailure(trialId);
    }

    /** Its searcher's automatic-termination criterion (GP Bayesian optimization), if the study asked for it. */
    default java.util.Optional<dev.attune.searcher.AutoTermination> autoTermination() {
        return java.util.Optional.empty();
    }

    // Operator actions and budgets: the study, not the scheduler, ends or pauses a trial.

    /** Whether this scheduler pauses trials and resumes them later (promotion types, synchronous Hyperband). */
    default boolean pausesTrials() {
        return false;
    }

    /**
     * The resume the next ask would hand out, without proposing a new config (a study whose cap on started
     * trials is reached still resumes paused trials); empty when there is none. Must not change state.
     */
    default java.util.Optional<Suggestion.Resume> suggestResume() {
        return java.util.Optional.empty();
    }

    /**
     * The study ended the trial (an operator, or a budget that does not wait for running trials) after its
     * last report, or while it was paused: it reports no more and is never resumed. What it reported stays
     * (rung data); a searcher no longer counts it as a pending evaluation.
     */
    default void onStoppedByStudy(long trialId) {
        onSkip(trialId);
    }

    /** An operator paused the running trial after its last report; it may be resumed by {@link #onTrialResumed}. */
    default void onPausedByStudy(long trialId) {}

    /**
     * The config an operator's resume of this paused trial hands out (it may carry a new resource target),
     * or empty when this scheduler cannot resume it out of turn. Must not change state.
     */
    default java.util.Optional<Map<String, Object>> resumeOnRequest(long trialId, Map<String, Object> config) {
        return java.util.Optional.of(config);
    }
}
