package dev.attune.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Every operation of the served OpenAPI document × every kind of caller → the status the rules promise.
 * The expected role of each operation is listed here, by hand: an operation the served spec has and this
 * table lacks fails the test, so a new endpoint cannot ship without a decision about who may call it.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=jdbc:h2:mem:matrix;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
            "attune.admin-token=" + SecuredServer.ADMIN_TOKEN,
            "attune.rate-limit.per-second=0",
            // an event stream answers 200 and then streams; end it quickly so the matrix can read it whole
            "attune.stream.max-seconds=1"
        })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessMatrixTest {
    /** The least role each operation needs. Keep in step with AccessRules and docs/security.md. */
    static final Map<String, Role> RULES = Map.ofEntries(
            Map.entry("GET /api/v1/methods", Role.READER),
            Map.entry("POST /api/v1/whatif", Role.WRITER),
            Map.entry("GET /api/v1/studies", Role.READER),
            Map.entry("POST /api/v1/studies", Role.WRITER),
            Map.entry("GET /api/v1/studies/{studyId}", Role.READER),
            Map.entry("DELETE /api/v1/studies/{studyId}", Role.WRITER),
            Map.entry("POST /api/v1/studies/{studyId}/stop", Role.WRITER),
            Map.entry("PATCH /api/v1/studies/{studyId}", Role.WRITER),
            Map.entry("POST /api/v1/studies/{studyId}/trials/{trialId}/stop", Role.WRITER),
            Map.entry("POST /api/v1/studies/{studyId}/trials/{trialId}/pause", Role.WRITER),
            Map.entry("POST /api/v1/studies/{studyId}/trials/{trialId}/resume", Role.WRITER),
            Map.entry("GET /api/v1/studies/{studyId}/events", Role.READER),
            Map.entry("GET /api/v1/studies/{studyId}/best", Role.READER),
            Map.entry("GET /api/v1/studies/{studyId}/pareto", Role.READER),
            Map.entry("GET /api/v1/studies/{studyId}/hypervolume", Role.READER),
            Map.entry("POST /api/v1/studies/{studyId}/ask", Role.WORKER),
            Map.entry("GET /api/v1/studies/{studyId}/checkpoints", Role.READER),
            Map.entry("GET /api/v1/studies/{studyId}/trials", Role.READER),
            Map.entry("POST /api/v1/studies/{studyId}/trials", Role.WRITER),
            Map.entry("GET /api/v1/studies/{studyId}/trials/{trialId}", Role.READER),
            Map.entry("POST /api/v1/studies/{studyId}/trials/{trialId}/reports", Role.WORKER),
            Map.entry("POST /api/v1/studies/{studyId}/trials/{trialId}/complete", Role.WORKER),
            Map.entry("POST /api/v1/studies/{studyId}/trials/{trialId}/fail", Role.WORKER),
            Map.entry("POST /api/v1/studies/{studyId}/trials/{trialId}/skip", Role.WORKER),
            Map.entry("POST /api/v1/studies/{studyId}/trials/{trialId}/heartbeat", Role.WORKER),
            Map.entry("GET /api/v1/studies/{studyId}/metadata", Role.READER),
            Map.entry("PUT /api/v1/studies/{studyId}/metadata", Role.WORKER),
            Map.entry("GET /api/v1/studies/{studyId}/trials/{trialId}/metadata", Role.READER),
            Map.entry("PUT /api/v1/studies/{studyId}/trials/{trialId}/metadata", Role.WORKER),
            Map.entry("POST /api/v1/studies/{studyId}/trials/{trialId}/links", Role.WORKER),
            Map.entry("GET /api/v1/studies/{studyId}/trials/{trialId}/logs", Role.READER),
            Map.entry("PUT /api/v1/studies/{studyId}/trials/{trialId}/logs", Role.WORKER),
            Map.entry("POST /api/v1/studies/{studyId}/trials/{trialId}/release", Role.WORKER),
            Map.entry("POST /api/v1/studies/{studyId}/trials/{trialId}/checkpoint/upload", Role.WORKER),
            Map.entry("PUT /api/v1/studies/{studyId}/trials/{trialId}/checkpoint/data", Role.WORKER),
            Map.entry("GET /api/v1/studies/{studyId}/trials/{trialId}/checkpoint/data", Role.READER),
            Map.entry("POST /api/v1/studies/{studyId}/trials/{trialId}/checkpoint", Role.WORKER),
            Map.entry("GET /api/v1/studies/{studyId}/trials/{trialId}/checkpoint", Role.READER),
            Map.entry("DELETE /api/v1/studies/{studyId}/trials/{trialId}/checkpoint", Role.WORKER),
            Map.entry("POST /api/v1/studies/{studyId}/trials/{trialId}/checkpoint/missing", Role.WORKER),
            Map.entry("POST /api/v1/projects", Role.ADMIN),
            Map.entry("GET /api/v1/projects", Role.ADMIN),
            Map.entry("POST /api/v1/projects/{name}/tokens", Role.ADMIN),
            Map.entry("GET /api/v1/projects/{name}/tokens", Role.ADMIN),
            Map.entry("DELETE /api/v1/projects/{name}/tokens/{id}", Role.ADMIN),
            Map.entry("GET /api/v1/audit", Role.ADMIN),
            Map.entry("GET /api/v1/summaries", Role.READER),
            Map.entry("GET /api/v1/studies/{studyId}/summary", Role.READER),
            Map.entry("GET /api/v1/studies/{studyId}/series/best", Role.READER),
            Map.entry("GET /api/v1/studies/{studyId}/series/curves", Role.READER),
            Map.entry("GET /api/v1/studies/{studyId}/trial-table", Role.READER),
            Map.entry("GET /api/v1/studies/{studyId}/params", Role.READER),
            Map.entry("GET /api/v1/studies/{studyId}/importance", Role.READER),
            Map.entry("GET /api/v1/studies/{studyId}/workers", Role.READER),
            Map.entry("GET /api/v1/studies/{studyId}/trials/{trialId}/events", Role.READER),
            Map.entry("GET /api/v1/studies/{studyId}/export.csv", Role.READER),
            Map.entry("GET /api/v1/studies/{studyId}/export.json", Role.READER),
            Map.entry("GET /api/v1/studies/{studyId}/stream", Role.READER),
            Map.entry("POST /api/v1/studies/{studyId}/webhooks", Role.WRITER),
            Map.entry("GET /api/v1/studies/{studyId}/webhooks", Role.WRITER),
            Map.entry("GET /api/v1/studies/{studyId}/webhooks/{webhookId}", Role.WRITER),
            Map.entry("DELETE /api/v1/studies/{studyId}/webhooks/{webhookId}", Role.WRITER),
            Map.entry("GET /api/v1/studies/{studyId}/webhooks/{webhookId}/deliveries", Role.WRITER),
            Map.entry("GET /api/v1/studies/{studyId}/termination", Role.READER),
            Map.entry("GET /api/v1/studies/{studyId}/export", Role.READER),
            Map.entry("POST /api/v1/studies/import", Role.WRITER));

    /** The kinds of caller; each maps to a token (or none). */
    enum Who {
        NONE,
        READER,
        WORKER,
        WRITER,
        ADMIN,
        OTHER_WRITER,
        REVOKED,
        EXPIRED
    }

    @LocalServerPort
    int port;

    @Autowired
    TokenStore store;

    final Map<Who, String> secrets = new LinkedHashMap<>();
    Api admin;
    String studyId;

    @BeforeAll
    void setUp() {
        admin = new Api(port, SecuredServer.ADMIN_TOKEN);
        SecuredServer.project(admin, "a");
        SecuredServer.project(admin, "b");
        secrets.put(Who.READER, SecuredServer.token(admin, "a", "reader").secret());
        secrets.put(Who.WORKER, SecuredServer.token(admin, "a", "worker").secret());
        secrets.put(Who.WRITER, SecuredServer.token(admin, "a", "writer").secret());
        secrets.put(Who.ADMIN, SecuredServer.ADMIN_TOKEN);
        secrets.put(Who.OTHER_WRITER, SecuredServer.token(admin, "b", "writer").secret());
        SecuredServer.Issued revoked = SecuredServer.token(admin, "a", "writer");
        assertThat(admin.delete("/api/v1/projects/a/tokens/" + revoked.id()).status())
                .isEqualTo(204);
        secrets.put(Who.REVOKED, revoked.secret());
        secrets.put(Who.EXPIRED, SecuredServer.expired(store, "a").secret());
        Api writer = new Api(port, secrets.get(Who.WRITER));
        studyId = writer.createStudy(SecuredServer.study("matrix"));
        assertThat(writer.post("/api/v1/studies/" + studyId + "/ask", Map.of()).string("status"))
                .isEqualTo("RUN");
    }

    record Operation(String method, String path) {
        String key() {
            return method + " " + path;
        }
    }

    @SuppressWarnings("unchecked")
    List<Operation> servedOperations() {
        Map<String, Object> spec = new Api(port).get("/v3/api-docs").json();
        List<Operation> ops = new ArrayList<>();
        ((Map<String, Map<String, Object>>) spec.get("paths")).forEach((path, item) -> item.keySet().stream()
                .filter(m -> Set.of("get", "put", "post", "delete", "patch").contains(m))
                .forEach(m -> ops.add(new Operation(m.toUpperCase(), path))));
        return ops;
    }

    @Test
    void everyServedOperationHasARule() {
        List<String> missing = servedOperations().stream()
                .map(Operation::key)
                .filter(k -> !RULES.containsKey(k))
                .toList();
        assertThat(missing)
                .as("operations without an access rule in this test (add them to RULES and to AccessRules)")
                .isEmpty();
        assertThat(servedOperations()).hasSizeGreaterThanOrEqualTo(30);
    }

    @Test
    void everyOperationTimesEveryCallerGivesTheExpectedStatus() {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Operation op : servedOperations()) {
            Role required = RULES.get(op.key());
            if (required == null) {
                continue; // reported by everyServedOperationHasARule
            }
            for (Who who : Who.values()) {
                Target target = concrete(op);
                String body = op.method().equals("GET") || op.method().equals("DELETE") ? null : "{}";
                Api.Response r = new Api(port, secrets.get(who)).call(op.method(), target.path(), body);
                String problem = check(required, who, target, r);
                checked++;
                if (problem != null) {
                    failures.add(who + " " + op.key() + ": " + problem + " (got " + r.status() + " " + r.body() + ")");
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(checked).isEqualTo(servedOperations().size() * Who.values().length);
    }

    /** Null when the response is what the rules promise, else what is wrong with it. */
    static String check(Role required, Who who, Target target, Api.Response r) {
        boolean studyScoped = target.study() != null;
        switch (who) {
            case NONE, REVOKED, EXPIRED -> {
                if (r.status() != 401) {
                    return "expected 401";
                }
                if (!"Bearer".equals(r.header("WWW-Authenticate"))
                        || !r.contentType().startsWith("application/problem+json")) {
                    return "expected WWW-Authenticate: Bearer and problem+json";
                }
                return null;
            }
            default -> {
                Role role = Role.valueOf(who == Who.OTHER_WRITER ? "WRITER" : who.name());
                if (!role.includes(required)) {
                    return r.status() == 403 && r.contentType().startsWith("application/problem+json")
                            ? null
                            : "expected 403 problem+json";
                }
                if (who == Who.OTHER_WRITER && studyScoped) {
                    return r.status() == 404 && r.body().contains("study " + target.study() + " does not exist")
                            ? null
                            : "expected the 404 of a study that does not exist";
                }
                if (r.status() == 401 || r.status() == 403 || r.status() >= 500) {
                    return "expected to be let through";
                }
                if (studyScoped && r.body().contains("study " + target.study() + " does not exist")) {
                    return "expected its own project's study to be found";
                }
                return null;
            }
        }
    }

    /** A request's path and the study it names (null when it names none). */
    record Target(String path, String study) {}

    /** The operation's path with real values; destructive operations get something of their own to destroy. */
    Target concrete(Operation op) {
        String study = studyId;
        String token = "tk_0000000000000000";
        if (op.key().equals("DELETE /api/v1/studies/{studyId}")) {
            Map<String, Object> d = new LinkedHashMap<>(SecuredServer.study("to-delete"));
            d.put("project", "a");
            study = admin.createStudy(d);
        }
        if (op.key().equals("DELETE /api/v1/projects/{name}/tokens/{id}")) {
            token = SecuredServer.token(admin, "a", "reader").id();
        }
        return new Target(
                op.path()
                        .replace("{studyId}", study)
                        .replace("{trialId}", "0")
                        .replace("{name}", "a")
                        .replace("{id}", token)
                        .replace("{webhookId}", "wh_unknown"),
                op.path().contains("{studyId}") ? study : null);
    }
}
