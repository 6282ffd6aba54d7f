package dev.attune.math.importance;

import dev.attune.math.SeededRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Hyperparameter importance by fANOVA [1]: a random forest of regression trees is fitted to the trials'
 * configurations and values, each tree's prediction is decomposed exactly into main effects and
 * interactions under the uniform distribution over the space ({@link TreeAnova}), and a feature's
 * importance is the share of a tree's variance its main effect explains, averaged over the trees (with
 * its standard deviation across them). Trees that predict a constant are left out, as in [1] and Optuna.
 *
 * <p>Implementation note: the forest is scikit-learn's RandomForestRegressor with Optuna's settings
 * (bootstrap samples, every feature tried at every split, leaves down to one sample, depth ≤ 64), grown
 * by {@link TreeGrower}, so the same trials give close (not identical: different random numbers) results
 * to Optuna's FanovaImportanceEvaluator. Unlike Optuna, categorical features are split natively into
 * two sets of categories rather than one-hot encoded, so every category keeps weight 1/k and no
 * impossible "no category" or "two categories" configuration enters the averages. Growing costs
 * O(trees · features · n · depth); the decomposition O(trees · (leaves · features + cells)) per feature.
 * Deterministic for a given seed.
 *
 * <p>[1] An Efficient Approach for Assessing Hyperparameter Importance, F. Hutter, H. Hoos and K.
 * Leyton-Brown, ICML 2014.
 */
public final class Fanova {
    /** Optuna's defaults: 64 trees of depth at most 64, leaves of one sample. */
    public record Options(int trees, int maxDepth, int minSamplesLeaf, long seed) {
        public static Options defaults(long seed) {
            return new Options(64, 64, 1, seed);
        }
    }

    /** Mean and standard deviation, across the forest's trees, of a share of the tree's variance. */
    public record Share(double mean, double std) {}

    private final List<Feature> features;
    private final List<TreeAnova> trees;

    private Fanova(List<Feature> features, List<TreeAnova> trees) {
        this.features = features;
        this.trees = trees;
    }

    /**
     * Fits the forest to {@code x} (one row per trial: a numeric feature's value, clamped to its bounds, or
     * a categorical feature's index) and {@code y} (the trials' values).
     */
    public static Fanova fit(List<Feature> features, double[][] x, double[] y, Options options) {
        if (x.length != y.length || x.length == 0) {
            throw new IllegalArgumentException("need one value per row and at least one row");
        }
        double[][] clamped = new double[x.length][];
        for (int r = 0; r < x.length; r++) {
            clamped[r] = new double[features.size()];
            for (int i = 0; i < features.size(); i++) {
                Feature f = features.get(i);
                double v = x[r][i];
                if (f.isCategorical() && (v != Math.rint(v) || v < 0 || v >= f.categories())) {
                    throw new IllegalArgumentException(f.name() + ": not a category index: " + v);
                }
                clamped[r][i] = Math.min(f.upper(), Math.max(f.lower(), v));
            }
        }
        TreeGrower grower = new TreeGrower(features, clamped, y, options.maxDepth(), options.minSamplesLeaf());
        List<TreeAnova> trees = new ArrayList<>();
        for (int t = 0; t < options.trees(); t++) {
            SplittableRandom random = SeededRandom.of(options.seed(), "fanova-tree", t);
            TreeAnova anova = new TreeAnova(grower.grow(random), features);
            if (anova.variance() > 0) {
                trees.add(anova);
            }
        }
        return new Fanova(features, trees);
    }

    /** How many trees vary at all (the rest predict a constant and are left out). */
    public int treesUsed() {
        return trees.size();
    }

    /** The share of the variance feature {@code i}'s main effect explains; zero when no tree varies. */
    public Share mainEffect(int i) {
        return share(t -> t.mainEffect(i) / t.variance());
    }

    /** The share of the variance the interaction of features {@code i} and {@code j} explains. */
    public Share interaction(int i, int j) {
        if (i == j) {
            throw new IllegalArgumentException("an interaction needs two features");
        }
        return share(t -> Math.max(0, t.interaction(i, j)) / t.variance());
    }

    public List<Feature> features() {
        return features;
    }

    private Share share(java.util.function.ToDoubleFunction<TreeAnova> perTree) {
        if (trees.isEmpty()) {
            return new Share(0, 0);
        }
        double[] s = trees.stream()
                .mapToDouble(perTree)
                .map(v -> Math.min(1, Math.max(0, v)))
                .toArray();
        double mean = java.util.Arrays.stream(s).average().orElse(0);
        double var =
                java.util.Arrays.stream(s).map(v -> (v - mean) * (v - mean)).sum() / s.length;
        return new Share(mean, Math.sqrt(var));
    }
}
