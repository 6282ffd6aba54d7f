package dev.attune.math.boosting;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A random forest for binary labels with scikit-learn's {@code RandomForestClassifier()} defaults: 100
 * trees grown to purity on bootstrap samples, ⌊√d⌋ features tried at each node (at least one), Gini
 * splits (the least-squares split on 0/1 labels is the Gini split); the probability is the mean of the
 * trees' leaf shares.
 */
public final class RandomForestClassifier implements Classifier {
    private final TreeEnsemble model;

    private RandomForestClassifier(TreeEnsemble model) {
        this.model = model;
    }

    public static RandomForestClassifier fit(double[][] x, boolean[] y, int trees, SplittableRandom random) {
        int n = x.length;
        int d = n == 0 ? 0 : x[0].length;
        TreeLearner learner = new TreeLearner(x);
        double[] g = new double[n], h = new double[n];
        for (int i = 0; i < n; i++) {
            g[i] = y[i] ? -1 : 0; // leaf value −G/H is the positive share
            h[i] = 1;
        }
        TreeLearner.Params p = new TreeLearner.Params(Integer.MAX_VALUE, 0.0, 0.0, 1, Math.max(1, (int) Math.sqrt(d)));
        List<Tree> grown = new ArrayList<>();
        for (int t = 0; t < trees; t++) {
            double[] weight = new double[n];
            for (int i = 0; i < n; i++) {
                weight[random.nextInt(n)]++;
            }
            grown.add(learner.grow(g, h, weight, p, null, random));
        }
        return new RandomForestClassifier(new TreeEnsemble(0, 1.0 / trees, grown));
    }

    @Override
    public double probability(double[] x) {
        return model.predict(x);
    }
}
