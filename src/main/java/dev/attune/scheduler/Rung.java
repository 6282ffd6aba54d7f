package dev.attune.scheduler;

import dev.attune.math.LinearQuantile;
import dev.attune.math.RankedValues;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The metric values of the trials that reached one rung level, best first (Syne Tune's {@code Rung}).
 *
 * <p>Implementation note: values live in an order-statistic tree, so inserting one and reading the
 * promotion quantile both cost O(log n); the not-yet-promoted entries are kept apart in a sorted set, so
 * the best paused trial is found in O(log n) too. Equal values keep their insertion order, as in the
 * {@code SortedList} Syne Tune uses.
 */
final class Rung {
    /** One trial's value at this rung. {@code key} is the value turned so that smaller is better. */
    record Entry(long trialId, double value, double key, long tie) {}

    static final Comparator<Entry> BEST_FIRST =
            Comparator.comparingDouble(Entry::key).thenComparingLong(Entry::tie);

    final long level;
    final double promotionQuantile;
    private final boolean minimize;
    private final RankedValues keys = new RankedValues();
    private final Map<Long, Entry> entries = new HashMap<>();
    private final TreeSet<Entry> notPromoted = new TreeSet<>(BEST_FIRST);
    private long ties;

    Rung(long level, double promotionQuantile, boolean minimize) {
        this.level = level;
        this.promotionQuantile = promotionQuantile;
        this.minimize = minimize;
    }

    int size() {
        return entries.size();
    }

    boolean contains(long trialId) {
        return entries.containsKey(trialId);
    }

    void add(long trialId, double value) {
        Entry e = new Entry(trialId, value, minimize ? value : -value, ties++);
        entries.put(trialId, e);
        keys.add(e.key(), e.tie());
        notPromoted.add(e);
    }

    /** The value at position {@code pos} in best-first order. */
    private double valueAt(int pos) {
        double key = keys.get(pos);
        return minimize ? key : -key;
    }

    /**
     * {@code numpy.quantile(values, q)} (linear), with q the promotion quantile for min and 1 − q for max;
     * null with fewer than 2 values. Computed with exactly Syne Tune's arithmetic, so that cutoffs agree
     * to the last bit.
     */
    Double quantile() {
        int n = size();
        if (n < 2) {
            return null;
        }
        return LinearQuantile.of(n, minimize ? promotionQuantile : 1 - promotionQuantile, !minimize, this::valueAt);
    }

    /** Whether {@code value} is at least as good as the cutoff. */
    boolean passes(double value, double cutoff) {
        return minimize ? value <= cutoff : value >= cutoff;
    }

    /** The best entry not promoted yet, or null. */
    Entry bestNotPromoted() {
        return notPromoted.isEmpty() ? null : notPromoted.first();
    }

    double valueOf(long trialId) {
        return entries.get(trialId).value();
    }

    boolean isPaused(long trialId) {
        Entry e = entries.get(trialId);
        return e != null && notPromoted.contains(e);
    }

    /** Marks the trial promoted; like Syne Tune it is re-inserted, after entries with an equal value. */
    void markPromoted(long trialId) {
        Entry e = entries.get(trialId);
        notPromoted.remove(e);
        keys.remove(e.key(), e.tie());
        Entry moved = new Entry(e.trialId(), e.value(), e.key(), ties++);
        entries.put(trialId, moved);
        keys.add(moved.key(), moved.tie());
    }

    /** The rank (0 = best; equal values share the best rank) of a trial's entry, in O(log n). */
    int rankOf(long trialId) {
        return keys.countBelow(entries.get(trialId).key());
    }

    /** The trial's entry, or null when it has not reached this rung. */
    Entry entry(long trialId) {
        return entries.get(trialId);
    }

    /** The entries, best first (equal values in insertion order). O(n log n); cost promotion scans them. */
    java.util.List<Entry> entriesBestFirst() {
        return entries.values().stream().sorted(BEST_FIRST).toList();
    }

    /** The trials in this rung, best first. O(n log n); PASHA's occasional ranking check uses it. */
    java.util.List<Long> trialsBestFirst() {
        return entries.values().stream().sorted(BEST_FIRST).map(Entry::trialId).toList();
    }
}
