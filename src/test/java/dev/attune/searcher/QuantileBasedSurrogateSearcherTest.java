package dev.attune.searcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.math.SeededRandom;
import dev.attune.scheduler.MethodContext;
import dev.attune.scheduler.MethodRegistry;
import dev.attune.scheduler.MethodSpec;
import dev.attune.space.ChoiceDomain;
import dev.attune.space.InvalidInputException;
import dev.attune.space.SearchSpace;
import dev.attune.trial.Metric;
import dev.attune.trial.Mode;
import dev.attune.trial.Resource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Copula Thompson sampling on seeded task families: shifted and scaled quadratics on the unit square,
 * whose earlier tasks' optima lie near the new task's. Each check holds for every seed tried.
 */
class QuantileBasedSurrogateSearcherTest {
    static final SearchSpace PLANE = ModelBasedSearcherTest.PLANE;

    /** A task of the family: (optimum a, optimum b, scale, offset). */
    record Task(double a, double b, double scale, double offset) {
        double value(Map<String, Object> c) {
            double da = ((Number) c.get("a")).doubleValue() - a;
            double db = ((Number) c.get("b")).doubleValue() - b;
            return scale * (da * da + db * db) + offset;
        }
    }

    /** Task t of the family for this seed: the optimum moves by at most 0.05 around (0.25, 0.7). */
    static Task task(long seed, int t) {
        SplittableRandom r = SeededRandom.of(seed, "family", t);
        return new Task(
                0.25 + 0.1 * (r.nextDouble() - 0.5),
                0.7 + 0.1 * (r.nextDouble() - 0.5),
                Math.exp(2 * r.nextGaussian()),
                10 * r.nextGaussian());
    }

    static List<TransferTask> earlier(long seed, int tasks, int evaluations, boolean maximize) {
        List<TransferTask> list = new ArrayList<>();
        for (int t = 1; t <= tasks; t++) {
            Task task = task(seed, t);
            SplittableRandom r = SeededRandom.of(seed, "earlier", t);
            List<TransferTask.Evaluation> evals = new ArrayList<>();
            for (int e = 0; e < evaluations; e++) {
                Map<String, Object> c = PLANE.sample(r);
                double v = task.value(c);
                evals.add(new TransferTask.Evaluation(c, Map.of("y", maximize ? -v : v)));
            }
            list.add(new TransferTask("t" + t, evals));
        }
        return list;
    }

    static SearcherContext context(
            SearchSpace space, long seed, Mode mode, List<TransferTask> transfer, Map<String, Object> options) {
        return new SearcherContext(
                space,
                List.of(new Metric("y", mode)),
                seed,
                List.of(),
                false,
                Options.parse(options, QuantileBasedSurrogateSearcher.OPTIONS),
                null,
                null,
                transfer);
    }

    static List<Map<String, Object>> run(Searcher s, int n, ToDoubleFunction<Map<String, Object>> f) {
        return ModelBasedSearcherTest.run(s, n, c -> Map.of("y", f.applyAsDouble(c)));
    }

    static double best(List<Map<String, Object>> configs, Task task) {
        return configs.stream().mapToDouble(task::value).min().orElseThrow() - task.offset();
    }

    @Test
    void proposesNearTheEarlierTasksOptimum() {
        for (long seed = 1; seed <= 4; seed++) {
            Task now = task(seed, 0);
            var s = new QuantileBasedSurrogateSearcher(
                    context(PLANE, seed, Mode.MIN, earlier(seed, 5, 50, false), Map.of("numCandidates", 20_000)));
            List<Map<String, Object>> configs = run(s, 10, now::value);
            long near = configs.stream()
                    .filter(c -> Math.hypot(
                                    ((Number) c.get("a")).doubleValue() - 0.25,
                                    ((Number) c.get("b")).doubleValue() - 0.7)
                            < 0.2)
                    .count();
            assertThat(near)
                    .as("seed %d: proposals within 0.2 of the family's optimum", seed)
                    .isGreaterThanOrEqualTo(8);
        }
    }

    @Test
    void maximizedMetricsAreFlipped() {
        long seed = 3;
        Task now = task(seed, 0);
        var s = new QuantileBasedSurrogateSearcher(
                context(PLANE, seed, Mode.MAX, earlier(seed, 5, 50, true), Map.of("numCandidates", 20_000)));
        List<Map<String, Object>> configs = run(s, 10, c -> -now.value(c));
        assertThat(best(configs, now) / now.scale()).isLessThan(0.01);
    }

    @Test
    void beatsRandomSearchOnTheNewTask() {
        double cts = 0;
        double random = 0;
        int wins = 0;
        for (long seed = 1; seed <= 6; seed++) {
            Task now = task(seed, 0);
            var s = new QuantileBasedSurrogateSearcher(
                    context(PLANE, seed, Mode.MIN, earlier(seed, 5, 50, false), Map.of("numCandidates", 20_000)));
            double a = best(run(s, 20, now::value), now) / now.scale();
            double b = best(
                            run(
                                    new RandomSearcher(context(PLANE, seed, Mode.MIN, List.of(), Map.of())),
                                    20,
                                    now::value),
                            now)
                    / now.scale();
            cts += a;
            random += b;
            wins += a < b ? 1 : 0;
        }
        assertThat(wins).as("seeds where CTS ends better").isGreaterThanOrEqualTo(5);
        assertThat(cts).isLessThan(0.25 * random);
    }

    @Test
    void sameSeedSameProposalsAndSeedsDiffer() {
        List<TransferTask> data = earlier(1, 3, 40, false);
        Task now = task(1, 0);
        var a = run(
                new QuantileBasedSurrogateSearcher(context(PLANE, 1, Mode.MIN, data, Map.of("numCandidates", 5000))),
                8,
                now::value);
        var b = run(
                new QuantileBasedSurrogateSearcher(context(PLANE, 1, Mode.MIN, data, Map.of("numCandidates", 5000))),
                8,
                now::value);
        var c = run(
                new QuantileBasedSurrogateSearcher(context(PLANE, 2, Mode.MIN, data, Map.of("numCandidates", 5000))),
                8,
                now::value);
        assertThat(b).isEqualTo(a);
        assertThat(c).isNotEqualTo(a);
    }

    @Test
    void thompsonSamplesSpreadTheProposalsWithoutDuplicates() {
        SearchSpace finite = new SearchSpace(
                new LinkedHashMap<>(Map.of("k", new ChoiceDomain(List.<Object>of("p", "q", "r", "s")))));
        List<TransferTask.Evaluation> evals = new ArrayList<>();
        for (String k : List.of("p", "q", "r", "s")) {
            evals.add(new TransferTask.Evaluation(Map.of("k", k), Map.of("y", (double) "pqrs".indexOf(k))));
        }
        var s = new QuantileBasedSurrogateSearcher(
                context(finite, 1, Mode.MIN, List.of(new TransferTask("t", evals)), Map.of("numCandidates", 200)));
        Set<Object> seen = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            Proposal p = s.propose(i).orElseThrow();
            assertThat(seen.add(p.config().get("k")))
                    .as("proposal %d repeats", i)
                    .isTrue();
            s.onTrialAdded(i, p.config(), p.memo());
        }
        assertThat(s.propose(4)).as("an exhausted space ends the study").isEmpty();
    }

    @Test
    void restrictedCandidatesAreTheListedConfigs() {
        List<Map<String, Object>> listed =
                List.of(Map.of("a", 0.9, "b", 0.1), Map.of("a", 0.26, "b", 0.69), Map.of("a", 0.5, "b", 0.5));
        var ctx = new SearcherContext(
                PLANE,
                List.of(new Metric("y", Mode.MIN)),
                1,
                List.of(),
                false,
                Options.parse(Map.of(), QuantileBasedSurrogateSearcher.OPTIONS),
                null,
                listed,
                earlier(1, 5, 50, false));
        var s = new QuantileBasedSurrogateSearcher(ctx);
        Proposal p = s.propose(0).orElseThrow();
        assertThat(listed).contains(p.config());
        assertThat(s.model().mean()).hasSize(3);
    }

    @Test
    void refusesWithoutTransferData() {
        assertThatThrownBy(() -> new QuantileBasedSurrogateSearcher(context(PLANE, 1, Mode.MIN, List.of(), Map.of())))
                .isInstanceOf(InvalidInputException.class)
                .satisfies(e -> assertThat(
                                ((InvalidInputException) e).errors().getFirst().field())
                        .isEqualTo("transferEvaluations"));
        // evaluations that never report the study's metric are no data either
        List<TransferTask> otherMetric = List.of(new TransferTask(
                "t",
                List.of(
                        new TransferTask.Evaluation(PLANE.midpoint(), Map.of("z", 1.0)),
                        new TransferTask.Evaluation(Map.of("a", 0.1, "b", 0.2), Map.of("z", 2.0)))));
        assertThatThrownBy(() -> new QuantileBasedSurrogateSearcher(context(PLANE, 1, Mode.MIN, otherMetric, Map.of())))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("transferEvaluations");
        List<TransferTask> badConfig = List.of(
                new TransferTask("t", List.of(new TransferTask.Evaluation(Map.of("a", 0.1), Map.of("y", 1.0)))));
        assertThatThrownBy(() -> new QuantileBasedSurrogateSearcher(context(PLANE, 1, Mode.MIN, badConfig, Map.of())))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("transferEvaluations[0].evaluations[0].config");
    }

    @Test
    void bothMethodsRefuseAtCreationWithoutTransferData() {
        MethodRegistry registry = MethodRegistry.standard();
        for (String name : List.of("QuantileBasedSurrogateSearcher", "ASHACTS")) {
            MethodSpec spec = registry.find(name).orElseThrow();
            MethodContext c = new MethodContext(
                    PLANE,
                    List.of(new Metric("y", Mode.MIN)),
                    spec.multiFidelity() ? new Resource("epoch", 9L, null) : null,
                    1,
                    List.of(),
                    false,
                    Options.parse(Map.of(), spec.options()),
                    null);
            assertThatThrownBy(() -> spec.factory().apply(c))
                    .as(name)
                    .isInstanceOf(InvalidInputException.class)
                    .satisfies(e -> assertThat(((InvalidInputException) e)
                                    .errors()
                                    .getFirst()
                                    .field())
                            .isEqualTo("transferEvaluations"));
            MethodContext withData = new MethodContext(
                    c.space(),
                    c.metrics(),
                    c.resource(),
                    1,
                    List.of(),
                    false,
                    Options.parse(Map.of("numCandidates", 100), spec.options()),
                    null,
                    earlier(1, 2, 20, false));
            assertThat(spec.factory().apply(withData)).as(name).isNotNull();
        }
    }

    @Test
    void optionsAreValidated() {
        assertThatThrownBy(() -> Options.parse(Map.of("normalization", "rank"), QuantileBasedSurrogateSearcher.OPTIONS))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("options.normalization");
        assertThatThrownBy(() -> Options.parse(Map.of("numCandidates", 0), QuantileBasedSurrogateSearcher.OPTIONS))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("options.numCandidates");
    }

    @Test
    void standardNormalizationAlsoFindsTheOptimum() {
        long seed = 2;
        Task now = task(seed, 0);
        var s = new QuantileBasedSurrogateSearcher(context(
                PLANE,
                seed,
                Mode.MIN,
                earlier(seed, 5, 50, false),
                Map.of("numCandidates", 20_000, "normalization", "standard")));
        assertThat(best(run(s, 20, now::value), now) / now.scale()).isLessThan(0.02);
    }
}
