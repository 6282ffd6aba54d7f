package dev.attune.scheduler;

import dev.attune.searcher.Options;
import dev.attune.searcher.RandomSearcher;
import dev.attune.space.SearchSpace;
import dev.attune.space.SpaceParser;
import dev.attune.trial.Metric;
import dev.attune.trial.Resource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The cost of one ASHA decision with n trials already in the rung, through the whole scheduler
 * ({@link HyperbandScheduler#onReport}, reason text included): stopping type (insert, quantile, rank) and
 * promotion type (find the best promotable paused trial).
 *
 * <p>Each measured iteration starts from a rung of exactly n entries and makes {@value #BATCH}
 * decisions, so n grows by at most that much while measuring; scores are per decision. Run with
 * {@code scripts/jmh.sh AshaDecisionBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 30)
@Measurement(iterations = 50)
@Fork(1)
public class AshaDecisionBenchmark {
    static final int BATCH = 200;
    static final SearchSpace SPACE = SpaceParser.parse(
            new LinkedHashMap<>(Map.of("x", Map.of("type", "uniform", "lower", 0, "upper", 1), "epochs", 27)), "space");

    @Param({"1000", "10000", "100000"})
    int n;

    HyperbandScheduler stopping;
    PromotionRungSystem promotion;
    SplittableRandom random;
    long next;

    static HyperbandScheduler scheduler(String type) {
        MethodContext c = new MethodContext(
                SPACE,
                List.of(new Metric("loss", dev.attune.trial.Mode.MIN)),
                new Resource("epoch", 27L, "epochs"),
                1,
                List.of(),
                true,
                Options.parse(Map.of("type", type), HyperbandScheduler.options("stopping", 1)));
        return new HyperbandScheduler(c, new RandomSearcher(c.searcherContext()));
    }

    @Setup(Level.Iteration)
    public void fill() {
        random = new SplittableRandom(42);
        stopping = scheduler("stopping");
        promotion = new PromotionRungSystem(List.of(1L, 3L, 9L), 27, true);
        Map<String, Object> config = Map.of("x", 0.5, "epochs", 27L);
        for (long id = 0; id < n + BATCH; id++) {
            stopping.onTrialAdded(id, config, Map.of());
        }
        for (next = 0; next < n; next++) {
            double v = random.nextDouble();
            stopping.onReport(next, Map.of("epoch", 1.0, "loss", v));
            promotion.onTrialAdded(next, 0);
            promotion.onReport(next, 1, v, 0);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void stoppingDecision(Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            bh.consume(stopping.onReport(next++, Map.of("epoch", 1.0, "loss", random.nextDouble())));
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void promotionLookup(Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            bh.consume(promotion.findPromotion());
        }
    }
}
