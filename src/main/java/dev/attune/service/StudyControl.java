package dev.attune.service;

import dev.attune.space.InvalidInputException;
import dev.attune.study.Fields;
import dev.attune.study.StudyDefinition;
import dev.attune.study.StudyDefinitionParser;
import dev.attune.study.Views;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Service;

/**
 * What an operator does to a study while it runs: stop, pause or resume one trial, stop the study (with
 * or without its running trials), and change its settings. Each runs one command of the study under its
 * lock, so that the change is an event of its log.
 */
@Service
public class StudyControl {
    private final StudyWriter writer;
    private final StudyService studies;
    private final TrialQueries queries;
    private final StudyDefinitionParser parser;
    private final FeedbackService feedback;
    private final JsonCodec json;

    public StudyControl(
            StudyWriter writer,
            StudyService studies,
            TrialQueries queries,
            StudyDefinitionParser parser,
            FeedbackService feedback,
            JsonCodec json) {
        this.writer = writer;
        this.studies = studies;
        this.queries = queries;
        this.parser = parser;
        this.feedback = feedback;
        this.json = json;
    }

    /** The trial's next report answers STOP (a paused trial stops at once, a pending one is skipped). */
    public Views.Trial stopTrial(String studyId, long trialId, Map<String, Object> request) {
        String reason = reason(request);
        return writer.write(studyId, ctx -> {
            ctx.record(ctx.study.stopTrial(trialId, reason, ctx.now));
            return view(studyId, trialId);
        });
    }

    /** The running trial's next report answers PAUSE. */
    public Views.Trial pauseTrial(String studyId, long trialId, Map<String, Object> request) {
        String reason = reason(request);
        return writer.write(studyId, ctx -> {
            ctx.record(ctx.study.pauseTrial(trialId, reason, ctx.now));
            return view(studyId, trialId);
        });
    }

    /** The paused trial is handed out by the next ask, before the scheduler's own choice. */
    public Views.Trial resumeTrial(String studyId, long trialId, Map<String, Object> request) {
        Fields.body(request, Set.of()).throwIfInvalid();
        return writer.write(studyId, ctx -> {
            ctx.record(ctx.study.resumeTrial(trialId, ctx.now));
            return view(studyId, trialId);
        });
    }

    /**
     * No new trials; running trials are answered STOP at their next report when {@code stopRunningTrials}
     * says so (by default: unless the study waits for them).
     */
    public Views.Study stop(String studyId, Map<String, Object> request) {
        Fields body = Fields.body(request, Set.of("stopRunningTrials"));
        Boolean stopRunning = body.bool("stopRunningTrials");
        body.throwIfInvalid();
        writer.write(studyId, ctx -> ctx.record(ctx.study.stop("stopped by a client", stopRunning, ctx.now)));
        return studies.get(studyId);
    }

    /**
     * Changes the study's settings (a JSON merge patch of its definition; {@code metadata} merges into the
     * study's metadata). A stopping or done study whose new budget no longer fires is active again.
     */
    public Views.Study change(String studyId, Map<String, Object> patch) {
        if (patch == null || patch.isEmpty()) {
            throw InvalidInputException.of(
                    "body", "is required: the settings to change, e.g. {\"stoppingCriterion\": {\"maxCost\": 100}}");
        }
        Map<String, Object> settings = new LinkedHashMap<>(patch);
        Object metadata = settings.remove("metadata");
        if (patch.containsKey("metadata") && !(metadata instanceof Map<?, ?>)) {
            throw InvalidInputException.of(
                    "metadata", "must be an object of keys to values (a null value removes one)");
        }
        writer.write(studyId, ctx -> {
            StudyDefinition next = parser.change(ctx.study.definition(), settings);
            if (metadata != null) {
                @SuppressWarnings("unchecked")
                Map<String, Object> update = (Map<String, Object>) metadata;
                ctx.row.setMetadata(feedback.merge(ctx.row.getMetadata(), update), ctx.now);
            }
            return ctx.record(ctx.study.change(next, ctx.now));
        });
        return studies.get(studyId);
    }

    private static String reason(Map<String, Object> request) {
        Fields body = Fields.body(request, Set.of("reason"));
        String reason = body.string("reason", null, 2000);
        body.throwIfInvalid();
        return reason;
    }

    private Views.Trial view(String studyId, long trialId) {
        return TrialViews.of(queries.trial(studyId, trialId), json, null);
    }
}
