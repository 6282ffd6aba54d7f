package dev.attune.math.boosting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The plain-Java tree ensembles behind BORE and CQR, on seeded data. */
class BoostingTest {

    /** Points in [0,1]², labelled by which side of the line a + b = 1 they lie on. */
    static double[][] points(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
            x[i] = new double[] {r.nextDouble(), r.nextDouble(), r.nextDouble()}; // the third input is noise
        }
        return x;
    }

    static boolean label(double[] x) {
        return x[0] + x[1] < 0.7;
    }

    static double accuracy(Classifier c, double[][] x) {
        int right = 0;
        for (double[] p : x) {
            right += (c.probability(p) > 0.5) == label(p) ? 1 : 0;
        }
        return right / (double) x.length;
    }

    @Test
    void eachClassifierSeparatesASeparableSetOnHeldOutPoints() {
        for (long seed = 1; seed <= 3; seed++) {
            double[][] train = points(200, seed);
            boolean[] y = new boolean[train.length];
            for (int i = 0; i < y.length; i++) {
                y[i] = label(train[i]);
            }
            double[][] test = points(1000, seed + 100);
            BoostedClassifier boosted = BoostedClassifier.fit(train, y, BoostedClassifier.Params.xgboostDefaults());
            assertThat(accuracy(boosted, train))
                    .as("boosted trees, training set")
                    .isEqualTo(1.0);
            assertThat(accuracy(boosted, test))
                    .as("boosted trees, seed %d", seed)
                    .isGreaterThan(0.93);
            assertThat(accuracy(LogisticRegression.fit(train, y, 1.0), test))
                    .as("logistic regression (shrunk by its L2 penalty), seed %d", seed)
                    .isGreaterThan(0.88);
            assertThat(accuracy(RandomForestClassifier.fit(train, y, 100, new SplittableRandom(seed)), test))
                    .as("random forest, seed %d", seed)
                    .isGreaterThan(0.9);
        }
    }

    @Test
    void boostedProbabilitiesRankGoodAboveBad() {
        double[][] train = points(100, 7);
        boolean[] y = new boolean[train.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = label(train[i]);
        }
        BoostedClassifier c = BoostedClassifier.fit(train, y, BoostedClassifier.Params.xgboostDefaults());
        assertThat(c.probability(new double[] {0.05, 0.05, 0.5})).isGreaterThan(0.9);
        assertThat(c.probability(new double[] {0.95, 0.95, 0.5})).isLessThan(0.1);
    }

    @Test
    void fittingIsDeterministic() {
        double[][] train = points(80, 3);
        boolean[] y = new boolean[train.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = label(train[i]);
        }
        double[] probe = {0.4, 0.31, 0.2};
        assertThat(BoostedClassifier.fit(train, y, BoostedClassifier.Params.xgboostDefaults())
                        .probability(probe))
                .isEqualTo(BoostedClassifier.fit(train, y, BoostedClassifier.Params.xgboostDefaults())
                        .probability(probe));
        assertThat(RandomForestClassifier.fit(train, y, 20, new SplittableRandom(5))
                        .probability(probe))
                .isEqualTo(RandomForestClassifier.fit(train, y, 20, new SplittableRandom(5))
                        .probability(probe));
    }

    /** y = 3a + noise whose spread grows with b (heteroscedastic), noise standard normal times (0.2 + b). */
    static double[] targets(double[][] x, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = 3 * x[i][0] + (0.2 + x[i][1]) * dev.attune.math.Normal.sample(r);
        }
        return y;
    }

    @Test
    void aQuantileModelLeavesAboutItsLevelBelowIt() {
        for (double alpha : new double[] {0.2, 0.5, 0.8}) {
            double[][] x = points(400, 11);
            QuantileBoosting q =
                    QuantileBoosting.fit(x, targets(x, 12), alpha, QuantileBoosting.Params.sklearnDefaults());
            double[][] test = points(2000, 13);
            double[] yt = targets(test, 14);
            int below = 0;
            for (int i = 0; i < test.length; i++) {
                below += yt[i] <= q.predict(test[i]) ? 1 : 0;
            }
            assertThat(below / (double) test.length).as("alpha %s", alpha).isCloseTo(alpha, within(0.08));
        }
    }

    @Test
    void conformalizedBandsCoverTheirNominalShareOfHeldOutPoints() {
        double[] levels = ConformalQuantileRegressor.levels(5);
        assertThat(levels).containsExactly(0.17, 0.33, 0.5, 0.67, 0.83);
        double[] coverage = new double[2];
        int runs = 5;
        for (long seed = 1; seed <= runs; seed++) {
            double[][] x = points(150, seed);
            double[] y = targets(x, seed + 50);
            ConformalQuantileRegressor m = ConformalQuantileRegressor.fit(
                    x, y, 5, 0.1, 32, QuantileBoosting.Params.sklearnDefaults(), new SplittableRandom(seed));
            double[][] test = points(2000, seed + 200);
            double[] yt = targets(test, seed + 300);
            for (int band = 0; band < 2; band++) {
                int inside = 0;
                for (int i = 0; i < test.length; i++) {
                    inside += yt[i] >= m.predict(test[i], band) && yt[i] <= m.predict(test[i], 4 - band) ? 1 : 0;
                }
                coverage[band] += inside / (double) test.length / runs;
            }
        }
        // nominal coverage 1 − 2·0.17 = 0.66 and 1 − 2·0.33 = 0.34, over 5 seeds with 15 held-out points each
        assertThat(coverage[0]).isCloseTo(0.66, within(0.1));
        assertThat(coverage[1]).isCloseTo(0.34, within(0.1));
    }

    @Test
    void theEmpiricalQuantilesFollowScikitLearnAndNumpy() {
        assertThat(QuantileBoosting.quantile(new double[] {4, 1, 3, 2}, 0.5)).isEqualTo(2.0);
        assertThat(QuantileBoosting.quantile(new double[] {4, 1, 3, 2}, 0.51)).isEqualTo(3.0);
        assertThat(QuantileBoosting.linearQuantile(new double[] {4, 1, 3, 2}, 0.25))
                .isEqualTo(1.75);
    }
}
