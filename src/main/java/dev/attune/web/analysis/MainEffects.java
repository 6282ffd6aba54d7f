package dev.attune.web.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameter importance as the share of the objective's variance that each parameter explains on its own
 * (first-order main effects, the quantity fANOVA reports for single parameters [1]).
 *
 * <p>Implementation note: instead of fitting a random forest, each parameter's values are grouped —
 * numeric ones into {@code bins} equal-count bins by rank, categorical ones by category — and the
 * importance is the correlation ratio η² = Var(E[y | group]) / Var(y), with y the objective's rank
 * (robust to outliers and to the scale of the metric). η² is biased upward by about
 * (groups − 1) / n for a parameter with no effect, so that much is subtracted before normalising the
 * importances to sum to 1. O(n log n) per parameter.
 *
 * <p>[1] An Efficient Approach for Assessing Hyperparameter Importance, ICML 2014.
 */
public final class MainEffects {
    private MainEffects() {}

    /**
     * @param columns per parameter, its value for each trial: a Number or anything else (a category);
     *     null where the trial lacks the parameter
     * @param objective smaller is better; one per trial
     * @return importance per parameter in [0, 1], summing to 1 unless every parameter explains nothing
     */
    public static Map<String, Double> importance(Map<String, List<Object>> columns, double[] objective, int bins) {
        int n = objective.length;
        double[] y = ranks(objective);
        double mean = (n - 1) / 2.0;
        double total = 0;
        for (double v : y) {
            total += (v - mean) * (v - mean);
        }
        Map<String, Double> raw = new LinkedHashMap<>();
        for (Map.Entry<String, List<Object>> c : columns.entrySet()) {
            int[] group = groups(c.getValue(), bins);
            int groups = Arrays.stream(group).max().orElse(-1) + 1;
            double[] sum = new double[groups];
            int[] count = new int[groups];
            for (int i = 0; i < n; i++) {
                if (group[i] >= 0) {
                    sum[group[i]] += y[i];
                    count[group[i]]++;
                }
            }
            double between = 0;
            for (int g = 0; g < groups; g++) {
                if (count[g] > 0) {
                    double m = sum[g] / count[g];
                    between += count[g] * (m - mean) * (m - mean);
                }
            }
            double eta2 = total > 0 ? between / total : 0;
            raw.put(c.getKey(), Math.max(0, eta2 - (groups - 1.0) / Math.max(1, n)));
        }
        double s = raw.values().stream().mapToDouble(Double::doubleValue).sum();
        Map<String, Double> out = new LinkedHashMap<>();
        raw.forEach((k, v) -> out.put(k, s > 0 ? v / s : 0.0));
        return out;
    }

    /** Average ranks from 0, ties sharing their mean rank. */
    static double[] ranks(double[] v) {
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; ) {
            int j = i;
            while (j + 1 < v.length && v[order[j + 1]] == v[order[i]]) {
                j++;
            }
            for (int k = i; k <= j; k++) {
                r[order[k]] = (i + j) / 2.0;
            }
            i = j + 1;
        }
        return r;
    }

    /** Group index per trial (-1 where missing): equal-count bins by rank for numbers, else by value. */
    static int[] groups(List<Object> values, int bins) {
        int n = values.size();
        int[] g = new int[n];
        Arrays.fill(g, -1);
        boolean numeric = values.stream().allMatch(v -> v == null || v instanceof Number);
        if (numeric) {
            List<Integer> present = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (values.get(i) != null) {
                    present.add(i);
                }
            }
            present.sort((a, b) ->
                    Double.compare(((Number) values.get(a)).doubleValue(), ((Number) values.get(b)).doubleValue()));
            long distinct = present.stream().map(values::get).distinct().count();
            int k = (int) Math.min(bins, Math.max(1, distinct));
            for (int r = 0; r < present.size(); r++) {
                g[present.get(r)] = (int) ((long) r * k / present.size());
            }
            // Equal values must share a bin, or a constant would look informative.
            for (int r = 1; r < present.size(); r++) {
                if (values.get(present.get(r)).equals(values.get(present.get(r - 1)))) {
                    g[present.get(r)] = g[present.get(r - 1)];
                }
            }
        } else {
            Map<Object, Integer> index = new HashMap<>();
            for (int i = 0; i < n; i++) {
                if (values.get(i) != null) {
                    g[i] = index.computeIfAbsent(values.get(i).toString(), k -> index.size());
                }
            }
        }
        return g;
    }
}
