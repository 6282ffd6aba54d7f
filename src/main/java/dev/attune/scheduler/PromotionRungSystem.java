package dev.attune.scheduler;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Promotion-type ASHA: a trial pauses at every rung it reaches; when a worker is free, the best paused
 * trial of the highest rung where one is at least as good as the rung's quantile is resumed up to the
 * next level (Syne Tune's {@code PromotionRungSystem}).
 *
 * <p>Unlike Syne Tune, finding a promotion ({@link #findPromotion}) changes nothing: the trial is marked
 * promoted when the resumed trial is stored ({@link #onResumed}), so that a discarded suggestion leaves
 * no trace and replay reproduces the state.
 */
class PromotionRungSystem extends RungSystem {
    /** A trial to resume from {@code resumeFrom} up to {@code milestone}. */
    record Promotion(long trialId, long resumeFrom, long milestone) {}

    private record Running(long milestone, Long resumeFrom) {}

    private final Map<Long, Running> running = new HashMap<>();

    PromotionRungSystem(List<Long> levels, long maxT, boolean minimize) {
        super(levels, maxT, minimize);
    }

    /** The largest level a trial may be promoted to; PASHA lowers it. */
    long effectiveMaxT() {
        return maxT;
    }

    Promotion findPromotion() {
        long next = maxT;
        for (Rung rung : rungs) {
            if (rung.level < effectiveMaxT()) {
                Rung.Entry best = promotable(rung);
                if (best != null) {
                    return new Promotion(best.trialId(), rung.level, next);
                }
            }
            next = rung.level;
        }
        return null;
    }

    /**
     * The entry of the rung to promote, or null (Syne Tune's {@code _find_promotable_trial}): the best
     * entry not promoted yet, if it is at least as good as the rung's quantile.
     */
    Rung.Entry promotable(Rung rung) {
        Double cutoff = rung.quantile();
        Rung.Entry best = cutoff == null ? null : rung.bestNotPromoted();
        return best != null && rung.passes(best.value(), cutoff) ? best : null;
    }

    /** The trial was resumed: mark it promoted at the rung where it was paused, and set its next milestone. */
    void onResumed(long trialId) {
        for (Rung rung : rungs) {
            if (rung.isPaused(trialId)) {
                rung.markPromoted(trialId);
                running.put(trialId, new Running(levelAbove(rung.level), rung.level));
                return;
            }
        }
        // A trial paused by an operator between rungs goes on to the milestone it had.
        running.putIfAbsent(trialId, new Running(maxT, null));
    }

    /** The level an operator's resume of a trial paused at a rung takes it to, or null when it is not paused at one. */
    Long promotionTarget(long trialId) {
        for (Rung rung : rungs) {
            if (rung.isPaused(trialId)) {
                return levelAbove(rung.level);
            }
        }
        return null;
    }

    /** The trial was stopped by the study: its rung values stay, but it is never promoted. */
    void retire(long trialId) {
        for (Rung rung : rungs) {
            if (rung.isPaused(trialId)) {
                rung.markPromoted(trialId);
            }
        }
        running.remove(trialId);
    }

    @Override
    void onTrialAdded(long trialId, int skip) {
        running.put(trialId, new Running(firstMilestone(skip), null));
    }

    long milestone(long trialId) {
        Running r = running.get(trialId);
        return r == null ? maxT : r.milestone();
    }

    @Override
    Outcome onReport(long trialId, long resource, double value, int skip) {
        Running r = running.get(trialId);
        if (r == null) {
            return new Outcome(true, null, null, false);
        }
        boolean ignored = r.resumeFrom() != null && resource <= r.resumeFrom();
        if (resource >= r.milestone()) {
            // Syne Tune asserts resource == milestone; a report that jumps past it counts at the milestone.
            Rung rung = rungAt(r.milestone());
            if (rung != null && !rung.contains(trialId)) {
                rung.add(trialId, value);
                entered(rung, trialId);
            }
            return new Outcome(false, rung, rung == null ? null : rung.quantile(), ignored);
        }
        return new Outcome(true, null, null, ignored);
    }

    /** The trial was just entered in the rung; subclasses record what else they keep per entry. */
    void entered(Rung rung, long trialId) {}

    /** The level a running trial was resumed from, or null when it runs from the start (or is not running). */
    Long resumedFrom(long trialId) {
        Running r = running.get(trialId);
        return r == null ? null : r.resumeFrom();
    }

    @Override
    void onTrialRemoved(long trialId) {
        running.remove(trialId);
    }
}
