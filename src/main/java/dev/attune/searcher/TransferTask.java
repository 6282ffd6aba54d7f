package dev.attune.searcher;

import java.util.List;
import java.util.Map;

/**
 * The evaluations of one earlier task a transfer-learning method learns from (Syne Tune's
 * {@code TransferLearningTaskEvaluations}): configs of the study's space with the metrics they reached,
 * named as the study's metrics. A study gets them uploaded ({@code transferEvaluations}) or read from
 * earlier studies ({@code transferFrom}) when it is created, and keeps them in its definition, so that
 * replaying its log always sees the same data.
 *
 * @param task the earlier task's name (an uploaded name, or the id of the study it was read from)
 * @param evaluations the task's evaluated configs, in the order they were evaluated
 */
public record TransferTask(String task, List<Evaluation> evaluations) {
    public TransferTask {
        evaluations = List.copyOf(evaluations);
    }

    /**
     * One evaluated config of an earlier task.
     *
     * @param config a config of the study's space
     * @param metrics the metrics it reached (its last report, or its completion), by the study's metric names
     */
    public record Evaluation(Map<String, Object> config, Map<String, Double> metrics) {
        public Evaluation {
            config = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(config));
            metrics = Map.copyOf(metrics);
        }
    }
}
