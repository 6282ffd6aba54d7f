package dev.attune.security;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Projects, tokens and the audit log in the database (plain JDBC in the SQL both H2 and PostgreSQL
 * speak). Every replica reads tokens from here on every request, so a revocation holds everywhere at
 * once.
 */
@Repository
public class TokenStore {
    private final JdbcTemplate jdbc;

    public TokenStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public record Project(String name, Instant createdAt) {}

    public record Token(
            String id,
            String project,
            String name,
            Role role,
            String createdBy,
            Instant createdAt,
            @Nullable Instant expiresAt,
            @Nullable Instant lastUsedAt,
            @Nullable Instant revokedAt) {
        /** Whether the token lets its holder in at {@code now}. */
        public boolean validAt(Instant now) {
            return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
        }
    }

    public record AuditEntry(
            long id,
            Instant at,
            String actor,
            String action,
            String project,
            @Nullable String tokenId) {}

    private static final String TOKEN_COLUMNS =
            "id, project, name, role, created_by, created_at, expires_at, last_used_at, revoked_at";

    public void insertProject(String name, Instant now) {
        jdbc.update("INSERT INTO project (name, created_at) VALUES (?, ?)", name, utc(now));
    }

    public boolean projectExists(String name) {
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM project WHERE name = ?", Integer.class, name);
        return n != null && n > 0;
    }

    public List<Project> projects() {
        return jdbc.query(
                "SELECT name, created_at FROM project ORDER BY name",
                (rs, i) -> new Project(rs.getString("name"), instant(rs, "created_at")));
    }

    public void insertToken(Token t, String hash) {
        jdbc.update(
                "INSERT INTO api_token (" + TOKEN_COLUMNS + ", token_hash) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?)",
                t.id(),
                t.project(),
                t.name(),
                t.role().name(),
                t.createdBy(),
                utc(t.createdAt()),
                t.expiresAt() == null ? null : utc(t.expiresAt()),
                hash);
    }

    public Optional<Token> byHash(String hash) {
        return jdbc
                .query("SELECT " + TOKEN_COLUMNS + " FROM api_token WHERE token_hash = ?", TokenStore::token, hash)
                .stream()
                .findFirst();
    }

    public List<Token> tokens(String project) {
        return jdbc.query(
                "SELECT " + TOKEN_COLUMNS + " FROM api_token WHERE project = ? ORDER BY created_at, id",
                TokenStore::token,
                project);
    }

    /** Marks the token revoked (keeping the first revocation time); false when the project has no such token. */
    public boolean revoke(String project, String id, Instant now) {
        int found = jdbc.update(
                "UPDATE api_token SET revoked_at = COALESCE(revoked_at, ?) WHERE project = ? AND id = ?",
                utc(now),
                project,
                id);
        return found > 0;
    }

    public void touch(String id, Instant now) {
        jdbc.update("UPDATE api_token SET last_used_at = ? WHERE id = ?", utc(now), id);
    }

    public void audit(Instant at, String actor, String action, String project, @Nullable String tokenId) {
        jdbc.update(
                "INSERT INTO audit_log (at, actor, action, project, token_id) VALUES (?, ?, ?, ?, ?)",
                utc(at),
                actor,
                action,
                project,
                tokenId);
    }

    /** The newest {@code limit} entries, newest first. */
    public List<AuditEntry> auditLog(int limit) {
        return jdbc.query(
                "SELECT id, at, actor, action, project, token_id FROM audit_log ORDER BY id DESC LIMIT ?",
                (rs, i) -> new AuditEntry(
                        rs.getLong("id"),
                        instant(rs, "at"),
                        rs.getString("actor"),
                        rs.getString("action"),
                        rs.getString("project"),
                        rs.getString("token_id")),
                limit);
    }

    /** The project of a study, or empty when there is no such study. */
    public Optional<String> studyProject(String studyId) {
        return jdbc.queryForList("SELECT project FROM study WHERE id = ?", String.class, studyId).stream()
                .findFirst();
    }

    private static Token token(ResultSet rs, int row) throws SQLException {
        return new Token(
                rs.getString("id"),
                rs.getString("project"),
                rs.getString("name"),
                Role.valueOf(rs.getString("role")),
                rs.getString("created_by"),
                instant(rs, "created_at"),
                instant(rs, "expires_at"),
                instant(rs, "last_used_at"),
                instant(rs, "revoked_at"));
    }

    private static OffsetDateTime utc(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
