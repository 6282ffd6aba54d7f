package dev.attune.searcher;

import java.util.List;
import java.util.Optional;

/**
 * A searcher that decides, for a free worker, between resuming a paused trial for one more rung and
 * starting a new config, by scoring both with its surrogate model (DyHPO's decision; Syne Tune's
 * {@code DynamicHPOSearcher.score_paused_trials_and_new_configs}). A scheduler of Hyperband
 * {@code type: dyhpo} needs its searcher to implement this; which model scores is the searcher's business.
 *
 * <p>Like {@link Searcher#propose}, {@link #choose} must not change state: its answer may be discarded.
 */
public interface PausedTrialScoring {

    /** A paused trial and the level it would reach if resumed now. */
    record Paused(long trialId, long nextLevel) {}

    /** What the free worker should do. */
    sealed interface Choice {
        /** Resume this paused trial to its next level. */
        record Resume(long trialId) implements Choice {}

        /** Start a new trial with this proposal (at the lowest level). */
        record Start(Proposal proposal) implements Choice {}
    }

    /**
     * The choice for a free worker.
     *
     * @param paused the paused trials that may be resumed, with their next levels
     * @param minLevel the level a new trial runs to first
     * @param nextTrialId the id a new trial would get
     * @param key a number that differs between successive decisions, for seeded draws
     * @param allowNew whether a new config may be chosen (false when the study starts no more trials)
     * @return empty when nothing can be done: no paused trial, and no new config (or none allowed)
     */
    Optional<Choice> choose(List<Paused> paused, long minLevel, long nextTrialId, long key, boolean allowNew);

    /**
     * Why this searcher's model cannot score a paused trial at a level it has no data for, or empty when it
     * can. Independent GPs per level cannot (Syne Tune refuses {@code gp_independent} for DyHPO).
     */
    default Optional<String> cannotExtrapolateAcrossLevels() {
        return Optional.empty();
    }
}
