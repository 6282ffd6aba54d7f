package dev.attune.math.importance;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A binary regression tree over {@link Feature}s: each inner node sends a point left when its numeric
 * feature is at most the threshold, or when its categorical feature's category is in the node's left
 * set; each leaf holds a value. Node 0 is the root. Grown by {@link TreeGrower}, or by hand in tests.
 */
final class RegressionTree {
    private static final int LEAF = -1;
    private int[] feature = new int[16];
    private double[] threshold = new double[16];
    private boolean[] @Nullable [] leftCategories = new boolean[16][];
    private int[] left = new int[16];
    private int[] right = new int[16];
    private double[] value = new double[16];
    private int size;

    /** Adds a leaf of value 0 and returns its index; {@link #splitNumeric} or {@link #splitCategorical} may turn it into a split. */
    int addNode() {
        if (size == feature.length) {
            int n = size * 2;
            feature = Arrays.copyOf(feature, n);
            threshold = Arrays.copyOf(threshold, n);
            leftCategories = Arrays.copyOf(leftCategories, n);
            left = Arrays.copyOf(left, n);
            right = Arrays.copyOf(right, n);
            value = Arrays.copyOf(value, n);
        }
        feature[size] = LEAF;
        value[size] = 0;
        return size++;
    }

    /** Sets a leaf's prediction (on an inner node: the mean of its training samples, for information). */
    void setValue(int node, double v) {
        value[node] = v;
    }

    int addLeaf(double v) {
        int node = addNode();
        value[node] = v;
        return node;
    }

    void splitNumeric(int node, int f, double t, int leftChild, int rightChild) {
        feature[node] = f;
        threshold[node] = t;
        left[node] = leftChild;
        right[node] = rightChild;
    }

    void splitCategorical(int node, int f, boolean[] goesLeft, int leftChild, int rightChild) {
        feature[node] = f;
        leftCategories[node] = goesLeft.clone();
        left[node] = leftChild;
        right[node] = rightChild;
    }

    int size() {
        return size;
    }

    boolean isLeaf(int node) {
        return feature[node] == LEAF;
    }

    int feature(int node) {
        return feature[node];
    }

    double threshold(int node) {
        return threshold[node];
    }

    /** The categories sent left, or null when the node splits a numeric feature. */
    boolean @Nullable [] leftCategories(int node) {
        return leftCategories[node];
    }

    int left(int node) {
        return left[node];
    }

    int right(int node) {
        return right[node];
    }

    double value(int node) {
        return value[node];
    }

    double predict(double[] x) {
        int node = 0;
        while (!isLeaf(node)) {
            boolean[] cats = leftCategories[node];
            double v = x[feature[node]];
            boolean goLeft = cats == null ? v <= threshold[node] : cats[(int) v];
            node = goLeft ? left[node] : right[node];
        }
        return value[node];
    }
}
