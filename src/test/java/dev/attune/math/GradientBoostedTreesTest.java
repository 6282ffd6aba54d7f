package dev.attune.math;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GradientBoostedTreesTest {
    static double f(double[] x) {
        return Math.sin(6 * x[0]) + 2 * (x[1] - 0.3) * (x[1] - 0.3) + (x[2] > 0.5 ? 0.5 : 0);
    }

    static double[][] points(int n, SplittableRandom r) {
        double[][] x = new double[n][3];
        for (double[] row : x) {
            for (int j = 0; j < 3; j++) {
                row[j] = r.nextDouble();
            }
        }
        return x;
    }

    @Test
    void fitsASeededFunctionFarBetterThanItsMean() {
        for (long seed = 1; seed <= 3; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            double[][] x = points(300, r);
            double[] y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                y[i] = f(x[i]) + 0.01 * r.nextGaussian();
            }
            GradientBoostedTrees model = GradientBoostedTrees.fit(x, y, GradientBoostedTrees.XGBOOST_DEFAULTS);
            double[][] test = points(500, r);
            double mean = java.util.Arrays.stream(y).average().orElseThrow();
            double se = 0;
            double seMean = 0;
            for (double[] t : test) {
                se += Math.pow(model.predict(t) - f(t), 2);
                seMean += Math.pow(mean - f(t), 2);
            }
            double rmse = Math.sqrt(se / test.length);
            double rmseMean = Math.sqrt(seMean / test.length);
            assertThat(rmse).as("seed %d", seed).isLessThan(0.15);
            assertThat(rmse).as("seed %d", seed).isLessThan(0.25 * rmseMean);
        }
    }

    @Test
    void oneRoundOfAStumpIsXgboostsLeafFormula() {
        // two clusters: a single split, each leaf −G/(H+λ)·η on gradients from the mean
        double[][] x = {{0}, {0}, {1}, {1}};
        double[] y = {0, 0, 4, 4};
        var p = new GradientBoostedTrees.Params(1, 1, 0.3, 1.0, 0.0, 1.0);
        GradientBoostedTrees m = GradientBoostedTrees.fit(x, y, p);
        // base 2; left G = 2·(2−0) = 4, H = 2 → −4/3·0.3 = −0.4
        assertThat(m.predict(new double[] {0})).isEqualTo(2 - 0.4, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(m.predict(new double[] {1})).isEqualTo(2 + 0.4, org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void sameDataSameModel() {
        SplittableRandom r = new SplittableRandom(3);
        double[][] x = points(100, r);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = f(x[i]);
        }
        GradientBoostedTrees a = GradientBoostedTrees.fit(x, y, GradientBoostedTrees.XGBOOST_DEFAULTS);
        GradientBoostedTrees b = GradientBoostedTrees.fit(x, y, GradientBoostedTrees.XGBOOST_DEFAULTS);
        for (double[] t : points(50, r)) {
            assertThat(a.predict(t)).isEqualTo(b.predict(t));
        }
    }
}
