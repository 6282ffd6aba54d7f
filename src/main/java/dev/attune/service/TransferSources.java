package dev.attune.service;

import dev.attune.space.FieldError;
import dev.attune.space.InvalidInputException;
import dev.attune.space.SearchSpace;
import dev.attune.space.SpaceParser;
import dev.attune.space.Streamlining;
import dev.attune.store.StudyRepository;
import dev.attune.store.StudyRow;
import dev.attune.store.TrialRepository;
import dev.attune.store.TrialRow;
import dev.attune.study.NotFoundException;
import dev.attune.study.StudyDefinition;
import dev.attune.study.TransferEvaluations;
import dev.attune.trial.Resource;
import dev.attune.trial.TrialStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Component;

/**
 * Resolves a create request's {@code transferFrom}: each named study, read with the caller's rights, becomes
 * a task of {@code transferEvaluations} named by the study's id, holding its completed trials' configs and
 * final metrics (for a multi-fidelity study, only trials whose last report reached the maximum resource).
 * The stored definition keeps the data, so replay, export and import never read the earlier study again.
 */
@Component
public class TransferSources {
    private static final int PAGE = 1_000;
    private final StudyRepository studies;
    private final TrialRepository trials;
    private final EngineCache engines;
    private final JsonCodec json;

    public TransferSources(StudyRepository studies, TrialRepository trials, EngineCache engines, JsonCodec json) {
        this.studies = studies;
        this.trials = trials;
        this.engines = engines;
        this.json = json;
    }

    /**
     * The request with {@code transferFrom}'s studies appended to {@code transferEvaluations}; unchanged when
     * it names none (or is malformed: the parser then reports it).
     *
     * @param checkRead throws as a read of the study by the caller would (not found, forbidden)
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> resolve(Map<String, Object> request, Consumer<String> checkRead) {
        if (!(request.get(TransferEvaluations.FROM) instanceof List<?> ids) || ids.isEmpty()) {
            return request;
        }
        if (ids.size() > TransferEvaluations.MAX_TASKS || !ids.stream().allMatch(i -> i instanceof String)) {
            return request;
        }
        SearchSpace space;
        try {
            space = SpaceParser.parse(request.get("space"), "space");
            if (Boolean.TRUE.equals(request.get("streamlineConfigSpace"))) {
                space = Streamlining.apply(space);
            }
        } catch (RuntimeException e) {
            return request; // the parser reports the space's problems
        }
        List<String> metrics = new ArrayList<>();
        if (request.get("metrics") instanceof List<?> list) {
            for (Object m : list) {
                if (m instanceof Map<?, ?> map && map.get("name") instanceof String name) {
                    metrics.add(name);
                }
            }
        }
        List<Object> tasks = new ArrayList<>();
        List<String> uploaded = new ArrayList<>();
        if (request.get(TransferEvaluations.FIELD) instanceof List<?> given) {
            tasks.addAll(given);
            given.forEach(t -> {
                if (t instanceof Map<?, ?> m && m.get("task") instanceof String name) {
                    uploaded.add(name);
                }
            });
        }
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            String id = (String) ids.get(i);
            String field = TransferEvaluations.FROM + "[" + i + "]";
            checkRead.accept(id);
            StudyRow row =
                    studies.findById(id).orElseThrow(() -> new NotFoundException("study " + id + " does not exist"));
            StudyDefinition source = engines.definition(row);
            if (!source.space().equals(space)) {
                errors.add(new FieldError(field, "study " + id + " has another space; transfer needs the same space"));
                continue;
            }
            if (uploaded.contains(id)) {
                errors.add(new FieldError(field, "transferEvaluations already has a task named " + id));
                continue;
            }
            List<Map<String, Object>> evaluations = evaluations(id, source, metrics);
            if (evaluations.isEmpty()) {
                errors.add(new FieldError(
                        field, "study " + id + " has no completed trial with the metrics " + metrics + " to transfer"));
            } else if (evaluations.size() > TransferEvaluations.MAX_PER_TASK) {
                errors.add(new FieldError(
                        field,
                        "study " + id + " has " + evaluations.size() + " usable trials; at most "
                                + TransferEvaluations.MAX_PER_TASK + " can transfer"));
            } else {
                tasks.add(Map.of("task", id, "evaluations", evaluations));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        Map<String, Object> resolved = new LinkedHashMap<>(request);
        resolved.put(TransferEvaluations.FIELD, tasks);
        return resolved;
    }

    /** The completed trials' configs and final metrics (only the study's metrics), in trial order. */
    private List<Map<String, Object>> evaluations(String id, StudyDefinition source, List<String> metrics) {
        List<Map<String, Object>> evaluations = new ArrayList<>();
        Resource resource = source.resource();
        long after = -1;
        while (evaluations.size() <= TransferEvaluations.MAX_PER_TASK) {
            List<TrialRow> page = trials.findByStudyIdAndStatusAndTrialIdGreaterThanOrderByTrialId(
                    id, TrialStatus.COMPLETED.name(), after, Limit.of(PAGE));
            for (TrialRow t : page) {
                after = t.getTrialId();
                if (t.getMetrics() == null) {
                    continue;
                }
                Map<String, Object> config = json.read(t.getConfig());
                Map<String, Object> reported = json.read(t.getMetrics());
                if (resource != null && !reachedMax(resource, config, reported)) {
                    continue;
                }
                Map<String, Object> values = new LinkedHashMap<>();
                for (String m : metrics) {
                    if (reported.get(m) instanceof Number n && Double.isFinite(n.doubleValue())) {
                        values.put(m, n);
                    }
                }
                if (values.size() == metrics.size()) {
                    evaluations.add(Map.of("config", config, "metrics", values));
                }
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        return evaluations;
    }

    private static boolean reachedMax(Resource resource, Map<String, Object> config, Map<String, Object> reported) {
        Object max = resource.max() != null
                ? resource.max()
                : resource.maxAttr() == null ? null : config.get(resource.maxAttr());
        return max instanceof Number m
                && reported.get(resource.attr()) instanceof Number level
                && level.doubleValue() >= m.doubleValue();
    }
}
