package dev.attune.web;

import dev.attune.service.JsonCodec;
import dev.attune.service.ParameterImportance;
import dev.attune.space.SpaceParser;
import dev.attune.web.DashboardViews.ParamPoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Configs with their values for parallel coordinates and slice plots, and parameter importance. Above
 * {@code maxPoints} trials with a value, every k-th trial (by id) is taken and the best trials are
 * always added, so the sample stays even over the study's history and never hides its optimum.
 */
@Service
public class ParamQueries {
    private static final int BEST_KEPT = 50;
    private static final int IMPORTANCE_CACHED = 32;
    /**
     * Trials that ran at full fidelity: completed, or stopped by a multi-fidelity scheduler because they
     * reached the maximum resource (its verdict's reason, as the ASHA, Hyperband, MOASHA and PBT
     * schedulers word it); a trial stopped at a lower rung has a value at a lower resource.
     */
    private static final String FULL_FIDELITY = "(status = 'COMPLETED' or (status = 'STOPPED'"
            + " and status_reason like 'reached the maximum resource%'))";

    private final JdbcTemplate jdbc;
    private final JsonCodec json;
    private final DashboardQueries studies;
    private final RecentAnswers<DashboardViews.Importance> importanceCache = new RecentAnswers<>(IMPORTANCE_CACHED);

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

    /**
     * fANOVA importance over the study's completed trials ({@link ParameterImportance}; with a
     * multi-fidelity method, also those stopped at the maximum resource); above {@code
     * maxPoints} of them, every k-th by id. The answer is kept, for the last few (study, maxPoints) asked,
     * until the study's log moves.
     */
    public DashboardViews.Importance importance(String studyId, int maxPoints) {
        StudyDefinitions d = studies.definition(studyId);
        // Counting the full-fidelity trials reads every stopped trial's reason (0.6 s at 100,000 under
        // load), so the answer is kept until the study's log moves rather than until that count does.
        return importanceCache.get(
                studyId + "/" + maxPoints, studies.lastSeq(studyId), () -> readImportance(studyId, d, maxPoints));
    }

    private DashboardViews.Importance readImportance(String studyId, StudyDefinitions d, int maxPoints) {
        Long n = jdbc.queryForObject(
                "select count(*) from trial where study_id = ? and " + FULL_FIDELITY
                        + " and best_objective is not null",
                Long.class,
                studyId);
        long completed = n == null ? 0 : n;
        long stride = Math.max(1, (completed + maxPoints - 1) / maxPoints);
        List<ParameterImportance.Observation> trials = new ArrayList<>();
        org.springframework.jdbc.core.RowCallbackHandler add =
                rs -> trials.add(new ParameterImportance.Observation(safeRead(rs), rs.getDouble(3)));
        String select = "select trial_id, config, best_objective from trial where study_id = ?" + " and "
                + FULL_FIDELITY + " and best_objective is not null";
        if (stride == 1) {
            jdbc.query(select, add, studyId);
        } else {
            jdbc.query(select + " and mod(trial_id, ?) = 0", add, studyId, stride);
        }
        ParameterImportance.Result r = ParameterImportance.of(SpaceParser.parse(d.space(), "space"), trials);
        return new DashboardViews.Importance(
                "fANOVA",
                r.trialsUsed(),
                completed,
                r.trees(),
                r.params().stream()
                        .map(p -> new DashboardViews.ParamImportance(p.name(), p.importance(), p.std()))
                        .toList());
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
