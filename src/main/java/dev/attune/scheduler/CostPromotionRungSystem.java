package dev.attune.scheduler;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cost-aware promotion-type ASHA (Syne Tune's {@code CostPromotionRungSystem}): as promotion, except
 * which entries of a rung may be promoted. With the rung's entries sorted best first and c_i the total
 * cost trial i had spent when it reached the rung, an entry may be promoted while the running sum
 * c_1 + … + c_k stays at or below q · (c_1 + … + c_N), q the rung's promotion quantile; the first entry
 * in that prefix that is not promoted yet is promoted (rungs scanned from the top, at least two entries).
 *
 * <p>Costs come from the metric {@code costAttr} and, as in Syne Tune, count since the trial was last
 * started or resumed: a trial's total is the reported cost plus what it had spent when it last paused; a
 * resumed trial that reports at or below the level it resumed from (it restarted without a checkpoint)
 * starts its total from zero again. A report without the cost adds nothing (Syne Tune refuses it).
 *
 * <p>Cost O(n log n) per rung scanned, as it sorts the rung (Syne Tune's scan is O(n) on a sorted list).
 */
final class CostPromotionRungSystem extends PromotionRungSystem {
    /** Per rung level, the total cost of each trial when it reached the level. */
    private final Map<Long, Map<Long, Double>> costAt = new HashMap<>();
    /** The total cost a trial had spent when it last paused. */
    private final Map<Long, Double> offset = new HashMap<>();

    /** The total cost of the report being processed (set by {@link #observeCost}). */
    private double reportTotal;

    CostPromotionRungSystem(List<Long> levels, long maxT, boolean minimize) {
        super(levels, maxT, minimize);
    }

    /** Must precede {@link #onReport}: the cost in the report, or null when it has none. */
    void observeCost(long trialId, Double reported) {
        reportTotal = (reported == null ? 0 : reported) + offset.getOrDefault(trialId, 0.0);
    }

    @Override
    Outcome onReport(long trialId, long resource, double value, int skip) {
        double totalCost = reportTotal;
        Long resumeFrom = resumedFrom(trialId);
        Outcome o = super.onReport(trialId, resource, value, skip); // enters totalCost via entered()
        if (!o.continues()) {
            offset.put(trialId, totalCost); // it pauses at its milestone
        } else if (resumeFrom != null && resource <= resumeFrom) {
            offset.put(trialId, 0.0); // restarted from scratch: the reported cost has no offset
        }
        reportTotal = 0;
        return o;
    }

    @Override
    void entered(Rung rung, long trialId) {
        costAt.computeIfAbsent(rung.level, l -> new HashMap<>()).put(trialId, reportTotal);
    }

    /** The total cost the trial had spent when it reached the level, or null. */
    Double costAt(long level, long trialId) {
        Map<Long, Double> m = costAt.get(level);
        return m == null ? null : m.get(trialId);
    }

    @Override
    Rung.Entry promotable(Rung rung) {
        if (rung.size() < 2) {
            return null;
        }
        Map<Long, Double> costs = costAt.getOrDefault(rung.level, Map.of());
        List<Rung.Entry> entries = rung.entriesBestFirst();
        double sum = 0;
        for (Rung.Entry e : entries) {
            sum += costs.getOrDefault(e.trialId(), 0.0);
        }
        double threshold = sum * rung.promotionQuantile;
        double running = 0;
        for (Rung.Entry e : entries) {
            running += costs.getOrDefault(e.trialId(), 0.0);
            if (running > threshold) {
                return null;
            }
            if (rung.isPaused(e.trialId())) {
                return e;
            }
        }
        return null;
    }
}
