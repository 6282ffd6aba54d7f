package dev.attune.math.boosting;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Grows one regression tree on per-row gradients g and hessians h (XGBoost's exact greedy algorithm): a
 * node with sums G, H is split where G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ) is largest, and a leaf's value
 * is −G/(H+λ) unless the caller sets it from the leaf's rows. With h = 1 and λ = 0 this is the
 * least-squares (CART) split on the residuals −g, as scikit-learn grows its trees.
 *
 * <p>Implementation note: the rows are sorted by each feature once; the tree grows level by level, and
 * each level scans every feature's order once, keeping running sums per node, so a tree costs
 * O(depth · features · rows). Thresholds fall half-way between neighbouring distinct values; ties between
 * equal gains keep the first split found (lowest feature, lowest threshold), so growth is deterministic.
 */
public final class TreeLearner {
    /** How a leaf's value is set from its rows, e.g. a quantile of residuals; null for the Newton step. */
    @FunctionalInterface
    public interface LeafValue {
        double of(int[] rows);
    }

    /**
     * @param maxDepth the deepest level (the root is depth 0)
     * @param lambda L2 penalty on leaf values (XGBoost's {@code reg_lambda})
     * @param minChildWeight the least hessian sum in a child (XGBoost's {@code min_child_weight})
     * @param minSamplesLeaf the least (weighted) number of rows in a child
     * @param maxFeatures features tried at each node, drawn at random; 0 or ≥ d for all of them
     */
    public record Params(int maxDepth, double lambda, double minChildWeight, int minSamplesLeaf, int maxFeatures) {}

    private final double[][] x;
    private final int n;
    private final int d;
    private final int[][] sorted;

    public TreeLearner(double[][] x) {
        this.x = x;
        this.n = x.length;
        this.d = n == 0 ? 0 : x[0].length;
        this.sorted = new int[d][];
        for (int f = 0; f < d; f++) {
            int feature = f;
            sorted[f] = IntStream.range(0, n)
                    .boxed()
                    .sorted((a, b) -> Double.compare(x[a][feature], x[b][feature]))
                    .mapToInt(Integer::intValue)
                    .toArray();
        }
    }

    public int rows() {
        return n;
    }

    /**
     * Grows a tree.
     *
     * @param weight each row's weight (e.g. its bootstrap multiplicity; 0 leaves it out), or null for 1
     * @param leafValue sets leaf values from their rows, or null for −G/(H+λ)
     * @param random draws the features tried at each node when {@code maxFeatures} limits them; may be null otherwise
     */
    public Tree grow(double[] g, double[] h, double[] weight, Params p, LeafValue leafValue, SplittableRandom random) {
        List<double[]> nodes = new ArrayList<>(); // per node: G, H, W, feature, threshold, left, right, value
        int[] nodeOf = new int[n];
        for (int i = 0; i < n; i++) {
            nodeOf[i] = weight == null || weight[i] > 0 ? 0 : -1;
        }
        nodes.add(newNode());
        for (int i = 0; i < n; i++) {
            if (nodeOf[i] == 0) {
                add(nodes.get(0), g[i], h[i], w(weight, i));
            }
        }
        List<Integer> active = new ArrayList<>(List.of(0));
        for (int depth = 0; depth < p.maxDepth() && !active.isEmpty(); depth++) {
            int m = nodes.size();
            // per node: best gain, feature, threshold
            double[] bestGain = new double[m];
            int[] bestFeature = new int[m];
            double[] bestThreshold = new double[m];
            Arrays.fill(bestFeature, -1);
            boolean[][] allowed = allowedFeatures(active, m, p, random);
            double[] gl = new double[m], hl = new double[m], wl = new double[m], last = new double[m];
            boolean[] seen = new boolean[m];
            boolean[] isActive = new boolean[m];
            active.forEach(k -> isActive[k] = true);
            for (int f = 0; f < d; f++) {
                Arrays.fill(gl, 0);
                Arrays.fill(hl, 0);
                Arrays.fill(wl, 0);
                Arrays.fill(seen, false);
                for (int r : sorted[f]) {
                    int k = nodeOf[r];
                    if (k < 0 || !isActive[k] || (allowed != null && !allowed[k][f])) {
                        continue;
                    }
                    double v = x[r][f];
                    if (seen[k] && v > last[k]) {
                        double[] node = nodes.get(k);
                        double gr = node[0] - gl[k], hr = node[1] - hl[k], wr = node[2] - wl[k];
                        if (hl[k] >= p.minChildWeight()
                                && hr >= p.minChildWeight()
                                && wl[k] >= p.minSamplesLeaf()
                                && wr >= p.minSamplesLeaf()) {
                            double gain = gl[k] * gl[k] / (hl[k] + p.lambda())
                                    + gr * gr / (hr + p.lambda())
                                    - node[0] * node[0] / (node[1] + p.lambda());
                            if (gain > bestGain[k] + 1e-12 * Math.abs(bestGain[k])) {
                                bestGain[k] = gain;
                                bestFeature[k] = f;
                                double t = last[k] + (v - last[k]) / 2;
                                bestThreshold[k] = t >= v ? last[k] : t;
                            }
                        }
                    }
                    gl[k] += g[r] * w(weight, r);
                    hl[k] += h[r] * w(weight, r);
                    wl[k] += w(weight, r);
                    last[k] = v;
                    seen[k] = true;
                }
            }
            List<Integer> next = new ArrayList<>();
            int[] leftChild = new int[m];
            for (int k : active) {
                if (bestFeature[k] < 0 || bestGain[k] <= 1e-12) {
                    continue;
                }
                double[] node = nodes.get(k);
                node[3] = bestFeature[k];
                node[4] = bestThreshold[k];
                node[5] = nodes.size();
                node[6] = nodes.size() + 1;
                leftChild[k] = nodes.size();
                nodes.add(newNode());
                nodes.add(newNode());
                next.add((int) node[5]);
                next.add((int) node[6]);
            }
            for (int r = 0; r < n; r++) {
                int k = nodeOf[r];
                if (k < 0 || k >= m || !isActive[k] || bestFeature[k] < 0 || nodes.get(k)[3] < 0) {
                    continue;
                }
                double[] node = nodes.get(k);
                int child = x[r][(int) node[3]] <= node[4] ? (int) node[5] : (int) node[6];
                nodeOf[r] = child;
                add(nodes.get(child), g[r], h[r], w(weight, r));
            }
            active = next;
        }
        int size = nodes.size();
        int[] feature = new int[size], left = new int[size], right = new int[size];
        double[] threshold = new double[size], value = new double[size];
        List<List<Integer>> rowsOf = new ArrayList<>();
        if (leafValue != null) {
            for (int k = 0; k < size; k++) {
                rowsOf.add(new ArrayList<>());
            }
            for (int r = 0; r < n; r++) {
                if (nodeOf[r] >= 0) {
                    rowsOf.get(nodeOf[r]).add(r);
                }
            }
        }
        for (int k = 0; k < size; k++) {
            double[] node = nodes.get(k);
            feature[k] = (int) node[3];
            threshold[k] = node[4];
            left[k] = (int) node[5];
            right[k] = (int) node[6];
            if (feature[k] < 0) {
                value[k] = leafValue != null && !rowsOf.get(k).isEmpty()
                        ? leafValue.of(rowsOf.get(k).stream()
                                .mapToInt(Integer::intValue)
                                .toArray())
                        : -node[0] / (node[1] + p.lambda());
            }
        }
        return new Tree(feature, threshold, left, right, value);
    }

    private boolean[][] allowedFeatures(List<Integer> active, int m, Params p, SplittableRandom random) {
        if (p.maxFeatures() <= 0 || p.maxFeatures() >= d) {
            return null;
        }
        boolean[][] allowed = new boolean[m][];
        for (int k : active) {
            int[] f = IntStream.range(0, d).toArray();
            for (int i = d - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = f[i];
                f[i] = f[j];
                f[j] = t;
            }
            allowed[k] = new boolean[d];
            for (int i = 0; i < p.maxFeatures(); i++) {
                allowed[k][f[i]] = true;
            }
        }
        return allowed;
    }

    private static double w(double[] weight, int i) {
        return weight == null ? 1 : weight[i];
    }

    private static double[] newNode() {
        return new double[] {0, 0, 0, -1, 0, -1, -1};
    }

    private static void add(double[] node, double g, double h, double w) {
        node[0] += g * w;
        node[1] += h * w;
        node[2] += w;
    }
}
