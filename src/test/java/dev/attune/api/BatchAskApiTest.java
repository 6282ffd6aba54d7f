package dev.attune.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Batch asks, synchronous scheduling, restrictConfigurations and streamlineConfigSpace over HTTP: the
 * answers' shapes, and bad input answering 400 problem+json naming the field.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties =
                "spring.datasource.url=jdbc:h2:mem:batchask;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH")
class BatchAskApiTest {
    @LocalServerPort
    int port;

    Api api;

    @BeforeEach
    void client() {
        api = new Api(port);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aBatchAskListsItsTrialsAndASingleAskIsUnchanged() {
        String study = api.createStudy(StudyApiSuite.definition(3, Map.of("maxConcurrentTrials", 3)));
        Api.Response single = api.post("/api/v1/studies/" + study + "/ask", Map.of("workerId", "a"));
        assertThat(single.json()).containsKey("trial").doesNotContainKey("trials");

        Api.Response batch = api.post("/api/v1/studies/" + study + "/ask", Map.of("workerId", "b", "count", 5));
        assertThat(batch.status()).as(batch.body()).isEqualTo(200);
        assertThat(batch.string("status")).isEqualTo("RUN");
        assertThat(batch.json()).doesNotContainKey("trial");
        List<Map<String, Object>> trials = (List<Map<String, Object>>) batch.get("trials");
        assertThat(trials).extracting(t -> t.get("id")).containsExactly(1, 2);
        assertThat(trials).allMatch(t -> "RUNNING".equals(t.get("status")) && "b".equals(t.get("workerId")));
        assertThat(batch.string("reason")).contains("maxConcurrentTrials");

        Api.Response full = api.post("/api/v1/studies/" + study + "/ask", Map.of("count", 2));
        assertThat(full.string("status")).isEqualTo("WAIT");
        assertThat((List<?>) full.get("trials")).isEmpty();
        assertThat(full.get("retryAfterMs")).isNotNull();
    }

    @Test
    void synchronousSchedulingAnswersWaitUntilTheBatchFinished() {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("maxConcurrentTrials", 2);
        extra.put("asynchronousScheduling", false);
        Api.Response created = api.post("/api/v1/studies", StudyApiSuite.definition(4, extra));
        assertThat(created.get("asynchronousScheduling")).isEqualTo(false);
        String study = created.string("id");
        String s = "/api/v1/studies/" + study;
        assertThat((List<?>) api.post(s + "/ask", Map.of("count", 2)).get("trials"))
                .hasSize(2);
        api.post(s + "/trials/0/complete", Map.of("metrics", Map.of("loss", 1)));
        Api.Response between = api.post(s + "/ask", null);
        assertThat(between.string("status")).isEqualTo("WAIT");
        assertThat(between.string("reason")).contains("asynchronousScheduling is false");
        api.post(s + "/trials/1/complete", Map.of("metrics", Map.of("loss", 2)));
        assertThat(api.post(s + "/ask", null).string("status")).isEqualTo("RUN");
    }

    @Test
    @SuppressWarnings("unchecked")
    void restrictedStudiesHandOutOnlyTheirConfigs() {
        List<Map<String, Object>> allowed = List.of(
                Map.of("x", 1.0, "lr", 0.01, "layers", 2, "act", "relu"),
                Map.of("x", 3.0, "lr", 0.001, "layers", 1, "act", "tanh"));
        Api.Response created =
                api.post("/api/v1/studies", StudyApiSuite.definition(4, Map.of("restrictConfigurations", allowed)));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat((List<?>) created.get("restrictConfigurations")).hasSize(2);
        String s = "/api/v1/studies/" + created.string("id");
        Api.Response batch = api.post(s + "/ask", Map.of("count", 5));
        List<Map<String, Object>> trials = (List<Map<String, Object>>) batch.get("trials");
        assertThat(trials).hasSize(2);
        assertThat(trials)
                .extracting(t -> ((Map<String, Object>) t.get("config")).get("x"))
                .containsExactlyInAnyOrder(1.0, 3.0);
        assertThat(batch.string("reason")).isNotNull();
    }

    @Test
    @SuppressWarnings("unchecked")
    void createWarnsOfEachStreamliningRuleOrAppliesThemOnRequest() {
        Map<String, Object> definition = StudyApiSuite.definition(4, Map.of());
        Map<String, Object> space = new LinkedHashMap<>((Map<String, Object>) definition.get("space"));
        space.put("units", Map.of("type", "randint", "lower", 4, "upper", 1024));
        space.put("batch", Map.of("type", "choice", "categories", List.of(16, 32, 64, 128)));
        definition.put("space", space);

        Api.Response warned = api.post("/api/v1/studies", definition);
        assertThat(warned.status()).as(warned.body()).isEqualTo(201);
        List<String> warnings = (List<String>) warned.get("warnings");
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0)).startsWith("space.units: ").contains("lograndint");
        assertThat(warnings.get(1)).startsWith("space.batch: ").contains("logfinrange");
        assertThat(warned.get("space.units.type")).isEqualTo("randint");
        assertThat(api.get("/api/v1/studies/" + warned.string("id")).json()).doesNotContainKey("warnings");

        definition.put("streamlineConfigSpace", true);
        Api.Response rewritten = api.post("/api/v1/studies", definition);
        assertThat(rewritten.status()).as(rewritten.body()).isEqualTo(201);
        assertThat((List<?>) rewritten.get("warnings")).isEmpty();
        assertThat(rewritten.get("space.units.type")).isEqualTo("lograndint");
        assertThat(rewritten.get("space.batch.type")).isEqualTo("logfinrange");
        assertThat(rewritten.get("space.x.type")).isEqualTo("uniform");
    }

    @Test
    void badInputAnswers400NamingTheField() {
        String study = api.createStudy(StudyApiSuite.definition(3, Map.of()));
        String ask = "/api/v1/studies/" + study + "/ask";
        expect400(api.post(ask, Map.of("count", 0)), "count");
        expect400(api.post(ask, Map.of("count", 1001)), "count");
        expect400(api.post(ask, Map.of("count", "3")), "count");
        expect400(api.post(ask, Map.of("count", 2.5)), "count");
        expect400(api.post(ask, Map.of("count", 2, "colour", "red")), "colour");
        expect400(api.post(ask, Map.of("workerId", 7, "count", 2)), "workerId");

        expect400(
                api.post("/api/v1/studies", StudyApiSuite.definition(1, Map.of("asynchronousScheduling", false))),
                "maxConcurrentTrials");
        expect400(
                api.post(
                        "/api/v1/studies",
                        StudyApiSuite.definition(1, Map.of("asynchronousScheduling", "no", "maxConcurrentTrials", 2))),
                "asynchronousScheduling");
        expect400(
                api.post("/api/v1/studies", StudyApiSuite.definition(1, Map.of("streamlineConfigSpace", 1))),
                "streamlineConfigSpace");
        expect400(
                api.post("/api/v1/studies", StudyApiSuite.definition(1, Map.of("restrictConfigurations", "all"))),
                "restrictConfigurations");
        expect400(
                api.post(
                        "/api/v1/studies",
                        StudyApiSuite.definition(
                                1,
                                Map.of(
                                        "restrictConfigurations",
                                        List.of(Map.of("x", 99, "lr", 0.01, "layers", 1, "act", "relu"))))),
                "restrictConfigurations[0].x");
        expect400(
                api.post(
                        "/api/v1/studies",
                        StudyApiSuite.definition(
                                1,
                                Map.of(
                                        "method",
                                        "REA",
                                        "restrictConfigurations",
                                        List.of(Map.of("x", 1, "lr", 0.01, "layers", 1, "act", "relu"))))),
                "restrictConfigurations");
    }

    static void expect400(Api.Response r, String field) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.body()).contains("\"field\":\"" + field + "\"");
    }
}
