package dev.attune.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Two projects side by side: nothing of project B ever reaches a project-A token (reads by id, lists,
 * events, what-if), tokens and their revocation, and who did what in events and the audit log.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=jdbc:h2:mem:isolation;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
            "attune.admin-token=" + SecuredServer.ADMIN_TOKEN,
            "attune.rate-limit.per-second=0",
            "attune.cors.origins=https://dash.example.org"
        })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProjectIsolationTest {
    @LocalServerPort
    int port;

    @Autowired
    TokenStore store;

    Api admin;
    SecuredServer.Issued writerA;
    Api a;
    Api b;
    String studyA;
    String studyB;

    @BeforeAll
    void setUp() {
        admin = new Api(port, SecuredServer.ADMIN_TOKEN);
        SecuredServer.project(admin, "vision");
        SecuredServer.project(admin, "speech");
        writerA = SecuredServer.token(admin, "vision", "writer");
        a = new Api(port, writerA.secret());
        b = new Api(port, SecuredServer.token(admin, "speech", "writer").secret());
        studyA = a.createStudy(SecuredServer.study("a-study"));
        studyB = b.createStudy(SecuredServer.study("b-study"));
        for (Api api : List.of(a, b)) {
            String s = api == a ? studyA : studyB;
            assertThat(api.post("/api/v1/studies/" + s + "/ask", Map.of()).status())
                    .isEqualTo(200);
            assertThat(api.post("/api/v1/studies/" + s + "/trials/0/reports", Map.of("metrics", Map.of("loss", 0.5)))
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void anotherProjectsStudyAnswersExactlyAsAMissingOne() {
        String missing = "0000000000000000000";
        List<String> paths = List.of(
                "/api/v1/studies/%s",
                "/api/v1/studies/%s/trials",
                "/api/v1/studies/%s/trials/0",
                "/api/v1/studies/%s/events",
                "/api/v1/studies/%s/best",
                "/api/v1/studies/%s/pareto",
                "/api/v1/studies/%s/hypervolume",
                "/api/v1/studies/%s/metadata",
                "/api/v1/studies/%s/trials/0/logs",
                "/api/v1/studies/%s/checkpoints",
                // the dashboard's queries and export
                "/api/v1/studies/%s/summary",
                "/api/v1/studies/%s/series/best",
                "/api/v1/studies/%s/series/curves",
                "/api/v1/studies/%s/trial-table",
                "/api/v1/studies/%s/params",
                "/api/v1/studies/%s/importance",
                "/api/v1/studies/%s/workers",
                "/api/v1/studies/%s/trials/0/events",
                "/api/v1/studies/%s/export.csv",
                "/api/v1/studies/%s/export.json");
        for (String path : paths) {
            Api.Response foreign = a.get(path.formatted(studyB));
            Api.Response absent = a.get(path.formatted(missing));
            assertThat(foreign.status()).as(path).isEqualTo(404);
            assertThat(foreign.body().replace(studyB, "ID"))
                    .as(path)
                    .isEqualTo(absent.body().replace(missing, "ID"));
            assertThat(b.get(path.formatted(studyB)).status()).as(path).isEqualTo(200);
        }
        Api.Response ask = a.post("/api/v1/studies/" + studyB + "/ask", Map.of());
        assertThat(ask.status()).isEqualTo(404);
        assertThat(a.delete("/api/v1/studies/" + studyB).status()).isEqualTo(404);
        assertThat(b.get("/api/v1/studies/" + studyB).status()).isEqualTo(200);
    }

    @Test
    void listsAndWhatIfShowOnlyTheTokensProject() {
        List<String> bodies = new ArrayList<>();
        Api.Response all = a.get("/api/v1/studies?limit=1000");
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.body()).contains(studyA);
        bodies.add(all.body());
        Api.Response askedForB = a.get("/api/v1/studies?project=speech");
        assertThat(askedForB.status()).isEqualTo(200);
        assertThat(askedForB.get("items")).asList().isEmpty();
        bodies.add(askedForB.body());
        Api.Response whatIf = a.post("/api/v1/whatif", Map.of("studyId", studyB, "method", "ASHA"));
        assertThat(whatIf.status()).isEqualTo(404);
        bodies.add(whatIf.body());
        bodies.add(a.get("/api/v1/studies/" + studyA + "/events").body());
        bodies.add(a.get("/api/v1/studies/" + studyA + "/trials").body());
        Api.Response summaries = a.get("/api/v1/summaries?limit=1000");
        assertThat(summaries.status()).isEqualTo(200);
        assertThat(summaries.body()).contains(studyA);
        bodies.add(summaries.body());
        Api.Response summariesOfB = a.get("/api/v1/summaries?project=speech");
        assertThat(summariesOfB.body()).doesNotContain(studyB);
        bodies.add(summariesOfB.body());
        bodies.add(a.get("/api/v1/summaries?q=b-study").body());
        assertThat(bodies).noneMatch(body -> body.contains(studyB) && !body.contains("does not exist"));
        assertThat(bodies).noneMatch(body -> body.contains("b-study") || body.contains("speech\","));
        // the admin sees both
        assertThat(admin.get("/api/v1/summaries?limit=1000").body())
                .contains(studyA)
                .contains(studyB);
        assertThat(admin.get("/api/v1/studies?project=vision&limit=1000").body())
                .contains(studyA);
        assertThat(admin.get("/api/v1/studies?project=speech&limit=1000").body())
                .contains(studyB);
    }

    @Test
    void studiesBelongToTheTokensProject() {
        Map<String, Object> named = new LinkedHashMap<>(SecuredServer.study("elsewhere"));
        named.put("project", "speech");
        Api.Response refused = a.post("/api/v1/studies", named);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("\"field\":\"project\"");
        assertThat(a.get("/api/v1/studies/" + studyA).string("project")).isEqualTo("vision");
        named.put("project", "vision");
        assertThat(a.post("/api/v1/studies", named).status()).isEqualTo(201);
        named.put("project", "nowhere");
        Api.Response unknown = admin.post("/api/v1/studies", named);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).contains("\"field\":\"project\"");
        named.put("project", "speech");
        assertThat(admin.post("/api/v1/studies", named).status()).isEqualTo(201);
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyEventNamesTheTokenThatCausedIt() {
        List<Map<String, Object>> events = (List<Map<String, Object>>)
                a.get("/api/v1/studies/" + studyA + "/events").get("items");
        assertThat(events).isNotEmpty();
        assertThat(events).allSatisfy(e -> assertThat(e.get("actor")).isEqualTo(writerA.id()));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRevokedTokenIsRefusedAtOnceAndTheChangeIsAudited() {
        SecuredServer.Issued reader = SecuredServer.token(admin, "vision", "reader");
        Api api = new Api(port, reader.secret());
        assertThat(api.get("/api/v1/studies/" + studyA).status()).isEqualTo(200);
        Api.Response list = admin.get("/api/v1/projects/vision/tokens");
        assertThat(list.body()).contains(reader.id()).doesNotContain(reader.secret());
        assertThat(store.byHash(Tokens.hash(reader.secret())).orElseThrow().lastUsedAt())
                .isNotNull();
        assertThat(admin.delete("/api/v1/projects/vision/tokens/" + reader.id()).status())
                .isEqualTo(204);
        Api.Response refused = api.get("/api/v1/studies/" + studyA);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.header("WWW-Authenticate")).isEqualTo("Bearer");
        List<Map<String, Object>> audit =
                (List<Map<String, Object>>) admin.get("/api/v1/audit").get("items");
        assertThat(audit)
                .anySatisfy(e -> assertThat(e)
                        .containsEntry("action", "TOKEN_REVOKED")
                        .containsEntry("tokenId", reader.id())
                        .containsEntry("actor", "admin"))
                .anySatisfy(e ->
                        assertThat(e).containsEntry("action", "TOKEN_CREATED").containsEntry("tokenId", reader.id()));
        assertThat(admin.delete("/api/v1/projects/speech/tokens/" + reader.id()).status())
                .isEqualTo(404);
    }

    @Test
    void tokensAreValidatedAndProjectsUnique() {
        Api.Response bad = admin.post(
                "/api/v1/projects/vision/tokens", Map.of("name", "x", "role", "admin", "expiresAt", "yesterday"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("\"field\":\"role\"", "\"field\":\"expiresAt\"");
        assertThat(admin.post("/api/v1/projects", Map.of("name", "vision")).status())
                .isEqualTo(409);
        assertThat(admin.post("/api/v1/projects", Map.of("name", "no spaces")).status())
                .isEqualTo(400);
        assertThat(admin.post("/api/v1/projects/nope/tokens", Map.of("name", "x", "role", "reader"))
                        .status())
                .isEqualTo(404);
        assertThat(admin.get("/api/v1/projects").body()).contains("\"vision\"", "\"speech\"", "\"default\"");
    }

    @Test
    void probesAreOpenMetricsNeedATokenAndHeadersAreSet() {
        Api anonymous = new Api(port);
        assertThat(anonymous.get("/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(anonymous.get("/actuator/prometheus").status()).isEqualTo(401);
        assertThat(anonymous.get("/actuator/metrics").status()).isEqualTo(401);
        assertThat(a.get("/actuator/prometheus").status()).isEqualTo(200);
        Api.Response spec = anonymous.get("/v3/api-docs");
        assertThat(spec.status()).isEqualTo(200);
        // Swagger UI's "Authorize" comes from this scheme, required by every operation
        assertThat(spec.get("components.securitySchemes.bearer.scheme")).isEqualTo("bearer");
        assertThat(spec.string("security")).isEqualTo("[{bearer=[]}]");
        assertThat(anonymous.get("/swagger-ui/index.html").status()).isEqualTo(200);
        Api.Response r = a.get("/api/v1/studies/" + studyA);
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
    }

    @Test
    void corsAllowsOnlyTheConfiguredOrigin() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        for (String origin : List.of("https://dash.example.org", "https://evil.example.com")) {
            java.net.http.HttpResponse<String> r = http.send(
                    java.net.http.HttpRequest.newBuilder(
                                    java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/studies"))
                            .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                            .header("Origin", origin)
                            .header("Access-Control-Request-Method", "GET")
                            .header("Access-Control-Request-Headers", "authorization")
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (origin.contains("evil")) {
                assertThat(r.headers().firstValue("Access-Control-Allow-Origin"))
                        .isEmpty();
            } else {
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("Access-Control-Allow-Origin"))
                        .contains(origin);
            }
        }
    }
}
