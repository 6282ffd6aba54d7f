package dev.attune.web;

import dev.attune.service.JsonCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A study's results as Syne Tune writes them: one row per report, with the columns {@code trial_id},
 * {@code config_<name>} per space entry, one per metric, then {@code st_decision}, {@code st_status}
 * (Syne Tune's {@code InProgress}, {@code Paused}, {@code Stopped}, {@code Completed}, {@code Failed}),
 * {@code st_tuner_time} (seconds since the study was created), {@code st_worker_time} (seconds since the
 * trial was created), {@code st_step}, {@code st_reason}, {@code st_received_at}. A trial that was
 * completed with metrics but never reported gets one row with its completion's metrics.
 *
 * <p>Rows are streamed from one query in trial order (cursor-fetched on PostgreSQL), so memory does not
 * grow with the study. The metric columns are the study's metrics and the resource attribute, plus any
 * other key among the first 1,000 reports.
 */
@Service
public class StudyExport {
    private static final Map<String, String> SYNE_TUNE_STATUS = Map.of(
            "PENDING", "InProgress",
            "RUNNING", "InProgress",
            "STALE", "InProgress",
            "PAUSED", "Paused",
            "STOPPED", "Stopped",
            "COMPLETED", "Completed",
            "FAILED", "Failed",
            "SKIPPED", "Stopped");
    private static final String ROWS = "select t.trial_id, t.config, t.status, t.created_at as trial_created,"
            + " t.metrics as trial_metrics, t.updated_at as trial_updated, r.metrics, r.step, r.decision, r.reason,"
            + " r.received_at from trial t left join report r on r.study_id = t.study_id and r.trial_id = t.trial_id"
            + " where t.study_id = ? and (r.id is not null or t.metrics is not null) order by t.trial_id, r.id";

    private final JdbcTemplate jdbc;
    private final JsonCodec json;
    private final DashboardQueries studies;
    private final TransactionTemplate readOnly;

    public StudyExport(
            JdbcTemplate jdbc,
            JsonCodec json,
            DashboardQueries studies,
            org.springframework.transaction.PlatformTransactionManager tm) {
        this.jdbc = jdbc;
        this.json = json;
        this.studies = studies;
        this.readOnly = new TransactionTemplate(tm);
        this.readOnly.setReadOnly(true);
    }

    /** The column list, known before streaming; checks that the study exists. */
    public Columns columns(String studyId) {
        DashboardViews.StudySummary s = studies.summary(studyId);
        StudyDefinitions d = new StudyDefinitions(s.definition() == null ? Map.of() : s.definition());
        LinkedHashSet<String> metrics = new LinkedHashSet<>();
        if (d.resourceAttr() != null) {
            metrics.add(d.resourceAttr());
        }
        if (d.json().get("metrics") instanceof List<?> ms) {
            for (Object m : ms) {
                if (m instanceof Map<?, ?> mm) {
                    metrics.add(String.valueOf(mm.get("name")));
                }
            }
        }
        jdbc.query(
                "select metrics from report where study_id = ? order by id limit 1000",
                rs -> {
                    metrics.addAll(json.read(rs.getString(1)).keySet());
                },
                studyId);
        return new Columns(new ArrayList<>(d.space().keySet()), new ArrayList<>(metrics), s.createdAt());
    }

    public record Columns(List<String> config, List<String> metrics, Instant studyCreatedAt) {
        List<String> header() {
            List<String> h = new ArrayList<>();
            h.add("trial_id");
            config.forEach(c -> h.add("config_" + c));
            h.addAll(metrics);
            h.addAll(List.of(
                    "st_decision",
                    "st_status",
                    "st_tuner_time",
                    "st_worker_time",
                    "st_step",
                    "st_reason",
                    "st_received_at"));
            return h;
        }
    }

    public void csv(String studyId, Columns columns, OutputStream out) throws IOException {
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        line(w, columns.header());
        stream(studyId, columns, row -> {
            try {
                line(
                        w,
                        row.values().stream()
                                .map(v -> v instanceof Map<?, ?> || v instanceof List<?> ? json.write(v) : v)
                                .toList());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        w.flush();
    }

    /** The same rows as JSON objects, one array; config and metrics keep their JSON types. */
    public void json(String studyId, Columns columns, OutputStream out) throws IOException {
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        w.write("{\"studyId\":" + json.write(studyId) + ",\"columns\":" + json.write(columns.header()) + ",\"rows\":[");
        boolean[] first = {true};
        stream(studyId, columns, row -> {
            try {
                w.write(first[0] ? "\n" : ",\n");
                first[0] = false;
                w.write(json.write(row));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        w.write("\n]}\n");
        w.flush();
    }

    private void stream(String studyId, Columns columns, java.util.function.Consumer<Map<String, Object>> sink) {
        List<String> header = columns.header();
        String[] lastConfigText = {null};
        Map<String, Object>[] lastConfig = new Map[] {Map.of()};
        RowCallbackHandler handler = rs -> {
            String configText = rs.getString("config");
            if (!configText.equals(lastConfigText[0])) {
                lastConfigText[0] = configText;
                lastConfig[0] = json.read(configText);
            }
            String reportMetrics = rs.getString("metrics");
            boolean report = reportMetrics != null;
            Map<String, Object> metrics = json.read(report ? reportMetrics : rs.getString("trial_metrics"));
            Instant at = DashboardQueries.instant(rs, report ? "received_at" : "trial_updated");
            Instant trialCreated = DashboardQueries.instant(rs, "trial_created");
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("trial_id", rs.getLong("trial_id"));
            for (String c : columns.config()) {
                row.put("config_" + c, lastConfig[0].get(c));
            }
            for (String m : columns.metrics()) {
                row.put(m, metrics.get(m));
            }
            row.put("st_decision", report ? rs.getString("decision") : null);
            row.put("st_status", SYNE_TUNE_STATUS.getOrDefault(rs.getString("status"), rs.getString("status")));
            row.put("st_tuner_time", seconds(columns.studyCreatedAt(), at));
            row.put("st_worker_time", seconds(trialCreated, at));
            row.put("st_step", report ? longOrNull(rs, "step") : null);
            row.put("st_reason", report ? rs.getString("reason") : null);
            row.put("st_received_at", at.toString());
            assert row.size() == header.size();
            sink.accept(row);
        };
        readOnly.executeWithoutResult(tx -> jdbc.query(
                con -> {
                    var ps = con.prepareStatement(ROWS);
                    ps.setFetchSize(2000);
                    ps.setString(1, studyId);
                    return ps;
                },
                handler));
    }

    private static double seconds(Instant from, Instant to) {
        return (to.toEpochMilli() - from.toEpochMilli()) / 1000.0;
    }

    private static @Nullable Long longOrNull(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static void line(Writer w, java.util.Collection<?> values) throws IOException {
        boolean first = true;
        for (Object v : values) {
            if (!first) {
                w.write(',');
            }
            first = false;
            w.write(cell(v));
        }
        w.write('\n');
    }

    /** RFC 4180: quote a cell holding a comma, quote or line break, doubling its quotes. */
    static String cell(@Nullable Object v) {
        if (v == null) {
            return "";
        }
        String s = String.valueOf(v);
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
