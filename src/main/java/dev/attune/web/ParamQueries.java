package dev.attune.web;

import dev.attune.service.JsonCodec;
import dev.attune.web.DashboardViews.ParamPoint;
import dev.attune.web.analysis.MainEffects;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Configs with their values for parallel coordinates, slice plots and parameter importance. Above
 * {@code maxPoints} trials with a value, every k-th trial (by id) is taken and the best trials are
 * always added, so the sample stays even over the study's history and never hides its optimum.
 */
@Service
public class ParamQueries {
    private static final int BEST_KEPT = 50;
    private final JdbcTemplate jdbc;
    private final JsonCodec json;
    private final DashboardQueries studies;

    public ParamQueries(JdbcTemplate jdbc, JsonCodec json, DashboardQueries studies) {
        this.jdbc = jdbc;
        this.json = json;
        this.studies = studies;
    }

    public DashboardViews.ParamSample sample(String studyId, int maxPoints) {
        StudyDefinitions d = studies.definition(studyId);
        Long n = jdbc.queryForObject(
                "select count(*) from trial where study_id = ? and best_objective is not null and status <> 'FAILED'",
                Long.class,
                studyId);
        long total = n == null ? 0 : n;
        long stride = Math.max(1, (total + maxPoints - 1) / maxPoints);
        Map<Long, ParamPoint> points = new LinkedHashMap<>();
        String select = "select trial_id, config, best_objective from trial where study_id = ?"
                + " and best_objective is not null and status <> 'FAILED'";
        org.springframework.jdbc.core.RowCallbackHandler add = rs -> {
            long id = rs.getLong(1);
            points.computeIfAbsent(id, k -> new ParamPoint(k, safeRead(rs), d.value(readObjective(rs))));
        };
        if (stride == 1) {
            jdbc.query(select + " order by trial_id", add, studyId);
        } else {
            jdbc.query(select + " and mod(trial_id, ?) = 0 order by trial_id", add, studyId, stride);
            jdbc.query(select + " order by best_objective, trial_id limit " + BEST_KEPT, add, studyId);
        }
        List<ParamPoint> sorted = new ArrayList<>(points.values());
        sorted.sort(Comparator.comparingLong(ParamPoint::trialId));
        // Parameters: the space's domains (constants are left out: nothing to see), in definition order.
        List<String> params = new ArrayList<>();
        Map<String, List<String>> categories = new LinkedHashMap<>();
        d.space().forEach((name, domain) -> {
            if (domain instanceof Map<?, ?> m && m.get("type") != null) {
                params.add(name);
                if (m.get("categories") instanceof List<?> cats
                        && !cats.stream().allMatch(c -> c instanceof Number)) {
                    categories.put(name, cats.stream().map(String::valueOf).toList());
                }
            }
        });
        return new DashboardViews.ParamSample(params, categories, total, sorted);
    }

    public DashboardViews.Importance importance(String studyId, int maxPoints) {
        DashboardViews.ParamSample s = sample(studyId, maxPoints);
        Map<String, List<Object>> columns = new LinkedHashMap<>();
        for (String p : s.params()) {
            List<Object> col = new ArrayList<>();
            for (ParamPoint pt : s.points()) {
                col.add(pt.config().get(p));
            }
            columns.put(p, col);
        }
        StudyDefinitions d = studies.definition(studyId);
        double[] objective =
                s.points().stream().mapToDouble(p -> d.objective(p.value())).toArray();
        Map<String, Double> imp =
                objective.length < 3 ? zeros(columns.keySet()) : MainEffects.importance(columns, objective, 10);
        List<DashboardViews.ParamImportance> ranked = imp.entrySet().stream()
                .map(e -> new DashboardViews.ParamImportance(e.getKey(), e.getValue()))
                .sorted(Comparator.comparingDouble(DashboardViews.ParamImportance::importance)
                        .reversed())
                .toList();
        return new DashboardViews.Importance("main-effects (rank η²)", objective.length, ranked);
    }

    private static Map<String, Double> zeros(java.util.Set<String> keys) {
        Map<String, Double> z = new LinkedHashMap<>();
        for (String k : new LinkedHashSet<>(keys)) {
            z.put(k, 0.0);
        }
        return z;
    }

    private Map<String, Object> safeRead(java.sql.ResultSet rs) {
        try {
            return json.read(rs.getString(2));
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double readObjective(java.sql.ResultSet rs) {
        try {
            return rs.getDouble(3);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
