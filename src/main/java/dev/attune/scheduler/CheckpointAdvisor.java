package dev.attune.scheduler;

import java.util.Set;

/**
 * A scheduler that pauses trials and can say which paused trials' checkpoints may be removed to stay
 * under a checkpoint budget. Part of the scheduler's fold: the answer is the same on every replica.
 */
public interface CheckpointAdvisor {

    /** Trials whose checkpoints workers should delete; resuming one of them later retrains it from scratch. */
    Set<Long> checkpointsToRemove();
}
