package dev.attune.math;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hot paths of a GP suggestion on n observations in 6 dimensions (Hartmann6-like data): one
 * evaluation of the marginal likelihood with its gradient, a whole hyperparameter fit from Syne Tune's
 * initial values (L-BFGS, 50 iterations at most, one start), conditioning the posterior, and scoring 250
 * candidates by EI. Run with {@code scripts/jmh.sh GpBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GpBenchmark {
    @Param({"100", "300", "500"})
    int n;

    double[][] x;
    double[] y;
    double[] theta;
    double[][] candidates;
    GpHyperparameters fitted;
    GaussianProcess posterior;

    @Setup
    public void setUp() {
        SplittableRandom r = new SplittableRandom(1);
        x = new double[n][6];
        y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < 6; j++) {
                x[i][j] = r.nextDouble();
                s += Math.sin(3 * x[i][j] * (j + 1));
            }
            y[i] = s;
        }
        y = MarginalLikelihoodTest.standardize(y);
        theta = GpHyperparameters.initial(6).toVector();
        candidates = new double[250][6];
        for (double[] c : candidates) {
            for (int j = 0; j < 6; j++) {
                c[j] = r.nextDouble();
            }
        }
        fitted = fit();
        posterior = condition();
    }

    @Benchmark
    public double likelihoodAndGradient() {
        return new MarginalLikelihood(x, y, 6).evaluate(theta, new double[theta.length]);
    }

    @Benchmark
    public GpHyperparameters fit() {
        return new MarginalLikelihood(x, y, 6)
                .fit(
                        List.of(GpHyperparameters.initial(6)),
                        new MarginalLikelihood.FitOptions(50, 0, 1e-6),
                        new SplittableRandom(2))
                .hyperparameters();
    }

    @Benchmark
    public GaussianProcess condition() {
        return GaussianProcess.condition(x, new double[][] {y}, fitted);
    }

    @Benchmark
    public double scoreCandidates() {
        ExpectedImprovement ei = new ExpectedImprovement(posterior, new double[] {-1});
        double best = Double.POSITIVE_INFINITY;
        for (double[] c : candidates) {
            best = Math.min(best, ei.value(c));
        }
        return best;
    }
}
