package dev.attune.math;

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
 * The exact hypervolume of n mutually non-dominated points on the unit sphere's positive orthant (the
 * worst case for the size of the front) in d objectives, reference (1.1, …). Run with {@code
 * scripts/jmh.sh HypervolumeBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class HypervolumeBenchmark {
    @Param({"2:1000", "2:10000", "3:1000", "3:10000", "4:100", "4:300"})
    public String shape;

    private double[][] points;
    private double[] reference;

    @Setup
    public void setUp() {
        int d = Integer.parseInt(shape.split(":")[0]);
        int n = Integer.parseInt(shape.split(":")[1]);
        SplittableRandom random = new SplittableRandom(1);
        points = new double[n][d];
        for (double[] p : points) {
            double norm = 0;
            for (int k = 0; k < d; k++) {
                p[k] = Math.abs(random.nextGaussian());
                norm += p[k] * p[k];
            }
            for (int k = 0; k < d; k++) {
                p[k] = 1 - p[k] / Math.sqrt(norm);
            }
        }
        reference = new double[d];
        java.util.Arrays.fill(reference, 1.1);
    }

    @Benchmark
    public double hypervolume() {
        return Hypervolume.of(points, reference);
    }
}
