package dev.attune.searcher;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Which observations a model keeps when there are too many. Single-fidelity models keep the best fraction
 * plus a uniform sample of the rest (Syne Tune's {@code SubsampleSingleFidelityStateConverter},
 * {@link #rows}); multi-fidelity models keep whole trials from the highest level down (Syne Tune's
 * {@code SubsampleMultiFidelityStateConverter}, {@link #multiFidelity}), and under DyHPO first thin each
 * trial's dense observations ({@code SubsampleMFDenseDataStateConverter}, {@link #dense}).
 */
final class Subsample {
    private Subsample() {}

    /** Chooses the rows (ascending) of the first {@code k} targets {@code y} a model keeps, at most max. */
    @FunctionalInterface
    interface Selector {
        int[] rows(double[] y, int k, int max, SplittableRandom random);
    }

    /** The single-fidelity rule ({@link #rows}) with this top fraction. */
    static Selector singleFidelity(double topFraction) {
        return (y, k, max, random) -> rows(y, k, max, topFraction, random);
    }

    /**
     * Syne Tune's {@code cap_size_tuning_job_state}, for observations tagged with their trial and level
     * (row i: {@code trials[i]}, {@code levels[i]}). From the highest level down, every trial with an
     * observation at that level is kept with all its remaining observations; where they do not all fit,
     * its observations are dropped from the lowest level up, and the level that overflows is sampled
     * uniformly without replacement. Rows of the first k only; all of them when max is 0 or at least k.
     */
    static Selector multiFidelity(long[] trials, long[] levels) {
        return (y, k, max, random) -> cap(IntStream.range(0, k).boxed().toList(), trials, levels, max, random);
    }

    /**
     * Syne Tune's DyHPO converter ({@code SubsampleMFDenseDataStateConverter} with its defaults: grace
     * period 1, reduction factor 3): first, from the highest level down (ties by the larger trial id), each
     * trial keeps only its highest observation in each bucket (r_{j−1}, r_j] of the geometric levels 1, 3,
     * 9, … below the largest level observed, plus that level, stopping as soon as at most max remain; if
     * more than max remain, {@link #multiFidelity}'s cap.
     */
    static Selector dense(long[] trials, long[] levels) {
        return (y, k, max, random) -> {
            if (max <= 0 || k <= max) {
                return IntStream.range(0, k).toArray();
            }
            long maxT = Arrays.stream(levels, 0, k).max().orElse(1);
            List<Long> buckets = new ArrayList<>();
            for (int j = 0; Math.pow(3, j) < maxT; j++) {
                buckets.add(Math.round(Math.pow(3, j)));
            }
            buckets.add(maxT);
            List<Integer> kept = IntStream.range(0, k).boxed().toList();
            if (maxT > 1) {
                List<Integer> sorted = new ArrayList<>(kept);
                sorted.sort(Comparator.<Integer>comparingLong(i -> levels[i])
                        .thenComparingLong(i -> trials[i])
                        .reversed());
                java.util.Set<List<Long>> covered = new java.util.HashSet<>();
                List<Integer> thinned = new ArrayList<>();
                int size = k;
                int pos = 0;
                for (; pos < sorted.size(); pos++) {
                    int i = sorted.get(pos);
                    if (covered.add(List.of(trials[i], bucket(buckets, levels[i])))) {
                        thinned.add(i);
                    } else if (--size == max) {
                        break;
                    }
                }
                thinned.addAll(sorted.subList(Math.min(pos + 1, sorted.size()), sorted.size()));
                kept = thinned;
            }
            return kept.size() > max ? cap(kept, trials, levels, max, random) : sortedArray(kept);
        };
    }

    /** The index of the first bucket bound at or above the level. */
    private static long bucket(List<Long> bounds, long level) {
        for (int j = 0; j < bounds.size(); j++) {
            if (level <= bounds.get(j)) {
                return j;
            }
        }
        return bounds.size();
    }

    private static int[] cap(List<Integer> rows, long[] trials, long[] levels, int max, SplittableRandom random) {
        if (max <= 0 || rows.size() <= max) {
            return sortedArray(rows);
        }
        List<Integer> remaining = new ArrayList<>(rows);
        List<Integer> chosen = new ArrayList<>();
        long[] distinct =
                rows.stream().mapToLong(i -> levels[i]).distinct().sorted().toArray();
        for (int l = distinct.length - 1; l >= 0 && chosen.size() < max; l--) {
            long level = distinct[l];
            java.util.Set<Long> atLevel = new java.util.HashSet<>();
            remaining.stream().filter(i -> levels[i] == level).forEach(i -> atLevel.add(trials[i]));
            List<Integer> next = new ArrayList<>(
                    remaining.stream().filter(i -> atLevel.contains(trials[i])).toList());
            remaining.removeIf(i -> atLevel.contains(trials[i]));
            int gap = max - chosen.size();
            if (next.size() > gap) {
                for (int low = 0; low <= l; low++) {
                    long lowLevel = distinct[low];
                    List<Integer> sample;
                    if (low < l) {
                        sample =
                                next.stream().filter(i -> levels[i] == lowLevel).toList();
                        next = new ArrayList<>(
                                next.stream().filter(i -> levels[i] > lowLevel).toList());
                    } else {
                        sample = next;
                        next = new ArrayList<>();
                    }
                    int size = gap - next.size();
                    if (size > 0) {
                        next.addAll(sampleWithoutReplacement(sample, size, random));
                        break;
                    }
                }
            }
            chosen.addAll(next);
        }
        return sortedArray(chosen);
    }

    private static List<Integer> sampleWithoutReplacement(List<Integer> from, int size, SplittableRandom random) {
        List<Integer> pool = new ArrayList<>(from);
        for (int i = 0; i < size; i++) { // partial Fisher–Yates
            int j = i + random.nextInt(pool.size() - i);
            Integer t = pool.get(i);
            pool.set(i, pool.get(j));
            pool.set(j, t);
        }
        return pool.subList(0, size);
    }

    private static int[] sortedArray(List<Integer> rows) {
        return rows.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

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
        List<Integer> rest = sampleWithoutReplacement(Arrays.asList(order).subList(top, k), max - top, random);
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
