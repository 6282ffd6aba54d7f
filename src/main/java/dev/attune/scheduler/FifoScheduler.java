package dev.attune.scheduler;

import dev.attune.searcher.Searcher;
import dev.attune.trial.Verdict;
import java.util.Map;

/** Runs every trial to its end and asks the searcher for each new one (Syne Tune's {@code FIFOScheduler}). */
public final class FifoScheduler implements Scheduler {
    private final Searcher searcher;

    public FifoScheduler(Searcher searcher) {
        this.searcher = searcher;
    }

    @Override
    public java.util.Optional<Runnable> pendingWork() {
        return searcher.pendingWork();
    }

    @Override
    public java.util.Optional<dev.attune.searcher.AutoTermination> autoTermination() {
        return searcher.autoTermination();
    }

    @Override
    public Suggestion suggest(long nextTrialId) {
        return searcher.propose(nextTrialId)
                .<Suggestion>map(p -> new Suggestion.Start(p.config(), null, p.memo()))
                .orElseGet(() -> new Suggestion.Exhausted("the search space is exhausted"));
    }

    @Override
    public void onTrialAdded(long trialId, Map<String, Object> config, Map<String, Object> memo) {
        searcher.onTrialAdded(trialId, config, memo);
    }

    @Override
    public Verdict onReport(long trialId, Map<String, Double> metrics) {
        searcher.onReport(trialId, metrics);
        return Verdict.proceed();
    }

    @Override
    public void onComplete(long trialId, Map<String, Double> metrics) {
        searcher.onComplete(trialId, metrics);
    }

    @Override
    public void onFailure(long trialId) {
        searcher.onFailure(trialId);
    }

    @Override
    public void onSkip(long trialId) {
        searcher.onRemove(trialId);
    }

    /** A paused trial is no pending evaluation for the searcher until it is resumed. */
    @Override
    public void onPausedByStudy(long trialId) {
        searcher.onRemove(trialId);
    }

    @Override
    public void onTrialResumed(long trialId, Map<String, Object> config) {
        searcher.onResumed(trialId);
    }
}
