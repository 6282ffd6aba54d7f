package dev.attune.security;

import dev.attune.space.FieldError;
import dev.attune.space.InvalidInputException;
import dev.attune.study.Actor;
import dev.attune.study.NotFoundException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Projects and their tokens, as the admin manages them; every token change is audited. */
@Service
public class ProjectService {
    /** The same names a study's {@code project} accepts. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final TokenStore store;
    private final Clock clock;

    public ProjectService(TokenStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A new token: its public record and the secret, which is shown this once and never stored. */
    public record Issued(TokenStore.Token token, String secret) {}

    @Transactional
    public TokenStore.Project create(Map<String, Object> request) {
        onlyFields(request, Set.of("name"));
        String name = name(request.get("name"), "name");
        Instant now = clock.instant();
        try {
            store.insertProject(name, now);
        } catch (DuplicateKeyException e) {
            throw new SecurityProblem(409, "project-exists", "name", "project " + name + " already exists");
        }
        store.audit(now, Actor.current(), "PROJECT_CREATED", name, null);
        return new TokenStore.Project(name, now);
    }

    public List<TokenStore.Project> projects() {
        return store.projects();
    }

    @Transactional
    public Issued issue(String project, Map<String, Object> request) {
        requireProject(project);
        onlyFields(request, Set.of("name", "role", "expiresAt"));
        List<FieldError> errors = new ArrayList<>();
        String name = null;
        Role role = null;
        Instant expiresAt = null;
        Instant now = clock.instant();
        try {
            name = name(request.get("name"), "name");
        } catch (InvalidInputException e) {
            errors.addAll(e.errors());
        }
        try {
            role = Role.ofProjectToken(request.get("role"));
        } catch (InvalidInputException e) {
            errors.addAll(e.errors());
        }
        Object expires = request.get("expiresAt");
        if (expires != null) {
            try {
                expiresAt = Instant.parse(String.valueOf(expires));
                if (!expiresAt.isAfter(now)) {
                    errors.add(new FieldError("expiresAt", "must be in the future, got " + expires));
                }
            } catch (DateTimeParseException e) {
                errors.add(new FieldError(
                        "expiresAt", "must be an ISO-8601 instant such as 2027-01-31T00:00:00Z, got " + expires));
            }
        }
        if (!errors.isEmpty() || name == null || role == null) {
            throw new InvalidInputException(errors);
        }
        String secret = Tokens.newSecret();
        TokenStore.Token token =
                new TokenStore.Token(Tokens.newId(), project, name, role, Actor.current(), now, expiresAt, null, null);
        store.insertToken(token, Tokens.hash(secret));
        store.audit(now, Actor.current(), "TOKEN_CREATED", project, token.id());
        return new Issued(token, secret);
    }

    public List<TokenStore.Token> tokens(String project) {
        requireProject(project);
        return store.tokens(project);
    }

    @Transactional
    public void revoke(String project, String tokenId) {
        requireProject(project);
        Instant now = clock.instant();
        if (!store.revoke(project, tokenId, now)) {
            throw new NotFoundException("project " + project + " has no token " + tokenId);
        }
        store.audit(now, Actor.current(), "TOKEN_REVOKED", project, tokenId);
    }

    public List<TokenStore.AuditEntry> audit(int limit) {
        if (limit < 1 || limit > 1000) {
            throw InvalidInputException.of("limit", "must be between 1 and 1000, got " + limit);
        }
        return store.auditLog(limit);
    }

    private void requireProject(String project) {
        if (!NAME.matcher(project).matches() || !store.projectExists(project)) {
            throw new NotFoundException("project " + project + " does not exist");
        }
    }

    private static String name(@Nullable Object value, String field) {
        if (!(value instanceof String s) || !NAME.matcher(s).matches()) {
            throw InvalidInputException.of(
                    field, "must be 1-64 letters, digits, '.', '_' or '-', got " + (value == null ? "nothing" : value));
        }
        return s;
    }

    private static void onlyFields(Map<String, Object> request, Set<String> known) {
        List<FieldError> unknown = request.keySet().stream()
                .filter(k -> !known.contains(k))
                .map(k -> new FieldError(k, "is not a known field (known: " + String.join(", ", known) + ")"))
                .toList();
        if (!unknown.isEmpty()) {
            throw new InvalidInputException(unknown);
        }
    }
}
