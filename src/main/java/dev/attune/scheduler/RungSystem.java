package dev.attune.scheduler;

import java.util.ArrayList;
import java.util.List;

/**
 * The rungs of asynchronous successive halving and what happens when a trial reaches one
 * (Syne Tune's {@code RungSystem}). Rungs are kept highest level first.
 */
abstract class RungSystem {
    final List<Rung> rungs = new ArrayList<>();
    final long maxT;

    /** What a report led to; {@code rung} is the rung reached, or null. */
    record Outcome(boolean continues, Rung rung, Double cutoff, boolean ignored) {}

    RungSystem(List<Long> levels, long maxT, boolean minimize) {
        this.maxT = maxT;
        for (int i = levels.size() - 1; i >= 0; i--) {
            long next = i + 1 < levels.size() ? levels.get(i + 1) : maxT;
            rungs.add(new Rung(levels.get(i), (double) levels.get(i) / next, minimize));
        }
    }

    /** The rungs a trial of a bracket that skips the {@code skip} lowest ones can reach, highest first. */
    List<Rung> milestoneRungs(int skip) {
        return rungs.subList(0, Math.max(0, rungs.size() - skip));
    }

    long firstMilestone(int skip) {
        return skip < rungs.size() ? rungs.get(rungs.size() - 1 - skip).level : maxT;
    }

    Rung rungAt(long level) {
        for (Rung r : rungs) {
            if (r.level == level) {
                return r;
            }
        }
        return null;
    }

    /** The level above {@code level}: the next rung, or the maximum resource. */
    long levelAbove(long level) {
        long above = maxT;
        for (Rung r : rungs) {
            if (r.level > level) {
                above = r.level;
            }
        }
        return above;
    }

    abstract void onTrialAdded(long trialId, int skip);

    abstract Outcome onReport(long trialId, long resource, double value, int skip);

    void onTrialRemoved(long trialId) {}
}
