package dev.attune.scheduler;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * RUSH's hurdles (Syne Tune's {@code RUSHDecider}; Zappella, Salinas and Archambeau, A resource-efficient
 * method for repeated HPO and NAS, AutoML workshop at ICML 2021). The first {@code count} trials of the
 * study are the RUSH points (Syne Tune: trial id below {@code num_threshold_candidates}); a rung's
 * threshold is the best value a RUSH point reached there. A RUSH point that passes the ASHA rule goes on
 * and may raise the threshold; any other trial that passes it must also be at least as good as the
 * threshold (ties pass; no threshold yet: passes).
 */
final class RushPoints {
    private final int count;
    private final boolean minimize;
    private final Set<Long> points = new HashSet<>();
    private int added;

    RushPoints(long count, boolean minimize) {
        this.count = (int) Math.min(Integer.MAX_VALUE, count);
        this.minimize = minimize;
    }

    /** Called for every new trial, in the order they join the study. */
    void onTrialAdded(long trialId) {
        if (added++ < count) {
            points.add(trialId);
        }
    }

    boolean isPoint(long trialId) {
        return points.contains(trialId);
    }

    Set<Long> points() {
        return points;
    }

    /** The better of a threshold (null: none yet) and a value. */
    double better(Double threshold, double value) {
        if (threshold == null) {
            return value;
        }
        return minimize ? Math.min(threshold, value) : Math.max(threshold, value);
    }

    /** Syne Tune's {@code _meets_threshold}: the better of threshold and value is the value. */
    boolean meets(Double threshold, double value) {
        return better(threshold, value) == value;
    }

    /** One rung system's thresholds, by rung level. */
    final class Thresholds {
        private final Map<Long, Double> byLevel = new HashMap<>();

        Double at(long level) {
            return byLevel.get(level);
        }

        void raise(long level, double value) {
            byLevel.put(level, better(byLevel.get(level), value));
        }
    }
}
