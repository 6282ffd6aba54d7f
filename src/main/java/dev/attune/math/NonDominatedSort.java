package dev.attune.math;

import java.util.ArrayList;
import java.util.List;

/**
 * Syne Tune's non-dominated sort with an ε-net inside each Pareto front (its {@code nondominated_sort}
 * with {@code dim = 0}): peel off Pareto fronts of the remaining points (all objectives minimized), and
 * order each front so that every next point is the one farthest (Euclidean) from those already chosen,
 * starting from the front's minimum in the first objective.
 *
 * <p>[1] Salinas, Perrone, Archambeau and Cruchant, A multi-objective perspective on jointly tuning
 * hardware and hyperparameters, NAS workshop at ICLR 2021. [2] Clarkson, Nearest-Neighbor Searching and
 * Metric Space Dimensions, 2005.
 *
 * <p>Implementation note: O(n²·d) per front. Ties go to the lower index, as numpy's argmin/argmax do.
 */
public final class NonDominatedSort {
    private NonDominatedSort() {}

    /** The indices of {@code points}, best first. */
    public static int[] order(double[][] points) {
        return sort(points, false);
    }

    /**
     * Syne Tune v0.13's order, which arranges each front by the ε-net's ranks used as indices (the inverse
     * permutation of the ε-net order). Kept only to reproduce its recorded MOASHA decisions.
     */
    public static int[] syneTuneOrder(double[][] points) {
        return sort(points, true);
    }

    private static int[] sort(double[][] points, boolean ranksAsIndices) {
        List<Integer> remaining = new ArrayList<>();
        for (int i = 0; i < points.length; i++) {
            remaining.add(i);
        }
        int[] out = new int[points.length];
        int filled = 0;
        while (!remaining.isEmpty()) {
            List<Integer> front = new ArrayList<>();
            List<Integer> rest = new ArrayList<>();
            boolean[] efficient = paretoEfficient(points, remaining);
            for (int k = 0; k < remaining.size(); k++) {
                (efficient[k] ? front : rest).add(remaining.get(k));
            }
            int[] net = epsilonNet(points, front);
            if (ranksAsIndices) {
                int[] ranks = new int[net.length];
                for (int r = 0; r < net.length; r++) {
                    ranks[net[r]] = r;
                }
                net = ranks;
            }
            for (int position : net) {
                out[filled++] = front.get(position);
            }
            remaining = rest;
        }
        return out;
    }

    /** Syne Tune's {@code pareto_efficient}: which of the given points no other of them dominates. */
    static boolean[] paretoEfficient(double[][] points, List<Integer> among) {
        int n = among.size();
        boolean[] mask = new boolean[n];
        java.util.Arrays.fill(mask, true);
        for (int i = 0; i < n; i++) {
            if (!mask[i]) {
                continue;
            }
            double[] a = points[among.get(i)];
            for (int j = 0; j < n; j++) {
                if (mask[j] && dominates(a, points[among.get(j)])) {
                    mask[j] = false;
                }
            }
        }
        return mask;
    }

    /** a ≤ b in every objective and < in one (smaller is better). */
    public static boolean dominates(double[] a, double[] b) {
        boolean strictly = false;
        for (int k = 0; k < a.length; k++) {
            if (a[k] > b[k]) {
                return false;
            }
            strictly |= a[k] < b[k];
        }
        return strictly;
    }

    /** Positions in {@code front}, in ε-net order: the first objective's minimum, then farthest-first. */
    static int[] epsilonNet(double[][] points, List<Integer> front) {
        int n = front.size();
        int[] order = new int[n];
        boolean[] chosen = new boolean[n];
        int seed = 0;
        for (int k = 1; k < n; k++) {
            if (points[front.get(k)][0] < points[front.get(seed)][0]) {
                seed = k;
            }
        }
        order[0] = seed;
        chosen[seed] = true;
        double[] nearest = new double[n];
        java.util.Arrays.fill(nearest, Double.POSITIVE_INFINITY);
        for (int step = 1; step < n; step++) {
            int last = order[step - 1];
            int best = -1;
            for (int k = 0; k < n; k++) {
                if (chosen[k]) {
                    continue;
                }
                nearest[k] = Math.min(nearest[k], distance(points[front.get(k)], points[front.get(last)]));
                if (best < 0 || nearest[k] > nearest[best]) {
                    best = k;
                }
            }
            order[step] = best;
            chosen[best] = true;
        }
        return order;
    }

    private static double distance(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += (a[k] - b[k]) * (a[k] - b[k]);
        }
        return Math.sqrt(s);
    }
}
