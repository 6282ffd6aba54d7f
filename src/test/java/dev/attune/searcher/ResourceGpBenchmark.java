package dev.attune.searcher;

import dev.attune.trial.Metric;
import dev.attune.trial.Mode;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One MOBSTER suggestion with each multi-fidelity model on bench quality's crossing-curves data (issue 17
 * item 4): a searcher holding n rung results of an ASHA-like run (per 10 configs: 10 at epoch 1, 4 at 3, 2
 * at 9, 1 at 27) and the θ of the fit at n − 1 in its memo gets one more result and proposes, which refits
 * θ (warm past optSkipInitLength = 150, cold with one random restart below), conditions the posterior and
 * optimizes EI. Run with {@code scripts/jmh.sh ResourceGpBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class ResourceGpBenchmark {
    @Param({"100", "300"})
    int n;

    @Param({
        "gp_multitask/matern52",
        "gp_multitask/exp-decay-sum",
        "gp_independent/exp-decay-sum",
        "gp_multitask/freeze-thaw"
    })
    String model;

    Map<String, Object> warmMemo;
    GpMultiFidelitySearcher searcher;
    long nextId;

    GpMultiFidelitySearcher searcher() {
        String[] m = model.split("/");
        return new GpMultiFidelitySearcher(new SearcherContext(
                ResourceGpModelTest.SPACE,
                List.of(new Metric("loss", Mode.MIN)),
                5,
                List.of(),
                false,
                Options.parse(Map.of("model", m[0], "gpResourceKernel", m[1]), GpMultiFidelitySearcher.MOBSTER_OPTIONS),
                new SearcherContext.Fidelity("epoch", List.of(1L, 3L, 9L, 27L))));
    }

    /** Feeds results until the model holds {@code count}; returns the next trial id. */
    static long feed(GpMultiFidelitySearcher s, int count, Map<String, Object> memo) {
        SplittableRandom r = new SplittableRandom(7);
        int added = 0;
        long id = 0;
        for (; added < count; id++) {
            Map<String, Object> c = ResourceGpModelTest.config(r);
            s.onTrialAdded(id, c, memo);
            int k = (int) (id % 10);
            int top = k == 0 ? 4 : k == 1 ? 3 : k < 4 ? 2 : 1;
            for (int l = 0; l < top && added < count; l++, added++) {
                long epoch = ResourceGpModelTest.LEVELS[l];
                s.onReport(id, Map.of("epoch", (double) epoch, "loss", ResourceGpModelTest.crossing(c, epoch)));
            }
            s.onRemove(id);
        }
        return id;
    }

    @Setup(Level.Trial)
    public void fitPrevious() {
        GpMultiFidelitySearcher s = searcher();
        long id = feed(s, n - 1, Map.of());
        warmMemo = s.propose(id).orElseThrow().memo();
    }

    @Setup(Level.Invocation)
    public void prepare() {
        searcher = searcher();
        nextId = feed(searcher, n, warmMemo);
    }

    @Benchmark
    public Proposal suggestion() {
        return searcher.propose(nextId).orElseThrow();
    }
}
