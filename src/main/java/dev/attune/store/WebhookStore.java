package dev.attune.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Webhooks and their outbox of deliveries, in plain JDBC in the SQL both H2 and PostgreSQL speak. The
 * outbox rows are inserted in the transaction of the study write whose events they announce; replicas
 * claim due rows with {@code SELECT … FOR UPDATE SKIP LOCKED}, so each row is sent by one replica at a
 * time.
 */
@Repository
public class WebhookStore {
    public static final String PENDING = "PENDING";
    public static final String DELIVERED = "DELIVERED";
    public static final String FAILED = "FAILED";

    private final JdbcTemplate jdbc;

    public WebhookStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A subscription; {@code eventTypes} comma-separated. */
    public record Webhook(
            String id,
            String studyId,
            String url,
            String eventTypes,
            String secret,
            Instant createdAt,
            @Nullable String createdBy) {}

    /** One outbox row: what to send, and the log of trying to. */
    public record Delivery(
            String id,
            String webhookId,
            String studyId,
            long seq,
            String eventType,
            @Nullable Long trialId,
            String body,
            String status,
            int attempts,
            Instant nextAttemptAt,
            @Nullable Integer lastStatusCode,
            @Nullable String lastError,
            @Nullable String deliveredBy,
            Instant createdAt,
            @Nullable Instant deliveredAt) {}

    private static final String WEBHOOK_COLUMNS = "id, study_id, url, event_types, secret, created_at, created_by";
    private static final String DELIVERY_COLUMNS = "id, webhook_id, study_id, seq, event_type, trial_id, body, status,"
            + " attempts, next_attempt_at, last_status_code, last_error, delivered_by, created_at, delivered_at";

    public void insert(Webhook w) {
        jdbc.update(
                "INSERT INTO webhook (" + WEBHOOK_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
                w.id(),
                w.studyId(),
                w.url(),
                w.eventTypes(),
                w.secret(),
                utc(w.createdAt()),
                w.createdBy());
    }

    public List<Webhook> webhooks(String studyId) {
        return jdbc.query(
                "SELECT " + WEBHOOK_COLUMNS + " FROM webhook WHERE study_id = ? ORDER BY created_at, id",
                WebhookStore::webhook,
                studyId);
    }

    public int count(String studyId) {
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM webhook WHERE study_id = ?", Integer.class, studyId);
        return n == null ? 0 : n;
    }

    public Optional<Webhook> webhook(String studyId, String id) {
        return jdbc
                .query(
                        "SELECT " + WEBHOOK_COLUMNS + " FROM webhook WHERE study_id = ? AND id = ?",
                        WebhookStore::webhook,
                        studyId,
                        id)
                .stream()
                .findFirst();
    }

    /** Deletes the webhook and (by cascade) its deliveries; false when there was none. */
    public boolean delete(String studyId, String id) {
        return jdbc.update("DELETE FROM webhook WHERE study_id = ? AND id = ?", studyId, id) > 0;
    }

    public void insert(Delivery d) {
        jdbc.update(
                "INSERT INTO webhook_delivery (" + DELIVERY_COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                d.id(),
                d.webhookId(),
                d.studyId(),
                d.seq(),
                d.eventType(),
                d.trialId(),
                d.body(),
                d.status(),
                d.attempts(),
                utc(d.nextAttemptAt()),
                d.lastStatusCode(),
                d.lastError(),
                d.deliveredBy(),
                utc(d.createdAt()),
                d.deliveredAt() == null ? null : utc(d.deliveredAt()));
    }

    /** The webhook's deliveries, oldest first, after the one with id {@code afterId} in that order. */
    public List<Delivery> deliveries(String webhookId, int limit, @Nullable Instant afterCreatedAt, String afterId) {
        if (afterCreatedAt == null) {
            return jdbc.query(
                    "SELECT " + DELIVERY_COLUMNS + " FROM webhook_delivery WHERE webhook_id = ?"
                            + " ORDER BY created_at, id LIMIT ?",
                    WebhookStore::delivery,
                    webhookId,
                    limit);
        }
        return jdbc.query(
                "SELECT " + DELIVERY_COLUMNS + " FROM webhook_delivery WHERE webhook_id = ?"
                        + " AND (created_at > ? OR (created_at = ? AND id > ?)) ORDER BY created_at, id LIMIT ?",
                WebhookStore::delivery,
                webhookId,
                utc(afterCreatedAt),
                utc(afterCreatedAt),
                afterId,
                limit);
    }

    public Optional<Delivery> delivery(String id) {
        return jdbc
                .query("SELECT " + DELIVERY_COLUMNS + " FROM webhook_delivery WHERE id = ?", WebhookStore::delivery, id)
                .stream()
                .findFirst();
    }

    /**
     * Claims up to {@code limit} due deliveries for {@code replica}: locks them, skipping rows another
     * transaction holds, and makes them due again only at {@code until} (so that they are retried if this
     * replica dies while sending). Must run in a transaction, which the caller commits before sending.
     */
    public List<Delivery> claimDue(Instant now, Instant until, String replica, int limit) {
        List<Delivery> due = jdbc.query(
                "SELECT " + DELIVERY_COLUMNS + " FROM webhook_delivery WHERE status = ? AND next_attempt_at <= ?"
                        + " ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED",
                WebhookStore::delivery,
                PENDING,
                utc(now),
                limit);
        List<Delivery> claimed = new ArrayList<>(due.size());
        for (Delivery d : due) {
            int n = jdbc.update(
                    "UPDATE webhook_delivery SET next_attempt_at = ?, claimed_by = ? WHERE id = ? AND status = ?",
                    utc(until),
                    replica,
                    d.id(),
                    PENDING);
            if (n == 1) {
                claimed.add(d);
            }
        }
        return claimed;
    }

    /**
     * Records one attempt of a delivery this replica claimed: delivered, failed for good, or due again at
     * {@code next}. Does nothing when another replica has claimed the row since (its claim ran out).
     */
    public boolean recordAttempt(
            String id,
            String replica,
            String status,
            @Nullable Integer statusCode,
            @Nullable String error,
            Instant now,
            Instant next) {
        return jdbc.update(
                        "UPDATE webhook_delivery SET status = ?, attempts = attempts + 1, last_status_code = ?,"
                                + " last_error = ?, next_attempt_at = ?, delivered_at = ?, delivered_by = ?"
                                + " WHERE id = ? AND claimed_by = ? AND status = ?",
                        status,
                        statusCode,
                        error,
                        utc(next),
                        DELIVERED.equals(status) ? utc(now) : null,
                        DELIVERED.equals(status) ? replica : null,
                        id,
                        replica,
                        PENDING)
                > 0;
    }

    private static Webhook webhook(ResultSet rs, int row) throws SQLException {
        return new Webhook(
                rs.getString("id"),
                rs.getString("study_id"),
                rs.getString("url"),
                rs.getString("event_types"),
                rs.getString("secret"),
                instant(rs, "created_at"),
                rs.getString("created_by"));
    }

    private static Delivery delivery(ResultSet rs, int row) throws SQLException {
        long trial = rs.getLong("trial_id");
        Long trialId = rs.wasNull() ? null : trial;
        int code = rs.getInt("last_status_code");
        Integer statusCode = rs.wasNull() ? null : code;
        return new Delivery(
                rs.getString("id"),
                rs.getString("webhook_id"),
                rs.getString("study_id"),
                rs.getLong("seq"),
                rs.getString("event_type"),
                trialId,
                rs.getString("body"),
                rs.getString("status"),
                rs.getInt("attempts"),
                instant(rs, "next_attempt_at"),
                statusCode,
                rs.getString("last_error"),
                rs.getString("delivered_by"),
                instant(rs, "created_at"),
                instant(rs, "delivered_at"));
    }

    private static OffsetDateTime utc(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
