package dev.attune.math.boosting;

import java.util.ArrayList;
import java.util.List;

/**
 * Gradient-boosted trees for binary labels with XGBoost's defaults ({@code XGBClassifier()}: 100 trees
 * of depth ≤ 6, learning rate 0.3, λ = 1, min_child_weight = 1, no row or column subsampling): each round
 * takes a Newton step on the logistic loss, g = p − y, h = p(1 − p). The base score is the log-odds of
 * the positive share, as XGBoost ≥ 2 estimates it. Deterministic: nothing is drawn at random.
 */
public final class BoostedClassifier implements Classifier {
    /** The number of rounds, the learning rate and the trees' shape. */
    public record Params(int rounds, double learningRate, TreeLearner.Params tree) {
        public static Params xgboostDefaults() {
            return new Params(100, 0.3, new TreeLearner.Params(6, 1.0, 1.0, 1, 0));
        }
    }

    private final TreeEnsemble model;

    private BoostedClassifier(TreeEnsemble model) {
        this.model = model;
    }

    public static BoostedClassifier fit(double[][] x, boolean[] y, Params p) {
        int n = x.length;
        double positives = 0;
        for (boolean b : y) {
            positives += b ? 1 : 0;
        }
        double share = Math.min(1 - 1e-6, Math.max(1e-6, positives / Math.max(1, n)));
        double base = Math.log(share / (1 - share));
        TreeLearner learner = new TreeLearner(x);
        double[] raw = new double[n];
        java.util.Arrays.fill(raw, base);
        double[] g = new double[n], h = new double[n];
        List<Tree> trees = new ArrayList<>();
        for (int round = 0; round < p.rounds(); round++) {
            for (int i = 0; i < n; i++) {
                double prob = sigmoid(raw[i]);
                g[i] = prob - (y[i] ? 1 : 0);
                h[i] = Math.max(prob * (1 - prob), 1e-16);
            }
            Tree t = learner.grow(g, h, null, p.tree(), null, null);
            trees.add(t);
            for (int i = 0; i < n; i++) {
                raw[i] += p.learningRate() * t.predict(x[i]);
            }
        }
        return new BoostedClassifier(new TreeEnsemble(base, p.learningRate(), trees));
    }

    @Override
    public double probability(double[] x) {
        return sigmoid(model.predict(x));
    }

    static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }
}
