package dev.attune.math;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Gradient-boosted regression trees for squared error, fitted as XGBoost does with its defaults (the
 * surrogate Syne Tune's {@code QuantileBasedSurrogateSearcher} uses, {@code xgboost.XGBRegressor()}): each
 * round fits a tree to the gradients g = ŷ − y (hessians 1) by exact greedy search of the split gain
 * ½[G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)] − γ, leaves get −G/(H+λ), shrunk by the learning rate, and the
 * first prediction is the mean of y.
 *
 * <p>Defaults as XGBoost's: 100 rounds, depth 6, learning rate 0.3, λ = 1, γ = 0, minimum child weight 1,
 * no row or column subsampling. XGBoost's default {@code tree_method="hist"} bins each feature into at most
 * 256 buckets; with at most 256 distinct values per feature (every transfer set of a few hundred points)
 * the candidate splits are the same, and this class places a split midway between two adjacent values.
 * Deterministic: no randomness at all.
 */
public final class GradientBoostedTrees {
    /** The settings; {@link #XGBOOST_DEFAULTS} are XGBoost's. */
    public record Params(
            int rounds, int maxDepth, double learningRate, double lambda, double gamma, double minChildWeight) {}

    public static final Params XGBOOST_DEFAULTS = new Params(100, 6, 0.3, 1.0, 0.0, 1.0);

    private final double base;
    private final List<Tree> trees;

    private GradientBoostedTrees(double base, List<Tree> trees) {
        this.base = base;
        this.trees = trees;
    }

    /** Fits x (n rows of equal length) to y. */
    public static GradientBoostedTrees fit(double[][] x, double[] y, Params p) {
        int n = y.length;
        if (n == 0 || x.length != n) {
            throw new IllegalArgumentException("need as many rows as targets, and at least one");
        }
        double base = Arrays.stream(y).average().orElse(0);
        double[] pred = new double[n];
        Arrays.fill(pred, base);
        int d = x[0].length;
        // rows sorted by each feature once; a node keeps the sorted order by filtering
        int[][] sortedBy = new int[d][];
        for (int j = 0; j < d; j++) {
            final int f = j;
            sortedBy[j] = java.util.stream.IntStream.range(0, n)
                    .boxed()
                    .sorted((a, b) -> Double.compare(x[a][f], x[b][f]))
                    .mapToInt(Integer::intValue)
                    .toArray();
        }
        List<Tree> trees = new ArrayList<>();
        double[] g = new double[n];
        for (int r = 0; r < p.rounds(); r++) {
            for (int i = 0; i < n; i++) {
                g[i] = pred[i] - y[i];
            }
            Tree t = new Tree();
            boolean[] in = new boolean[n];
            Arrays.fill(in, true);
            t.grow(x, g, sortedBy, in, 0, p);
            trees.add(t);
            for (int i = 0; i < n; i++) {
                pred[i] += t.predict(x[i]);
            }
        }
        return new GradientBoostedTrees(base, trees);
    }

    public double predict(double[] x) {
        double s = base;
        for (Tree t : trees) {
            s += t.predict(x);
        }
        return s;
    }

    /** One regression tree in flat arrays; a row goes left when x[feature] < threshold. */
    private static final class Tree {
        private final List<Integer> feature = new ArrayList<>();
        private final List<Double> threshold = new ArrayList<>();
        private final List<Integer> left = new ArrayList<>();
        private final List<Integer> right = new ArrayList<>();
        private final List<Double> value = new ArrayList<>();
        private int[] featureA;
        private double[] thresholdA;
        private int[] leftA;
        private int[] rightA;
        private double[] valueA;

        /** Grows the node for the rows marked in {@code in}; returns its index. */
        int grow(double[][] x, double[] g, int[][] sortedBy, boolean[] in, int depth, Params p) {
            int node = feature.size();
            feature.add(-1);
            threshold.add(0.0);
            left.add(-1);
            right.add(-1);
            double gSum = 0;
            int count = 0;
            for (int i = 0; i < in.length; i++) {
                if (in[i]) {
                    gSum += g[i];
                    count++;
                }
            }
            value.add(-gSum / (count + p.lambda()) * p.learningRate());
            if (depth >= p.maxDepth() || count < 2) {
                return node;
            }
            double parentScore = gSum * gSum / (count + p.lambda());
            double bestGain = 0;
            int bestFeature = -1;
            double bestThreshold = 0;
            for (int j = 0; j < sortedBy.length; j++) {
                double gLeft = 0;
                int hLeft = 0;
                int[] order = sortedBy[j];
                int prev = -1;
                for (int i : order) {
                    if (!in[i]) {
                        continue;
                    }
                    if (prev >= 0
                            && x[i][j] > x[prev][j]
                            && hLeft >= p.minChildWeight()
                            && count - hLeft >= p.minChildWeight()) {
                        double gRight = gSum - gLeft;
                        double gain = 0.5
                                        * (gLeft * gLeft / (hLeft + p.lambda())
                                                + gRight * gRight / (count - hLeft + p.lambda())
                                                - parentScore)
                                - p.gamma();
                        if (gain > bestGain + 1e-12) {
                            bestGain = gain;
                            bestFeature = j;
                            bestThreshold = 0.5 * (x[i][j] + x[prev][j]);
                        }
                    }
                    gLeft += g[i];
                    hLeft++;
                    prev = i;
                }
            }
            if (bestFeature < 0) {
                return node;
            }
            boolean[] inLeft = new boolean[in.length];
            boolean[] inRight = new boolean[in.length];
            for (int i = 0; i < in.length; i++) {
                if (in[i]) {
                    if (x[i][bestFeature] < bestThreshold) {
                        inLeft[i] = true;
                    } else {
                        inRight[i] = true;
                    }
                }
            }
            feature.set(node, bestFeature);
            threshold.set(node, bestThreshold);
            left.set(node, grow(x, g, sortedBy, inLeft, depth + 1, p));
            right.set(node, grow(x, g, sortedBy, inRight, depth + 1, p));
            return node;
        }

        double predict(double[] x) {
            if (featureA == null) {
                freeze();
            }
            int node = 0;
            while (featureA[node] >= 0) {
                node = x[featureA[node]] < thresholdA[node] ? leftA[node] : rightA[node];
            }
            return valueA[node];
        }

        private void freeze() {
            featureA = feature.stream().mapToInt(Integer::intValue).toArray();
            thresholdA = threshold.stream().mapToDouble(Double::doubleValue).toArray();
            leftA = left.stream().mapToInt(Integer::intValue).toArray();
            rightA = right.stream().mapToInt(Integer::intValue).toArray();
            valueA = value.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }
}
