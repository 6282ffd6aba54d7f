package dev.attune.service;

import dev.attune.space.InvalidInputException;
import dev.attune.store.TrialRow;
import dev.attune.study.Fields;
import dev.attune.study.Views;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;

/**
 * PyGlove's trial feedback beyond metrics: metadata on studies and trials, related links, and the tails
 * of a trial's output. None of it reaches the algorithms, so it is written under the study's lock but
 * not to the event log.
 */
@Service
public class FeedbackService {
    static final int MAX_METADATA_BYTES = 64 * 1024;
    static final int MAX_LOG_CHARS = 64 * 1024;
    static final int MAX_LINKS = 100;
    private final StudyWriter writer;
    private final StudyService studies;
    private final TrialQueries trials;
    private final JsonCodec json;

    public FeedbackService(StudyWriter writer, StudyService studies, TrialQueries trials, JsonCodec json) {
        this.writer = writer;
        this.studies = studies;
        this.trials = trials;
        this.json = json;
    }

    public Map<String, Object> studyMetadata(String studyId) {
        String m = studies.find(studyId).getMetadata();
        return m == null ? Map.of() : json.read(m);
    }

    /** Merges keys into the study's metadata; a null value removes its key. */
    public Map<String, Object> setStudyMetadata(String studyId, Map<String, Object> update) {
        return writer.write(studyId, ctx -> {
            String merged = merge(ctx.row.getMetadata(), update);
            ctx.row.setMetadata(merged, ctx.now);
            return json.read(merged);
        });
    }

    public Map<String, Object> trialMetadata(String studyId, long trialId) {
        String m = trial(studyId, trialId).getMetadata();
        return m == null ? Map.of() : json.read(m);
    }

    public Map<String, Object> setTrialMetadata(String studyId, long trialId, Map<String, Object> update) {
        return writer.write(studyId, ctx -> {
            TrialRow t = trial(studyId, trialId);
            String merged = merge(t.getMetadata(), update);
            t.setMetadata(merged, ctx.now);
            return json.read(merged);
        });
    }

    public Views.Trial addLink(String studyId, long trialId, Map<String, Object> request) {
        Fields f = Fields.body(request, java.util.Set.of("url", "name"));
        String url = f.string("url", null, 2000);
        String name = f.string("name", null, 200);
        if (url == null && f.errors().isEmpty()) {
            f.error("url", "is required");
        }
        if (url != null && !url.matches("(?i)(https?|file|s3|gs)://.+")) {
            f.error("url", "must be an http(s), file, s3 or gs URL");
        }
        f.throwIfInvalid();
        return writer.write(studyId, ctx -> {
            TrialRow t = trial(studyId, trialId);
            List<Object> links =
                    t.getLinks() == null ? new ArrayList<>() : new ArrayList<>(json.readList(t.getLinks()));
            if (links.size() >= MAX_LINKS) {
                throw InvalidInputException.of("url", "a trial has at most " + MAX_LINKS + " links");
            }
            Map<String, Object> link = new LinkedHashMap<>();
            link.put("name", name == null ? url : name);
            link.put("url", url);
            links.add(link);
            t.setLinks(json.write(links), ctx.now);
            return TrialViews.of(t, json, null);
        });
    }

    public Views.Logs logs(String studyId, long trialId) {
        TrialRow t = trial(studyId, trialId);
        return new Views.Logs(
                t.getStdoutTail() == null ? "" : t.getStdoutTail(), t.getStderrTail() == null ? "" : t.getStderrTail());
    }

    /** The trial's status, for streams that end with the trial's run. */
    public String trialStatus(String studyId, long trialId) {
        return trial(studyId, trialId).getStatus();
    }

    /** A worker uploads the tails of the trial's output; longer text keeps its end. */
    public Views.Logs setLogs(String studyId, long trialId, Map<String, Object> request) {
        Fields f = Fields.body(request, java.util.Set.of("stdout", "stderr"));
        Object out = f.raw("stdout");
        Object err = f.raw("stderr");
        if (out != null && !(out instanceof String)) {
            f.error("stdout", "must be a string");
        }
        if (err != null && !(err instanceof String)) {
            f.error("stderr", "must be a string");
        }
        f.throwIfInvalid();
        return writer.write(studyId, ctx -> {
            TrialRow t = trial(studyId, trialId);
            t.setLogs(tail((String) out), tail((String) err));
            return new Views.Logs(t.getStdoutTail(), t.getStderrTail());
        });
    }

    private static String tail(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= MAX_LOG_CHARS ? s : s.substring(s.length() - MAX_LOG_CHARS);
    }

    /** The metadata JSON {@code current} becomes when {@code update} merges in (a null value removes its key). */
    String merge(String current, Map<String, Object> update) {
        if (update == null) {
            throw InvalidInputException.of("body", "is required: an object of metadata keys to values");
        }
        Map<String, Object> merged = current == null ? new LinkedHashMap<>() : new LinkedHashMap<>(json.read(current));
        update.forEach((k, v) -> {
            if (v == null) {
                merged.remove(k);
            } else {
                merged.put(k, v);
            }
        });
        String text = json.write(merged);
        if (text.length() > MAX_METADATA_BYTES) {
            throw InvalidInputException.of("body", "metadata must stay under " + MAX_METADATA_BYTES + " bytes of JSON");
        }
        return text;
    }

    private TrialRow trial(String studyId, long trialId) {
        studies.find(studyId);
        return trials.trial(studyId, trialId);
    }
}
