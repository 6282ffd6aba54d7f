package dev.attune.study;

import dev.attune.scheduler.MethodContext;
import dev.attune.scheduler.MethodSpec;
import dev.attune.scheduler.Scheduler;
import dev.attune.searcher.Options;
import dev.attune.searcher.TransferTask;
import dev.attune.space.SearchSpace;
import dev.attune.trial.Metric;
import dev.attune.trial.Resource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A study's definition, checked and completed with defaults; stored as JSON and read back unchanged.
 *
 * @param maxConcurrentTrials at most this many trials {@code RUNNING} at once, or null for no limit
 * @param asynchronousScheduling false: a batch of {@code maxConcurrentTrials} trials starts only when the
 *     previous batch has finished (Syne Tune's tuner option {@code asynchronous_scheduling})
 * @param restrictConfigurations the only configs searchers may suggest (Syne Tune's {@code
 *     restrict_configurations}), checked against the space, or null for the whole space
 * @param transfer earlier tasks' evaluations ({@code transferEvaluations}, with the studies of {@code
 *     transferFrom} already read into tasks named by their ids), for transfer-learning methods
 * @param transferFrom the ids of the earlier studies the transfer data was read from when the study was created
 * @param waitTrialCompletionWhenStopping when the study stops (a budget ran out, or a client stopped it),
 *     running trials finish on their own instead of being answered STOP at their next report
 */
public record StudyDefinition(
        String name,
        String project,
        SearchSpace space,
        List<Metric> metrics,
        MethodSpec method,
        Options options,
        Map<String, Object> givenOptions,
        Resource resource,
        List<Map<String, Object>> pointsToEvaluate,
        long seed,
        StoppingCriterion stoppingCriterion,
        Integer maxConcurrentTrials,
        boolean allowDuplicates,
        Integer leaseSeconds,
        Integer maxRetries,
        Integer maxFailures,
        boolean deleteCheckpoints,
        Integer numGpusPerTrial,
        List<String> entryPoint,
        boolean asynchronousScheduling,
        List<Map<String, Object>> restrictConfigurations,
        boolean waitTrialCompletionWhenStopping,
        List<TransferTask> transfer,
        List<String> transferFrom) {

    public StudyDefinition {
        transfer = transfer == null ? List.of() : List.copyOf(transfer);
        transferFrom = transferFrom == null ? List.of() : List.copyOf(transferFrom);
    }

    /** The settings a study may change after it is created ({@code PATCH}); the rest is fixed. */
    public static final List<String> CHANGEABLE =
            List.of("name", "stoppingCriterion", "maxConcurrentTrials", "leaseSeconds", "maxRetries", "maxFailures");

    /** A fresh scheduler in its initial state; replaying the study's events brings it up to date. */
    public Scheduler newScheduler() {
        return method.factory()
                .apply(new MethodContext(
                        space,
                        metrics,
                        resource,
                        seed,
                        pointsToEvaluate,
                        allowDuplicates,
                        options,
                        restrictConfigurations,
                        transfer));
    }

    public Metric metric() {
        return metrics.getFirst();
    }

    /** The definition as a client would write it; {@link StudyDefinitionParser} reads it back unchanged. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("project", project);
        json.put("space", space.toJson());
        json.put(
                "metrics",
                metrics.stream()
                        .map(m ->
                                Map.of("name", m.name(), "mode", m.mode().name().toLowerCase(Locale.ROOT)))
                        .toList());
        json.put("method", method.name());
        json.put("options", givenOptions);
        if (resource != null) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("attr", resource.attr());
            if (resource.max() != null) {
                r.put("max", resource.max());
            }
            if (resource.maxAttr() != null) {
                r.put("maxAttr", resource.maxAttr());
            }
            json.put("resource", r);
        }
        json.put("pointsToEvaluate", pointsToEvaluate);
        json.put("seed", seed);
        json.put("stoppingCriterion", criterionJson());
        if (maxConcurrentTrials != null) {
            json.put("maxConcurrentTrials", maxConcurrentTrials);
        }
        json.put("allowDuplicates", allowDuplicates);
        if (leaseSeconds != null) {
            json.put("leaseSeconds", leaseSeconds);
        }
        if (maxRetries != null) {
            json.put("maxRetries", maxRetries);
        }
        if (maxFailures != null) {
            json.put("maxFailures", maxFailures);
        }
        json.put("deleteCheckpoints", deleteCheckpoints);
        if (!asynchronousScheduling) {
            json.put("asynchronousScheduling", false);
        }
        if (restrictConfigurations != null) {
            json.put("restrictConfigurations", restrictConfigurations);
        }
        if (numGpusPerTrial != null) {
            json.put("numGpusPerTrial", numGpusPerTrial);
        }
        if (entryPoint != null) {
            json.put("entryPoint", entryPoint);
        }
        if (waitTrialCompletionWhenStopping) {
            json.put("waitTrialCompletionWhenStopping", true);
        }
        if (!transfer.isEmpty()) {
            json.put(TransferEvaluations.FIELD, TransferEvaluations.toJson(transfer, metrics));
        }
        if (!transferFrom.isEmpty()) {
            json.put(TransferEvaluations.FROM, transferFrom);
        }
        return json;
    }

    /** The changeable settings as {@link #toJson} writes them; an unset one is absent. */
    public Map<String, Object> settingsJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        Map<String, Object> all = toJson();
        for (String key : CHANGEABLE) {
            if (all.get(key) != null) {
                json.put(key, all.get(key));
            }
        }
        return json;
    }

    /** This definition with the changeable settings of {@code settings} (as {@link #settingsJson} writes them). */
    @SuppressWarnings("unchecked")
    public StudyDefinition withSettings(Map<String, Object> settings) {
        return new StudyDefinition(
                (String) settings.getOrDefault("name", name),
                project,
                space,
                metrics,
                method,
                options,
                givenOptions,
                resource,
                pointsToEvaluate,
                seed,
                StoppingCriterion.fromJson((Map<String, Object>) settings.getOrDefault("stoppingCriterion", Map.of())),
                integer(settings.get("maxConcurrentTrials")),
                allowDuplicates,
                integer(settings.get("leaseSeconds")),
                integer(settings.get("maxRetries")),
                integer(settings.get("maxFailures")),
                deleteCheckpoints,
                numGpusPerTrial,
                entryPoint,
                asynchronousScheduling,
                restrictConfigurations,
                waitTrialCompletionWhenStopping,
                transfer,
                transferFrom);
    }

    private static Integer integer(Object value) {
        return value instanceof Number n ? n.intValue() : null;
    }

    private Map<String, Object> criterionJson() {
        StoppingCriterion c = stoppingCriterion;
        Map<String, Object> json = new LinkedHashMap<>();
        putIfSet(json, "maxWallclockTime", c.maxWallclockTime());
        putIfSet(json, "maxNumTrialsStarted", c.maxNumTrialsStarted());
        putIfSet(json, "maxNumTrialsCompleted", c.maxNumTrialsCompleted());
        putIfSet(json, "maxNumTrialsFinished", c.maxNumTrialsFinished());
        putIfSet(json, "maxNumEvaluations", c.maxNumEvaluations());
        putIfSet(json, "maxCost", c.maxCost());
        if (!c.costAttr().equals(StoppingCriterion.DEFAULT_COST_ATTR)) {
            json.put("costAttr", c.costAttr());
        }
        if (!c.minMetricValue().isEmpty()) {
            json.put("minMetricValue", c.minMetricValue());
        }
        if (!c.maxMetricValue().isEmpty()) {
            json.put("maxMetricValue", c.maxMetricValue());
        }
        return json;
    }

    private static void putIfSet(Map<String, Object> json, String name, Object value) {
        if (value != null) {
            json.put(name, value);
        }
    }
}
