package dev.attune.scheduler;

import dev.attune.math.SeededRandom;
import dev.attune.searcher.BracketHint;
import java.util.List;
import java.util.Map;

/**
 * Which bracket a new trial of asynchronous Hyperband starts in: drawn from (seed, "bracket", trial id)
 * with probability proportional to the trials synchronous Hyperband starts in each bracket, or from
 * Hyper-Tune's distribution when the searcher's proposal carries a {@link BracketHint}.
 */
final class BracketDistribution {
    private final double[] weights;
    /** Each bracket's lowest level. */
    private final List<Long> bracketLevels;

    private final long seed;

    BracketDistribution(int numRungs, int brackets, double eta, List<Long> bracketLevels, long seed) {
        this.weights = weights(numRungs, brackets, eta);
        this.bracketLevels = List.copyOf(bracketLevels);
        this.seed = seed;
    }

    /**
     * Bracket s is drawn with probability proportional to the number of trials synchronous Hyperband
     * starts in it: ⌈(S+1)/(S−s+1)⌉·η^(S−s) with S the number of rungs.
     */
    static double[] weights(int numRungs, int brackets, double eta) {
        double[] w = new double[brackets];
        double total = 0;
        for (int s = 0; s < brackets; s++) {
            int m = numRungs - s;
            w[s] = Math.ceil((numRungs + 1.0) / (m + 1)) * Math.pow(eta, m);
            total += w[s];
        }
        for (int s = 0; s < brackets; s++) {
            w[s] /= total;
        }
        return w;
    }

    int size() {
        return weights.length;
    }

    /** The bracket of a new trial, from its id and its proposal's memo. */
    int draw(long trialId, Map<String, Object> memo) {
        if (weights.length == 1) {
            return 0;
        }
        double[] w = BracketHint.from(memo)
                .map(hint -> hyperTuneWeights(weights, hint.theta(), hint.top(), bracketLevels))
                .orElse(weights);
        double u = SeededRandom.of(seed, "bracket", trialId).nextDouble();
        for (int s = 0; s < w.length; s++) {
            u -= w[s];
            if (u < 0) {
                return s;
            }
        }
        return w.length - 1;
    }

    /**
     * Hyper-Tune's bracket distribution: for the brackets whose lowest level r is at most r₀ = min(r*,
     * the highest bracket level), P(r) ∝ θ_r / r, scaled to the mass M that ASHA's distribution P₀ gives
     * them; P₀ above r₀. Falls back to P₀ while θ puts no mass on those levels.
     *
     * @param theta the searcher's θ over its levels (the lowest first)
     * @param top the index of r*, the highest level with enough results
     */
    static double[] hyperTuneWeights(double[] p0, List<Double> theta, int top, List<Long> bracketLevels) {
        int r0 = Math.min(top, p0.length - 1);
        double mass = 0;
        double total = 0;
        double[] raw = new double[p0.length];
        for (int s = 0; s <= r0 && s < theta.size(); s++) {
            mass += p0[s];
            raw[s] = theta.get(s) / bracketLevels.get(s);
            total += raw[s];
        }
        if (!(total > 0)) {
            return p0;
        }
        double[] w = p0.clone();
        for (int s = 0; s <= r0; s++) {
            w[s] = mass * raw[s] / total;
        }
        return w;
    }
}
