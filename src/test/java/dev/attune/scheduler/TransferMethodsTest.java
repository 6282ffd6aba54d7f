package dev.attune.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.searcher.Options;
import dev.attune.searcher.TransferTask;
import dev.attune.searcher.ZeroShotSearcher;
import dev.attune.space.ChoiceDomain;
import dev.attune.space.FloatDomain;
import dev.attune.space.IntDomain;
import dev.attune.space.OrdinalDomain;
import dev.attune.space.SearchSpace;
import dev.attune.space.SpaceParser;
import dev.attune.trial.Metric;
import dev.attune.trial.Mode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ZeroShotTransfer's greedy order and BoundingBox's box on hand-made earlier tasks. */
class TransferMethodsTest {
    static final Metric LOSS = new Metric("loss", Mode.MIN);
    static final SearchSpace LINE =
            SpaceParser.parse(Map.of("x", Map.of("type", "uniform", "lower", 0, "upper", 1)), "space");

    static TransferTask.Evaluation at(double x, double loss) {
        return new TransferTask.Evaluation(Map.of("x", x), Map.of("loss", loss));
    }

    static List<Object> xs(List<Map<String, Object>> configs) {
        return configs.stream().map(c -> c.get("x")).toList();
    }

    @Test
    void zeroShotPicksTheGreedyPortfolioOfRanks() {
        // a, b, c, d = x 0.1, 0.2, 0.3, 0.4; ranks per task: (1,2,3,4), (4,1,2,3), (4,3,1,2)
        List<TransferTask> tasks = List.of(
                new TransferTask("t1", List.of(at(0.1, 1), at(0.2, 2), at(0.3, 3), at(0.4, 4))),
                new TransferTask("t2", List.of(at(0.4, 3), at(0.3, 2), at(0.2, 1), at(0.1, 4))),
                new TransferTask("t3", List.of(at(0.1, 40), at(0.2, 30), at(0.3, 10), at(0.4, 20))));
        // mean ranks a 3, b 2, c 2, d 3: b (first of the tie); then c lowers the clipped sum most (4 vs 5),
        // then a (3 vs 4), then d
        assertThat(xs(ZeroShotSearcher.order(LINE, tasks, LOSS, true, false, 10)))
                .containsExactly(0.2, 0.3, 0.1, 0.4);
        // maximizing reverses every rank: d and a tie at 2 first
        assertThat(xs(ZeroShotSearcher.order(LINE, tasks, new Metric("loss", Mode.MAX), true, false, 10))
                        .getFirst())
                .isEqualTo(0.1);
        assertThat(xs(ZeroShotSearcher.order(LINE, tasks, LOSS, true, false, 2)))
                .containsExactly(0.2, 0.3);
    }

    @Test
    void zeroShotRanksAConfigATaskDidNotEvaluateBehindTheOnesItDid() {
        List<TransferTask> tasks = List.of(
                new TransferTask("t1", List.of(at(0.1, 1), at(0.2, 2))), new TransferTask("t2", List.of(at(0.3, 1))));
        // task 1 ranks a 1, b 2, c 3; task 2 ranks c 1, a and b 2.5: a (3.5), then c (2 after clipping), then b
        assertThat(xs(ZeroShotSearcher.order(LINE, tasks, LOSS, true, false, 10)))
                .containsExactly(0.1, 0.3, 0.2);
    }

    @Test
    void zeroShotWithSurrogatesImputesFromNearbyConfigs() {
        List<TransferTask> tasks = List.of(
                new TransferTask("t1", List.of(at(0.1, 0), at(0.9, 10), at(0.5, 5))),
                new TransferTask("t2", List.of(at(0.12, 0), at(0.88, 5), at(0.52, 2))));
        List<Object> order = xs(ZeroShotSearcher.order(LINE, tasks, LOSS, true, true, 10));
        assertThat(order).hasSize(6);
        // the two configs near x = 0.1 are good on both tasks once imputed; the two near 0.9 are worst
        assertThat(order.subList(0, 2)).containsExactlyInAnyOrder(0.1, 0.12);
        assertThat(order.subList(4, 6)).containsExactlyInAnyOrder(0.9, 0.88);
    }

    @Test
    void zeroShotByPositionTakesTheFirstTasksConfigs() {
        List<TransferTask> tasks = List.of(
                new TransferTask("t1", List.of(at(0.1, 2), at(0.2, 1))),
                new TransferTask("t2", List.of(at(0.7, 2), at(0.8, 1))));
        assertThat(xs(ZeroShotSearcher.order(LINE, tasks, LOSS, false, false, 10)))
                .containsExactly(0.2, 0.1);
    }

    static final SearchSpace SPACE;

    static {
        Map<String, Object> space = new LinkedHashMap<>();
        space.put("lr", Map.of("type", "loguniform", "lower", 1e-4, "upper", 1));
        space.put("layers", Map.of("type", "randint", "lower", 1, "upper", 8));
        space.put("act", Map.of("type", "choice", "categories", List.of("relu", "tanh", "gelu")));
        space.put("width", Map.of("type", "ordinal", "categories", List.of(1, 2, 4, 8)));
        space.put("epochs", 10);
        SPACE = SpaceParser.parse(space, "space");
    }

    static TransferTask.Evaluation config(double lr, long layers, String act, long width, double loss) {
        return new TransferTask.Evaluation(
                Map.of("lr", lr, "layers", layers, "act", act, "width", width, "epochs", 10L), Map.of("loss", loss));
    }

    static final List<TransferTask> TASKS = List.of(
            new TransferTask(
                    "t1",
                    List.of(
                            config(0.01, 2, "relu", 2, 0.1),
                            config(0.5, 8, "gelu", 1, 0.3),
                            config(0.2, 7, "tanh", 8, 0.9))),
            new TransferTask("t2", List.of(config(0.001, 5, "tanh", 8, 0.2), config(0.3, 6, "relu", 1, 0.25))),
            new TransferTask("t3", List.of(config(0.003, 3, "relu", 2, 1.5), config(0.9, 1, "gelu", 4, 2.0))));

    @Test
    void boundingBoxSpansTheBestConfigOfEachTask() {
        SearchSpace box = BoundingBoxScheduler.box(SPACE, TASKS, LOSS, 1, null);
        assertThat(box.domain("lr")).isEqualTo(new FloatDomain(0.001, 0.01, FloatDomain.Scale.LOG, null));
        assertThat(box.domain("layers")).isEqualTo(new IntDomain(2, 5, false));
        assertThat(box.domain("act")).isEqualTo(new ChoiceDomain(List.of("relu", "tanh")));
        assertThat(((OrdinalDomain) box.domain("width")).categories()).containsExactly(2L, 4L, 8L);
        assertThat(box.domain("epochs")).isEqualTo(SPACE.domain("epochs"));
        // two per task take in the second best of each
        SearchSpace two = BoundingBoxScheduler.box(SPACE, TASKS, LOSS, 2, null);
        assertThat(two.domain("lr")).isEqualTo(new FloatDomain(0.001, 0.9, FloatDomain.Scale.LOG, null));
        assertThat(two.domain("act")).isEqualTo(SPACE.domain("act"));
        // maximizing: the worst of each task by loss are the best
        SearchSpace max = BoundingBoxScheduler.box(SPACE, TASKS, new Metric("loss", Mode.MAX), 1, null);
        assertThat(max.domain("layers")).isEqualTo(new IntDomain(1, 7, false));
    }

    @Test
    void boundingBoxSuggestsOnlyInsideTheBox() {
        MethodRegistry registry = MethodRegistry.standard();
        MethodSpec spec = registry.find("BoundingBox").orElseThrow();
        for (String base : List.of("RandomSearch", "BayesianOptimization", "REA")) {
            Options options = Options.parse(Map.<String, Object>of("baseMethod", base), spec.options());
            Scheduler s = spec.factory()
                    .apply(new MethodContext(
                            SPACE,
                            List.of(LOSS),
                            null,
                            7,
                            List.of(SPACE.complete(Map.of("layers", 8L), "config")),
                            false,
                            options,
                            null,
                            TASKS));
            SearchSpace box = BoundingBoxScheduler.box(SPACE, TASKS, LOSS, 1, null);
            List<Map<String, Object>> seen = new ArrayList<>();
            for (long id = 0; id < 15; id++) {
                Suggestion.Start start = (Suggestion.Start) s.suggest(id);
                assertThat(box.validate(start.config(), "config")).as(base).isEqualTo(start.config());
                s.onTrialAdded(id, start.config(), start.memo());
                s.onComplete(id, Map.of("loss", ((Number) start.config().get("layers")).doubleValue()));
                seen.add(start.config());
            }
            // the given initial config (layers 8) is outside the box: the box's mid-point comes first instead
            assertThat(seen.getFirst()).as(base).isEqualTo(box.midpoint());
        }
    }

    @Test
    void boundingBoxHandsItsBaseOnlyTheEarlierConfigsInsideTheBox() {
        SearchSpace box = BoundingBoxScheduler.box(SPACE, TASKS, LOSS, 1, null);
        List<TransferTask> tasks = new ArrayList<>(TASKS);
        tasks.add(new TransferTask("t4", List.of(config(0.9, 1, "gelu", 1, 0.05))));
        List<TransferTask> inside = BoundingBoxScheduler.inBox(box, tasks);
        // each task's best config spans the box; the others and the task with none inside are left out
        assertThat(inside).extracting(TransferTask::task).containsExactly("t1", "t2", "t3");
        for (int t = 0; t < 3; t++) {
            assertThat(inside.get(t).evaluations())
                    .containsExactly(TASKS.get(t).evaluations().getFirst());
        }
        // (a task's best config is always in the box, so a task is left out only by a box of other tasks)
        // a base method that learns from the earlier tasks (the GP's transfer kernel) gets only those
        MethodRegistry registry = MethodRegistry.standard();
        MethodSpec spec = registry.find("BoundingBox").orElseThrow();
        Options options = Options.parse(
                Map.<String, Object>of(
                        "baseMethod",
                        "BayesianOptimization",
                        "baseOptions",
                        Map.of("transferLearningModel", "matern52_product")),
                spec.options());
        Scheduler s = spec.factory()
                .apply(new MethodContext(SPACE, List.of(LOSS), null, 3, List.of(), false, options, null, TASKS));
        for (long id = 0; id < 6; id++) {
            Suggestion.Start start = (Suggestion.Start) s.suggest(id);
            assertThat(box.validate(start.config(), "config")).isEqualTo(start.config());
            s.onTrialAdded(id, start.config(), start.memo());
            s.onComplete(id, Map.of("loss", ((Number) start.config().get("layers")).doubleValue()));
        }
    }

    @Test
    void theGpTransferKernelSuggestsOnlyInsideItsSpace() {
        MethodRegistry registry = MethodRegistry.standard();
        MethodSpec spec = registry.find("BayesianOptimization").orElseThrow();
        Options options =
                Options.parse(Map.<String, Object>of("transferLearningModel", "matern52_product"), spec.options());
        Scheduler s = spec.factory()
                .apply(new MethodContext(SPACE, List.of(LOSS), null, 3, List.of(), false, options, null, TASKS));
        for (long id = 0; id < 6; id++) {
            Suggestion.Start start = (Suggestion.Start) s.suggest(id);
            assertThat(SPACE.validate(start.config(), "config"))
                    .as("suggestion %d", id)
                    .isEqualTo(start.config());
            s.onTrialAdded(id, start.config(), start.memo());
            s.onComplete(id, Map.of("loss", ((Number) start.config().get("layers")).doubleValue()));
        }
    }
}
