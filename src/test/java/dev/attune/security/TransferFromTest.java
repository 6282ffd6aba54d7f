package dev.attune.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * {@code transferFrom} over HTTP with authentication on: an earlier study is read with the caller's rights
 * (another project's study answers 404, as reading it would), its completed trials become a task named by
 * its id, and the data stays with the new study through export and import.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=jdbc:h2:mem:transferfrom;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
            "attune.admin-token=" + SecuredServer.ADMIN_TOKEN,
            "attune.rate-limit.per-second=0"
        })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransferFromTest {
    @LocalServerPort
    int port;

    Api admin;
    Api writerA;
    Api writerB;
    Api readerB;
    String source;

    @BeforeAll
    void setUp() {
        admin = new Api(port, SecuredServer.ADMIN_TOKEN);
        SecuredServer.project(admin, "alpha");
        SecuredServer.project(admin, "beta");
        writerA = new Api(port, SecuredServer.token(admin, "alpha", "writer").secret());
        writerB = new Api(port, SecuredServer.token(admin, "beta", "writer").secret());
        readerB = new Api(port, SecuredServer.token(admin, "beta", "reader").secret());
        source = writerA.createStudy(study("RandomSearch", null));
        for (int i = 0; i < 6; i++) {
            Api.Response ask = writerA.post("/api/v1/studies/" + source + "/ask", Map.of("workerId", "w"));
            String trial = "/api/v1/studies/" + source + "/trials/" + ask.string("trial.id");
            double x = ((Number) ask.get("trial.config.x")).doubleValue();
            if (i == 5) {
                writerA.post(trial + "/fail", Map.of()); // failed trials do not transfer
            } else {
                writerA.post(trial + "/complete", Map.of("metrics", Map.of("loss", (x - 0.3) * (x - 0.3))));
            }
        }
    }

    static Map<String, Object> study(String method, List<String> from) {
        Map<String, Object> s = new LinkedHashMap<>(SecuredServer.study("transfer"));
        s.put("method", method);
        s.put("maxFailures", 10);
        if (from != null) {
            s.put("transferFrom", from);
        }
        return s;
    }

    @Test
    void theSourcesOwnProjectTransfersItsCompletedTrials() {
        Api.Response r = writerA.post("/api/v1/studies", study("ZeroShotTransfer", List.of(source)));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        Map<?, ?> task = (Map<?, ?>) ((List<?>) r.get("transferEvaluations")).getFirst();
        assertThat(task.get("task")).isEqualTo(source);
        assertThat((List<?>) task.get("evaluations")).hasSize(5);
        assertThat(r.get("transferFrom")).isEqualTo(List.of(source));
        // the first suggestion is the source's best config
        String id = r.string("id");
        Api.Response ask = writerA.post("/api/v1/studies/" + id + "/ask", Map.of("workerId", "w"));
        Map<?, ?> best = (Map<?, ?>) ((List<?>) task.get("evaluations"))
                .stream()
                        .map(e -> (Map<?, ?>) e)
                        .min(java.util.Comparator.comparingDouble(
                                e -> ((Number) ((Map<?, ?>) e.get("metrics")).get("loss")).doubleValue()))
                        .orElseThrow()
                        .get("config");
        assertThat(ask.get("trial.config")).isEqualTo(best);
        // export and import keep the data: the copy suggests the same
        Api.Response export = writerA.get("/api/v1/studies/" + id + "/export");
        assertThat(export.status()).as(export.body()).isEqualTo(200);
        Api.Response imported = writerA.postRaw("/api/v1/studies/import", export.body(), "application/json");
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        assertThat(writerA.get("/api/v1/studies/" + imported.string("id")).get("transferEvaluations"))
                .isEqualTo(r.get("transferEvaluations"));
    }

    @Test
    void anotherProjectCannotTransferFromAStudyItCannotRead() {
        assertThat(readerB.get("/api/v1/studies/" + source).status()).isEqualTo(404);
        Api.Response r = writerB.post("/api/v1/studies", study("ZeroShotTransfer", List.of(source)));
        assertThat(r.status()).as(r.body()).isEqualTo(404);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.body()).doesNotContain("loss");
        // a reader cannot create studies at all
        assertThat(readerB.post("/api/v1/studies", study("ZeroShotTransfer", List.of(source)))
                        .status())
                .isEqualTo(403);
        // the admin reads every project
        Map<String, Object> asAdmin = study("BoundingBox", List.of(source));
        asAdmin.put("project", "beta");
        assertThat(admin.post("/api/v1/studies", asAdmin).status()).isEqualTo(201);
    }

    @Test
    void aMultiFidelityStudyTransfersOnlyTrialsThatReachedTheMaximumResource() {
        Map<String, Object> mf = study("RandomSearch", null);
        mf.put("resource", Map.of("attr", "epoch", "max", 3));
        String id = writerA.createStudy(mf);
        for (int reached : List.of(3, 1)) {
            Api.Response ask = writerA.post("/api/v1/studies/" + id + "/ask", Map.of("workerId", "w"));
            String trial = "/api/v1/studies/" + id + "/trials/" + ask.string("trial.id");
            for (int epoch = 1; epoch <= reached; epoch++) {
                writerA.post(trial + "/reports", Map.of("metrics", Map.of("loss", 10.0 - epoch, "epoch", epoch)));
            }
            writerA.post(trial + "/complete", Map.of());
        }
        Api.Response r = writerA.post("/api/v1/studies", study("ZeroShotTransfer", List.of(id)));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        List<?> evaluations =
                (List<?>) ((Map<?, ?>) ((List<?>) r.get("transferEvaluations")).getFirst()).get("evaluations");
        assertThat(evaluations).hasSize(1);
        assertThat(((Map<?, ?>) evaluations.getFirst()).get("metrics")).isEqualTo(Map.of("loss", 7.0));
    }

    @Test
    void aMissingStudyOrAnotherSpaceIsNamedByItsIndex() {
        Api.Response missing = writerA.post("/api/v1/studies", study("ZeroShotTransfer", List.of("nope")));
        assertThat(missing.status()).isEqualTo(404);
        Map<String, Object> other = study("ZeroShotTransfer", List.of(source));
        other.put("space", Map.of("x", Map.of("type", "uniform", "lower", 0, "upper", 2)));
        Api.Response r = writerA.post("/api/v1/studies", other);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("transferFrom[0]");
        Api.Response none = writerA.post("/api/v1/studies", study("BoundingBox", null));
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.body()).contains("transferEvaluations");
    }
}
