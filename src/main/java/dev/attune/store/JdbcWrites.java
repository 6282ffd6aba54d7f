package dev.attune.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.hibernate.resource.jdbc.spi.StatementInspector;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The write path of a study's log and the rows projected from it, in plain JDBC: the rows one transaction
 * writes are collected in a {@link Batch} and sent as one JDBC batch per table (and per shape of trial
 * update) when the transaction is about to commit, so N reports in one flat-combined batch (ADR 0002)
 * cost a few statements rather than 3N round trips, with no entity hydration or dirty checking.
 *
 * <p>Read-after-write: any statement Hibernate runs in the same transaction first sends what is
 * collected ({@link FlushBeforeHibernate}), so JPA reads (a trial's row, a report at a level, a page of
 * events) see the rows this transaction wrote, as they did when these writes were Hibernate's. The
 * batch is bound to the transaction: a rollback discards it with everything sent.
 *
 * <p>Plain SQL that H2 (PostgreSQL mode) and PostgreSQL both run: no {@code ON CONFLICT}, no
 * {@code RETURNING}.
 */
@Component
public class JdbcWrites {
    private static final Object KEY = new Object();

    private static final String INSERT_EVENT =
            "INSERT INTO study_event (study_id, seq, type, trial_id, payload, created_at, actor)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_REPORT =
            "INSERT INTO report (study_id, trial_id, level, step, metrics, decision, reason, received_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_TRIAL = "INSERT INTO trial (study_id, trial_id, status, config, metrics,"
            + " objective, best_objective, status_reason, worker_id, resumed, checkpoint_trial_id, report_count,"
            + " created_at, updated_at, lease_expires_at, retry_of, metadata, links, stdout_tail, stderr_tail,"
            + " resumed_without_checkpoint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE_STUDY = "UPDATE study SET name = ?, definition = ?, status = ?,"
            + " status_reason = ?, next_trial_id = ?, last_seq = ?, updated_at = ?, metadata = ? WHERE id = ?";
    private static final String LOCK_STUDY = "SELECT id, project, name, method, definition, status, status_reason,"
            + " seed, next_trial_id, last_seq, created_at, updated_at, metadata FROM study WHERE id = ? FOR UPDATE";

    private static final String SELECT_TRIAL = "SELECT study_id, trial_id, status, config, metrics, objective,"
            + " best_objective, status_reason, worker_id, resumed, checkpoint_trial_id, report_count, created_at,"
            + " updated_at, lease_expires_at, retry_of, metadata, links, stdout_tail, stderr_tail,"
            + " resumed_without_checkpoint FROM trial WHERE study_id = ? AND trial_id = ?";

    private final JdbcTemplate jdbc;

    public JdbcWrites(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The study's row, locked until the transaction ends ({@code SELECT … FOR UPDATE}): writes to one study
     * serialize here. The row is not an entity of the persistence context; changes made to it are written
     * by this transaction's {@link Batch} once {@link Batch#track tracked}.
     */
    public Optional<StudyRow> lockStudy(String studyId) {
        List<StudyRow> rows = jdbc.query(LOCK_STUDY, JdbcWrites::studyRow, studyId);
        return rows.stream().findFirst();
    }

    private static StudyRow studyRow(ResultSet rs, int n) throws SQLException {
        return StudyRow.loaded(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7),
                rs.getLong(8),
                rs.getLong(9),
                rs.getLong(10),
                instant(rs, 11),
                instant(rs, 12),
                rs.getString(13));
    }

    private static @Nullable Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    /**
     * The batch of the current transaction, begun on first use; it is sent before the transaction commits
     * (and earlier, before any statement of Hibernate's).
     *
     * @throws IllegalStateException outside a transaction
     */
    public Batch batch() {
        Batch batch = (Batch) TransactionSynchronizationManager.getResource(KEY);
        if (batch != null) {
            return batch;
        }
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            throw new IllegalStateException("the JDBC write path needs a transaction");
        }
        Batch created = new Batch();
        TransactionSynchronizationManager.bindResource(KEY, created);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void beforeCommit(boolean readOnly) {
                created.flush();
            }

            @Override
            public void afterCompletion(int status) {
                TransactionSynchronizationManager.unbindResourceIfPossible(KEY);
            }
        });
        return created;
    }

    /**
     * The current transaction's trial inserted by its batch and not sent yet, if any (no batch begun
     * outside a transaction); for answers built from it without a read of the database.
     */
    public static Optional<TrialRow> pendingTrial(String studyId, long trialId) {
        return TransactionSynchronizationManager.getResource(KEY) instanceof Batch b
                ? b.pendingTrial(studyId, trialId)
                : Optional.empty();
    }

    /**
     * The trial's row as the current transaction has it, without sending the collected writes: one inserted
     * by the batch as it will be stored, else the stored row (plain JDBC, one read by key) with the batch's
     * pending changes to it applied. Empty when the trial has no row. Rows changed through Hibernate in the
     * same transaction and not yet flushed are not seen: callers that may have some read through Hibernate.
     */
    public Optional<TrialRow> trialAsWritten(String studyId, long trialId) {
        Batch batch = (Batch) TransactionSynchronizationManager.getResource(KEY);
        TrialKey key = new TrialKey(studyId, trialId);
        if (batch != null && batch.insertedTrials.get(key) instanceof TrialRow pending) {
            return Optional.of(pending);
        }
        List<TrialRow> rows = jdbc.query(SELECT_TRIAL, JdbcWrites::trialRow, studyId, trialId);
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        TrialRow row = rows.get(0);
        if (batch != null && batch.trialPatches.get(key) instanceof TrialPatch patch) {
            patch.values.forEach(row::set);
            row.addReports(patch.reports);
        }
        return Optional.of(row);
    }

    private static TrialRow trialRow(ResultSet rs, int n) throws SQLException {
        return TrialRow.loaded(
                rs.getString(1),
                rs.getLong(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getObject(6, Double.class),
                rs.getObject(7, Double.class),
                rs.getString(8),
                rs.getString(9),
                rs.getBoolean(10),
                rs.getObject(11, Long.class),
                rs.getLong(12),
                instant(rs, 13),
                instant(rs, 14),
                instant(rs, 15),
                rs.getObject(16, Long.class),
                rs.getString(17),
                rs.getString(18),
                rs.getString(19),
                rs.getString(20),
                rs.getBoolean(21));
    }

    /** Sends the current transaction's collected writes, if it has any; for tests and explicit flush points. */
    public static void flushCurrent() {
        if (TransactionSynchronizationManager.getResource(KEY) instanceof Batch b) {
            b.flush();
        }
    }

    /**
     * Registered as Hibernate's statement inspector: before Hibernate prepares any statement in a
     * transaction that has collected JDBC writes, they are sent, so that what Hibernate reads (or writes
     * after them) sees them. Changes no SQL.
     */
    public static final class FlushBeforeHibernate implements StatementInspector {
        @Override
        public String inspect(String sql) {
            flushCurrent();
            return sql;
        }
    }

    /** The columns of {@code trial} a projected event sets, in the order an UPDATE lists them. */
    enum TrialColumn {
        STATUS("status", TEXT),
        STATUS_REASON("status_reason", TEXT),
        CONFIG("config", TEXT),
        WORKER_ID("worker_id", TEXT),
        RESUMED("resumed", Types.BOOLEAN),
        METRICS("metrics", TEXT),
        OBJECTIVE("objective", Types.DOUBLE),
        BEST_OBJECTIVE("best_objective", Types.DOUBLE),
        LEASE_EXPIRES_AT("lease_expires_at", TIME),
        UPDATED_AT("updated_at", TIME);

        final String column;
        final int sqlType;

        TrialColumn(String column, int sqlType) {
            this.column = column;
            this.sqlType = sqlType;
        }
    }

    /** The changes to one stored trial row collected in a batch: the last value of each column, and reports. */
    private static final class TrialPatch {
        final String studyId;
        final long trialId;
        final EnumMap<TrialColumn, @Nullable Object> values = new EnumMap<>(TrialColumn.class);
        long reports;

        TrialPatch(String studyId, long trialId) {
            this.studyId = studyId;
            this.trialId = trialId;
        }

        String sql() {
            StringBuilder sql = new StringBuilder("UPDATE trial SET ");
            for (TrialColumn c : values.keySet()) {
                sql.append(c.column).append(" = ?, ");
            }
            if (reports > 0) {
                sql.append("report_count = report_count + ?, ");
            }
            sql.setLength(sql.length() - 2);
            return sql.append(" WHERE study_id = ? AND trial_id = ?").toString();
        }

        void bind(PreparedStatement ps) throws SQLException {
            int i = 1;
            for (Map.Entry<TrialColumn, @Nullable Object> e : values.entrySet()) {
                set(ps, i++, e.getValue(), e.getKey().sqlType);
            }
            if (reports > 0) {
                ps.setLong(i++, reports);
            }
            ps.setString(i++, studyId);
            ps.setLong(i, trialId);
        }
    }

    /**
     * The writes of one transaction, collected until it commits (or Hibernate runs a statement). Trial
     * rows inserted in the batch are kept whole and later changes apply to them before the INSERT is sent;
     * changes to stored trials are merged per trial (the last value of each column wins, reports add up),
     * so the order of events within the batch holds whatever the order of the statements.
     */
    public final class Batch {
        private final List<Object[]> events = new ArrayList<>();
        private final List<Object[]> reports = new ArrayList<>();
        private final Map<TrialKey, TrialRow> insertedTrials = new LinkedHashMap<>();
        private final Map<TrialKey, TrialPatch> trialPatches = new LinkedHashMap<>();
        private final List<TrackedStudy> studies = new ArrayList<>();
        private boolean flushing;

        private Batch() {}

        /** Writes the row's changes (log head, status, definition, metadata) with the batch's other writes. */
        public void track(StudyRow row) {
            for (TrackedStudy s : studies) {
                if (s.row == row) {
                    return;
                }
            }
            studies.add(new TrackedStudy(row));
        }

        public void insertEvent(
                String studyId,
                long seq,
                String type,
                @Nullable Long trialId,
                String payload,
                Instant createdAt,
                @Nullable String actor) {
            events.add(new Object[] {studyId, seq, type, trialId, payload, createdAt, actor});
        }

        public void insertReport(
                String studyId,
                long trialId,
                @Nullable Long level,
                @Nullable Long step,
                String metrics,
                String decision,
                @Nullable String reason,
                Instant receivedAt) {
            reports.add(new Object[] {studyId, trialId, level, step, metrics, decision, reason, receivedAt});
        }

        /** A new trial row; the batch keeps it, so later changes in the batch land in the INSERT. */
        public void insertTrial(TrialRow row) {
            insertedTrials.put(new TrialKey(row.getStudyId(), row.getTrialId()), row);
        }

        /**
         * A trial inserted in this batch and not sent yet, as it will be stored: answers built from it need
         * no read of the database.
         */
        public Optional<TrialRow> pendingTrial(String studyId, long trialId) {
            return Optional.ofNullable(insertedTrials.get(new TrialKey(studyId, trialId)));
        }

        public void trialStatus(String studyId, long trialId, String status, @Nullable String reason, Instant now) {
            TrialRow row = insertedTrials.get(new TrialKey(studyId, trialId));
            if (row != null) {
                row.setStatus(status, reason, now);
                return;
            }
            TrialPatch p = patch(studyId, trialId);
            p.values.put(TrialColumn.STATUS, status);
            p.values.put(TrialColumn.STATUS_REASON, reason);
            p.values.put(TrialColumn.UPDATED_AT, now);
        }

        /** The trial runs on {@code workerId}; {@code config} null keeps the stored one. */
        public void trialHandedOut(
                String studyId,
                long trialId,
                String workerId,
                @Nullable String config,
                boolean resumed,
                Instant lease,
                Instant now) {
            TrialRow row = insertedTrials.get(new TrialKey(studyId, trialId));
            if (row != null) {
                row.handOut(workerId, config == null ? row.getConfig() : config, resumed, now);
                row.setLeaseExpiresAt(lease);
                return;
            }
            TrialPatch p = patch(studyId, trialId);
            p.values.put(TrialColumn.WORKER_ID, workerId);
            if (config != null) {
                p.values.put(TrialColumn.CONFIG, config);
            }
            p.values.put(TrialColumn.RESUMED, resumed);
            p.values.put(TrialColumn.STATUS, "RUNNING");
            p.values.put(TrialColumn.LEASE_EXPIRES_AT, lease);
            p.values.put(TrialColumn.UPDATED_AT, now);
        }

        /** A report on the trial: its status and latest metrics; {@code reason} null keeps the stored one. */
        public void trialReported(
                String studyId,
                long trialId,
                String status,
                @Nullable String reason,
                String metrics,
                @Nullable Double objective,
                @Nullable Double best,
                Instant lease,
                Instant now) {
            TrialRow row = insertedTrials.get(new TrialKey(studyId, trialId));
            if (row != null) {
                row.recordReport(status, reason, metrics, objective, best, lease, now);
                return;
            }
            TrialPatch p = patch(studyId, trialId);
            p.values.put(TrialColumn.STATUS, status);
            if (reason != null) {
                p.values.put(TrialColumn.STATUS_REASON, reason);
            }
            p.values.put(TrialColumn.METRICS, metrics);
            p.values.put(TrialColumn.OBJECTIVE, objective);
            p.values.put(TrialColumn.BEST_OBJECTIVE, best);
            p.values.put(TrialColumn.LEASE_EXPIRES_AT, lease);
            p.values.put(TrialColumn.UPDATED_AT, now);
            p.reports++;
        }

        /** Metrics given at completion ({@code objective} null when they lack the study's metric). */
        public void trialCompletion(
                String studyId,
                long trialId,
                String metrics,
                @Nullable Double objective,
                @Nullable Double best,
                Instant now) {
            TrialRow row = insertedTrials.get(new TrialKey(studyId, trialId));
            if (row != null) {
                row.recordCompletion(metrics, objective, best, now);
                return;
            }
            TrialPatch p = patch(studyId, trialId);
            p.values.put(TrialColumn.METRICS, metrics);
            p.values.put(TrialColumn.OBJECTIVE, objective);
            p.values.put(TrialColumn.BEST_OBJECTIVE, best);
            p.values.put(TrialColumn.UPDATED_AT, now);
        }

        private TrialPatch patch(String studyId, long trialId) {
            return trialPatches.computeIfAbsent(new TrialKey(studyId, trialId), k -> new TrialPatch(studyId, trialId));
        }

        boolean isEmpty() {
            return events.isEmpty()
                    && reports.isEmpty()
                    && insertedTrials.isEmpty()
                    && trialPatches.isEmpty()
                    && studies.stream().noneMatch(TrackedStudy::changed);
        }

        /**
         * Sends everything collected, one JDBC batch per statement: new trials first (reports refer to
         * them), then trial updates, reports, events and the study rows. Throws (and the transaction rolls
         * back) if a statement fails or a trial to update is missing.
         */
        public void flush() {
            if (flushing || isEmpty()) {
                return;
            }
            flushing = true;
            try {
                if (!insertedTrials.isEmpty()) {
                    List<Object[]> rows = new ArrayList<>(insertedTrials.size());
                    for (TrialRow t : insertedTrials.values()) {
                        rows.add(new Object[] {
                            t.getStudyId(),
                            t.getTrialId(),
                            t.getStatus(),
                            t.getConfig(),
                            t.getMetrics(),
                            t.getObjective(),
                            t.getBestObjective(),
                            t.getStatusReason(),
                            t.getWorkerId(),
                            t.isResumed(),
                            t.getCheckpointTrialId(),
                            t.getReportCount(),
                            t.getCreatedAt(),
                            t.getUpdatedAt(),
                            t.getLeaseExpiresAt(),
                            t.getRetryOf(),
                            t.getMetadata(),
                            t.getLinks(),
                            t.getStdoutTail(),
                            t.getStderrTail(),
                            t.isResumedWithoutCheckpoint()
                        });
                    }
                    insertedTrials.clear();
                    send(INSERT_TRIAL, TRIAL_TYPES, rows);
                }
                if (!trialPatches.isEmpty()) {
                    Map<String, List<TrialPatch>> byShape = new LinkedHashMap<>();
                    for (TrialPatch p : trialPatches.values()) {
                        byShape.computeIfAbsent(p.sql(), k -> new ArrayList<>()).add(p);
                    }
                    trialPatches.clear();
                    for (Map.Entry<String, List<TrialPatch>> shape : byShape.entrySet()) {
                        List<TrialPatch> patches = shape.getValue();
                        int[][] counts =
                                jdbc.batchUpdate(shape.getKey(), patches, patches.size(), (ps, p) -> p.bind(ps));
                        checkUpdated(counts, patches);
                    }
                }
                if (!reports.isEmpty()) {
                    List<Object[]> rows = new ArrayList<>(reports);
                    reports.clear();
                    send(INSERT_REPORT, REPORT_TYPES, rows);
                }
                if (!events.isEmpty()) {
                    List<Object[]> rows = new ArrayList<>(events);
                    events.clear();
                    send(INSERT_EVENT, EVENT_TYPES, rows);
                }
                for (TrackedStudy s : studies) {
                    if (s.changed()) {
                        StudyRow r = s.row;
                        jdbc.update(UPDATE_STUDY, ps -> {
                            set(ps, 1, r.getName(), TEXT);
                            set(ps, 2, r.getDefinition(), TEXT);
                            set(ps, 3, r.getStatus(), TEXT);
                            set(ps, 4, r.getStatusReason(), TEXT);
                            ps.setLong(5, r.getNextTrialId());
                            ps.setLong(6, r.getLastSeq());
                            set(ps, 7, r.getUpdatedAt(), TIME);
                            set(ps, 8, r.getMetadata(), TEXT);
                            ps.setString(9, r.getId());
                        });
                        s.sent();
                    }
                }
            } finally {
                flushing = false;
            }
        }

        private void send(String sql, int[] types, List<Object[]> rows) {
            jdbc.batchUpdate(sql, rows, rows.size(), (ps, row) -> {
                for (int i = 0; i < row.length; i++) {
                    set(ps, i + 1, row[i], types[i]);
                }
            });
        }

        private static void checkUpdated(int[][] counts, List<TrialPatch> patches) {
            int i = 0;
            for (int[] chunk : counts) {
                for (int count : chunk) {
                    // SUCCESS_NO_INFO (-2) is a driver not counting batched rows; 0 is a trial that has no row.
                    if (count == 0) {
                        TrialPatch p = patches.get(i);
                        throw new IllegalStateException(
                                "the log names trial " + p.trialId + " of study " + p.studyId + ", which has no row");
                    }
                    i++;
                }
            }
        }
    }

    /** A study row and the values it had when last written, to write it again only when it changed. */
    private static final class TrackedStudy {
        final StudyRow row;
        private Object[] written;

        TrackedStudy(StudyRow row) {
            this.row = row;
            this.written = state(row);
        }

        boolean changed() {
            return !java.util.Arrays.equals(written, state(row));
        }

        void sent() {
            written = state(row);
        }

        private static Object[] state(StudyRow r) {
            return new Object[] {
                r.getName(),
                r.getDefinition(),
                r.getStatus(),
                r.getStatusReason(),
                r.getNextTrialId(),
                r.getLastSeq(),
                r.getUpdatedAt(),
                r.getMetadata()
            };
        }
    }

    private static final int TEXT = Types.VARCHAR;
    private static final int BIGINT = Types.BIGINT;
    private static final int TIME = Types.TIMESTAMP_WITH_TIMEZONE;
    private static final int[] EVENT_TYPES = {TEXT, BIGINT, TEXT, BIGINT, TEXT, TIME, TEXT};
    private static final int[] REPORT_TYPES = {TEXT, BIGINT, BIGINT, BIGINT, TEXT, TEXT, TEXT, TIME};
    private static final int[] TRIAL_TYPES = {
        TEXT,
        BIGINT,
        TEXT,
        TEXT,
        TEXT,
        Types.DOUBLE,
        Types.DOUBLE,
        TEXT,
        TEXT,
        Types.BOOLEAN,
        BIGINT,
        BIGINT,
        TIME,
        TIME,
        TIME,
        BIGINT,
        TEXT,
        TEXT,
        TEXT,
        TEXT,
        Types.BOOLEAN
    };

    /** Binds a value; a null with the column's SQL type, so that PostgreSQL keeps one plan per statement. */
    static void set(PreparedStatement ps, int i, @Nullable Object value, int sqlType) throws SQLException {
        switch (value) {
            case null -> ps.setNull(i, sqlType);
            case String s -> ps.setString(i, s);
            case Long l -> ps.setLong(i, l);
            case Integer n -> ps.setInt(i, n);
            case Double d -> ps.setDouble(i, d);
            case Boolean b -> ps.setBoolean(i, b);
            case Instant t -> ps.setObject(i, OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
            default -> ps.setObject(i, Objects.requireNonNull(value));
        }
    }
}
