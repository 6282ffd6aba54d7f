package dev.attune.study;

import dev.attune.searcher.TransferTask;
import dev.attune.space.InvalidInputException;
import dev.attune.space.SearchSpace;
import dev.attune.trial.Metric;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a definition's {@code transferEvaluations} (Syne Tune's {@code transfer_learning_evaluations}):
 * earlier tasks' evaluations, each a full config of the study's space with every study metric as a finite
 * number, and {@code transferFrom}, the ids of the earlier studies the service has already resolved into
 * tasks of the same names. Methods that are not transfer-learning methods ignore both.
 *
 * <p>Limits: at most {@value #MAX_TASKS} tasks, {@value #MAX_PER_TASK} evaluations per task and
 * {@value #MAX_TOTAL} in all, so that a definition stays a few megabytes.
 */
public final class TransferEvaluations {
    public static final String FIELD = "transferEvaluations";
    public static final String FROM = "transferFrom";
    public static final int MAX_TASKS = 50;
    public static final int MAX_PER_TASK = 5_000;
    public static final int MAX_TOTAL = 20_000;
    static final int MAX_TASK_NAME = 200;

    private TransferEvaluations() {}

    /** The tasks, checked; empty when the definition has none. */
    @SuppressWarnings("unchecked")
    static List<TransferTask> parse(Fields f, SearchSpace space, List<Metric> metrics) {
        if (!f.has(FIELD)) {
            return List.of();
        }
        List<?> list = f.list(FIELD);
        if (list == null) {
            return List.of();
        }
        if (list.size() > MAX_TASKS) {
            f.error(FIELD, "must have at most " + MAX_TASKS + " tasks, got " + list.size());
            return List.of();
        }
        List<TransferTask> tasks = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int total = 0;
        for (int i = 0; i < list.size(); i++) {
            String path = FIELD + "[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> task)) {
                f.error(path, "must be an object {task, evaluations}");
                continue;
            }
            Fields t = new Fields((Map<String, Object>) task, path, f.errors());
            t.onlyKnown(Set.of("task", "evaluations"));
            String name = t.string("task", null, MAX_TASK_NAME);
            if (name == null && !t.has("task")) {
                t.error("task", "is required: the earlier task's name");
            } else if (name != null && (name.isBlank() || !names.add(name))) {
                t.error("task", name.isBlank() ? "must not be blank" : "repeats task \"" + name + "\"");
            }
            List<?> evaluations = t.list("evaluations");
            if (evaluations == null) {
                if (!t.has("evaluations")) {
                    t.error("evaluations", "is required: a list of {config, metrics}");
                }
                continue;
            }
            if (evaluations.isEmpty() || evaluations.size() > MAX_PER_TASK) {
                t.error("evaluations", "must have 1 to " + MAX_PER_TASK + " entries, got " + evaluations.size());
                continue;
            }
            total += evaluations.size();
            if (total > MAX_TOTAL) {
                f.error(FIELD, "must have at most " + MAX_TOTAL + " evaluations in all tasks together");
                return List.of();
            }
            List<TransferTask.Evaluation> parsed = new ArrayList<>();
            for (int j = 0; j < evaluations.size(); j++) {
                TransferTask.Evaluation e =
                        evaluation(f, path + ".evaluations[" + j + "]", evaluations.get(j), space, metrics);
                if (e != null) {
                    parsed.add(e);
                }
            }
            if (name != null) {
                tasks.add(new TransferTask(name, parsed));
            }
        }
        return List.copyOf(tasks);
    }

    @SuppressWarnings("unchecked")
    private static TransferTask.Evaluation evaluation(
            Fields f, String path, Object value, SearchSpace space, List<Metric> metrics) {
        if (!(value instanceof Map<?, ?> json)) {
            f.error(path, "must be an object {config, metrics}");
            return null;
        }
        Fields e = new Fields((Map<String, Object>) json, path, f.errors());
        e.onlyKnown(Set.of("config", "metrics"));
        Map<String, Object> config = null;
        Object rawConfig = e.raw("config");
        if (!(rawConfig instanceof Map<?, ?> given)) {
            e.error("config", rawConfig == null ? "is required: a full config of the space" : "must be an object");
        } else {
            try {
                config = space.validate((Map<String, Object>) given, path + ".config");
            } catch (InvalidInputException ex) {
                f.errors().addAll(ex.errors());
            }
        }
        Object rawMetrics = e.raw("metrics");
        Map<String, Double> values = new LinkedHashMap<>();
        if (!(rawMetrics instanceof Map<?, ?> given)) {
            e.error(
                    "metrics",
                    rawMetrics == null
                            ? "is required: the study's metrics " + names(metrics) + " as numbers"
                            : "must be an object");
            return null;
        }
        Set<String> known = new HashSet<>(names(metrics));
        for (Object key : given.keySet()) {
            if (!known.contains(String.valueOf(key))) {
                e.error("metrics." + key, "is not a metric of the study; its metrics: " + names(metrics));
            }
        }
        for (Metric m : metrics) {
            Object v = given.get(m.name());
            String field = "metrics." + m.name();
            if (v == null) {
                e.error(field, "is missing: every metric of the study is needed");
            } else if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                e.error(field, "must be a finite number, got " + Fields.describe(v));
            } else {
                values.put(m.name(), n.doubleValue());
            }
        }
        return config == null || values.size() != metrics.size() ? null : new TransferTask.Evaluation(config, values);
    }

    /** The {@code transferFrom} ids; each must name a task (the service resolved it on create). */
    static List<String> parseFrom(Fields f, List<TransferTask> tasks) {
        if (!f.has(FROM)) {
            return List.of();
        }
        List<?> list = f.list(FROM);
        if (list == null) {
            return List.of();
        }
        if (list.size() > MAX_TASKS) {
            f.error(FROM, "must name at most " + MAX_TASKS + " studies, got " + list.size());
            return List.of();
        }
        Set<String> resolved = new HashSet<>();
        tasks.forEach(t -> resolved.add(t.task()));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String path = FROM + "[" + i + "]";
            if (!(list.get(i) instanceof String id) || id.isBlank()) {
                f.error(path, "must be a study id");
            } else if (ids.contains(id)) {
                f.error(path, "repeats study " + id);
            } else if (!resolved.contains(id)) {
                f.error(path, "study " + id + " was not read into transferEvaluations (only the server resolves it)");
            } else {
                ids.add(id);
            }
        }
        return List.copyOf(ids);
    }

    /** The tasks as a client writes them; {@link #parse} reads them back equal. */
    static List<Map<String, Object>> toJson(List<TransferTask> tasks, List<Metric> metrics) {
        List<Map<String, Object>> json = new ArrayList<>();
        for (TransferTask t : tasks) {
            List<Map<String, Object>> evaluations = new ArrayList<>();
            for (TransferTask.Evaluation e : t.evaluations()) {
                Map<String, Object> values = new LinkedHashMap<>();
                metrics.forEach(m -> values.put(m.name(), e.metrics().get(m.name())));
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("config", e.config());
                entry.put("metrics", values);
                evaluations.add(entry);
            }
            Map<String, Object> task = new LinkedHashMap<>();
            task.put("task", t.task());
            task.put("evaluations", evaluations);
            json.add(task);
        }
        return json;
    }

    private static List<String> names(List<Metric> metrics) {
        return metrics.stream().map(Metric::name).toList();
    }
}
