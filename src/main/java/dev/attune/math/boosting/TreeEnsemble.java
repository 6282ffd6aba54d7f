package dev.attune.math.boosting;

import java.util.List;

/** A base value plus the scaled sum of trees' predictions (a boosted model's raw score, or a forest's mean). */
public final class TreeEnsemble {
    private final double base;
    private final double scale;
    private final List<Tree> trees;

    TreeEnsemble(double base, double scale, List<Tree> trees) {
        this.base = base;
        this.scale = scale;
        this.trees = List.copyOf(trees);
    }

    public double predict(double[] x) {
        double s = 0;
        for (Tree t : trees) {
            s += t.predict(x);
        }
        return base + scale * s;
    }

    public int size() {
        return trees.size();
    }
}
