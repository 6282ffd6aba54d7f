package dev.attune.searcher;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Which observations a model keeps when there are too many (Syne Tune's
 * {@code SubsampleSingleFidelityStateConverter}): the best fraction, plus a uniform sample without
 * replacement of the rest.
 */
final class Subsample {
    private Subsample() {}

    /**
     * Rows (ascending) of the first {@code k} targets {@code y} (lower is better): all of them when
     * {@code max} is 0 or at least k, else the best round(max·topFraction) and a sample of the others up to
     * {@code max}.
     */
    static int[] rows(double[] y, int k, int max, double topFraction, SplittableRandom random) {
        if (max <= 0 || k <= max) {
            return IntStream.range(0, k).toArray();
        }
        Integer[] order = IntStream.range(0, k).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> y[i]));
        int top = (int) Math.round(max * topFraction);
        List<Integer> rest = new ArrayList<>(Arrays.asList(order).subList(top, k));
        for (int i = 0; i < max - top; i++) { // partial Fisher–Yates
            int j = i + random.nextInt(rest.size() - i);
            Integer t = rest.get(i);
            rest.set(i, rest.get(j));
            rest.set(j, t);
        }
        int[] rows = new int[max];
        for (int i = 0; i < top; i++) {
            rows[i] = order[i];
        }
        for (int i = top; i < max; i++) {
            rows[i] = rest.get(i - top);
        }
        Arrays.sort(rows);
        return rows;
    }
}
