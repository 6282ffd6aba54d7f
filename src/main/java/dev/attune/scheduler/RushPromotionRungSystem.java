package dev.attune.scheduler;

import java.util.List;

/**
 * RUSH, promotion variant (Syne Tune's {@code RUSHPromotionRungSystem}). Syne Tune scans a rung best
 * first for the first entry that is not promoted and is a RUSH point or at least as good as the rung's
 * threshold, then promotes it if it is at least as good as the rung's quantile; scanning a RUSH point
 * raises the threshold to its value.
 *
 * <p>Implementation note: Syne Tune's thresholds change as a side effect of that scan, which here must
 * change nothing ({@code suggest} may be discarded). The threshold of a rung is therefore taken as the best
 * value of any RUSH point in the rung. This gives the same decisions: an entry is only compared with the
 * threshold after every better RUSH point has been scanned (a better one not yet promoted would be found
 * first, and a promoted one was found, hence scanned, when it was promoted), and worse RUSH points do not
 * change the comparison. Only a RUSH point an operator resumed by hand, never scanned, counts here and
 * not in Syne Tune.
 */
final class RushPromotionRungSystem extends PromotionRungSystem {
    private final RushPoints rush;

    RushPromotionRungSystem(List<Long> levels, long maxT, boolean minimize, RushPoints rush) {
        super(levels, maxT, minimize);
        this.rush = rush;
    }

    /** The best value of a RUSH point in the rung, or null when none reached it. */
    Double threshold(Rung rung) {
        Double t = null;
        for (long id : rush.points()) {
            Rung.Entry e = rung.entry(id);
            if (e != null) {
                t = rush.better(t, e.value());
            }
        }
        return t;
    }

    @Override
    Rung.Entry promotable(Rung rung) {
        Double cutoff = rung.quantile();
        Rung.Entry best = cutoff == null ? null : rung.bestNotPromoted();
        if (best == null) {
            return null;
        }
        if (!rush.isPoint(best.trialId()) && !rush.meets(threshold(rung), best.value())) {
            // Every later entry that is not a RUSH point is no better, so it fails the threshold too.
            best = null;
            for (long id : rush.points()) {
                Rung.Entry e = rung.entry(id);
                if (e != null && rung.isPaused(id) && (best == null || Rung.BEST_FIRST.compare(e, best) < 0)) {
                    best = e;
                }
            }
        }
        return best != null && rung.passes(best.value(), cutoff) ? best : null;
    }
}
