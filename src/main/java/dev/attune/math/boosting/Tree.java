package dev.attune.math.boosting;

/** A fitted binary tree over numeric features: a point goes left when its feature is at most the threshold. */
public final class Tree {
    private final int[] feature; // -1 for a leaf
    private final double[] threshold;
    private final int[] left;
    private final int[] right;
    private final double[] value;

    Tree(int[] feature, double[] threshold, int[] left, int[] right, double[] value) {
        this.feature = feature;
        this.threshold = threshold;
        this.left = left;
        this.right = right;
        this.value = value;
    }

    public double predict(double[] x) {
        int node = 0;
        while (feature[node] >= 0) {
            node = x[feature[node]] <= threshold[node] ? left[node] : right[node];
        }
        return value[node];
    }

    /** The number of leaves. */
    public int leaves() {
        int n = 0;
        for (int f : feature) {
            if (f < 0) {
                n++;
            }
        }
        return n;
    }
}
