package dev.attune.study;

import dev.attune.math.SeededRandom;
import dev.attune.scheduler.MethodContext;
import dev.attune.scheduler.MethodRegistry;
import dev.attune.scheduler.MethodSpec;
import dev.attune.searcher.TransferTask;
import dev.attune.space.SearchSpace;
import dev.attune.trial.Metric;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Evaluations of earlier tasks for the contract suite, so that transfer-learning methods (which refuse to
 * start without them) run through the same checks as every other method. Each registered method is
 * wrapped so that a context without transfer data gets a seeded family of tasks over the study's own space
 * and metrics; methods that do not learn from earlier tasks ignore it. Once study definitions carry
 * {@code transferEvaluations}, a definition that gives them keeps its own.
 */
final class ContractTransfer {
    static final int TASKS = 3;
    static final int EVALUATIONS = 30;

    private ContractTransfer() {}

    static MethodRegistry supplying(MethodRegistry registry) {
        List<MethodSpec> wrapped = new ArrayList<>();
        for (MethodSpec m : registry.all()) {
            wrapped.add(new MethodSpec(
                    m.name(), m.description(), m.multiFidelity(), m.multiObjective(), m.options(), c -> m.factory()
                            .apply(c.transfer().isEmpty() ? withTransfer(c) : c)));
        }
        return new MethodRegistry(wrapped);
    }

    static MethodContext withTransfer(MethodContext c) {
        return new MethodContext(
                c.space(),
                c.metrics(),
                c.resource(),
                c.seed(),
                c.initialConfigs(),
                c.allowDuplicates(),
                c.options(),
                c.restrictConfigurations(),
                tasks(c.space(), c.metrics(), c.seed()));
    }

    /** Tasks whose metrics are shifted quadratics of the encoded config, one shift per task. */
    static List<TransferTask> tasks(SearchSpace space, List<Metric> metrics, long seed) {
        List<TransferTask> tasks = new ArrayList<>();
        for (int t = 0; t < TASKS; t++) {
            SplittableRandom r = SeededRandom.of(seed, "contract-transfer", t);
            double shift = 0.3 + 0.1 * t;
            List<TransferTask.Evaluation> evaluations = new ArrayList<>();
            for (int e = 0; e < EVALUATIONS; e++) {
                Map<String, Object> config = space.sample(r);
                double[] x = space.encode(config);
                Map<String, Double> values = new LinkedHashMap<>();
                for (int k = 0; k < metrics.size(); k++) {
                    double v = 0;
                    for (double xi : x) {
                        v += (xi - shift - 0.2 * k) * (xi - shift - 0.2 * k);
                    }
                    values.put(metrics.get(k).name(), v * (t + 1));
                }
                evaluations.add(new TransferTask.Evaluation(config, values));
            }
            tasks.add(new TransferTask("task" + t, evaluations));
        }
        return tasks;
    }
}
