package dev.attune.math;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Turning several objectives (all minimized) into one number with weights: the linear sum Σ wₖ·yₖ and
 * the Chebyshev (weighted max) maxₖ wₖ·yₖ of Paria, Kandasamy and Póczos, A Flexible Framework for
 * Multi-Objective Bayesian Optimization using Random Scalarizations, UAI 2019; and the rank
 * normalization Syne Tune applies to each objective's acquisition values before weighting.
 */
public enum Scalarization {
    LINEAR {
        @Override
        public double apply(double[] values, double[] weights) {
            double s = 0;
            for (int k = 0; k < values.length; k++) {
                s += weights[k] * values[k];
            }
            return s;
        }
    },
    CHEBYSHEV {
        @Override
        public double apply(double[] values, double[] weights) {
            double s = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < values.length; k++) {
                s = Math.max(s, weights[k] * values[k]);
            }
            return s;
        }
    };

    /** The scalarized value of one point's objectives. */
    public abstract double apply(double[] values, double[] weights);

    /**
     * scipy's {@code rankdata(v) / max(rankdata(v))}: ranks 1..n (ties get their average rank) divided by
     * the largest, so the values land in (0, 1] whatever the objective's scale.
     */
    public static double[] rankNormalized(double[] v) {
        int n = v.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> v[i]));
        double[] ranks = new double[n];
        int start = 0;
        while (start < n) {
            int end = start;
            while (end + 1 < n && v[order[end + 1]] == v[order[start]]) {
                end++;
            }
            double average = (start + end) / 2.0 + 1;
            for (int r = start; r <= end; r++) {
                ranks[order[r]] = average;
            }
            start = end + 1;
        }
        double max = Arrays.stream(ranks).max().orElse(1);
        return Arrays.stream(ranks).map(r -> r / max).toArray();
    }
}
