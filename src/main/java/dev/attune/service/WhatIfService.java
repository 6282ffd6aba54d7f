package dev.attune.service;

import dev.attune.space.FieldError;
import dev.attune.space.InvalidInputException;
import dev.attune.store.ReportRepository;
import dev.attune.store.ReportRow;
import dev.attune.store.StudyRow;
import dev.attune.store.TrialRepository;
import dev.attune.store.TrialRow;
import dev.attune.study.EventCodec;
import dev.attune.study.Fields;
import dev.attune.study.MetricsInput;
import dev.attune.study.StudyDefinition;
import dev.attune.study.StudyDefinitionParser;
import dev.attune.study.WhatIf;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;

/** "What would method M have done on these curves?": curves from a study's reports or from the request. */
@Service
public class WhatIfService {
    static final int MAX_CURVES = 10_000;
    static final Set<String> NOT_REPLAYABLE = Set.of("PBT");
    private final StudyDefinitionParser parser;
    private final StudyService studies;
    private final EngineCache engines;
    private final TrialRepository trials;
    private final ReportRepository reports;
    private final JsonCodec json;

    public WhatIfService(
            StudyDefinitionParser parser,
            StudyService studies,
            EngineCache engines,
            TrialRepository trials,
            ReportRepository reports,
            JsonCodec json) {
        this.parser = parser;
        this.studies = studies;
        this.engines = engines;
        this.trials = trials;
        this.reports = reports;
        this.json = json;
    }

    @SuppressWarnings("unchecked")
    public WhatIf.Result run(Map<String, Object> request) {
        Fields f = Fields.body(
                request,
                Set.of("studyId", "curves", "space", "metrics", "resource", "method", "options", "seed", "workers"));
        Long workers = f.integer("workers", 1);
        String studyId = f.string("studyId", null, 64);
        f.throwIfInvalid();
        if ((studyId == null) == (f.raw("curves") == null)) {
            throw InvalidInputException.of(
                    "studyId", "give either studyId (replay a study's reports) or curves (uploaded)");
        }
        Map<String, Object> definition = new LinkedHashMap<>();
        List<WhatIf.Curve> curves;
        if (studyId != null) {
            StudyRow row = studies.find(studyId);
            Map<String, Object> source = json.read(row.getDefinition());
            for (String k : List.of("space", "metrics", "resource")) {
                definition.put(k, source.get(k));
            }
            definition.put("seed", source.get("seed"));
            curves = curvesOf(studyId, engines.definition(row));
        } else {
            for (String k : List.of("space", "metrics", "resource", "seed")) {
                if (f.raw(k) != null) {
                    definition.put(k, f.raw(k));
                }
            }
            curves = null;
        }
        definition.put("method", f.string("method", "ASHA", 100));
        definition.put("options", f.object("options") == null ? Map.of() : f.object("options"));
        if (f.raw("seed") != null) {
            definition.put("seed", f.raw("seed"));
        }
        definition.put("pointsToEvaluate", List.of());
        StudyDefinition d = parser.parse(definition, 0);
        if (!d.method().multiFidelity() || NOT_REPLAYABLE.contains(d.method().name())) {
            throw InvalidInputException.of(
                    "method",
                    d.method().name() + " cannot be replayed on recorded curves; use a stopping or promotion method");
        }
        if (curves == null) {
            curves = uploaded(f.list("curves"), d);
        }
        return WhatIf.run(d, curves, workers == null ? 4 : workers.intValue());
    }

    private List<WhatIf.Curve> curvesOf(String studyId, StudyDefinition d) {
        List<WhatIf.Curve> curves = new ArrayList<>();
        String attr = d.resource().attr();
        for (TrialRow t : trials.findByStudyIdAndTrialIdGreaterThanOrderByTrialId(studyId, -1, Limit.of(MAX_CURVES))) {
            List<Map<String, Double>> points = new ArrayList<>();
            for (ReportRow r : reports.findByStudyIdAndTrialIdOrderById(studyId, t.getTrialId())) {
                Map<String, Double> m = EventCodec.numbers(json.read(r.getMetrics()));
                if (m.containsKey(attr) && m.containsKey(d.metric().name())) {
                    points.add(m);
                }
            }
            points.sort(Comparator.comparingDouble(m -> m.get(attr)));
            if (!points.isEmpty()) {
                curves.add(new WhatIf.Curve(json.read(t.getConfig()), points));
            }
        }
        return curves;
    }

    @SuppressWarnings("unchecked")
    private static List<WhatIf.Curve> uploaded(List<?> list, StudyDefinition d) {
        if (list == null || list.isEmpty() || list.size() > MAX_CURVES) {
            throw InvalidInputException.of(
                    "curves", "must be a list of 1 to " + MAX_CURVES + " curves {config, reports}");
        }
        List<FieldError> errors = new ArrayList<>();
        List<WhatIf.Curve> curves = new ArrayList<>();
        String attr = d.resource().attr();
        for (int i = 0; i < list.size(); i++) {
            String path = "curves[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> c) || !(c.get("reports") instanceof List<?> rs) || rs.isEmpty()) {
                errors.add(new FieldError(
                        path,
                        "must be {config, reports: [{" + attr + ": level, "
                                + d.metric().name() + ": value}, …]}"));
                continue;
            }
            Map<String, Object> config = c.get("config") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            List<Map<String, Double>> points = new ArrayList<>();
            long previous = 0;
            for (int k = 0; k < rs.size(); k++) {
                try {
                    Map<String, Double> point = MetricsInput.parse(rs.get(k), path + ".reports[" + k + "]", true);
                    Double level = point.get(attr);
                    if (level == null
                            || level != Math.rint(level)
                            || level <= previous
                            || !point.containsKey(d.metric().name())) {
                        errors.add(new FieldError(
                                path + ".reports[" + k + "]",
                                "needs " + d.metric().name() + " and an integer " + attr + " above the previous one"));
                        break;
                    }
                    previous = level.longValue();
                    points.add(point);
                } catch (InvalidInputException e) {
                    errors.addAll(e.errors());
                }
            }
            curves.add(new WhatIf.Curve(config, points));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        return curves;
    }
}
