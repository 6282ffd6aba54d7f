package dev.attune.scheduler;

import java.util.List;

/**
 * PASHA: promotion-type ASHA whose maximum resource starts small and grows only while the ranking of
 * the top two rungs keeps changing.
 *
 * <p>[1] Bohdal et al., PASHA: Efficient HPO and NAS with Progressive Resource Allocation, ICLR 2023.
 *
 * <p>Implementation note: trials may first reach only the second rung (r_min·η). Whenever a trial reaches
 * the highest reachable rung, the trials present in both it and the rung below are ranked by each; if
 * the rankings differ, one more rung becomes reachable, up to the true maximum. Values are compared
 * exactly (the paper's ε for noisy metrics is 0 here).
 */
final class PashaRungSystem extends PromotionRungSystem {
    /** Index, counting from the lowest rung, of the highest rung trials may reach now. */
    private int top;

    PashaRungSystem(List<Long> levels, long maxT, boolean minimize) {
        super(levels, maxT, minimize);
        this.top = Math.min(1, levels.size());
    }

    private Rung ascending(int index) {
        return rungs.get(rungs.size() - 1 - index);
    }

    @Override
    long effectiveMaxT() {
        return top < rungs.size() ? ascending(top).level : maxT;
    }

    @Override
    Outcome onReport(long trialId, long resource, double value, int skip) {
        Outcome o = super.onReport(trialId, resource, value, skip);
        if (top >= 1 && top < rungs.size() && o.rung() == ascending(top) && rankingChanged()) {
            top++;
        }
        return o;
    }

    private boolean rankingChanged() {
        List<Long> upper = ascending(top).trialsBestFirst();
        List<Long> lower = ascending(top - 1).trialsBestFirst().stream()
                .filter(upper::contains)
                .toList();
        return !upper.stream().filter(lower::contains).toList().equals(lower);
    }
}
