package dev.attune.scheduler;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * PASHA: promotion-type ASHA whose maximum resource starts small and grows only while the ranking of
 * the top two rungs keeps changing.
 *
 * <p>[1] Bohdal et al., PASHA: Efficient HPO and NAS with Progressive Resource Allocation, ICLR 2023.
 *
 * <p>Implementation note (Syne Tune's {@code PASHARungSystem}): trials may first reach only the second
 * rung (r_min·η). Whenever a trial reaches the highest reachable rung, the trials present in it are
 * ranked by their value there and by their value in the rung below. Soft ranking: in the lower ranking,
 * the group of position i holds the trials whose values lie within ε of the i-th one (walking outwards
 * from it); if the i-th trial of the upper ranking is outside the group of position i for some i, one
 * more rung becomes reachable, up to the true maximum. ε is {@code epsilon} ("soft_ranking"), or
 * {@code epsilonScaling} times the standard deviation ("soft_ranking_std"), the median or the mean
 * ("soft_ranking_median_dst", "soft_ranking_mean_dst") of the pairwise distances of the lower-rung
 * values; with fewer than two trials it is 0.
 */
final class PashaRungSystem extends PromotionRungSystem {
    /** How the ranking tolerance ε is set. */
    record SoftRanking(String criterion, double epsilon, double scaling) {
        static final List<String> CRITERIA =
                List.of("soft_ranking", "soft_ranking_std", "soft_ranking_median_dst", "soft_ranking_mean_dst");

        /** Exact rankings: values count as tied only when equal. */
        static final SoftRanking EXACT = new SoftRanking("soft_ranking", 0, 1);

        double epsilon(double[] values) {
            if (values.length < 2) {
                return 0;
            }
            return switch (criterion) {
                case "soft_ranking_std" -> scaling * standardDeviation(values);
                case "soft_ranking_median_dst", "soft_ranking_mean_dst" -> {
                    List<Double> distances = new ArrayList<>();
                    for (int i = 0; i < values.length; i++) {
                        for (int j = 0; j < values.length; j++) {
                            if (i != j) {
                                distances.add(Math.abs(values[i] - values[j]));
                            }
                        }
                    }
                    double[] d =
                            distances.stream().mapToDouble(Double::doubleValue).toArray();
                    yield scaling
                            * (criterion.equals("soft_ranking_mean_dst")
                                    ? java.util.Arrays.stream(d).average().orElse(0)
                                    : new org.apache.commons.math3.stat.descriptive.rank.Median().evaluate(d));
                }
                default -> epsilon;
            };
        }

        /** The population standard deviation (numpy's default), as Syne Tune computes it. */
        private static double standardDeviation(double[] values) {
            double mean = java.util.Arrays.stream(values).average().orElse(0);
            double sum = 0;
            for (double v : values) {
                sum += (v - mean) * (v - mean);
            }
            return Math.sqrt(sum / values.length);
        }
    }

    private final SoftRanking ranking;
    private final boolean minimize;
    /** Index, counting from the lowest rung, of the highest rung trials may reach now. */
    private int top;

    PashaRungSystem(List<Long> levels, long maxT, boolean minimize, SoftRanking ranking) {
        super(levels, maxT, minimize);
        this.ranking = ranking;
        this.minimize = minimize;
        this.top = Math.min(1, levels.size());
    }

    private Rung ascending(int index) {
        return rungs.get(rungs.size() - 1 - index);
    }

    @Override
    long effectiveMaxT() {
        return top < rungs.size() ? ascending(top).level : maxT;
    }

    @Override
    Outcome onReport(long trialId, long resource, double value, int skip) {
        Outcome o = super.onReport(trialId, resource, value, skip);
        if (top >= 1 && top < rungs.size() && o.rung() == ascending(top) && rankingChanged()) {
            top++;
        }
        return o;
    }

    private boolean rankingChanged() {
        Rung upperRung = ascending(top);
        Rung lowerRung = ascending(top - 1);
        List<Long> upper = upperRung.trialsBestFirst();
        Set<Long> inUpper = new HashSet<>(upper);
        List<Long> lower =
                lowerRung.trialsBestFirst().stream().filter(inUpper::contains).toList();
        double[] loss = lower.stream() // lower is better, whatever the mode
                .mapToDouble(id -> minimize ? lowerRung.valueOf(id) : -lowerRung.valueOf(id))
                .toArray();
        double epsilon = ranking.epsilon(loss);
        for (int i = 0; i < upper.size() && i < lower.size(); i++) {
            if (!group(lower, loss, i, epsilon).contains(upper.get(i))) {
                return true;
            }
        }
        return false;
    }

    /** The trials around position i of the lower ranking whose values lie within ε of the i-th. */
    private static Set<Long> group(List<Long> lower, double[] loss, int i, double epsilon) {
        Set<Long> g = new HashSet<>();
        g.add(lower.get(i));
        for (int j = i + 1; j < lower.size() && loss[j] <= loss[i] + epsilon; j++) {
            g.add(lower.get(j));
        }
        for (int j = i - 1; j >= 0 && loss[j] >= loss[i] - epsilon; j--) {
            g.add(lower.get(j));
        }
        return g;
    }
}
