package dev.attune.scheduler;

import dev.attune.searcher.AutoTermination;
import dev.attune.trial.Verdict;
import java.util.Map;
import java.util.Optional;

/**
 * A scheduler that hands every call to a base method, for wrappers that change a few of them (the median
 * stopping rule, a linear scalarization, the bounding box). Forwarding the whole interface in one place means a hook added
 * to {@link Scheduler} later reaches the base method of every wrapper, instead of silently taking the
 * interface's default.
 */
abstract class DelegatingScheduler implements Scheduler {
    protected final Scheduler base;

    protected DelegatingScheduler(Scheduler base) {
        this.base = base;
    }

    @Override
    public Suggestion suggest(long nextTrialId) {
        return base.suggest(nextTrialId);
    }

    @Override
    public Optional<Runnable> pendingWork() {
        return base.pendingWork();
    }

    @Override
    public void onTrialAdded(long trialId, Map<String, Object> config, Map<String, Object> memo) {
        base.onTrialAdded(trialId, config, memo);
    }

    @Override
    public void onTrialResumed(long trialId, Map<String, Object> config) {
        base.onTrialResumed(trialId, config);
    }

    @Override
    public Verdict onReport(long trialId, Map<String, Double> metrics) {
        return base.onReport(trialId, metrics);
    }

    @Override
    public void onComplete(long trialId, Map<String, Double> metrics) {
        base.onComplete(trialId, metrics);
    }

    @Override
    public void onFailure(long trialId) {
        base.onFailure(trialId);
    }

    @Override
    public void onSkip(long trialId) {
        base.onSkip(trialId);
    }

    @Override
    public Optional<AutoTermination> autoTermination() {
        return base.autoTermination();
    }

    @Override
    public boolean pausesTrials() {
        return base.pausesTrials();
    }

    @Override
    public Optional<Suggestion.Resume> suggestResume() {
        return base.suggestResume();
    }

    @Override
    public void onStoppedByStudy(long trialId) {
        base.onStoppedByStudy(trialId);
    }

    @Override
    public void onPausedByStudy(long trialId) {
        base.onPausedByStudy(trialId);
    }

    @Override
    public Optional<Map<String, Object>> resumeOnRequest(long trialId, Map<String, Object> config) {
        return base.resumeOnRequest(trialId, config);
    }
}
