package dev.attune.scheduler;

import dev.attune.space.InvalidInputException;
import java.util.ArrayList;
import java.util.List;

/** Syne Tune's rung levels for successive halving ({@code successive_halving_rung_levels}). */
final class RungLevels {
    private RungLevels() {}

    /**
     * Whether the options ask for linear rungs: {@code rungIncrement} without {@code reductionFactor}, or a
     * method whose {@code rungIncrement} has a default and {@code reductionFactor} none (DyHPO: Syne Tune
     * sets rung_increment 2 unless a reduction_factor is given).
     */
    static boolean linear(dev.attune.searcher.Options o) {
        return !o.given("reductionFactor")
                && o.has("rungIncrement")
                && (o.given("rungIncrement") || !o.has("reductionFactor"));
    }

    /**
     * Explicit levels win; else geometric from {@code gracePeriod} by {@code reductionFactor}; else linear
     * by {@code rungIncrement}. Every level is below {@code maxT}: a last level equal to it is dropped.
     */
    static List<Long> of(List<Long> explicit, long gracePeriod, Double reductionFactor, Long rungIncrement, long maxT) {
        List<Long> levels = new ArrayList<>();
        if (explicit != null) {
            for (int i = 0; i < explicit.size(); i++) {
                long r = explicit.get(i);
                if (r < 1 || (i > 0 && r <= explicit.get(i - 1)) || r > maxT) {
                    throw InvalidInputException.of(
                            "options.rungLevels",
                            "must be positive, strictly increasing and at most the maximum resource " + maxT);
                }
                levels.add(r);
            }
        } else if (reductionFactor != null) {
            if (maxT <= gracePeriod) {
                throw InvalidInputException.of("options.gracePeriod", "must be below the maximum resource " + maxT);
            }
            for (int k = 0; ; k++) {
                double r = gracePeriod * Math.pow(reductionFactor, k);
                if (r >= maxT) {
                    break;
                }
                levels.add((long) Math.rint(r)); // Python's round: halves to even
            }
        } else {
            for (long r = gracePeriod; r < maxT; r += rungIncrement) {
                levels.add(r);
            }
        }
        if (!levels.isEmpty() && levels.getLast() == maxT) {
            levels.removeLast();
        }
        return levels;
    }
}
