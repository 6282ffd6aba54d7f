package dev.attune.web;

import dev.attune.service.JsonCodec;
import dev.attune.space.InvalidInputException;
import dev.attune.study.NotFoundException;
import dev.attune.trial.TrialStatus;
import dev.attune.web.DashboardViews.Point;
import dev.attune.web.DashboardViews.Progress;
import dev.attune.web.DashboardViews.StudySummary;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Study summaries, best-so-far series, the trials table and the workers timeline, each answered by a few
 * indexed queries whose result size does not grow with the study: counts are aggregated by the database,
 * series keep only the points where the best improved, the table is a page.
 */
@Service
public class DashboardQueries {
    static final Set<String> TERMINAL = Set.of("STOPPED", "COMPLETED", "FAILED", "SKIPPED");
    private static final Map<String, String> SORTS = Map.of(
            "id", "trial_id",
            "value", "best_objective",
            "status", "status",
            "created", "created_at",
            "updated", "updated_at",
            "reports", "report_count");

    private final JdbcTemplate jdbc;
    private final JsonCodec json;
    private final Clock clock;
    private final RecentAnswers<DashboardViews.BestSeries> bestSeriesCache = new RecentAnswers<>(64);

    public DashboardQueries(JdbcTemplate jdbc, JsonCodec json, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    private record StudyRecord(
            String id,
            String name,
            String project,
            String method,
            String status,
            @Nullable String statusReason,
            StudyDefinitions definition,
            Instant createdAt,
            Instant updatedAt,
            long lastSeq) {}

    private StudyRecord studyRecord(ResultSet rs) throws SQLException {
        return new StudyRecord(
                rs.getString("id"),
                rs.getString("name"),
                rs.getString("project"),
                rs.getString("method"),
                rs.getString("status"),
                rs.getString("status_reason"),
                new StudyDefinitions(json.read(rs.getString("definition"))),
                instant(rs, "created_at"),
                instant(rs, "updated_at"),
                rs.getLong("last_seq"));
    }

    private static final String STUDY_COLUMNS =
            "id, name, project, method, status, status_reason, definition, created_at, updated_at, last_seq";

    StudyDefinitions definition(String studyId) {
        return study(studyId).definition();
    }

    /** The seq of the study's last event: answers computed from an unchanged seq are still right. */
    long lastSeq(String studyId) {
        return study(studyId).lastSeq();
    }

    private StudyRecord study(String studyId) {
        List<StudyRecord> rows =
                jdbc.query("select " + STUDY_COLUMNS + " from study where id = ?", (rs, i) -> studyRecord(rs), studyId);
        if (rows.isEmpty()) {
            throw new NotFoundException("study " + studyId + " does not exist");
        }
        return rows.getFirst();
    }

    /**
     * Newest studies first, optionally those whose name, project, method or id contains {@code query}
     * (case-insensitive) and of one status.
     */
    public DashboardViews.SummaryList studies(
            @Nullable String query, @Nullable String status, @Nullable String project, int limit) {
        StringBuilder sql = new StringBuilder("select " + STUDY_COLUMNS + " from study where 1 = 1");
        List<Object> args = new ArrayList<>();
        if (project != null) {
            sql.append(" and project = ?");
            args.add(project);
        }
        if (query != null && !query.isBlank()) {
            sql.append(" and (lower(name) like ? or lower(project) like ? or lower(method) like ? or id like ?)");
            String like = "%" + query.toLowerCase(Locale.ROOT).replace("%", "").replace("_", "") + "%";
            args.addAll(List.of(like, like, like, like));
        }
        if (status != null && !status.isBlank()) {
            String s = status.toUpperCase(Locale.ROOT);
            if (!Set.of("ACTIVE", "STOPPING", "DONE").contains(s)) {
                throw InvalidInputException.of("status", "must be ACTIVE, STOPPING or DONE, got " + status);
            }
            sql.append(" and status = ?");
            args.add(s);
        }
        sql.append(" order by id desc limit ?");
        args.add(limit);
        List<StudyRecord> rows = jdbc.query(sql.toString(), (rs, i) -> studyRecord(rs), args.toArray());
        return new DashboardViews.SummaryList(
                rows.stream().map(r -> summary(r, false)).toList());
    }

    /** One study with its definition, best trial and config, and progress. */
    public StudySummary summary(String studyId) {
        return summary(study(studyId), true);
    }

    private StudySummary summary(StudyRecord s, boolean detailed) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (TrialStatus t : EnumSet.allOf(TrialStatus.class)) {
            counts.put(t.name(), 0L);
        }
        long[] evaluations = {0};
        // Counting alone is an index-only scan; summing reports reads every row, so only when a limit needs it.
        boolean needsEvaluations = s.definition().stoppingCriterion().containsKey("maxNumEvaluations");
        jdbc.query(
                "select status, count(*)" + (needsEvaluations ? ", sum(report_count)" : "")
                        + " from trial where study_id = ? group by status",
                rs -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                    evaluations[0] += needsEvaluations ? rs.getLong(3) : 0;
                },
                s.id());
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        Double bestObjective = null;
        Long bestTrial = null;
        Map<String, Object> bestConfig = null;
        List<Map<String, Object>> best = jdbc.query(
                "select trial_id, best_objective, config from trial where study_id = ? and best_objective is not null"
                        + " and status <> 'FAILED' order by best_objective, trial_id limit 1",
                (rs, i) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", rs.getLong(1));
                    m.put("objective", rs.getDouble(2));
                    m.put("config", rs.getString(3));
                    return m;
                },
                s.id());
        if (!best.isEmpty()) {
            bestTrial = (Long) best.getFirst().get("id");
            bestObjective = (Double) best.getFirst().get("objective");
            bestConfig = detailed ? json.read((String) best.getFirst().get("config")) : null;
        }
        return new StudySummary(
                s.id(),
                s.name(),
                s.project(),
                s.method(),
                s.status(),
                s.statusReason(),
                s.definition().metric(),
                s.definition().mode(),
                total,
                counts,
                s.definition().value(bestObjective),
                bestTrial,
                bestConfig,
                progress(s, counts, evaluations[0]),
                s.createdAt(),
                s.updatedAt(),
                s.lastSeq(),
                detailed ? s.definition().json() : null);
    }

    private List<Progress> progress(StudyRecord s, Map<String, Long> counts, long evaluations) {
        Map<String, Object> c = s.definition().stoppingCriterion();
        long started = counts.values().stream().mapToLong(Long::longValue).sum() - counts.get("PENDING");
        long finished = TERMINAL.stream().mapToLong(counts::get).sum();
        List<Progress> out = new ArrayList<>();
        add(out, c, "maxNumTrialsStarted", started);
        add(out, c, "maxNumTrialsCompleted", counts.get("COMPLETED"));
        add(out, c, "maxNumTrialsFinished", finished);
        add(out, c, "maxNumEvaluations", evaluations);
        Instant end = "DONE".equals(s.status()) ? s.updatedAt() : clock.instant();
        add(out, c, "maxWallclockTime", Duration.between(s.createdAt(), end).toMillis() / 1000.0);
        return out;
    }

    private static void add(List<Progress> out, Map<String, Object> criterion, String name, double done) {
        if (criterion.get(name) instanceof Number limit && limit.doubleValue() > 0) {
            out.add(new Progress(name, done, limit.doubleValue(), Math.min(1.0, done / limit.doubleValue())));
        }
    }

    /**
     * Best so far by trial id and by wall time. Streams the study's values once in trial order and keeps
     * only improvements; the wall-time series sorts (time, value) pairs held in two primitive arrays.
     */
    public DashboardViews.BestSeries bestSeries(String studyId, int maxPoints) {
        StudyRecord s = study(studyId);
        // The series is a function of the log: an unchanged study (finished, idle, or seen by several
        // pages at once) answers from memory instead of re-reading every trial's value.
        return bestSeriesCache.get(
                studyId + "/" + maxPoints, s.lastSeq(), () -> readBestSeries(studyId, s.definition(), maxPoints));
    }

    private DashboardViews.BestSeries readBestSeries(String studyId, StudyDefinitions d, int maxPoints) {
        long n = count(studyId);
        int stride = (int) Math.max(1, (n + maxPoints - 1) / maxPoints);
        List<Point> byTrial = new ArrayList<>();
        List<Point> values = new ArrayList<>();
        int capacity = (int) Math.min(n, 1 << 20); // the wall-time series covers the first 2^20 trials
        long[] times = new long[capacity];
        double[] objectives = new double[capacity];
        long[] ids = new long[capacity];
        int[] size = {0};
        double[] best = {Double.POSITIVE_INFINITY};
        long[] last = {-1};
        jdbc.query(
                "select trial_id, best_objective, updated_at from trial where study_id = ? and best_objective is not null"
                        + " and status <> 'FAILED' order by trial_id",
                rs -> {
                    long id = rs.getLong(1);
                    double o = rs.getDouble(2);
                    if (size[0] < times.length) {
                        times[size[0]] = rs.getTimestamp(3).getTime();
                        objectives[size[0]] = o;
                        ids[size[0]] = id;
                        size[0]++;
                    }
                    if (o < best[0]) {
                        best[0] = o;
                        byTrial.add(new Point(id, d.value(o), id));
                    }
                    if (id % stride == 0) {
                        values.add(new Point(id, d.value(o), id));
                    }
                    last[0] = id;
                },
                studyId);
        if (last[0] >= 0 && (byTrial.isEmpty() || byTrial.getLast().x() != last[0])) {
            byTrial.add(new Point(last[0], d.value(best[0]), byTrial.getLast().trialId()));
        }
        // Time order by one primitive sort: (epoch ms << 20 | row) keys, for up to 2^20 rows with a value.
        int rows = Math.min(size[0], 1 << 20);
        long[] keys = new long[rows];
        for (int i = 0; i < rows; i++) {
            keys[i] = (times[i] << 20) | i;
        }
        java.util.Arrays.sort(keys);
        List<Point> byTime = new ArrayList<>();
        double b = Double.POSITIVE_INFINITY;
        for (long key : keys) {
            int i = (int) (key & ((1 << 20) - 1));
            if (objectives[i] < b) {
                b = objectives[i];
                byTime.add(new Point(times[i] / 1000.0, d.value(b), ids[i]));
            }
        }
        if (rows > 0) {
            int lastRow = (int) (keys[rows - 1] & ((1 << 20) - 1));
            if (byTime.getLast().x() != times[lastRow] / 1000.0) {
                byTime.add(new Point(
                        times[lastRow] / 1000.0, d.value(b), byTime.getLast().trialId()));
            }
        }
        return new DashboardViews.BestSeries(d.metric(), d.mode(), size[0], byTrial, byTime, values, stride);
    }

    long count(String studyId) {
        Long n = jdbc.queryForObject("select count(*) from trial where study_id = ?", Long.class, studyId);
        return n == null ? 0 : n;
    }

    /**
     * A page of trials sorted by one column (id, value, status, created, updated, reports), of one status
     * and with a value in [{@code minValue}, {@code maxValue}] when given.
     */
    public DashboardViews.TrialTable trials(
            String studyId,
            @Nullable TrialStatus status,
            String sort,
            String order,
            @Nullable Double minValue,
            @Nullable Double maxValue,
            @Nullable ParamFilter param,
            int offset,
            int limit) {
        StudyDefinitions d = definition(studyId);
        if (param != null && !(d.json().get("space") instanceof Map<?, ?> space && space.containsKey(param.name()))) {
            throw InvalidInputException.of("param", "is not a parameter of the study's space: " + param.name());
        }
        String column = SORTS.get(sort);
        if (column == null) {
            throw InvalidInputException.of(
                    "sort", "must be one of " + String.join(", ", new java.util.TreeSet<>(SORTS.keySet())));
        }
        if (!order.equalsIgnoreCase("asc") && !order.equalsIgnoreCase("desc")) {
            throw InvalidInputException.of("order", "must be asc or desc, got " + order);
        }
        if (offset < 0) {
            throw InvalidInputException.of("offset", "must be at least 0, got " + offset);
        }
        StringBuilder where = new StringBuilder(" from trial where study_id = ?");
        List<Object> args = new ArrayList<>(List.of(studyId));
        if (status != null) {
            where.append(" and status = ?");
            args.add(status.name());
        }
        // The stored objective is smaller-is-better: a value range maps to an objective range, flipped for max.
        Double lo = minValue == null ? null : d.objective(minValue);
        Double hi = maxValue == null ? null : d.objective(maxValue);
        if ("max".equals(d.mode())) {
            Double t = lo;
            lo = hi;
            hi = t;
        }
        if (lo != null) {
            where.append(" and best_objective >= ?");
            args.add(lo);
        }
        if (hi != null) {
            where.append(" and best_objective <= ?");
            args.add(hi);
        }
        Long total = param == null ? jdbc.queryForObject("select count(*)" + where, Long.class, args.toArray()) : null;
        // For "value", desc in the metric's own direction: the stored objective is flipped for max.
        boolean descending = order.equalsIgnoreCase("desc");
        if (column.equals("best_objective") && "max".equals(d.mode())) {
            descending = !descending;
        }
        String sql = "select trial_id, status, config, metrics, best_objective, report_count, worker_id, status_reason,"
                + " created_at, updated_at" + where + " order by " + column + (descending ? " desc" : " asc")
                + " nulls last, trial_id" + (param == null ? " limit ? offset ?" : "");
        if (param == null) {
            args.add(limit);
            args.add(offset);
        }
        List<DashboardViews.TrialRow> items = jdbc.query(
                sql,
                (rs, i) -> new DashboardViews.TrialRow(
                        rs.getLong("trial_id"),
                        rs.getString("status"),
                        json.read(rs.getString("config")),
                        rs.getString("metrics") == null ? Map.of() : json.read(rs.getString("metrics")),
                        d.value(nullableDouble(rs, "best_objective")),
                        rs.getLong("report_count"),
                        rs.getString("worker_id"),
                        rs.getString("status_reason"),
                        instant(rs, "created_at"),
                        instant(rs, "updated_at")),
                args.toArray());
        if (param != null) {
            // Configs are JSON text: a parameter filter reads them here, over the rows the other filters kept.
            List<DashboardViews.TrialRow> matching =
                    items.stream().filter(t -> param.matches(t.config())).toList();
            total = (long) matching.size();
            items = matching.subList(Math.min(offset, matching.size()), Math.min(offset + limit, matching.size()));
        }
        return new DashboardViews.TrialTable(total == null ? 0 : total, offset, limit, items);
    }

    /** Trials whose config's {@code name} lies in [min, max], or equals {@code value} as written. */
    public record ParamFilter(
            String name,
            @Nullable Double min,
            @Nullable Double max,
            @Nullable String value) {
        /** The filter the query asks for, or null without {@code param}; bounds without it are refused. */
        static @Nullable ParamFilter of(
                @Nullable String name, @Nullable Double min, @Nullable Double max, @Nullable String value) {
            if (name == null || name.isBlank()) {
                if (min != null || max != null || value != null) {
                    throw InvalidInputException.of("param", "is required with paramMin, paramMax or paramValue");
                }
                return null;
            }
            for (Double bound : new Double[] {min, max}) {
                if (bound != null && !Double.isFinite(bound)) {
                    throw InvalidInputException.of(bound == min ? "paramMin" : "paramMax", "must be a finite number");
                }
            }
            return new ParamFilter(name, min, max, value);
        }

        boolean matches(Map<String, Object> config) {
            Object v = config.get(name);
            if (v == null) {
                return false;
            }
            if (value != null
                    && !String.valueOf(v).equals(value)
                    && !(v instanceof Number n && sameNumber(n.doubleValue(), value))) {
                return false;
            }
            if (min != null || max != null) {
                if (!(v instanceof Number n)) {
                    return false;
                }
                double x = n.doubleValue();
                return (min == null || x >= min) && (max == null || x <= max);
            }
            return true;
        }

        private static boolean sameNumber(double x, String written) {
            try {
                return x == Double.parseDouble(written);
            } catch (NumberFormatException e) {
                return false;
            }
        }
    }

    /**
     * Which worker ran which of the latest {@code limit} handed-out trials, from its creation (asks create
     * the trials they hand out) to its last change.
     */
    public DashboardViews.Workers workers(String studyId, int limit) {
        definition(studyId);
        List<DashboardViews.WorkerSpan> spans = jdbc.query(
                "select trial_id, worker_id, status, created_at, updated_at from trial where study_id = ?"
                        + " and worker_id is not null order by trial_id desc limit ?",
                (rs, i) -> new DashboardViews.WorkerSpan(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        instant(rs, "created_at"),
                        instant(rs, "updated_at")),
                studyId,
                limit);
        List<String> workers = spans.stream()
                .map(DashboardViews.WorkerSpan::workerId)
                .distinct()
                .sorted()
                .toList();
        return new DashboardViews.Workers(workers, spans.reversed());
    }

    /** One trial's events, in order (at most {@code limit}). */
    public DashboardViews.TrialEvents trialEvents(String studyId, long trialId, int limit) {
        definition(studyId);
        return new DashboardViews.TrialEvents(jdbc.query(
                "select seq, type, payload, created_at from study_event where study_id = ? and trial_id = ?"
                        + " order by seq limit ?",
                (rs, i) -> new DashboardViews.TrialEvent(
                        rs.getLong(1), rs.getString(2), json.read(rs.getString(3)), instant(rs, "created_at")),
                studyId,
                trialId,
                limit));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? Instant.EPOCH : t.toInstant();
    }

    static @Nullable Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }
}
