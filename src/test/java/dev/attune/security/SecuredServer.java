package dev.attune.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Helpers for tests against a server with authentication on: projects, tokens and a small study. */
final class SecuredServer {
    static final String ADMIN_TOKEN = "test-admin-token-7f3a";

    private SecuredServer() {}

    static void project(Api admin, String name) {
        Api.Response r = admin.post("/api/v1/projects", Map.of("name", name));
        assertThat(r.status()).as(r.body()).isIn(201, 409);
    }

    /** A new token's secret and id. */
    record Issued(String id, String secret) {}

    static Issued token(Api admin, String project, String role) {
        Api.Response r = admin.post(
                "/api/v1/projects/" + project + "/tokens",
                Map.of("name", role + "-" + System.nanoTime(), "role", role));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return new Issued(r.string("id"), r.string("token"));
    }

    /** A token that expired a minute ago, written straight to the store (the API refuses past expiries). */
    static Issued expired(TokenStore store, String project) {
        String secret = Tokens.newSecret();
        Instant now = Instant.now();
        TokenStore.Token t = new TokenStore.Token(
                Tokens.newId(),
                project,
                "expired",
                Role.WRITER,
                "test",
                now.minusSeconds(3600),
                now.minusSeconds(60),
                null,
                null);
        store.insertToken(t, Tokens.hash(secret));
        return new Issued(t.id(), secret);
    }

    static Map<String, Object> study(String name) {
        return Map.of(
                "name",
                name,
                "space",
                Map.of("x", Map.of("type", "uniform", "lower", 0, "upper", 1)),
                "metrics",
                List.of(Map.of("name", "loss")),
                "method",
                "RandomSearch");
    }
}
