package dev.attune.searcher;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One ask of CGP ({@code QuantileBasedSurrogateSearcher}, {@code newTaskModel=gp}, the default 100,000
 * candidates) right after a new result on the TransferBench Hartmann3 family (5 earlier tasks of 50
 * evaluations), with n results of the new task: {@code underLock} is what the study service runs under the
 * study's lock (capturing {@code pendingWork} and {@code propose}, with the work captured at the previous
 * ask already run off the lock, as the service's prefit does); {@code wholeAsk} also runs the pending work
 * itself (the CPU an ask costs). Each invocation changes the newest result's value, so every ask sees new
 * observations. Run with {@code scripts/jmh.sh CopulaAskBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CopulaAskBenchmark {
    @Param({"20", "100"})
    int n;

    QuantileBasedSurrogateSearcher searcher;
    TransferBench.Task task;
    long next;
    Runnable pending;

    @Setup
    public void setUp() {
        long seed = 1;
        searcher = new QuantileBasedSurrogateSearcher(TransferBench.context(
                seed,
                TransferBench.earlier(seed, 5, 50),
                QuantileBasedSurrogateSearcher.OPTIONS,
                Map.of("newTaskModel", "gp")));
        task = TransferBench.task(seed, 0);
        searcher.pendingWork().ifPresent(Runnable::run);
        for (next = 0; next < n; next++) {
            Map<String, Object> c = TransferBench.CUBE.sample(new java.util.SplittableRandom(next));
            searcher.onTrialAdded(next, c, Map.of());
            searcher.onComplete(next, Map.of("y", task.value(c)));
        }
    }

    /** A new value for the newest result, then the pending work the last ask captured, run off the lock. */
    @Setup(Level.Invocation)
    public void newResult() {
        searcher.onComplete(n - 1, Map.of("y", -3.0 - 1e-6 * next++));
        pending = searcher.pendingWork().orElse(null);
        if (pending != null) {
            pending.run();
        }
    }

    @Benchmark
    public Object underLock() {
        return searcher.propose(next).orElseThrow();
    }

    @Benchmark
    public Object wholeAsk() {
        searcher.onComplete(n - 1, Map.of("y", -3.0 - 1e-6 * next++));
        searcher.pendingWork().ifPresent(Runnable::run);
        return searcher.propose(next).orElseThrow();
    }
}
