package dev.attune.scheduler;

import java.util.List;
import java.util.Set;

/**
 * A scheduler that pauses trials and advises which paused trials' checkpoints to remove to stay under a
 * checkpoint budget (Syne Tune's speculative early checkpoint removal).
 *
 * <p>The study service calls {@link #proposeRemovals} under the study's lock with the clock's view of
 * the experiment, stores the answer as an event, and folds it back in through {@link #onCheckpointsRemoved};
 * so the time-dependent choice is made once and every replica and replay agrees on it.
 */
public interface CheckpointAdvisor {

    /** Trials whose checkpoints workers should delete; resuming one of them retrains it from scratch. */
    Set<Long> checkpointsToRemove();

    /**
     * The paused trials whose checkpoints should go now, lowest expected cost of losing them first; empty
     * while within budget. Must not change state.
     *
     * @param timeRatio time left over time spent in the experiment, or NaN when the study has no time limit
     */
    List<Long> proposeRemovals(double timeRatio);

    void onCheckpointsRemoved(List<Long> trialIds);
}
