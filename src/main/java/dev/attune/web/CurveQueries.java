package dev.attune.web;

import dev.attune.service.JsonCodec;
import dev.attune.web.DashboardViews.Curve;
import dev.attune.web.DashboardViews.Marker;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Learning curves of the study's metric against the resource (or the report's step, or its index), with
 * every STOP and PAUSE decision and every resume marked at the level where it happened, and its reason.
 *
 * <p>A 100,000-trial study has far too many curves to draw; without {@code trialIds} this answers the
 * {@code maxTrials / 2} best trials and the latest ones, which is what a person looks at.
 */
@Service
public class CurveQueries {
    private final JdbcTemplate jdbc;
    private final JsonCodec json;
    private final DashboardQueries studies;

    public CurveQueries(JdbcTemplate jdbc, JsonCodec json, DashboardQueries studies) {
        this.jdbc = jdbc;
        this.json = json;
        this.studies = studies;
    }

    public DashboardViews.Curves curves(String studyId, int maxTrials, Collection<Long> trialIds) {
        StudyDefinitions d = studies.definition(studyId);
        Long withReports = jdbc.queryForObject(
                "select count(*) from trial where study_id = ? and report_count > 0", Long.class, studyId);
        LinkedHashSet<Long> ids = new LinkedHashSet<>(trialIds);
        if (ids.isEmpty()) {
            int best = Math.max(1, maxTrials / 2);
            ids.addAll(jdbc.queryForList(
                    "select trial_id from trial where study_id = ? and report_count > 0 and best_objective is not null"
                            + " order by best_objective, trial_id limit ?",
                    Long.class,
                    studyId,
                    best));
            ids.addAll(jdbc.queryForList(
                    "select trial_id from trial where study_id = ? and report_count > 0 order by trial_id desc limit ?",
                    Long.class,
                    studyId,
                    maxTrials));
        }
        List<Long> chosen = ids.stream().limit(maxTrials).sorted().toList();
        if (chosen.isEmpty()) {
            return new DashboardViews.Curves(
                    d.metric(), d.resourceAttr(), withReports == null ? 0 : withReports, List.of());
        }
        String in = chosen.stream().map(String::valueOf).collect(Collectors.joining(","));
        Map<Long, String> status = new LinkedHashMap<>();
        jdbc.query(
                "select trial_id, status from trial where study_id = ? and trial_id in (" + in + ") order by trial_id",
                rs -> {
                    status.put(rs.getLong(1), rs.getString(2));
                },
                studyId);
        Map<Long, List<double[]>> points = new TreeMap<>();
        Map<Long, List<Marker>> markers = new TreeMap<>();
        String metric = d.metric();
        String attr = d.resourceAttr();
        jdbc.query(
                "select trial_id, level, step, metrics, decision, reason from report where study_id = ? and trial_id in ("
                        + in + ") order by trial_id, id",
                rs -> {
                    long trial = rs.getLong(1);
                    List<double[]> ps = points.computeIfAbsent(trial, k -> new ArrayList<>());
                    long level = rs.getLong(2);
                    boolean hasLevel = !rs.wasNull();
                    long step = rs.getLong(3);
                    boolean hasStep = !rs.wasNull();
                    Map<String, Object> m = json.read(rs.getString(4));
                    if (!(m.get(metric) instanceof Number y)) {
                        return;
                    }
                    double x = hasLevel ? level : hasStep ? step : ps.size() + 1;
                    ps.add(new double[] {x, y.doubleValue()});
                    String decision = rs.getString(5);
                    // A completed trial's STOP is its end at the maximum resource, not an early stop: no marker.
                    boolean completion = "STOP".equals(decision) && "COMPLETED".equals(status.get(trial));
                    if (!"CONTINUE".equals(decision) && !completion) {
                        markers.computeIfAbsent(trial, k -> new ArrayList<>())
                                .add(new Marker(x, y.doubleValue(), decision, rs.getString(6)));
                    }
                },
                studyId);
        // A resume continues where the trial paused: mark it on the last point before the event.
        jdbc.query(
                "select trial_id, seq from study_event where study_id = ? and type = 'TRIAL_RESUMED' and trial_id in ("
                        + in + ") order by seq",
                rs -> {
                    long trial = rs.getLong(1);
                    List<Marker> ms = markers.computeIfAbsent(trial, k -> new ArrayList<>());
                    Marker pause = ms.stream()
                            .filter(mk -> mk.decision().equals("PAUSE"))
                            .skip(ms.stream()
                                    .filter(mk -> mk.decision().equals("RESUME"))
                                    .count())
                            .findFirst()
                            .orElse(null);
                    if (pause != null) {
                        ms.add(new Marker(
                                pause.x(), pause.y(), "RESUME", "promoted: resumed from level " + (long) pause.x()));
                    }
                },
                studyId);
        List<Curve> curves = new ArrayList<>();
        for (long id : chosen) {
            List<double[]> ps = points.getOrDefault(id, List.of());
            if (!ps.isEmpty()) {
                curves.add(new Curve(id, status.getOrDefault(id, "?"), ps, markers.getOrDefault(id, List.of())));
            }
        }
        return new DashboardViews.Curves(metric, attr, withReports == null ? 0 : withReports, curves);
    }
}
