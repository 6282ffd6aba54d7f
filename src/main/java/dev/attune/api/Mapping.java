package dev.attune.api;

import dev.attune.space.SearchSpace;
import dev.attune.space.SpaceParser;
import dev.attune.space.Streamlining;
import dev.attune.study.Views;
import java.util.List;
import java.util.Map;

/** From service views to the published response shapes. */
final class Mapping {
    private Mapping() {}

    @SuppressWarnings("unchecked")
    static Dtos.StudyResponse study(Views.Study s) {
        return study(s, null);
    }

    @SuppressWarnings("unchecked")
    private static Dtos.StudyResponse study(Views.Study s, List<String> warnings) {
        Map<String, Object> d = s.definition();
        List<Dtos.MetricSpec> metrics = ((List<Map<String, Object>>) d.get("metrics"))
                .stream()
                        .map(m -> new Dtos.MetricSpec((String) m.get("name"), (String) m.get("mode")))
                        .toList();
        Map<String, Object> r = (Map<String, Object>) d.get("resource");
        Map<String, Object> c = (Map<String, Object>) d.get("stoppingCriterion");
        return new Dtos.StudyResponse(
                s.id(),
                s.name(),
                s.project(),
                s.status(),
                s.statusReason(),
                s.seed(),
                (Map<String, Object>) d.get("space"),
                metrics,
                s.method(),
                (Map<String, Object>) d.get("options"),
                r == null
                        ? null
                        : new Dtos.ResourceSpec((String) r.get("attr"), (Long) r.get("max"), (String) r.get("maxAttr")),
                (List<Map<String, Object>>) d.get("pointsToEvaluate"),
                new Dtos.StoppingCriterionSpec(
                        number(c.get("maxWallclockTime")),
                        (Long) c.get("maxNumTrialsStarted"),
                        (Long) c.get("maxNumTrialsCompleted"),
                        (Long) c.get("maxNumTrialsFinished"),
                        (Long) c.get("maxNumEvaluations"),
                        number(c.get("maxCost")),
                        (String) c.get("costAttr"),
                        (Map<String, Double>) c.get("minMetricValue"),
                        (Map<String, Double>) c.get("maxMetricValue")),
                d.get("maxConcurrentTrials") == null ? null : ((Number) d.get("maxConcurrentTrials")).intValue(),
                Boolean.TRUE.equals(d.get("allowDuplicates")),
                d.get("leaseSeconds") == null ? null : ((Number) d.get("leaseSeconds")).intValue(),
                d.get("maxRetries") == null ? null : ((Number) d.get("maxRetries")).intValue(),
                d.get("maxFailures") == null ? null : ((Number) d.get("maxFailures")).intValue(),
                Boolean.TRUE.equals(d.get("deleteCheckpoints")),
                d.get("numGpusPerTrial") == null ? null : ((Number) d.get("numGpusPerTrial")).intValue(),
                (List<String>) d.get("entryPoint"),
                Boolean.TRUE.equals(d.get("waitTrialCompletionWhenStopping")),
                s.trialCounts(),
                s.trialsResumedWithoutCheckpoint(),
                s.createdAt(),
                s.updatedAt(),
                !Boolean.FALSE.equals(d.get("asynchronousScheduling")),
                (List<Map<String, Object>>) d.get("restrictConfigurations"),
                warnings,
                (List<Map<String, Object>>) d.get("transferEvaluations"),
                (List<String>) d.get("transferFrom"));
    }

    /** The create's answer: the study, with a warning per streamlining rule that would change its space. */
    static Dtos.StudyResponse created(Views.Study s) {
        SearchSpace space = SpaceParser.parse(s.definition().get("space"), "space");
        return study(
                s,
                Streamlining.rewrites(space).stream()
                        .map(Streamlining.Rewrite::warning)
                        .toList());
    }

    private static Double number(Object v) {
        return v == null ? null : ((Number) v).doubleValue();
    }

    static Dtos.TrialResponse trial(Views.Trial t) {
        return t == null
                ? null
                : new Dtos.TrialResponse(
                        t.id(),
                        t.status(),
                        t.config(),
                        t.metrics(),
                        t.resumed(),
                        t.checkpointTrialId(),
                        t.workerId(),
                        t.statusReason(),
                        t.createdAt(),
                        t.updatedAt(),
                        t.retryOf(),
                        t.metadata(),
                        t.links(),
                        t.resumedWithoutCheckpoint(),
                        t.reports() == null
                                ? null
                                : t.reports().stream()
                                        .map(r -> new Dtos.ReportResponse(
                                                r.metrics(), r.step(), r.decision(), r.reason(), r.receivedAt()))
                                        .toList());
    }

    static Dtos.AskResponse ask(Views.Ask a) {
        return new Dtos.AskResponse(a.status(), trial(a.trial()), a.retryAfterMs(), a.reason(), null);
    }

    static Dtos.AskResponse batch(Views.BatchAsk a) {
        return new Dtos.AskResponse(
                a.status(),
                null,
                a.retryAfterMs(),
                a.reason(),
                a.trials().stream().map(Mapping::trial).toList());
    }

    static Dtos.DecisionResponse decision(Views.Decision d) {
        return new Dtos.DecisionResponse(d.decision(), d.reason());
    }
}
