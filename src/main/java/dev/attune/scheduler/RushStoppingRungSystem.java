package dev.attune.scheduler;

import java.util.List;

/**
 * RUSH, stopping variant (Syne Tune's {@code RUSHStoppingRungSystem}). When a trial reaches a rung, the
 * ASHA rule is applied first; a trial it stops stops (a RUSH point too, and then it sets no threshold).
 * Otherwise a RUSH point continues and the rung's threshold becomes the better of it and its value; any
 * other trial continues only if its value is at least as good as the threshold.
 */
final class RushStoppingRungSystem extends StoppingRungSystem {
    private final RushPoints rush;
    private final RushPoints.Thresholds thresholds;

    RushStoppingRungSystem(List<Long> levels, long maxT, boolean minimize, RushPoints rush) {
        super(levels, maxT, minimize);
        this.rush = rush;
        this.thresholds = rush.new Thresholds();
    }

    @Override
    boolean continues(long trialId, double value, Rung rung, Double cutoff) {
        if (!super.continues(trialId, value, rung, cutoff)) {
            return false;
        }
        if (rush.isPoint(trialId)) {
            thresholds.raise(rung.level, value);
            return true;
        }
        return rush.meets(thresholds.at(rung.level), value);
    }

    Double threshold(long level) {
        return thresholds.at(level);
    }
}
