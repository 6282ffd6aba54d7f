package dev.attune.math.importance;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * Grows one CART regression tree (least squares, grown until leaves are pure, hold {@code minSamplesLeaf}
 * samples or reach {@code maxDepth}) on a bootstrap sample of the rows, as scikit-learn's
 * RandomForestRegressor does with its defaults: every feature is tried at every node, in a random order
 * so that ties do not favour the first feature.
 *
 * <p>Numeric splits fall half-way between neighbouring distinct values. A categorical feature is split
 * into two sets of categories by sorting the node's categories by their mean and cutting that order,
 * which finds the best least-squares split of that feature [1]; categories absent from the node go to
 * the child with more samples.
 *
 * <p>Implementation note: the rows are sorted by each feature once ({@link #TreeGrower}); a tree keeps,
 * per feature, its sample in that order and partitions it stably at each split, so growing a tree costs
 * O(features · samples · depth) with no sorting.
 *
 * <p>[1] Fisher, On grouping for maximum homogeneity, JASA 1958; Breiman et al., Classification and
 * Regression Trees, 1984, §9.4.
 */
final class TreeGrower {
    private final List<Feature> features;
    private final double[][] x;
    private final double[] y;
    private final int maxDepth;
    private final int minSamplesLeaf;
    /** Per feature, the row indices sorted by that feature's value. */
    private final int[][] sortedRows;

    TreeGrower(List<Feature> features, double[][] x, double[] y, int maxDepth, int minSamplesLeaf) {
        this.features = features;
        this.x = x;
        this.y = y;
        this.maxDepth = maxDepth;
        this.minSamplesLeaf = minSamplesLeaf;
        this.sortedRows = new int[features.size()][];
        for (int f = 0; f < features.size(); f++) {
            int feature = f;
            sortedRows[f] = IntStream.range(0, y.length)
                    .boxed()
                    .sorted((a, b) -> Double.compare(x[a][feature], x[b][feature]))
                    .mapToInt(Integer::intValue)
                    .toArray();
        }
    }

    /** Grows a tree on a bootstrap sample drawn with {@code random}. */
    RegressionTree grow(SplittableRandom random) {
        int n = y.length;
        int[] multiplicity = new int[n];
        for (int i = 0; i < n; i++) {
            multiplicity[random.nextInt(n)]++;
        }
        return new Growth(multiplicity, random).run();
    }

    /** The state of one tree's growth: its sample (rows with their bootstrap multiplicity) in each feature's order. */
    private final class Growth {
        private final SplittableRandom random;
        private final int[][] order; // per feature: the sample's rows, each node's rows contiguous and sorted
        private final int[] count; // bootstrap multiplicity of each row
        private final boolean[] goesLeft;
        private final int[] buffer;
        private final RegressionTree tree = new RegressionTree();

        Growth(int[] multiplicity, SplittableRandom random) {
            this.random = random;
            this.count = multiplicity;
            this.goesLeft = new boolean[multiplicity.length];
            int distinct = (int) Arrays.stream(multiplicity).filter(c -> c > 0).count();
            this.buffer = new int[distinct];
            this.order = new int[features.size()][];
            for (int f = 0; f < order.length; f++) {
                order[f] =
                        Arrays.stream(sortedRows[f]).filter(r -> count[r] > 0).toArray();
            }
        }

        RegressionTree run() {
            grow(tree.addNode(), 0, buffer.length, 0);
            return tree;
        }

        private void grow(int node, int start, int end, int depth) {
            double sum = 0, sumSq = 0;
            int n = 0;
            for (int i = start; i < end; i++) {
                int r = order[0][i];
                sum += count[r] * y[r];
                sumSq += count[r] * y[r] * y[r];
                n += count[r];
            }
            tree.setValue(node, sum / n);
            @Nullable Split best = null;
            double sse = sumSq - sum * sum / n;
            if (depth < maxDepth && n >= 2 * minSamplesLeaf && sse > 1e-12 * sumSq) {
                for (int f : shuffledFeatures()) {
                    @Nullable
                    Split s = features.get(f).isCategorical()
                            ? bestCategoricalSplit(f, start, end, sum, n)
                            : bestNumericSplit(f, start, end, sum, n);
                    if (s != null && (best == null || s.gain > best.gain)) {
                        best = s;
                    }
                }
            }
            // A split must remove some of the node's squared error, beyond round-off.
            if (best == null || best.gain <= 1e-12 * sse) {
                return; // stays a leaf
            }
            int mid = partition(best, start, end);
            int l = tree.addNode(), r = tree.addNode();
            if (best.leftCategories == null) {
                tree.splitNumeric(node, best.feature, best.threshold, l, r);
            } else {
                tree.splitCategorical(node, best.feature, best.leftCategories, l, r);
            }
            grow(l, start, mid, depth + 1);
            grow(r, mid, end, depth + 1);
        }

        private int[] shuffledFeatures() {
            int[] f = IntStream.range(0, features.size()).toArray();
            for (int i = f.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = f[i];
                f[i] = f[j];
                f[j] = t;
            }
            return f;
        }

        private @Nullable Split bestNumericSplit(int f, int start, int end, double sum, int n) {
            int[] rows = order[f];
            double leftSum = 0;
            int leftN = 0;
            @Nullable Split best = null;
            for (int i = start; i < end - 1; i++) {
                int r = rows[i];
                leftSum += count[r] * y[r];
                leftN += count[r];
                double v = x[r][f], next = x[rows[i + 1]][f];
                if (v == next || leftN < minSamplesLeaf || n - leftN < minSamplesLeaf) {
                    continue;
                }
                double gain = gain(leftSum, leftN, sum, n);
                if (best == null || gain > best.gain) {
                    double t = v + (next - v) / 2;
                    best = new Split(f, t == next ? v : t, null, gain);
                }
            }
            return best;
        }

        private @Nullable Split bestCategoricalSplit(int f, int start, int end, double sum, int n) {
            int k = features.get(f).categories();
            double[] catSum = new double[k];
            int[] catN = new int[k];
            for (int i = start; i < end; i++) {
                int r = order[f][i];
                int c = (int) x[r][f];
                catSum[c] += count[r] * y[r];
                catN[c] += count[r];
            }
            Integer[] present = IntStream.range(0, k)
                    .filter(c -> catN[c] > 0)
                    .boxed()
                    .sorted((a, b) -> Double.compare(catSum[a] / catN[a], catSum[b] / catN[b]))
                    .toArray(Integer[]::new);
            double leftSum = 0;
            int leftN = 0, bestCut = -1, bestLeftN = 0;
            double bestGain = 0;
            for (int i = 0; i < present.length - 1; i++) {
                leftSum += catSum[present[i]];
                leftN += catN[present[i]];
                if (leftN < minSamplesLeaf || n - leftN < minSamplesLeaf) {
                    continue;
                }
                double gain = gain(leftSum, leftN, sum, n);
                if (bestCut < 0 || gain > bestGain) {
                    bestCut = i;
                    bestGain = gain;
                    bestLeftN = leftN;
                }
            }
            if (bestCut < 0) {
                return null;
            }
            boolean[] goLeft = new boolean[k];
            boolean absentLeft = bestLeftN > n - bestLeftN;
            for (int c = 0; c < k; c++) {
                goLeft[c] = catN[c] == 0 && absentLeft;
            }
            for (int i = 0; i <= bestCut; i++) {
                goLeft[present[i]] = true;
            }
            return new Split(f, 0, goLeft, bestGain);
        }

        /** Stably moves the node's rows that go left before those that go right, in every feature's order. */
        private int partition(Split s, int start, int end) {
            for (int i = start; i < end; i++) {
                int r = order[0][i];
                double v = x[r][s.feature];
                goesLeft[r] = s.leftCategories == null ? v <= s.threshold : s.leftCategories[(int) v];
            }
            int mid = start;
            for (int[] rows : order) {
                int l = start, b = 0;
                for (int i = start; i < end; i++) {
                    if (goesLeft[rows[i]]) {
                        rows[l++] = rows[i];
                    } else {
                        buffer[b++] = rows[i];
                    }
                }
                System.arraycopy(buffer, 0, rows, l, b);
                mid = l;
            }
            return mid;
        }
    }

    /** The drop in squared error from splitting a node (sum, n) into a left part (leftSum, leftN) and the rest. */
    private static double gain(double leftSum, int leftN, double sum, int n) {
        double rightSum = sum - leftSum;
        int rightN = n - leftN;
        return leftSum * leftSum / leftN + rightSum * rightSum / rightN - sum * sum / n;
    }

    /** A candidate split: numeric at {@code threshold} when {@code leftCategories} is null. */
    private record Split(int feature, double threshold, boolean @Nullable [] leftCategories, double gain) {}
}
