package dev.attune.searcher;

import dev.attune.math.SeededRandom;
import dev.attune.space.SearchSpace;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * Random-candidate acquisition shared by BORE and CQR: {@code count} configs drawn uniformly (seeded by
 * the trial id), or with {@code restrictConfigurations} the allowed configs not yet in the study; those
 * already in the study are skipped unless duplicates are allowed; the one with the lowest score wins
 * (the first on ties).
 */
final class CandidateScoring {
    private CandidateScoring() {}

    static Optional<Map<String, Object>> best(
            SearchSpace space,
            RandomSearcher random,
            long seed,
            String purpose,
            long trialId,
            int count,
            ToDoubleFunction<double[]> score) {
        List<Map<String, Object>> restricted = random.unusedRestricted();
        Map<String, Object> best = null;
        double bestScore = Double.POSITIVE_INFINITY;
        int n = restricted == null ? count : restricted.size();
        for (int i = 0; i < n; i++) {
            Map<String, Object> config =
                    restricted == null ? space.sample(SeededRandom.of(seed, purpose, trialId, i)) : restricted.get(i);
            if (random.excludes(config)) {
                continue;
            }
            double s = score.applyAsDouble(space.encode(config));
            if (best == null || s < bestScore) {
                best = config;
                bestScore = s;
            }
        }
        return Optional.ofNullable(best);
    }

    /** A generator for the per-candidate draws a score may need (e.g. which quantile), seeded by the trial. */
    static SplittableRandom draws(long seed, String purpose, long trialId) {
        return SeededRandom.of(seed, purpose + "-draws", trialId);
    }
}
