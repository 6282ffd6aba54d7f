package dev.attune.searcher;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What Hyper-Tune's searcher tells its scheduler about a proposal: θ, its distribution over rung levels
 * (the lowest first), and the index of r*, the highest level with enough results. It travels in the
 * proposal's memo (keys {@code theta} and {@code thetaTop}, as stored in the event log), so that the
 * bracket drawn from it is drawn again on replay.
 */
public record BracketHint(List<Double> theta, int top) {
    static final String THETA = "theta";
    static final String TOP = "thetaTop";

    public BracketHint {
        theta = List.copyOf(theta);
    }

    /** Writes the hint into a proposal's memo. */
    void into(Map<String, Object> memo) {
        memo.put(THETA, theta);
        memo.put(TOP, top);
    }

    /** The hint a proposal's memo carries, if any. */
    public static Optional<BracketHint> from(Map<String, Object> memo) {
        if (memo.get(THETA) instanceof List<?> theta && memo.get(TOP) instanceof Number top) {
            return Optional.of(new BracketHint(
                    theta.stream().map(v -> ((Number) v).doubleValue()).toList(), top.intValue()));
        }
        return Optional.empty();
    }
}
