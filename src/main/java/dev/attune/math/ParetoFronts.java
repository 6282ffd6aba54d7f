package dev.attune.math;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * NSGA-II's ranking (Deb, Pratap, Agarwal and Meyarivan, A fast and elitist multiobjective genetic
 * algorithm: NSGA-II, IEEE TEC 2002): the fast non-dominated sort into fronts under constrained
 * domination, and the crowding distance inside a front. All objectives are minimized.
 *
 * <p>Constrained domination (Deb's section VI): a feasible point (violation 0) beats an infeasible one;
 * of two infeasible points the smaller total violation wins; two feasible points compare by Pareto
 * domination. With no constraints every violation is 0 and this is the plain non-dominated sort.
 */
public final class ParetoFronts {
    private ParetoFronts() {}

    /** Whether {@code a} (violation {@code va}) constrained-dominates {@code b} (violation {@code vb}). */
    public static boolean dominates(double[] a, double va, double[] b, double vb) {
        if (va > 0 || vb > 0) {
            return va < vb;
        }
        return NonDominatedSort.dominates(a, b);
    }

    /** The total violation of constraint values where {@code c ≤ 0} is feasible: Σ max(0, c). */
    public static double violation(double[] constraints) {
        double v = 0;
        for (double c : constraints) {
            v += Math.max(0, c);
        }
        return v;
    }

    /**
     * The fronts of {@code points}, best first, each as indices in ascending order: front 0 holds the
     * points nobody dominates, front k those dominated only by points of fronts below k. O(M·N²).
     *
     * @param violations the total constraint violation per point (0 when feasible); null for none
     */
    public static List<int[]> sort(double[][] points, double[] violations) {
        int n = points.length;
        double[] v = violations == null ? new double[n] : violations;
        List<List<Integer>> dominated = new ArrayList<>();
        int[] dominatedBy = new int[n];
        List<Integer> current = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            dominated.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (dominates(points[i], v[i], points[j], v[j])) {
                    dominated.get(i).add(j);
                    dominatedBy[j]++;
                } else if (dominates(points[j], v[j], points[i], v[i])) {
                    dominated.get(j).add(i);
                    dominatedBy[i]++;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (dominatedBy[i] == 0) {
                current.add(i);
            }
        }
        List<int[]> fronts = new ArrayList<>();
        while (!current.isEmpty()) {
            fronts.add(current.stream().mapToInt(Integer::intValue).sorted().toArray());
            List<Integer> next = new ArrayList<>();
            for (int i : current) {
                for (int j : dominated.get(i)) {
                    if (--dominatedBy[j] == 0) {
                        next.add(j);
                    }
                }
            }
            current = next;
        }
        return fronts;
    }

    /**
     * Deb's crowding distance of each member of {@code front} (in the order given): per objective, the
     * members sorted by it, the two ends get infinity and every other the gap between its neighbours
     * divided by the objective's range; summed over objectives. An objective with zero range adds nothing.
     */
    public static double[] crowdingDistance(double[][] points, int[] front) {
        int n = front.length;
        double[] distance = new double[n];
        if (n == 0) {
            return distance;
        }
        int m = points[front[0]].length;
        for (int k = 0; k < m; k++) {
            int objective = k;
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingDouble(i -> points[front[i]][objective]));
            double low = points[front[order[0]]][k];
            double high = points[front[order[n - 1]]][k];
            distance[order[0]] = Double.POSITIVE_INFINITY;
            distance[order[n - 1]] = Double.POSITIVE_INFINITY;
            if (high <= low) {
                continue;
            }
            for (int r = 1; r < n - 1; r++) {
                double gap = points[front[order[r + 1]]][k] - points[front[order[r - 1]]][k];
                distance[order[r]] += gap / (high - low);
            }
        }
        return distance;
    }
}
