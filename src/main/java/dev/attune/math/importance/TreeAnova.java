package dev.attune.math.importance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * The functional ANOVA decomposition of one regression tree's prediction under the uniform distribution
 * over the features' space, computed exactly [1]: the tree's total variance, each feature's main-effect
 * variance Var(E[f | x_i]) and each pair's interaction variance Var(E[f | x_i, x_j]) − V_i − V_j.
 *
 * <p>Implementation note: the leaves partition the space into boxes; leaf l has value v_l and covers a
 * fraction p_l,i of feature i's range. The marginal E[f | x_i] is constant between consecutive split
 * points of feature i in this tree (or per category), and on such a cell equals the sum, over the leaves
 * whose box covers it, of v_l · Π_{k≠i} p_l,k. Leaves add to contiguous runs of cells, so each marginal
 * costs O(leaves + cells) with a difference array (O(leaves + cells_i · cells_j) for a pair), instead of
 * the traversal per cell of the original fANOVA code.
 *
 * <p>[1] An Efficient Approach for Assessing Hyperparameter Importance, F. Hutter, H. Hoos and K.
 * Leyton-Brown, ICML 2014.
 */
final class TreeAnova {
    private final List<Feature> features;
    /** Per leaf: its value and, per feature, the fraction of that feature's range it covers. */
    private final double[] leafValue;

    private final double[][] leafFraction;
    /** Per leaf and feature: the runs of that feature's cells the leaf covers, as [from, to) pairs. */
    private final int[][][] leafRuns;
    /** Per feature: each cell's share of the feature's range. */
    private final double[][] cellSize;

    private final double mean;
    private final double variance;

    TreeAnova(RegressionTree tree, List<Feature> features) {
        this.features = features;
        int d = features.size();
        double[][] edges = new double[d][];
        for (int i = 0; i < d; i++) {
            edges[i] = features.get(i).isCategorical() ? null : cellEdges(tree, i);
        }
        List<Box> leaves = new ArrayList<>();
        collectLeaves(tree, 0, Box.whole(features), leaves);
        int n = leaves.size();
        leafValue = new double[n];
        leafFraction = new double[n][d];
        leafRuns = new int[n][d][];
        cellSize = new double[d][];
        for (int i = 0; i < d; i++) {
            Feature f = features.get(i);
            if (f.isCategorical()) {
                cellSize[i] = new double[f.categories()];
                Arrays.fill(cellSize[i], 1.0 / f.categories());
            } else {
                double[] e = edges[i];
                cellSize[i] = new double[e.length - 1];
                for (int c = 0; c < e.length - 1; c++) {
                    cellSize[i][c] = (e[c + 1] - e[c]) / (f.upper() - f.lower());
                }
            }
        }
        double m = 0;
        for (int l = 0; l < n; l++) {
            Box b = leaves.get(l);
            leafValue[l] = b.value;
            double w = 1;
            for (int i = 0; i < d; i++) {
                Feature f = features.get(i);
                if (f.isCategorical()) {
                    leafRuns[l][i] = runs(b.categories[i]);
                    leafFraction[l][i] = count(b.categories[i]) / (double) f.categories();
                } else {
                    int from = Arrays.binarySearch(edges[i], b.lower[i]),
                            to = Arrays.binarySearch(edges[i], b.upper[i]);
                    leafRuns[l][i] = new int[] {from, to};
                    leafFraction[l][i] = (b.upper[i] - b.lower[i]) / (f.upper() - f.lower());
                }
                w *= leafFraction[l][i];
            }
            m += w * b.value;
        }
        double v = 0;
        for (int l = 0; l < n; l++) {
            double w = 1;
            for (int i = 0; i < d; i++) {
                w *= leafFraction[l][i];
            }
            v += w * (leafValue[l] - m) * (leafValue[l] - m);
        }
        mean = m;
        variance = v;
    }

    double variance() {
        return variance;
    }

    /** Var(E[f | x_i]): the variance of feature i's main effect. */
    double mainEffect(int i) {
        double[] marginal = new double[cellSize[i].length + 1];
        for (int l = 0; l < leafValue.length; l++) {
            double a = leafValue[l] * fractionOutside(l, i, i);
            int[] runs = leafRuns[l][i];
            for (int r = 0; r < runs.length; r += 2) {
                marginal[runs[r]] += a;
                marginal[runs[r + 1]] -= a;
            }
        }
        double v = 0, running = 0;
        for (int c = 0; c < cellSize[i].length; c++) {
            running += marginal[c];
            v += cellSize[i][c] * (running - mean) * (running - mean);
        }
        return v;
    }

    /** Var(E[f | x_i, x_j]) − V_i − V_j: the variance of the pair's interaction effect (i ≠ j). */
    double interaction(int i, int j) {
        int ni = cellSize[i].length, nj = cellSize[j].length;
        double[][] marginal = new double[ni + 1][nj + 1];
        for (int l = 0; l < leafValue.length; l++) {
            double a = leafValue[l] * fractionOutside(l, i, j);
            int[] ri = leafRuns[l][i], rj = leafRuns[l][j];
            for (int r = 0; r < ri.length; r += 2) {
                for (int s = 0; s < rj.length; s += 2) {
                    marginal[ri[r]][rj[s]] += a;
                    marginal[ri[r + 1]][rj[s]] -= a;
                    marginal[ri[r]][rj[s + 1]] -= a;
                    marginal[ri[r + 1]][rj[s + 1]] += a;
                }
            }
        }
        // Prefix sums in both directions turn the difference array into the marginal on each cell.
        for (int a = 0; a <= ni; a++) {
            for (int b = 1; b <= nj; b++) {
                marginal[a][b] += marginal[a][b - 1];
            }
        }
        double v = 0;
        for (int a = 0; a < ni; a++) {
            for (int b = 0; b < nj; b++) {
                if (a > 0) {
                    marginal[a][b] += marginal[a - 1][b];
                }
                double dev = marginal[a][b] - mean;
                v += cellSize[i][a] * cellSize[j][b] * dev * dev;
            }
        }
        return v - mainEffect(i) - mainEffect(j);
    }

    /** Π over the features other than i and j of the share of their range leaf l covers. */
    private double fractionOutside(int l, int i, int j) {
        double p = 1;
        for (int k = 0; k < features.size(); k++) {
            if (k != i && k != j) {
                p *= leafFraction[l][k];
            }
        }
        return p;
    }

    /** The feature's bounds and every threshold this tree splits it at, sorted. */
    private double[] cellEdges(RegressionTree tree, int i) {
        Feature f = features.get(i);
        TreeSet<Double> e = new TreeSet<>(List.of(f.lower(), f.upper()));
        for (int node = 0; node < tree.size(); node++) {
            if (!tree.isLeaf(node) && tree.feature(node) == i) {
                e.add(Math.min(f.upper(), Math.max(f.lower(), tree.threshold(node))));
            }
        }
        return e.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private void collectLeaves(RegressionTree tree, int node, Box box, List<Box> out) {
        if (tree.isLeaf(node)) {
            out.add(box.withValue(tree.value(node)));
            return;
        }
        int f = tree.feature(node);
        boolean[] cats = tree.leftCategories(node);
        if (cats == null) {
            double t =
                    Math.min(features.get(f).upper(), Math.max(features.get(f).lower(), tree.threshold(node)));
            collectLeaves(tree, tree.left(node), box.withUpper(f, Math.min(box.upper[f], t)), out);
            collectLeaves(tree, tree.right(node), box.withLower(f, Math.max(box.lower[f], t)), out);
        } else {
            collectLeaves(tree, tree.left(node), box.withCategories(f, cats, true), out);
            collectLeaves(tree, tree.right(node), box.withCategories(f, cats, false), out);
        }
    }

    /** [from, to) runs of the set categories. */
    private static int[] runs(boolean[] in) {
        List<Integer> r = new ArrayList<>();
        for (int c = 0; c < in.length; c++) {
            if (in[c] && (c == 0 || !in[c - 1])) {
                r.add(c);
            }
            if (in[c] && (c == in.length - 1 || !in[c + 1])) {
                r.add(c + 1);
            }
        }
        return r.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int count(boolean[] in) {
        int n = 0;
        for (boolean b : in) {
            n += b ? 1 : 0;
        }
        return n;
    }

    /** A region of the space: an interval per numeric feature, a set of categories per categorical one. */
    private record Box(double[] lower, double[] upper, boolean[][] categories, double value) {
        static Box whole(List<Feature> features) {
            int d = features.size();
            double[] lo = new double[d], hi = new double[d];
            boolean[][] cats = new boolean[d][];
            for (int i = 0; i < d; i++) {
                Feature f = features.get(i);
                lo[i] = f.lower();
                hi[i] = f.upper();
                cats[i] = new boolean[f.categories()];
                Arrays.fill(cats[i], true);
            }
            return new Box(lo, hi, cats, 0);
        }

        Box withUpper(int f, double v) {
            double[] hi = upper.clone();
            hi[f] = v;
            return new Box(lower, hi, categories, value);
        }

        Box withLower(int f, double v) {
            double[] lo = lower.clone();
            lo[f] = v;
            return new Box(lo, upper, categories, value);
        }

        Box withCategories(int f, boolean[] goesLeft, boolean left) {
            boolean[][] cats = categories.clone();
            cats[f] = categories[f].clone();
            for (int c = 0; c < cats[f].length; c++) {
                cats[f][c] &= goesLeft[c] == left;
            }
            return new Box(lower, upper, cats, value);
        }

        Box withValue(double v) {
            return new Box(lower, upper, categories, v);
        }
    }
}
