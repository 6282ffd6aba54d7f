package dev.attune.searcher;

import java.util.Map;
import java.util.Optional;

/**
 * Decides what to try next (Syne Tune's {@code BaseSearcher}); a scheduler owns one and decides who runs.
 *
 * <p>The study service calls {@link #propose} under the study's lock and may discard the answer, so
 * {@code propose} must not change the searcher's state. Once the new trial is stored, the service calls
 * {@link #onTrialAdded} with the memo the proposal carried; that memo is persisted in the event log, so a
 * searcher rebuilt by replay reaches exactly the same state. All other callbacks see every trial of the
 * study, whoever proposed it.
 */
public interface Searcher {

    /** The config for the trial that will get id {@code trialId}, or empty when nothing is left to try. */
    Optional<Proposal> propose(long trialId);

    /** A trial joined the study with this config; {@code memo} is the proposal's, or empty for a client's trial. */
    void onTrialAdded(long trialId, Map<String, Object> config, Map<String, Object> memo);

    /**
     * Model fitting the next {@link #propose} would otherwise do itself, captured on a snapshot so that it
     * can run outside the study's lock, on any thread; running it changes no state a proposal depends on,
     * only what is cached. Called under the lock; the work itself runs after the lock is released.
     */
    default Optional<Runnable> pendingWork() {
        return Optional.empty();
    }

    /** A report of a running trial (a learning-curve point). */
    default void onReport(long trialId, Map<String, Double> metrics) {}

    /** A trial finished with these final metrics. */
    default void onComplete(long trialId, Map<String, Double> metrics) {}

    /** A trial failed or went stale; its config must not be proposed again. */
    default void onFailure(long trialId) {}

    /** A trial was stopped, paused or skipped; pending evaluations may be dropped. */
    default void onRemove(long trialId) {}

    /** A paused trial runs again (its config may carry a new resource target). */
    default void onResumed(long trialId) {}

    /** The automatic-termination criterion, when this searcher supports it and the study asked for it. */
    default Optional<AutoTermination> autoTermination() {
        return Optional.empty();
    }
}
