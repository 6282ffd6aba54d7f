package dev.attune.scheduler;

import java.util.List;

/**
 * Stopping-type ASHA: at each rung a trial's value is inserted, then it continues iff it is at least as
 * good as the rung's promotion quantile (Syne Tune's {@code StoppingRungSystem}). A report that jumps
 * over a rung leaves that rung alone, as in Syne Tune.
 */
class StoppingRungSystem extends RungSystem {

    StoppingRungSystem(List<Long> levels, long maxT, boolean minimize) {
        super(levels, maxT, minimize);
    }

    @Override
    void onTrialAdded(long trialId, int skip) {}

    @Override
    Outcome onReport(long trialId, long resource, double value, int skip) {
        if (resource >= maxT) {
            return new Outcome(false, null, null, false);
        }
        for (Rung rung : milestoneRungs(skip)) {
            if (!(resource < rung.level || rung.contains(trialId))) {
                if (resource > rung.level) {
                    return new Outcome(true, null, null, false);
                }
                rung.add(trialId, value);
                Double cutoff = rung.quantile();
                return new Outcome(continues(trialId, value, rung, cutoff), rung, cutoff, false);
            }
        }
        return new Outcome(true, null, null, false);
    }

    /** Whether a trial whose value was just entered in the rung goes on (Syne Tune's {@code _task_continues}). */
    boolean continues(long trialId, double value, Rung rung, Double cutoff) {
        return cutoff == null || rung.passes(value, cutoff);
    }
}
