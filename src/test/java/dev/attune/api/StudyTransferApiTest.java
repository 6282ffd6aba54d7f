package dev.attune.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Export and import over HTTP on one server: an import is a new study with the same trials; every bad
 * import answers 400 problem+json naming the field (or the event) at fault and stores nothing.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=jdbc:h2:mem:transferapi;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH",
            "attune.max-request-bytes=2048",
            "attune.import.max-bytes=200000"
        })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StudyTransferApiTest {
    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    Api api;
    String study;
    Map<String, Object> export;

    @BeforeAll
    void setUp() {
        api = new Api(port);
        study = api.createStudy(StudyApiSuite.definition(5, Map.of()));
        for (int i = 0; i < 3; i++) {
            StudyApiSuite.runOne(api, study);
        }
        api.post("/api/v1/studies/" + study + "/ask", Map.of("workerId", "w"));
        Api.Response r = api.get("/api/v1/studies/" + study + "/export");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        export = r.json();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theExportHoldsTheDefinitionAndEveryEventInOrder() {
        assertThat(export.get("format")).isEqualTo("attune-study-export");
        assertThat(export.get("version")).isEqualTo(1);
        assertThat(((Map<String, Object>) export.get("study")).get("id")).isEqualTo(study);
        assertThat(definition(export).get("space"))
                .isEqualTo(api.get("/api/v1/studies/" + study).get("space"));
        assertThat(definition(export).get("seed")).isEqualTo(5);
        List<Map<String, Object>> events = (List<Map<String, Object>>) export.get("events");
        List<Map<String, Object>> log = (List<Map<String, Object>>)
                api.get("/api/v1/studies/" + study + "/events?limit=1000").get("items");
        assertThat(events).hasSameSizeAs(log).isNotEmpty();
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).get("seq")).isEqualTo(i + 1);
            assertThat(events.get(i).get("type")).isEqualTo(log.get(i).get("type"));
            assertThat(events.get(i).get("payload")).isEqualTo(log.get(i).get("payload"));
        }
    }

    @Test
    void anImportIsANewStudyWithTheSameTrialsAboveTheBodyLimitOfOtherRequests() {
        String body = Api.json(export);
        assertThat(body.length()).isGreaterThan(2048); // over attune.max-request-bytes, under the import limit
        Api.Response r = api.postRaw("/api/v1/studies/import", body, "application/json");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String copy = r.string("id");
        assertThat(r.header("Location")).isEqualTo("/api/v1/studies/" + copy);
        assertThat(api.get("/api/v1/studies/" + copy + "/trials?limit=100").get("items"))
                .isEqualTo(api.get("/api/v1/studies/" + study + "/trials?limit=100")
                        .get("items"));
    }

    @Test
    void anExportOfAMissingStudyIs404() {
        Api.Response r = api.get("/api/v1/studies/nope/export");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.contentType()).startsWith("application/problem+json");
    }

    @Test
    void badImportsAnswer400NamingTheFieldAndStoreNothing() {
        List<String> failures = new ArrayList<>();
        bad(failures, "not JSON", "{\"format\": ", "body");
        bad(failures, "not an object", "[1, 2]", "body");
        bad(failures, "unknown top field", with(e -> e.put("extra", 1)), "extra");
        bad(failures, "wrong format", with(e -> e.put("format", "optuna")), "format");
        bad(failures, "wrong version", with(e -> e.put("version", 2)), "version");
        bad(failures, "no definition", with(e -> e.remove("definition")), "definition");
        bad(failures, "no events", with(e -> e.remove("events")), "events");
        bad(failures, "events not a list", with(e -> e.put("events", Map.of())), "events");
        bad(failures, "bad definition", with(e -> definition(e).put("method", "Nope")), "definition.method");
        bad(failures, "bad createdAt", with(e -> study(e).put("createdAt", "yesterday")), "study.createdAt");
        bad(failures, "event not an object", with(e -> events(e).set(0, 7)), "events[0]");
        bad(failures, "unknown event field", with(e -> event(e, 0).put("colour", "red")), "events[0].colour");
        bad(failures, "seq gap", with(e -> event(e, 1).put("seq", 9)), "events[1].seq");
        bad(failures, "seq missing", with(e -> event(e, 0).remove("seq")), "events[0].seq");
        bad(failures, "unknown type", with(e -> event(e, 0).put("type", "TRIAL_EXPLODED")), "events[0].type");
        bad(failures, "payload missing", with(e -> event(e, 0).remove("payload")), "events[0].payload");
        bad(failures, "config outside the space", with(e -> config(e).put("x", 99.0)), "events[0].payload.config.x");
        bad(failures, "config not an object", with(e -> payload(e, 0).put("config", "x")), "events[0].payload");
        bad(failures, "trial id gap", with(e -> event(e, 0).put("trialId", 5)), "events[0].trialId");
        bad(failures, "report on a missing trial", with(e -> event(e, 1).put("trialId", 7)), "events[1].trialId");
        bad(failures, "events after the end", with(e -> events(e).add(events(e).get(1))), "events[");
        bad(failures, "bad createdAt of an event", with(e -> event(e, 0).put("createdAt", 5)), "events[0].createdAt");
        bad(failures, "NUL in a payload", with(e -> payload(e, 1).put("reason", "a\0b")), "events[1].payload.reason");
        assertThat(failures).isEmpty();
    }

    @Test
    void anImportOverItsByteLimitIs413() {
        StringBuilder padding = new StringBuilder();
        while (padding.length() < 210_000) {
            padding.append("xxxxxxxxxx");
        }
        Map<String, Object> big = copy(export);
        definition(big).put("name", padding.toString());
        Api.Response r = api.postRaw("/api/v1/studies/import", Api.json(big), "application/json");
        assertThat(r.status()).isEqualTo(413);
    }

    private void bad(List<String> failures, String name, String body, String field) {
        long before = count();
        Api.Response r = api.postRaw("/api/v1/studies/import", body, "application/json");
        boolean named = r.status() == 400
                && r.contentType().startsWith("application/problem+json")
                && r.body().contains("\"field\":\"" + field);
        if (!named || count() != before) {
            failures.add(name + " -> " + r.status() + " " + r.body());
        }
    }

    private long count() {
        return jdbc.queryForObject("select count(*) from study", Long.class);
    }

    private String with(Consumer<Map<String, Object>> change) {
        Map<String, Object> e = copy(export);
        change.accept(e);
        return Api.json(e);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> copy(Map<String, Object> export) {
        return (Map<String, Object>) deepCopy(export);
    }

    private static Object deepCopy(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> c = new LinkedHashMap<>();
            m.forEach((k, x) -> c.put(String.valueOf(k), deepCopy(x)));
            return c;
        }
        if (v instanceof List<?> l) {
            List<Object> c = new ArrayList<>();
            l.forEach(x -> c.add(deepCopy(x)));
            return c;
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> definition(Map<String, Object> e) {
        return (Map<String, Object>) e.get("definition");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> study(Map<String, Object> e) {
        return (Map<String, Object>) e.get("study");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> events(Map<String, Object> e) {
        return (List<Object>) e.get("events");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> event(Map<String, Object> e, int i) {
        return (Map<String, Object>) events(e).get(i);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> payload(Map<String, Object> e, int i) {
        return (Map<String, Object>) event(e, i).get("payload");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> config(Map<String, Object> e) {
        return (Map<String, Object>) payload(e, 0).get("config");
    }

    static final String BOUNDARY = "attune-test-boundary";

    /** A multipart body with the given parts (name to text; null skips it). */
    static String multipart(String definition, String results) {
        StringBuilder b = new StringBuilder();
        if (definition != null) {
            b.append("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"definition\"\r\n"
                    + "Content-Type: application/json\r\n\r\n" + definition + "\r\n");
        }
        if (results != null) {
            b.append("--" + BOUNDARY
                    + "\r\nContent-Disposition: form-data; name=\"results\"; filename=\"results.csv\"\r\n"
                    + "Content-Type: text/csv\r\n\r\n" + results + "\r\n");
        }
        return b.append("--" + BOUNDARY + "--\r\n").toString();
    }

    Api.Response importResults(String definition, String results) {
        return api.postRaw(
                "/api/v1/studies/import", multipart(definition, results), "multipart/form-data; boundary=" + BOUNDARY);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSyneTuneResultsTableBecomesTheCompletedTrialsOfANewStudy() {
        // the server's own Syne Tune-format export: a row per report, config_* columns, st_status
        String csv = api.get("/api/v1/studies/" + study + "/export.csv").body();
        String definition = Api.json(StudyApiSuite.definition(8, Map.of("name", "from syne tune")));
        Api.Response r = importResults(definition, csv);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.string("name")).isEqualTo("from syne tune");
        String copy = r.string("id");
        List<Map<String, Object>> original =
                (List<Map<String, Object>>) api.get("/api/v1/studies/" + study + "/trials?status=COMPLETED&limit=100")
                        .get("items");
        List<Map<String, Object>> imported = (List<Map<String, Object>>)
                api.get("/api/v1/studies/" + copy + "/trials?limit=100").get("items");
        assertThat(imported).hasSize(3).allMatch(t -> "COMPLETED".equals(t.get("status")));
        assertThat(imported)
                .extracting(t -> t.get("config"))
                .isEqualTo(original.stream().map(t -> t.get("config")).toList());
        // each trial's result is its last row with the metric: the report at the last epoch
        for (int i = 0; i < 3; i++) {
            double expected =
                    StudyApiSuite.loss((Map<String, Object>) original.get(i).get("config"), 3);
            assertThat(((Number) ((Map<String, Object>) imported.get(i).get("metrics")).get("loss")).doubleValue())
                    .isEqualTo(expected);
        }
        assertThat(api.get("/api/v1/studies/" + copy + "/best").get("trial.metrics.loss"))
                .isNotNull();
    }

    @Test
    void aHandWrittenTableWithQuotesAndFailedTrialsImportsWhatCompleted() {
        String csv = "trial_id,config_x,config_lr,config_layers,config_act,loss,st_status\n"
                + "0,1.5,0.01,2,\"relu\",0.7,InProgress\n"
                + "0,1.5,0.01,2,relu,0.5,Completed\n"
                + "1,2.5,0.001,3,tanh,,Failed\n"
                + "2,-1,1e-4,1,tanh,3.25,Stopped\n";
        Api.Response r = importResults(Api.json(StudyApiSuite.definition(8, Map.of())), csv);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        Api.Response trials = api.get("/api/v1/studies/" + r.string("id") + "/trials?limit=100");
        assertThat(trials.get("items")).asList().hasSize(2);
        assertThat(trials.get("items.0.metrics.loss")).isEqualTo(0.5);
        assertThat(trials.get("items.1.config.layers")).isEqualTo(1);
        assertThat(trials.get("items.1.config.x")).isEqualTo(-1.0);
    }

    @Test
    void badResultTablesAnswer400NamingTheFieldAndStoreNothing() {
        String definition = Api.json(StudyApiSuite.definition(8, Map.of()));
        String header = "trial_id,config_x,config_lr,config_layers,config_act,loss\n";
        List<String> failures = new ArrayList<>();
        badTable(failures, "no definition", null, header, "definition");
        badTable(failures, "no results", definition, null, "results");
        badTable(failures, "definition not JSON", "{oops", header, "definition");
        badTable(failures, "bad definition", Api.json(Map.of("space", Map.of())), header, "definition.metrics");
        badTable(failures, "empty table", definition, "", "results");
        badTable(failures, "missing config column", definition, "trial_id,config_x,loss\n0,1,1\n", "results");
        badTable(
                failures,
                "value outside the space",
                definition,
                header + "0,99,0.01,2,relu,1\n",
                "results line 2.config_x");
        badTable(failures, "unknown category", definition, header + "0,1,0.01,2,gelu,1\n", "results line 2.config_act");
        badTable(failures, "metric not a number", definition, header + "0,1,0.01,2,relu,low\n", "results line 2.loss");
        badTable(failures, "no trial id", definition, header + ",1,0.01,2,relu,1\n", "results line 2.trial_id");
        badTable(failures, "unterminated quote", definition, header + "0,\"1,0.01,2,relu,1\n", "results line 2");
        assertThat(failures).isEmpty();
    }

    private void badTable(List<String> failures, String name, String definition, String csv, String field) {
        long before = count();
        Api.Response r = importResults(definition, csv);
        boolean named = r.status() == 400
                && r.contentType().startsWith("application/problem+json")
                && r.body().contains("\"field\":\"" + field);
        if (!named || count() != before) {
            failures.add(name + " -> " + r.status() + " " + r.body());
        }
    }
}
