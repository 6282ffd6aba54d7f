package dev.attune.searcher;

import dev.attune.math.GaussianProcess;
import dev.attune.math.LogExpectedImprovement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * DyHPO's scores of extended configs (x, r): expected improvement at level r, the incumbent being the
 * lowest posterior mean among the observed inputs at level r, or among all observed inputs when none is
 * at r (Syne Tune's {@code _scores_for_resource}, which sets the predictor's {@code filter_observed_data}
 * per level). With fantasies, EI and incumbent are per fantasy sample and EI is averaged.
 *
 * <p>Implementation note: candidates are ranked by log EI, which orders them as EI does where EI is
 * positive and, unlike EI, does not tie where EI underflows to 0 (Syne Tune's {@code np.argmin} of −EI then
 * picks the first candidate, i.e. the first paused trial).
 */
final class DyHpoScores {
    private DyHpoScores() {}

    /**
     * The index of the best candidate (the first one on ties).
     *
     * @param observed the inputs the posterior was conditioned on (without fantasies)
     * @param observedLevels the level of each observed input
     * @param candidates the candidates' inputs (config encoding, then the level as the GP sees it)
     * @param levels each candidate's level
     */
    static int best(
            GaussianProcess gp,
            double[][] observed,
            long[] observedLevels,
            List<double[]> candidates,
            List<Long> levels) {
        Map<Long, double[]> incumbents = new HashMap<>();
        int best = -1;
        double bestScore = Double.POSITIVE_INFINITY;
        for (int i = 0; i < candidates.size(); i++) {
            double[] incumbent =
                    incumbents.computeIfAbsent(levels.get(i), level -> incumbent(gp, observed, observedLevels, level));
            double score = new LogExpectedImprovement(gp, incumbent).value(candidates.get(i));
            if (best < 0 || score < bestScore) {
                best = i;
                bestScore = score;
            }
        }
        return best;
    }

    /** Per fantasy sample, the lowest posterior mean over the observed inputs at the level (or all of them). */
    static double[] incumbent(GaussianProcess gp, double[][] observed, long[] observedLevels, long level) {
        boolean any = Arrays.stream(observedLevels).anyMatch(l -> l == level);
        double[] best = new double[gp.targets()];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        for (int i = 0; i < observed.length; i++) {
            if (any && observedLevels[i] != level) {
                continue;
            }
            double[] means = gp.means(observed[i]);
            for (int s = 0; s < best.length; s++) {
                best[s] = Math.min(best[s], means[s]);
            }
        }
        return best;
    }
}
