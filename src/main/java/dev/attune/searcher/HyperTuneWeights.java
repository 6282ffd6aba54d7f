package dev.attune.searcher;

import dev.attune.math.GaussianProcess;
import dev.attune.math.Normal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Hyper-Tune's distribution θ over rung levels: how reliably the model at each level r ≤ r* orders the
 * configs observed at r*, the highest level with at least {@link #MIN_POINTS} results.
 *
 * <p>For each of S samples, the configs observed at r* get sampled values at every r < r* (joint
 * posterior draws) and at r* itself (leave-one-out predictive draws, the cross-validation approximation);
 * the pairwise ranking loss against the observations at r* is computed per level, and θ is the
 * normalized count of levels attaining the minimum. While r* is the lowest level, θ puts all mass on it.
 *
 * <p>[1] Li et al., Hyper-Tune: Towards Efficient Hyper-parameter Tuning at Scale, VLDB 2022; Syne Tune's
 * generalization estimates θ as soon as r* is above the lowest level.
 */
final class HyperTuneWeights {
    static final int MIN_POINTS = 6;

    private HyperTuneWeights() {}

    /**
     * @param gp a posterior over (x, r) conditioned on the observations without fantasies, rows in order
     * @param levelOfRow each GP row's level
     * @param y each GP row's target (any monotone transform of the observation)
     * @param levels the scheduler's levels, ascending
     * @param scaledLevels each level as the GP's last input sees it
     * @return θ over {@code levels}
     */
    static double[] estimate(
            GaussianProcess gp,
            long[] levelOfRow,
            double[] y,
            double[][] inputs,
            List<Long> levels,
            int samples,
            SplittableRandom random,
            double[] scaledLevels) {
        double[] theta = new double[levels.size()];
        int star = top(levelOfRow, levels);
        if (star <= 0) {
            theta[0] = 1;
            return theta;
        }
        long starLevel = levels.get(star);
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < levelOfRow.length; i++) {
            if (levelOfRow[i] == starLevel) {
                rows.add(i);
            }
        }
        int m = rows.size();
        double[] observed = rows.stream().mapToDouble(i -> y[i]).toArray();
        double[][][] draws = new double[star + 1][][]; // level → sample → config
        for (int k = 0; k < star; k++) {
            double scaled = scaledLevels[k];
            double[][] points = new double[m][];
            for (int a = 0; a < m; a++) {
                points[a] = inputs[rows.get(a)].clone();
                points[a][points[a].length - 1] = scaled;
            }
            draws[k] = gp.sampleObservations(points, samples, random);
        }
        double[][] loo =
                gp.leaveOneOut(rows.stream().mapToInt(Integer::intValue).toArray());
        draws[star] = new double[samples][m];
        for (int s = 0; s < samples; s++) {
            for (int a = 0; a < m; a++) {
                draws[star][s][a] = loo[0][a] + Math.sqrt(loo[1][a]) * Normal.sample(random);
            }
        }
        for (int s = 0; s < samples; s++) {
            long[] loss = new long[star + 1];
            long min = Long.MAX_VALUE;
            for (int k = 0; k <= star; k++) {
                loss[k] = rankingLoss(draws[k][s], observed);
                min = Math.min(min, loss[k]);
            }
            for (int k = 0; k <= star; k++) {
                if (loss[k] == min) {
                    theta[k] += 1;
                }
            }
        }
        double total = Arrays.stream(theta).sum();
        for (int k = 0; k < theta.length; k++) {
            theta[k] /= total;
        }
        return theta;
    }

    /** The index of r*, the highest level with at least {@link #MIN_POINTS} results, or −1 if none. */
    static int top(long[] levelOfRow, List<Long> levels) {
        int star = -1;
        for (int k = 0; k < levels.size(); k++) {
            long level = levels.get(k);
            if (Arrays.stream(levelOfRow).filter(l -> l == level).count() >= MIN_POINTS) {
                star = k;
            }
        }
        return star;
    }

    /** Pairs ordered differently by the predictions and the observations. */
    static long rankingLoss(double[] predicted, double[] observed) {
        long loss = 0;
        for (int i = 0; i < predicted.length; i++) {
            for (int j = i + 1; j < predicted.length; j++) {
                if ((predicted[i] - predicted[j]) * (observed[i] - observed[j]) < 0) {
                    loss++;
                }
            }
        }
        return loss;
    }
}
