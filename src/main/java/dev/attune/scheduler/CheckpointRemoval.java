package dev.attune.scheduler;

import dev.attune.math.ResumeProbability;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Syne Tune's speculative early checkpoint removal for the pause-and-resume rung systems: while running
 * trials plus paused trials that keep a checkpoint exceed {@code maxNumCheckpoints}, the paused trials
 * least likely to be resumed (rung level × probability of being resumed, from Beta-binomial estimates of
 * how often a new arrival at a rung ranks above a paused trial) lose their checkpoints first.
 */
final class CheckpointRemoval {
    /** Where a paused trial waits, for the ranking and the resume probability. */
    interface Rungs {
        /** The rung at this level of the trial's rung system, or null. */
        Rung rungOf(long trialId, long level);
    }

    private final Long maxNumCheckpoints;
    private final int approxSteps;
    private final double priorMean;
    private final double priorSize;
    private final long minDataAtRung;
    /** Per rung level: [data points where the arrival ranked above, data points]. */
    private final Map<Long, long[]> arrivals = new HashMap<>();

    private final long[] arrivalsOverall = new long[2];
    private final Set<Long> removed = new LinkedHashSet<>();
    /** Paused trials that still have a checkpoint, with the rung level they wait at. */
    private final Map<Long, Long> pausedWithCheckpoint = new HashMap<>();

    CheckpointRemoval(Long maxNumCheckpoints, int approxSteps, double priorMean, double priorSize, long minDataAtRung) {
        this.maxNumCheckpoints = maxNumCheckpoints;
        this.approxSteps = approxSteps;
        this.priorMean = priorMean;
        this.priorSize = priorSize;
        this.minDataAtRung = minDataAtRung;
    }

    Set<Long> removed() {
        return Collections.unmodifiableSet(removed);
    }

    /**
     * The paused trials whose checkpoints should go now, lowest expected cost of losing them first.
     *
     * @param running how many trials run (each will write a checkpoint)
     * @param timeRatio time left over time spent, or NaN without a time limit
     */
    List<Long> propose(int running, double timeRatio, Rungs rungs) {
        if (maxNumCheckpoints == null) {
            return List.of();
        }
        long over = running + pausedWithCheckpoint.size() - maxNumCheckpoints;
        if (over <= 0 || pausedWithCheckpoint.isEmpty()) {
            return List.of();
        }
        // Syne Tune's score: rung level × probability of being resumed; without a time limit, its
        // "by_level" baseline (lowest rung first, then worst rank).
        record Candidate(long trialId, double score, long level, int rank) {}
        ToIntFunction<Long> rankOf = id -> {
            Rung r = rungs.rungOf(id, pausedWithCheckpoint.get(id));
            return r == null || !r.contains(id) ? Integer.MAX_VALUE : r.rankOf(id);
        };
        List<Candidate> candidates = new ArrayList<>();
        for (Map.Entry<Long, Long> e : pausedWithCheckpoint.entrySet()) {
            long level = e.getValue();
            Rung rung = rungs.rungOf(e.getKey(), level);
            int rank = rankOf.applyAsInt(e.getKey());
            double score = Double.isNaN(timeRatio) || rung == null
                    ? level
                    : level
                            * ResumeProbability.of(
                                    rank + 1,
                                    rung.size(),
                                    rung.promotionQuantile,
                                    probabilityAbove(level),
                                    Math.max(timeRatio, 1e-3),
                                    approxSteps);
            candidates.add(new Candidate(e.getKey(), score, level, rank));
        }
        candidates.sort(Comparator.comparingDouble(Candidate::score)
                .thenComparing(Candidate::rank, Comparator.reverseOrder())
                .thenComparing(Candidate::trialId));
        return candidates.stream().limit(over).map(Candidate::trialId).toList();
    }

    /** Posterior mean of P(a new arrival at this rung ranks above a paused trial), Beta-binomial. */
    private double probabilityAbove(long level) {
        long[] data = arrivals.getOrDefault(level, new long[2]);
        if (data[1] < minDataAtRung) {
            data = arrivalsOverall;
        }
        return (priorMean * priorSize + data[0]) / (priorSize + data[1]);
    }

    /**
     * A trial paused at {@code level} keeps its checkpoint; its arrival at {@code rung} (null when it
     * paused at a milestone that is no rung) gives one data point per other paused trial there.
     */
    void onPaused(long trialId, long level, Rung rung, double value) {
        if (rung != null) {
            long[] atRung = arrivals.computeIfAbsent(rung.level, k -> new long[2]);
            for (Map.Entry<Long, Long> e : pausedWithCheckpoint.entrySet()) {
                if (e.getKey() != trialId && e.getValue() == rung.level && rung.contains(e.getKey())) {
                    long above = rung.passes(value, rung.valueOf(e.getKey())) ? 1 : 0;
                    atRung[0] += above;
                    atRung[1]++;
                    arrivalsOverall[0] += above;
                    arrivalsOverall[1]++;
                }
            }
        }
        pausedWithCheckpoint.put(trialId, level);
    }

    void onRemoved(List<Long> trialIds) {
        for (long id : trialIds) {
            pausedWithCheckpoint.remove(id);
            removed.add(id);
        }
    }

    /** It trains again (from scratch if its checkpoint went) and writes a new checkpoint to keep. */
    void onResumed(long trialId) {
        pausedWithCheckpoint.remove(trialId);
        removed.remove(trialId);
    }

    /** The trial ended: nothing of it to keep or remove any more. */
    void onEnded(long trialId) {
        pausedWithCheckpoint.remove(trialId);
    }
}
