package dev.attune.math;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The exact hypervolume of a set of points (all objectives minimized) for a reference point: the
 * Lebesgue measure of the union of the boxes {@code [p, reference)}. Points not strictly better than the
 * reference in every objective add nothing.
 *
 * <p>One objective: {@code reference - min}. Two: a sweep in x with the running minimum of y, O(n log n).
 * Three: Fonseca, Paquete and López-Ibáñez's dimension sweep in z over a sorted 2-D front kept in a tree
 * map whose area is updated as points enter and dominated ones leave, O(n log n). Four and more: WFG
 * (While, Bradstreet and Barone, A Fast Way of Calculating Exact Hypervolumes, IEEE TEC 2012), the sum
 * of each point's exclusive hypervolume, its box minus the hypervolume of the later points limited to
 * that box, recursing until a limited set has three objectives' fast path or a single point; exact and
 * worst-case exponential in d, but fronts of a few hundred points in 4-6 objectives take milliseconds.
 * {@link #slice} (HSO, While et al. 2006) stays as a second exact algorithm for the tests.
 */
public final class Hypervolume {
    private Hypervolume() {}

    public static double of(double[][] points, double[] reference) {
        int d = reference.length;
        List<double[]> inside = new ArrayList<>();
        for (double[] p : points) {
            if (p.length != d) {
                throw new IllegalArgumentException("point has " + p.length + " objectives, reference " + d);
            }
            boolean better = true;
            for (int k = 0; k < d; k++) {
                better &= p[k] < reference[k];
            }
            if (better) {
                inside.add(p);
            }
        }
        if (inside.isEmpty()) {
            return 0;
        }
        return switch (d) {
            case 1 ->
                reference[0] - inside.stream().mapToDouble(p -> p[0]).min().orElseThrow();
            case 2 -> twoD(inside, reference);
            case 3 -> threeD(inside, reference);
            default -> wfg(nonDominated(inside), reference);
        };
    }

    static double twoD(List<double[]> points, double[] ref) {
        double[][] sorted = points.toArray(new double[0][]);
        Arrays.sort(sorted, Comparator.<double[]>comparingDouble(p -> p[0]).thenComparingDouble(p -> p[1]));
        double area = 0;
        double lowestY = ref[1];
        for (double[] p : sorted) {
            if (p[1] < lowestY) {
                // The strip [p.y, lowestY) is first reached by p, the leftmost point reaching below lowestY.
                area += (ref[0] - p[0]) * (lowestY - p[1]);
                lowestY = p[1];
            }
        }
        return area;
    }

    static double threeD(List<double[]> points, double[] ref) {
        double[][] sorted = points.toArray(new double[0][]);
        Arrays.sort(sorted, Comparator.comparingDouble(p -> p[2]));
        TreeMap<Double, Double> front = new TreeMap<>(); // x -> y, x ascending and y strictly descending
        double area = 0;
        double volume = 0;
        for (int i = 0; i < sorted.length; i++) {
            area += insert(front, sorted[i][0], sorted[i][1], ref);
            double nextZ = i + 1 < sorted.length ? sorted[i + 1][2] : ref[2];
            volume += area * (nextZ - sorted[i][2]);
        }
        return volume;
    }

    /** Adds (x, y) to the 2-D front and returns the area it adds (0 when a member weakly dominates it). */
    private static double insert(TreeMap<Double, Double> front, double x, double y, double[] ref) {
        Map.Entry<Double, Double> floor = front.floorEntry(x);
        if (floor != null && floor.getValue() <= y) {
            return 0;
        }
        Map.Entry<Double, Double> lower = front.lowerEntry(x);
        double height = lower == null ? ref[1] : lower.getValue();
        double left = x;
        double added = 0;
        Map.Entry<Double, Double> e = front.ceilingEntry(x);
        while (e != null && e.getValue() >= y) {
            added += (e.getKey() - left) * (height - y);
            left = e.getKey();
            height = e.getValue();
            front.remove(e.getKey());
            e = front.higherEntry(left);
        }
        double right = e == null ? ref[0] : e.getKey();
        added += (right - left) * (height - y);
        front.put(x, y);
        return added;
    }

    /** WFG's hypervolume of a set of mutually non-dominated points, all better than {@code ref}. */
    static double wfg(double[][] points, double[] ref) {
        int d = ref.length;
        if (points.length == 0) {
            return 0;
        }
        if (points.length == 1) {
            return box(points[0], ref);
        }
        if (d <= 3) {
            return of(points, ref);
        }
        double[][] sorted = points.clone();
        // Descending in the last objective: the later points, limited to a box, then collapse onto fewer
        // non-dominated points.
        Arrays.sort(sorted, Comparator.<double[]>comparingDouble(p -> -p[d - 1]));
        double volume = 0;
        for (int i = 0; i < sorted.length; i++) {
            volume += exclusive(sorted, i, ref);
        }
        return volume;
    }

    /** The volume only point i of {@code sorted} dominates among points i, i+1, …: its box minus the rest's. */
    private static double exclusive(double[][] sorted, int i, double[] ref) {
        double[] p = sorted[i];
        List<double[]> limited = new ArrayList<>();
        for (int j = i + 1; j < sorted.length; j++) {
            double[] q = new double[p.length];
            for (int k = 0; k < p.length; k++) {
                q[k] = Math.max(p[k], sorted[j][k]);
            }
            limited.add(q);
        }
        return box(p, ref) - wfg(nonDominated(limited), ref);
    }

    private static double box(double[] p, double[] ref) {
        double v = 1;
        for (int k = 0; k < p.length; k++) {
            v *= ref[k] - p[k];
        }
        return v;
    }

    static double slice(List<double[]> points, double[] ref) {
        int d = ref.length;
        double[][] sorted = points.toArray(new double[0][]);
        Arrays.sort(sorted, Comparator.comparingDouble(p -> p[d - 1]));
        double[] lowerRef = Arrays.copyOf(ref, d - 1);
        List<double[]> projected = new ArrayList<>();
        double volume = 0;
        for (int i = 0; i < sorted.length; i++) {
            projected.add(Arrays.copyOf(sorted[i], d - 1));
            double nextZ = i + 1 < sorted.length ? sorted[i + 1][d - 1] : ref[d - 1];
            if (nextZ > sorted[i][d - 1]) {
                double[][] front = nonDominated(projected);
                double area = d - 1 > 3 ? slice(Arrays.asList(front), lowerRef) : of(front, lowerRef);
                volume += area * (nextZ - sorted[i][d - 1]);
            }
        }
        return volume;
    }

    /** The points no other dominates, one copy of each duplicate. */
    private static double[][] nonDominated(List<double[]> points) {
        double[][] all = points.toArray(new double[0][]);
        List<double[]> kept = new ArrayList<>();
        for (int i = 0; i < all.length; i++) {
            boolean dominated = false;
            for (int j = 0; j < all.length && !dominated; j++) {
                dominated = j != i
                        && (NonDominatedSort.dominates(all[j], all[i]) || (j < i && Arrays.equals(all[j], all[i])));
            }
            if (!dominated) {
                kept.add(all[i]);
            }
        }
        return kept.toArray(new double[0][]);
    }
}
