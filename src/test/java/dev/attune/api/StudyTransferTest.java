package dev.attune.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.AttuneApplication;
import dev.attune.support.Api;
import dev.attune.support.PostgresSupport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A study moved between servers: exported from one on H2, imported into one on PostgreSQL, the copy must
 * propose exactly what the original proposes next (a seeded BO study with a running trial to fantasize,
 * and an ASHA study with stopped and running trials), and hold the same trials.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledIf("dev.attune.support.PostgresSupport#enabled")
class StudyTransferTest {
    ConfigurableApplicationContext h2;
    ConfigurableApplicationContext postgres;
    Api from;
    Api to;

    @BeforeAll
    void servers() {
        h2 = server(
                "--spring.datasource.url=jdbc:h2:mem:transfer;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
        postgres = server(
                "--spring.datasource.url=" + PostgresSupport.url(),
                "--spring.datasource.username=" + PostgresSupport.user(),
                "--spring.datasource.password=" + PostgresSupport.password());
        from = new Api(port(h2));
        to = new Api(port(postgres));
    }

    @AfterAll
    void stop() {
        if (h2 != null) {
            h2.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    static ConfigurableApplicationContext server(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--server.port=0";
        all[1] = "--spring.jmx.enabled=false";
        System.arraycopy(args, 0, all, 2, args.length);
        return new SpringApplicationBuilder(AttuneApplication.class).run(all);
    }

    static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    @Test
    void seededBayesianOptimizationContinuesWithTheSameSuggestion() {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("method", "BayesianOptimization");
        extra.put("options", Map.of("numInitRandom", 3));
        String study = from.createStudy(StudyApiSuite.definition(42, extra));
        for (int i = 0; i < 6; i++) {
            StudyApiSuite.runOne(from, study);
        }
        Map<String, Object> running = trialOf(ask(from, study, "w")); // a pending evaluation both must fantasize
        report(from, study, running, 1);

        String copy = importInto(to, export(from, study));

        assertThat(copy).isNotEqualTo(study);
        assertSameTrials(study, copy);
        for (int i = 0; i < 2; i++) {
            Map<String, Object> original = trialOf(ask(from, study, "w"));
            Map<String, Object> imported = trialOf(ask(to, copy, "w"));
            assertThat(imported.get("id")).isEqualTo(original.get("id"));
            assertThat(imported.get("config")).isEqualTo(original.get("config"));
        }
    }

    @Test
    void ashaContinuesWithTheSameSuggestionsAndDecisions() {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("method", "ASHA");
        extra.put("resource", Map.of("attr", "epoch", "maxAttr", "epochs"));
        extra.put("options", Map.of("reductionFactor", 2, "gracePeriod", 1));
        Map<String, Object> definition = StudyApiSuite.definition(9, extra);
        definition.put("space", withEpochs((Map<String, Object>) definition.get("space"), 4));
        String study = from.createStudy(definition);
        for (int i = 0; i < 8; i++) {
            Map<String, Object> trial = trialOf(ask(from, study, "w" + i));
            for (int epoch = 1; epoch <= (i % 3) + 1; epoch++) {
                if (!"CONTINUE".equals(report(from, study, trial, epoch))) {
                    break;
                }
            }
        }

        String copy = importInto(to, export(from, study));

        assertSameTrials(study, copy);
        Map<String, Object> original = trialOf(ask(from, study, "w"));
        Map<String, Object> imported = trialOf(ask(to, copy, "w"));
        assertThat(imported.get("id")).isEqualTo(original.get("id"));
        assertThat(imported.get("config")).isEqualTo(original.get("config"));
        // the schedulers agree on decisions too: the same report gets the same answer on both
        assertThat(report(to, copy, imported, 1)).isEqualTo(report(from, study, original, 1));
        assertThat(report(to, copy, imported, 2)).isEqualTo(report(from, study, original, 2));
    }

    @Test
    void anExportOfAnImportIsTheSameLog() {
        String study = from.createStudy(StudyApiSuite.definition(3, Map.of()));
        StudyApiSuite.runOne(from, study);
        String copy = importInto(to, export(from, study));
        Map<String, Object> first =
                from.get("/api/v1/studies/" + study + "/export").json();
        Map<String, Object> second =
                to.get("/api/v1/studies/" + copy + "/export").json();
        assertThat(eventsWithoutActor(second)).isEqualTo(eventsWithoutActor(first));
        assertThat(second.get("definition")).isEqualTo(first.get("definition"));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> eventsWithoutActor(Map<String, Object> export) {
        return ((List<Map<String, Object>>) export.get("events"))
                .stream()
                        .map(e -> {
                            Map<String, Object> copy = new LinkedHashMap<>(e);
                            copy.remove("actor");
                            return (Object) copy;
                        })
                        .toList();
    }

    static Map<String, Object> withEpochs(Map<String, Object> space, int epochs) {
        Map<String, Object> s = new LinkedHashMap<>(space);
        s.put("epochs", epochs);
        return s;
    }

    private void assertSameTrials(String study, String copy) {
        Api.Response a = from.get("/api/v1/studies/" + study + "/trials?limit=1000");
        Api.Response b = to.get("/api/v1/studies/" + copy + "/trials?limit=1000");
        assertThat(summary(b)).isEqualTo(summary(a)).isNotEmpty();
        assertThat(to.get("/api/v1/studies/" + copy).get("trialCounts"))
                .isEqualTo(from.get("/api/v1/studies/" + study).get("trialCounts"));
    }

    @SuppressWarnings("unchecked")
    private static List<List<Object>> summary(Api.Response trials) {
        return ((List<Map<String, Object>>) trials.get("items"))
                .stream()
                        .map(t -> List.of(
                                t.get("id"), t.get("status"), t.get("config"), String.valueOf(t.get("metrics"))))
                        .toList();
    }

    static String export(Api api, String study) {
        Api.Response r = api.get("/api/v1/studies/" + study + "/export");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    static String importInto(Api api, String export) {
        Api.Response r = api.postRaw("/api/v1/studies/import", export, "application/json");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.string("id");
    }

    static Api.Response ask(Api api, String study, String worker) {
        Api.Response r = api.post("/api/v1/studies/" + study + "/ask", Map.of("workerId", worker));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> trialOf(Api.Response ask) {
        assertThat(ask.string("status")).as(ask.body()).isEqualTo("RUN");
        return (Map<String, Object>) ask.get("trial");
    }

    @SuppressWarnings("unchecked")
    static String report(Api api, String study, Map<String, Object> trial, int epoch) {
        Map<String, Object> config = (Map<String, Object>) trial.get("config");
        Api.Response r = api.post(
                "/api/v1/studies/" + study + "/trials/" + trial.get("id") + "/reports",
                Map.of("metrics", Map.of("loss", StudyApiSuite.loss(config, epoch), "epoch", epoch), "step", epoch));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.string("decision");
    }
}
