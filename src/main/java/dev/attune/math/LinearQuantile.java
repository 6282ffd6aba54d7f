package dev.attune.math;

import java.util.function.IntToDoubleFunction;

/**
 * {@code numpy.quantile(values, q)} with its default linear method, over values the caller keeps sorted.
 *
 * <p>The arithmetic is Syne Tune's, to the last bit: the stopping and promotion cutoffs of Attune's
 * schedulers must agree with the recorded decision streams, and the multi-fidelity searcher reads the
 * same cutoffs when it weighs a candidate by its chance of clearing them.
 */
public final class LinearQuantile {
    private LinearQuantile() {}

    /**
     * The q-quantile of n sorted values, read through {@code valueAt(position)}. With {@code descending}
     * the positions run from the largest value down (a maximized metric's best-first order) and the
     * virtual index is mirrored, as Syne Tune computes it for a maximized metric.
     *
     * @param q in [0, 1]; the caller passes 1 − q for a maximized metric's lower tail
     */
    public static double of(int n, double q, boolean descending, IntToDoubleFunction valueAt) {
        if (n < 1) {
            throw new IllegalArgumentException("quantile of no values");
        }
        if (n == 1) {
            return valueAt.applyAsDouble(0);
        }
        double virtual = (n - 1) * q + 1;
        int index = (int) virtual;
        double frac = virtual - index;
        if (index >= n) { // q = 1: the formula below would read past the end
            return valueAt.applyAsDouble(descending ? 0 : n - 1);
        }
        int left;
        double g;
        if (descending) {
            left = n - index - 1;
            g = 1 - frac;
        } else {
            left = index - 1;
            g = frac;
        }
        return g * valueAt.applyAsDouble(left + 1) + (1 - g) * valueAt.applyAsDouble(left);
    }

    /** The q-quantile, q in [0, 1], of values sorted ascending. */
    public static double ofSorted(double[] sorted, double q) {
        return of(sorted.length, q, false, i -> sorted[i]);
    }
}
