package dev.attune.scheduler;

import dev.attune.searcher.OptionSpec;
import dev.attune.searcher.RandomSearcher;
import dev.attune.searcher.TransferTask;
import dev.attune.space.InvalidInputException;
import dev.attune.space.SearchSpace;
import dev.attune.trial.Mode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * RUSH (Syne Tune's {@code RUSHScheduler}): ASHA whose first trials are the best configs of earlier tasks
 * (the top {@code numHyperparametersPerTask} of each, in task order), which also serve as RUSH points: at a
 * rung, any other trial must be at least as good as the best of them there (rung type
 * {@code rush_stopping} or {@code rush_promotion}, see {@link RushPoints}). The study's own
 * {@code pointsToEvaluate} follow them and are not RUSH points.
 *
 * <p>[1] Zappella, Salinas and Archambeau, A resource-efficient method for repeated HPO and NAS, AutoML
 * workshop at ICML 2021.
 *
 * <p>A task's top configs are ranked by the metric each evaluation reached (Syne Tune averages over seeds
 * and takes the best over fidelities; an Attune evaluation has one value); evaluations without the metric
 * are skipped. Ties keep Syne Tune's order (its argsort, stable at these sizes: ascending index for
 * {@code min}, descending for {@code max}, as it reverses the ascending order). Unlike Syne Tune, duplicate
 * RUSH points (the same config best on two tasks) count once: Syne Tune counts them twice but evaluates
 * them once, so one trial that is not a RUSH point would count as one.
 */
final class RushMethod {
    private RushMethod() {}

    static List<OptionSpec> options() {
        List<OptionSpec> all = new ArrayList<>(
                HyperbandScheduler.optionsFor(List.of("stopping", "promotion"), 1, Set.of("rankingCriterion")));
        all.removeIf(o -> o.name().equals("rankingCriterion"));
        all.add(OptionSpec.integer(
                "numHyperparametersPerTask",
                1L,
                1,
                "the number of top configs of each earlier task used as RUSH points"));
        return List.copyOf(all);
    }

    static Scheduler create(MethodContext c) {
        List<Map<String, Object>> points = rushPoints(c);
        List<Map<String, Object>> initial = new ArrayList<>(points);
        SearchSpace space = c.space();
        Set<String> seen = new java.util.HashSet<>();
        points.forEach(p -> seen.add(space.matchString(p)));
        for (Map<String, Object> p : c.initialConfigs()) {
            if (seen.add(space.matchString(p))) {
                initial.add(p);
            }
        }
        MethodContext withPoints = new MethodContext(
                c.space(),
                c.metrics(),
                c.resource(),
                c.seed(),
                initial,
                c.allowDuplicates(),
                c.options(),
                c.restrictConfigurations(),
                c.transfer());
        HyperbandScheduler.Settings settings =
                HyperbandScheduler.Settings.of(c.options(), HyperbandScheduler.maxResource(c));
        RungSystemType type = settings.type() == RungSystemType.PROMOTION
                ? RungSystemType.RUSH_PROMOTION
                : RungSystemType.RUSH_STOPPING;
        return new HyperbandScheduler(
                withPoints, new RandomSearcher(withPoints.searcherContext()), settings.rush(type, points.size()));
    }

    /** The earlier tasks' top configs, task by task, each completed by the mid-point rule, without repeats. */
    static List<Map<String, Object>> rushPoints(MethodContext c) {
        if (c.transfer().isEmpty()) {
            throw InvalidInputException.of(
                    "transferEvaluations",
                    "RUSH needs evaluations of earlier tasks (transferEvaluations or transferFrom)");
        }
        String metric = c.metric().name();
        boolean max = c.metric().mode() == Mode.MAX;
        int k = (int) c.options().integer("numHyperparametersPerTask");
        SearchSpace space = c.space();
        Map<String, Map<String, Object>> points = new LinkedHashMap<>();
        for (TransferTask task : c.transfer()) {
            List<TransferTask.Evaluation> evals = task.evaluations();
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < evals.size(); i++) {
                Double v = evals.get(i).metrics().get(metric);
                if (v != null && !v.isNaN()) {
                    order.add(i);
                }
            }
            Comparator<Integer> byValue =
                    Comparator.comparingDouble(i -> evals.get(i).metrics().get(metric));
            order.sort(max ? byValue.thenComparing(Comparator.naturalOrder()).reversed() : byValue);
            for (int i : order.subList(0, Math.min(k, order.size()))) {
                Map<String, Object> config =
                        space.complete(evals.get(i).config(), "transferEvaluations." + task.task() + ".config");
                points.putIfAbsent(space.matchString(config), config);
            }
        }
        if (points.isEmpty()) {
            throw InvalidInputException.of(
                    "transferEvaluations", "no evaluation of an earlier task reports the metric " + metric);
        }
        return List.copyOf(points.values());
    }
}
