package dev.attune.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.AttuneApplication;
import dev.attune.service.ProjectionReplay;
import dev.attune.support.Api;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * The ask/tell contract over real HTTP, run once per database (H2 and PostgreSQL) by the subclasses.
 * Each test makes its own studies, so the suite tolerates a database that already has rows.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class StudyApiSuite {
    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Autowired
    Environment env;

    Api api;

    @BeforeEach
    void client() {
        api = new Api(port);
    }

    static Map<String, Object> definition(long seed, Map<String, Object> extra) {
        Map<String, Object> space = new LinkedHashMap<>();
        space.put("x", Map.of("type", "uniform", "lower", -5, "upper", 10));
        space.put("lr", Map.of("type", "loguniform", "lower", 1e-5, "upper", 1e-1));
        space.put("layers", Map.of("type", "randint", "lower", 1, "upper", 4));
        space.put("act", Map.of("type", "choice", "categories", List.of("relu", "tanh")));
        space.put("epochs", 3);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", "suite");
        d.put("space", space);
        d.put("metrics", List.of(Map.of("name", "loss", "mode", "min")));
        d.put("seed", seed);
        d.putAll(extra);
        return d;
    }

    static double loss(Map<String, Object> config, int epoch) {
        double x = ((Number) config.get("x")).doubleValue();
        return (x - 1) * (x - 1) + 1.0 / epoch;
    }

    /** Runs one trial to its end on {@code client}: ask, a report per epoch, complete. Returns its config. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> runOne(Api client, String study) {
        Api.Response ask = client.post("/api/v1/studies/" + study + "/ask", Map.of("workerId", "test"));
        assertThat(ask.status()).as(ask.body()).isEqualTo(200);
        assertThat(ask.string("status")).as(ask.body()).isEqualTo("RUN");
        Map<String, Object> trial = (Map<String, Object>) ask.get("trial");
        Map<String, Object> config = (Map<String, Object>) trial.get("config");
        long id = ((Number) trial.get("id")).longValue();
        for (int epoch = 1; epoch <= 3; epoch++) {
            Api.Response r = client.post(
                    "/api/v1/studies/" + study + "/trials/" + id + "/reports",
                    Map.of("metrics", Map.of("loss", loss(config, epoch)), "step", epoch));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.string("decision")).isEqualTo("CONTINUE");
        }
        assertThat(client.post("/api/v1/studies/" + study + "/trials/" + id + "/complete", Map.of())
                        .status())
                .isEqualTo(200);
        return config;
    }

    @Test
    void fullAskTellLoop() {
        String study = api.createStudy(definition(11, Map.of("stoppingCriterion", Map.of("maxNumTrialsStarted", 5))));
        List<Map<String, Object>> configs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            configs.add(runOne(api, study));
        }
        assertThat(configs.getFirst())
                .containsEntry("x", 2.5)
                .containsEntry("layers", 2)
                .containsEntry("act", "relu")
                .containsEntry("epochs", 3);
        Api.Response sixth = api.post("/api/v1/studies/" + study + "/ask", null);
        assertThat(sixth.string("status")).isEqualTo("DONE");
        assertThat(sixth.string("reason")).contains("maxNumTrialsStarted");

        Api.Response s = api.get("/api/v1/studies/" + study);
        assertThat(s.string("status")).isEqualTo("DONE");
        assertThat(((Number) s.get("trialCounts.COMPLETED")).intValue()).isEqualTo(5);

        double bestLoss = configs.stream().mapToDouble(c -> loss(c, 3)).min().orElseThrow();
        Api.Response best = api.get("/api/v1/studies/" + study + "/best");
        assertThat(((Number) best.get("trial.metrics.loss")).doubleValue()).isEqualTo(bestLoss);

        Api.Response one = api.get("/api/v1/studies/" + study + "/trials/2");
        assertThat((List<?>) one.get("reports")).hasSize(3);
        assertThat(((Number) one.get("reports.2.step")).intValue()).isEqualTo(3);

        Set<Object> ids = new HashSet<>();
        String token = null;
        int pages = 0;
        do {
            Api.Response page = api.get(
                    "/api/v1/studies/" + study + "/trials?limit=2" + (token == null ? "" : "&pageToken=" + token));
            ((List<Map<String, Object>>) page.get("items")).forEach(t -> ids.add(t.get("id")));
            token = (String) page.json().get("nextPageToken");
            pages++;
        } while (token != null);
        assertThat(ids).hasSize(5);
        assertThat(pages).isEqualTo(3);
        assertThat(api.get("/api/v1/studies/" + study + "/trials?status=COMPLETED&limit=10")
                        .get("items"))
                .asList()
                .hasSize(5);
    }

    /**
     * A second server on the same database picks the study up from its event log, and the first one
     * catches up after the second wrote: the configs equal those of an uninterrupted twin study.
     */
    @Test
    void restartMidStudyContinuesAsAnUninterruptedStudyWould() {
        List<Map<String, Object>> a = runInterruptedAndCompareWithTwin(definition(77, Map.of()), 4, 4, 3);
        assertThat(new HashSet<>(a)).hasSize(11);
    }

    /**
     * Runs {@code before} trials on this server, {@code during} on a second one, {@code after} back here,
     * asserts the configs equal those of a twin study run here without interruption, and returns them.
     */
    List<Map<String, Object>> runInterruptedAndCompareWithTwin(
            Map<String, Object> definition, int before, int during, int after) {
        String interrupted = api.createStudy(definition);
        String twin = api.createStudy(definition);
        List<Map<String, Object>> a = new ArrayList<>();
        for (int i = 0; i < before; i++) {
            a.add(runOne(api, interrupted));
        }
        try (ConfigurableApplicationContext second = startSecondServer()) {
            Api other = new Api(Integer.parseInt(second.getEnvironment().getProperty("local.server.port")));
            for (int i = 0; i < during; i++) {
                a.add(runOne(other, interrupted));
            }
        }
        for (int i = 0; i < after; i++) {
            a.add(runOne(api, interrupted));
        }
        List<Map<String, Object>> b = new ArrayList<>();
        for (int i = 0; i < before + during + after; i++) {
            b.add(runOne(api, twin));
        }
        assertThat(a).isEqualTo(b);
        return a;
    }

    /**
     * A GP study moved to another server mid-way proposes exactly what an uninterrupted twin does: the
     * hyperparameters travel in the event log, and fits made outside the lock are the ones made inside.
     */
    @Test
    void bayesianOptimizationContinuesOnAnotherServerAsAnUninterruptedStudyWould() {
        List<Map<String, Object>> a =
                runInterruptedAndCompareWithTwin(definition(78, Map.of("method", "BayesianOptimization")), 6, 4, 3);
        double bestX = a.stream()
                .mapToDouble(c -> ((Number) c.get("x")).doubleValue())
                .map(x -> Math.abs(x - 1))
                .min()
                .orElseThrow();
        assertThat(bestX).as("the GP homes in on x = 1").isLessThan(0.5);
    }

    ConfigurableApplicationContext startSecondServer() {
        return new SpringApplicationBuilder(AttuneApplication.class)
                .run(
                        "--server.port=0",
                        "--spring.datasource.url=" + env.getProperty("spring.datasource.url"),
                        "--spring.datasource.username=" + env.getProperty("spring.datasource.username"),
                        "--spring.datasource.password=" + env.getProperty("spring.datasource.password", ""),
                        "--spring.jmx.enabled=false");
    }

    @Test
    @SuppressWarnings("unchecked")
    void sixteenConcurrentAskersGetDistinctIdsAndNeverExceedTheLimit() throws Exception {
        int trials = 48;
        int limit = 4;
        String study = api.createStudy(definition(
                5, Map.of("maxConcurrentTrials", limit, "stoppingCriterion", Map.of("maxNumTrialsStarted", trials))));
        Set<Long> ids = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < 16; c++) {
            clients.add(pool.submit(() -> {
                Api client = new Api(port);
                for (int attempt = 0; attempt < 2000; attempt++) {
                    Api.Response ask = client.post("/api/v1/studies/" + study + "/ask", null);
                    assertThat(ask.status()).as(ask.body()).isEqualTo(200);
                    String status = ask.string("status");
                    if (status.equals("DONE")) {
                        return null;
                    }
                    if (status.equals("WAIT")) {
                        Thread.sleep(5);
                        continue;
                    }
                    long id = ((Number) ask.get("trial.id")).longValue();
                    if (!ids.add(id)) {
                        duplicates.incrementAndGet();
                    }
                    client.post(
                            "/api/v1/studies/" + study + "/trials/" + id + "/reports",
                            Map.of("metrics", Map.of("loss", 1.0 * id)));
                    assertThat(client.post("/api/v1/studies/" + study + "/trials/" + id + "/complete", null)
                                    .status())
                            .isEqualTo(200);
                }
                throw new AssertionError("client never saw DONE");
            }));
        }
        for (Future<?> f : clients) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(duplicates.get()).isZero();
        Set<Long> expected = new HashSet<>();
        for (long i = 0; i < trials; i++) {
            expected.add(i);
        }
        assertThat(ids).isEqualTo(expected);

        // The log is the truth: fold it and check the limit held after every event.
        List<Map<String, Object>> events = (List<Map<String, Object>>)
                api.get("/api/v1/studies/" + study + "/events?limit=1000").get("items");
        int running = 0;
        int maxRunning = 0;
        for (Map<String, Object> e : events) {
            switch ((String) e.get("type")) {
                case "TRIAL_ADDED" -> running++;
                case "TRIAL_COMPLETED" -> running--;
                default -> {}
            }
            maxRunning = Math.max(maxRunning, running);
        }
        assertThat(maxRunning).isEqualTo(limit);
        assertThat(running).isZero();
        assertThat(api.get("/api/v1/studies/" + study).string("status")).isEqualTo("DONE");
    }

    @Test
    void aRetriedReportGetsTheSameDecisionAndAConflictingOneIsRefused() {
        String study = api.createStudy(definition(1, Map.of()));
        api.post("/api/v1/studies/" + study + "/ask", null);
        String path = "/api/v1/studies/" + study + "/trials/0/reports";
        Api.Response first = api.post(path, Map.of("metrics", Map.of("loss", 0.5), "step", 1));
        Api.Response retry = api.post(path, Map.of("metrics", Map.of("loss", 0.5), "step", 1));
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.json()).isEqualTo(first.json());
        Api.Response conflict = api.post(path, Map.of("metrics", Map.of("loss", 0.7), "step", 1));
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.string("type")).endsWith("/report-conflict");
        assertThat((List<?>) api.get("/api/v1/studies/" + study + "/trials/0").get("reports"))
                .hasSize(1);
    }

    /** The answer without its timestamps, which the database may store at a coarser precision. */
    @SuppressWarnings("unchecked")
    static Object untimed(Object json) {
        if (json instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<String, Object>) m).forEach((k, v) -> {
                if (!k.endsWith("At")) {
                    out.put(k, untimed(v));
                }
            });
            return out;
        }
        if (json instanceof List<?> l) {
            return l.stream().map(StudyApiSuite::untimed).toList();
        }
        return json;
    }

    /**
     * An ask retried with its Idempotency-Key (its answer was lost) gets the trial it handed out, on this
     * replica and on another one, and records nothing; the key from another worker, or of a trial that no
     * longer runs, is refused. A retried completion or failure answers the trial as stored.
     */
    @Test
    void aRetriedAskWithItsIdempotencyKeyAnswersTheSameTrialOnAnyReplica() {
        String study = api.createStudy(definition(11, Map.of("maxRetries", 1)));
        String ask = "/api/v1/studies/" + study + "/ask";
        Map<String, String> key = Map.of("Idempotency-Key", "ask-1");
        Api.Response first = api.post(ask, Map.of("workerId", "w"), key);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.header("Idempotent-Replayed")).isNull();
        long seq = lastSeq(study);
        Api.Response retry = api.post(ask, Map.of("workerId", "w"), key);
        assertThat(retry.status()).as(retry.body()).isEqualTo(200);
        assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(untimed(retry.json())).isEqualTo(untimed(first.json()));
        try (ConfigurableApplicationContext second = startSecondServer()) {
            Api other = new Api(Integer.parseInt(second.getEnvironment().getProperty("local.server.port")));
            Api.Response there = other.post(ask, Map.of("workerId", "w"), key);
            assertThat(there.header("Idempotent-Replayed")).isEqualTo("true");
            assertThat(untimed(there.json())).isEqualTo(untimed(first.json()));
        }
        assertThat(lastSeq(study)).as("the retries recorded nothing").isEqualTo(seq);
        assertThat(api.get("/api/v1/studies/" + study + "/events").string("items.0.payload.idempotencyKey"))
                .as("the key is stored with the hand-out")
                .isEqualTo("ask-1");
        assertThat((List<?>) api.get("/api/v1/studies/" + study + "/trials").get("items"))
                .hasSize(1);

        Api.Response stranger = api.post(ask, Map.of("workerId", "v"), key);
        assertThat(stranger.status()).isEqualTo(422);
        assertThat(stranger.contentType()).startsWith("application/problem+json");
        assertThat(stranger.string("errors")).contains("Idempotency-Key");

        Api.Response batch = api.post(ask, Map.of("workerId", "w", "count", 2), Map.of("Idempotency-Key", "b"));
        Api.Response batchAgain = api.post(ask, Map.of("workerId", "w", "count", 2), Map.of("Idempotency-Key", "b"));
        assertThat(batchAgain.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(untimed(batchAgain.json())).isEqualTo(untimed(batch.json()));
        assertThat((List<?>) batch.get("trials")).hasSize(2);

        String trial = "/api/v1/studies/" + study + "/trials/";
        Api.Response done = api.post(trial + "0/complete", Map.of("metrics", Map.of("loss", 0.25)));
        assertThat(done.status()).isEqualTo(200);
        seq = lastSeq(study);
        Api.Response doneAgain = api.post(trial + "0/complete", Map.of("metrics", Map.of("loss", 0.25)));
        assertThat(doneAgain.status()).as(doneAgain.body()).isEqualTo(200);
        assertThat(untimed(doneAgain.json())).isEqualTo(untimed(done.json()));
        assertThat(doneAgain.string("status")).isEqualTo("COMPLETED");
        assertThat(api.post(trial + "0/complete", Map.of("metrics", Map.of("loss", 0.5)))
                        .status())
                .isEqualTo(409);
        Api.Response ended = api.post(ask, Map.of("workerId", "w"), key);
        assertThat(ended.status()).isEqualTo(409);
        assertThat(ended.string("type")).endsWith("/idempotency-key-trial-ended");
        assertThat(ended.string("currentStatus")).isEqualTo("COMPLETED");

        Api.Response failed = api.post(trial + "1/fail", Map.of("reason", "oom"));
        assertThat(failed.string("status")).isEqualTo("FAILED");
        long afterFail = lastSeq(study);
        Api.Response failedAgain = api.post(trial + "1/fail", Map.of("reason", "oom"));
        assertThat(failedAgain.status()).as(failedAgain.body()).isEqualTo(200);
        assertThat(untimed(failedAgain.json())).isEqualTo(untimed(failed.json()));
        assertThat(api.post(trial + "1/fail", Map.of("reason", "segfault")).status())
                .isEqualTo(409);
        assertThat(lastSeq(study))
                .as("a retried failure adds no second retry trial")
                .isEqualTo(afterFail);
        assertThat(afterFail).isGreaterThan(seq);
    }

    /** The study's last event's sequence number (its log is short here). */
    long lastSeq(String study) {
        return ((List<?>) api.get("/api/v1/studies/" + study + "/events").get("items")).size();
    }

    @Test
    void illegalTransitionsNameTheCurrentStatus() {
        String study = api.createStudy(definition(2, Map.of()));
        api.post("/api/v1/studies/" + study + "/ask", null);
        String trial = "/api/v1/studies/" + study + "/trials/0";
        assertThat(api.post(trial + "/complete", Map.of("metrics", Map.of("loss", 1.0)))
                        .status())
                .isEqualTo(200);
        Api.Response again = api.post(trial + "/complete", null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.string("type")).endsWith("/trial-already-finished");
        Api.Response report = api.post(trial + "/reports", Map.of("metrics", Map.of("loss", 1.0)));
        assertThat(report.status()).isEqualTo(409);
        assertThat(report.contentType()).startsWith("application/problem+json");
        assertThat(report.string("currentStatus")).isEqualTo("COMPLETED");
        assertThat(report.string("type")).endsWith("/illegal-transition");
        assertThat(api.post(trial + "/fail", Map.of("reason", "late")).status()).isEqualTo(409);
        assertThat(api.post(trial + "/heartbeat", null).status()).isEqualTo(409);
    }

    @Test
    void clientTrialsAreCompletedOrHandedOutFirst() {
        String study = api.createStudy(definition(3, Map.of("pointsToEvaluate", List.of())));
        Map<String, Object> config = Map.of("x", 1.0, "lr", 0.01, "layers", 2, "act", "tanh");
        Api.Response done = api.post(
                "/api/v1/studies/" + study + "/trials", Map.of("config", config, "metrics", Map.of("loss", 0.25)));
        assertThat(done.status()).isEqualTo(201);
        assertThat(done.string("status")).isEqualTo("COMPLETED");
        assertThat(done.get("config")).isEqualTo(Map.of("x", 1.0, "lr", 0.01, "layers", 2, "act", "tanh", "epochs", 3));
        Api.Response pending = api.post(
                "/api/v1/studies/" + study + "/trials",
                Map.of("config", Map.of("x", 2.0, "lr", 0.001, "layers", 1, "act", "relu")));
        assertThat(pending.string("status")).isEqualTo("PENDING");
        Api.Response ask = api.post("/api/v1/studies/" + study + "/ask", null);
        assertThat(ask.string("status")).as(ask.body()).isEqualTo("RUN");
        assertThat(((Number) ask.get("trial.id")).intValue()).isEqualTo(1);
        assertThat(ask.get("trial.config.x")).isEqualTo(2.0);
        assertThat(((Number) api.post("/api/v1/studies/" + study + "/ask", null).get("trial.id")).intValue())
                .isEqualTo(2);
        assertThat(api.get("/api/v1/studies/" + study + "/best").get("trial.id"))
                .isEqualTo(0);
    }

    @Test
    void stoppingAStudyWithStopRunningTrialsFalseLetsRunningTrialsFinish() {
        String study = api.createStudy(definition(4, Map.of()));
        api.post("/api/v1/studies/" + study + "/ask", null);
        Api.Response stopped = api.post("/api/v1/studies/" + study + "/stop", Map.of("stopRunningTrials", false));
        assertThat(stopped.string("status")).isEqualTo("STOPPING");
        assertThat(api.post("/api/v1/studies/" + study + "/ask", null).string("status"))
                .isEqualTo("DONE");
        assertThat(api.post("/api/v1/studies/" + study + "/trials/0/reports", Map.of("metrics", Map.of("loss", 2.0)))
                        .string("decision"))
                .isEqualTo("CONTINUE");
        api.post("/api/v1/studies/" + study + "/trials/0/complete", null);
        assertThat(api.get("/api/v1/studies/" + study).string("status")).isEqualTo("DONE");
        assertThat(api.post("/api/v1/studies/" + study + "/stop", null).status())
                .isEqualTo(200);
    }

    @Test
    void anExhaustedFiniteSpaceAnswersDone() {
        Map<String, Object> d = definition(6, Map.of());
        d.put(
                "space",
                Map.of(
                        "c",
                        Map.of("type", "choice", "categories", List.of("a", "b")),
                        "n",
                        Map.of("type", "randint", "lower", 0, "upper", 1)));
        String study = api.createStudy(d);
        Set<Object> seen = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            Api.Response r = api.post("/api/v1/studies/" + study + "/ask", null);
            assertThat(r.string("status")).isEqualTo("RUN");
            seen.add(r.get("trial.config"));
            api.post("/api/v1/studies/" + study + "/trials/" + i + "/complete", Map.of("metrics", Map.of("loss", i)));
        }
        assertThat(seen).hasSize(4);
        assertThat(api.post("/api/v1/studies/" + study + "/ask", null).string("status"))
                .isEqualTo("DONE");
        assertThat(api.get("/api/v1/studies/" + study).string("status")).isEqualTo("DONE");
    }

    @Test
    void completionLimitsAreExact() {
        String study = api.createStudy(definition(
                8,
                Map.of(
                        "maxConcurrentTrials",
                        3,
                        "maxFailures",
                        2,
                        "stoppingCriterion",
                        Map.of("maxNumTrialsCompleted", 2))));
        for (int i = 0; i < 2; i++) {
            assertThat(api.post("/api/v1/studies/" + study + "/ask", null).string("status"))
                    .isEqualTo("RUN");
        }
        // Two running trials may still complete 2: a third would not count, so the ask waits.
        assertThat(api.post("/api/v1/studies/" + study + "/ask", null).string("status"))
                .isEqualTo("WAIT");
        api.post("/api/v1/studies/" + study + "/trials/0/fail", Map.of("reason", "oom"));
        assertThat(api.post("/api/v1/studies/" + study + "/ask", null).string("status"))
                .isEqualTo("RUN");
        api.post("/api/v1/studies/" + study + "/trials/1/complete", Map.of("metrics", Map.of("loss", 1)));
        api.post("/api/v1/studies/" + study + "/trials/2/complete", Map.of("metrics", Map.of("loss", 2)));
        assertThat(api.post("/api/v1/studies/" + study + "/ask", null).string("status"))
                .isEqualTo("DONE");
    }

    @Test
    void metricThresholdAndEvaluationCountStopTheStudy() {
        String byMetric = api.createStudy(
                definition(9, Map.of("stoppingCriterion", Map.of("minMetricValue", Map.of("loss", 0.1)))));
        api.post("/api/v1/studies/" + byMetric + "/ask", null);
        api.post("/api/v1/studies/" + byMetric + "/trials/0/reports", Map.of("metrics", Map.of("loss", 0.05)));
        assertThat(api.get("/api/v1/studies/" + byMetric).string("statusReason"))
                .contains("minMetricValue");
        assertThat(api.post("/api/v1/studies/" + byMetric + "/ask", null).string("status"))
                .isEqualTo("DONE");

        String byCount = api.createStudy(definition(9, Map.of("stoppingCriterion", Map.of("maxNumEvaluations", 3))));
        api.post("/api/v1/studies/" + byCount + "/ask", null);
        for (int i = 1; i <= 3; i++) {
            api.post(
                    "/api/v1/studies/" + byCount + "/trials/0/reports",
                    Map.of("metrics", Map.of("loss", 1.0 / i), "step", i));
        }
        assertThat(api.post("/api/v1/studies/" + byCount + "/ask", null).string("status"))
                .isEqualTo("DONE");
    }

    @Test
    void deletedStudiesAreGone() {
        String study = api.createStudy(definition(10, Map.of()));
        api.post("/api/v1/studies/" + study + "/ask", null);
        assertThat(api.delete("/api/v1/studies/" + study).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/studies/" + study).status()).isEqualTo(404);
        assertThat(api.post("/api/v1/studies/" + study + "/ask", null).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/studies/" + study + "/trials/0").status()).isEqualTo(404);
    }

    @Test
    void metricsAreExported() {
        String study = api.createStudy(definition(12, Map.of()));
        runOne(api, study);
        String prometheus = api.get("/actuator/prometheus").body();
        assertThat(prometheus)
                .contains("attune_asks_total{result=\"RUN\"}")
                .contains("attune_reports_total{decision=\"CONTINUE\"}")
                .contains("attune_trials{status=\"COMPLETED\"}")
                .contains("http_server_requests_seconds_count");
    }

    @Test
    void promotionPausesResumesAndStopsOverHttp() {
        Map<String, Object> d = definition(
                21,
                Map.of(
                        "method", "ASHA",
                        "options", Map.of("type", "promotion"),
                        "resource", Map.of("attr", "epoch", "maxAttr", "epochs"),
                        "pointsToEvaluate", List.of()));
        String study = api.createStudy(d);
        String base = "/api/v1/studies/" + study;
        for (int i = 0; i < 2; i++) {
            Api.Response ask = api.post(base + "/ask", null);
            assertThat(ask.get("trial.config.epochs"))
                    .as("first target: the first rung")
                    .isEqualTo(1);
        }
        assertThat(api.post(base + "/trials/0/reports", Map.of("metrics", Map.of("epoch", 1, "loss", 0.2)))
                        .string("decision"))
                .isEqualTo("PAUSE");
        Api.Response paused = api.post(base + "/trials/1/reports", Map.of("metrics", Map.of("epoch", 1, "loss", 0.9)));
        assertThat(paused.string("decision")).isEqualTo("PAUSE");
        assertThat(paused.string("reason")).contains("rung 1");
        assertThat(api.get(base + "/trials/0").string("status")).isEqualTo("PAUSED");
        assertThat(api.post(base + "/trials/0/heartbeat", null).string("decision"))
                .isEqualTo("PAUSE");
        Api.Response resumed = api.post(base + "/ask", null);
        assertThat(resumed.get("trial.id")).isEqualTo(0);
        assertThat(resumed.get("trial.resumed")).isEqualTo(true);
        assertThat(resumed.get("trial.config.epochs")).isEqualTo(3);
        assertThat(api.post(base + "/trials/0/reports", Map.of("metrics", Map.of("epoch", 2, "loss", 0.15)))
                        .string("decision"))
                .isEqualTo("CONTINUE");
        assertThat(api.post(base + "/trials/0/reports", Map.of("metrics", Map.of("epoch", 3, "loss", 0.1)))
                        .string("decision"))
                .isEqualTo("STOP"); // level 3 is the maximum (epochs: 3)
        // A multi-fidelity report must carry the resource level.
        Api.Response noLevel = api.post(base + "/trials/1/reports", Map.of("metrics", Map.of("loss", 0.1)));
        assertThat(noLevel.status()).isEqualTo(400);
        assertThat(noLevel.body()).contains("metrics.epoch");

        String stopping = api.createStudy(definition(
                22,
                Map.of(
                        "method",
                        "ASHA",
                        "resource",
                        Map.of("attr", "epoch", "maxAttr", "epochs"),
                        "pointsToEvaluate",
                        List.of())));
        String sb = "/api/v1/studies/" + stopping;
        api.post(sb + "/ask", null);
        api.post(sb + "/ask", null);
        api.post(sb + "/trials/0/reports", Map.of("metrics", Map.of("epoch", 1, "loss", 0.1)));
        Api.Response stop = api.post(sb + "/trials/1/reports", Map.of("metrics", Map.of("epoch", 1, "loss", 0.9)));
        assertThat(stop.string("decision")).isEqualTo("STOP");
        assertThat(api.post(sb + "/trials/1/heartbeat", null).string("decision"))
                .isEqualTo("STOP");
        // The same report again is a retry and gets the same answer; a later one is refused.
        assertThat(api.post(sb + "/trials/1/reports", Map.of("metrics", Map.of("epoch", 1, "loss", 0.9)))
                        .string("decision"))
                .isEqualTo("STOP");
        Api.Response late = api.post(sb + "/trials/1/reports", Map.of("metrics", Map.of("epoch", 2, "loss", 0.8)));
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.string("currentStatus")).isEqualTo("STOPPED");
    }

    /** Every scheduler × searcher combination that is not refused, as the contract suite lists them. */
    static Stream<String> combinations() {
        return dev.attune.study.SearcherCombinations.ALL.stream();
    }

    /**
     * A study of each scheduler × searcher combination runs to its trial budget over HTTP: every config is
     * in the space, every decision is one the scheduler can make, and the study ends DONE.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("combinations")
    @SuppressWarnings("unchecked")
    void everySchedulerSearcherCombinationRunsToItsBudget(String combination) {
        String method = combination.substring(0, combination.indexOf('+'));
        String searcher = combination.substring(combination.indexOf('+') + 1);
        Map<String, Object> searchOptions = new LinkedHashMap<>();
        switch (searcher) {
            case "bayesopt_constrained" -> searchOptions.put("constraintMetric", "c");
            case "bayesopt_cost" -> searchOptions.put("costMetric", "cost");
            case "rea" -> searchOptions.put("populationSize", 3);
            case "kde" -> searchOptions.put("numMinDataPoints", 3);
            default -> {}
        }
        if (searcher.startsWith("bayesopt")) {
            searchOptions.put("numInitCandidates", 30);
            searchOptions.put("optMaxiter", 10);
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("method", method);
        extra.put("options", Map.of("searcher", searcher, "searchOptions", searchOptions));
        extra.put("stoppingCriterion", Map.of("maxNumTrialsStarted", 12));
        boolean multiFidelity = !method.equals("FIFO");
        if (multiFidelity) {
            extra.put("resource", Map.of("attr", "epoch", "maxAttr", "epochs"));
        }
        String study = api.createStudy(definition(31, extra));
        String base = "/api/v1/studies/" + study;
        Set<String> decisions = new HashSet<>();
        int started = 0;
        while (true) {
            Api.Response ask = api.post(base + "/ask", Map.of("workerId", "combo"));
            assertThat(ask.status()).as(ask.body()).isEqualTo(200);
            if (!ask.string("status").equals("RUN")) {
                assertThat(ask.string("status")).as(ask.body()).isEqualTo("DONE");
                assertThat(ask.string("reason")).contains("maxNumTrialsStarted");
                break;
            }
            started++;
            Map<String, Object> config = (Map<String, Object>) ask.get("trial.config");
            assertThat(((Number) config.get("x")).doubleValue()).isBetween(-5.0, 10.0);
            assertThat(((Number) config.get("lr")).doubleValue()).isBetween(1e-5, 1e-1);
            assertThat(((Number) config.get("layers")).intValue()).isBetween(1, 4);
            assertThat(config.get("act")).isIn("relu", "tanh");
            long id = ((Number) ask.get("trial.id")).longValue();
            String decision = "CONTINUE";
            for (int epoch = 1; epoch <= 3 && decision.equals("CONTINUE"); epoch++) {
                Map<String, Object> metrics = new LinkedHashMap<>();
                metrics.put("loss", loss(config, epoch));
                metrics.put("epoch", epoch);
                metrics.put("c", ((Number) config.get("x")).doubleValue() - 2);
                metrics.put("cost", epoch * (1 + ((Number) config.get("layers")).doubleValue()));
                Api.Response r =
                        api.post(base + "/trials/" + id + "/reports", Map.of("metrics", metrics, "step", epoch));
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                decision = r.string("decision");
                decisions.add(decision);
            }
            if (decision.equals("CONTINUE")) {
                assertThat(api.post(base + "/trials/" + id + "/complete", Map.of())
                                .status())
                        .isEqualTo(200);
            }
        }
        assertThat(started).isEqualTo(12);
        assertThat(decisions).isSubsetOf("CONTINUE", "STOP");
        if (method.equals("ASHA") || method.equals("Hyperband")) {
            assertThat(decisions).as("ASHA stops trials below a rung's cutoff").contains("STOP");
        }
        Api.Response s = api.get(base);
        assertThat(s.string("status")).isEqualTo("DONE");
        assertThat(s.string("options.searcher")).isEqualTo(searcher);
    }

    @Test
    @SuppressWarnings("unchecked")
    void methodsListTheSearcherOption() {
        List<Map<String, Object>> methods =
                (List<Map<String, Object>>) api.get("/api/v1/methods").get("items");
        for (String name : List.of("FIFO", "ASHA", "Hyperband", "MedianStoppingRule")) {
            Map<String, Object> method = methods.stream()
                    .filter(m -> m.get("name").equals(name))
                    .findFirst()
                    .orElseThrow();
            List<Map<String, Object>> options = (List<Map<String, Object>>) method.get("options");
            Map<String, Object> searcher = options.stream()
                    .filter(o -> o.get("name").equals("searcher"))
                    .findFirst()
                    .orElseThrow();
            assertThat(searcher.get("defaultValue")).as(name).isEqualTo("random");
            assertThat((List<String>) searcher.get("allowed"))
                    .as(name)
                    .contains(
                            "random",
                            "grid",
                            "bayesopt",
                            "kde",
                            "bore",
                            "cqr",
                            "rea",
                            "bayesopt_constrained",
                            "bayesopt_cost");
            assertThat(options).as(name).anyMatch(o -> o.get("name").equals("searchOptions"));
        }
    }

    /**
     * Runs after the suite's other tests: every study they left, replayed from its log through the
     * projection into an empty study, has exactly the rows written live (ADR 0001: the rows are a
     * projection of the events).
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void everyStudysRowsAreAProjectionOfItsLog() {
        ProjectionReplay replay = new ProjectionReplay(context);
        List<String> ids = replay.studiesWithEvents();
        assertThat(ids).as("the suite's studies").hasSizeGreaterThan(5);
        int trials = 0;
        int reports = 0;
        for (String id : ids) {
            Map<String, ProjectionReplay.Rows> rows = replay.replay(id, "r" + id);
            ProjectionReplay.Rows live = rows.get("live");
            assertThat(rows.get("replayed")).as("study %s", id).isEqualTo(live);
            trials += live.trials().size();
            reports += live.reports().size();
        }
        assertThat(trials).isPositive();
        assertThat(reports).isPositive();
    }

    @Test
    @SuppressWarnings("unchecked")
    void paretoAndHypervolumeOfATwoMetricStudy() {
        String study = api.createStudy(definition(
                21,
                Map.of(
                        "pointsToEvaluate",
                        List.of(),
                        "method",
                        "MOASHA",
                        "resource",
                        Map.of("attr", "epoch", "maxAttr", "epochs"),
                        "metrics",
                        List.of(Map.of("name", "loss", "mode", "min"), Map.of("name", "acc", "mode", "max")))));
        String base = "/api/v1/studies/" + study;
        java.util.Random random = new java.util.Random(21);
        for (int i = 0; i < 25; i++) {
            Map<String, Object> config = Map.of("x", random.nextDouble(), "lr", 0.01, "layers", 2, "act", "relu");
            // Integer values so that the hypervolume can be counted cell by cell below; ties on purpose.
            Map<String, Object> metrics = Map.of("loss", random.nextInt(10), "acc", random.nextInt(10), "epoch", 3);
            assertThat(api.post(base + "/trials", Map.of("config", config, "metrics", metrics))
                            .status())
                    .isEqualTo(201);
        }
        // A pending trial has no metrics and stays out.
        api.post(base + "/trials", Map.of("config", Map.of("x", 0.5, "lr", 0.01, "layers", 1, "act", "tanh")));

        List<Map<String, Object>> all = (List<Map<String, Object>>)
                api.get(base + "/trials?status=COMPLETED&limit=1000").get("items");
        assertThat(all).hasSize(25);
        List<Map<String, Object>> expected = new ArrayList<>();
        for (Map<String, Object> t : all) {
            boolean dominated = all.stream().anyMatch(o -> {
                double l = metric(o, "loss");
                double a = metric(o, "acc");
                return l <= metric(t, "loss")
                        && a >= metric(t, "acc")
                        && (l < metric(t, "loss") || a > metric(t, "acc"));
            });
            if (!dominated) {
                expected.add(t);
            }
        }
        expected.sort(java.util.Comparator.<Map<String, Object>>comparingDouble(t -> metric(t, "loss"))
                .thenComparingInt(t -> ((Number) t.get("id")).intValue()));

        Api.Response pareto = api.get(base + "/pareto");
        assertThat(pareto.status()).as(pareto.body()).isEqualTo(200);
        assertThat(pareto.get("metrics")).isEqualTo(List.of("loss", "acc"));
        List<Map<String, Object>> front = (List<Map<String, Object>>) pareto.get("trials");
        assertThat(front.stream().map(t -> t.get("id")).toList())
                .isEqualTo(expected.stream().map(t -> t.get("id")).toList());
        for (int k = 0; k < front.size(); k++) {
            assertThat(front.get(k).get("config")).isEqualTo(expected.get(k).get("config"));
            assertThat(front.get(k).get("metrics")).isEqualTo(expected.get(k).get("metrics"));
        }

        // Reference (loss 10, acc -1): count the unit cells [a, a+1) x [b-1, b) that some trial covers.
        long cells = 0;
        for (int a = 0; a < 10; a++) {
            for (int b = 0; b < 10; b++) {
                int la = a;
                int ab = b;
                if (all.stream().anyMatch(t -> metric(t, "loss") <= la && metric(t, "acc") >= ab)) {
                    cells++;
                }
            }
        }
        Api.Response given = api.get(base + "/hypervolume?reference=10&reference=-1");
        assertThat(given.status()).as(given.body()).isEqualTo(200);
        assertThat(((Number) given.get("hypervolume")).doubleValue()).isEqualTo((double) cells);
        assertThat(given.get("reference")).isEqualTo(List.of(10.0, -1.0));
        assertThat(given.get("frontSize")).isEqualTo(front.size());
        assertThat(api.get(base + "/hypervolume?reference=10,-1").get("hypervolume"))
                .isEqualTo(given.get("hypervolume"));
        List<Map<String, Object>> history = (List<Map<String, Object>>) given.get("history");
        assertThat(history).hasSize(25);
        double previous = 0;
        for (int k = 0; k < history.size(); k++) {
            assertThat(history.get(k).get("trialId")).isEqualTo(all.get(k).get("id"));
            double hv = ((Number) history.get(k).get("hypervolume")).doubleValue();
            assertThat(hv).isGreaterThanOrEqualTo(previous);
            previous = hv;
        }
        assertThat(previous).isEqualTo((double) cells);

        // Default reference: the nadir plus 10 % of each metric's range, away from the front.
        double lossMax = all.stream().mapToDouble(t -> metric(t, "loss")).max().orElseThrow();
        double lossMin = all.stream().mapToDouble(t -> metric(t, "loss")).min().orElseThrow();
        double accMax = all.stream().mapToDouble(t -> metric(t, "acc")).max().orElseThrow();
        double accMin = all.stream().mapToDouble(t -> metric(t, "acc")).min().orElseThrow();
        Api.Response byDefault = api.get(base + "/hypervolume");
        List<Number> reference = (List<Number>) byDefault.get("reference");
        assertThat(reference.get(0).doubleValue())
                .isCloseTo(lossMax + 0.1 * (lossMax - lossMin), org.assertj.core.api.Assertions.within(1e-9));
        assertThat(reference.get(1).doubleValue())
                .isCloseTo(accMin - 0.1 * (accMax - accMin), org.assertj.core.api.Assertions.within(1e-9));
        assertThat(((Number) byDefault.get("hypervolume")).doubleValue()).isPositive();

        for (String bad : List.of("reference=1", "reference=1,2,3", "reference=NaN,1", "reference=abc,1")) {
            Api.Response refused = api.get(base + "/hypervolume?" + bad);
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.body()).contains("reference");
        }

        Api.Response best = api.get(base + "/best");
        assertThat(best.status()).isEqualTo(400);
        assertThat(best.body()).contains("/api/v1/studies/" + study + "/pareto");
        assertThat(api.get("/api/v1/studies/nope/pareto").status()).isEqualTo(404);
    }

    /**
     * Every multi-objective method over HTTP: a study with a metric to minimize and one to maximize runs
     * to its budget of started trials with configs in the space, and {@code /pareto} is exactly the
     * non-dominated set of the completed trials that {@code GET …/trials} lists.
     */
    @Test
    @SuppressWarnings("unchecked")
    void everyMultiObjectiveMethodRunsToItsBudgetAndItsParetoFrontMatchesItsTrials() {
        Map<String, Map<String, Object>> methods = new LinkedHashMap<>();
        methods.put("MOASHA", Map.of());
        methods.put("NSGA2", Map.of("populationSize", 4, "constraintMetrics", List.of("c")));
        methods.put("MORandomScalarizationBayesOpt", Map.of("numInitCandidates", 40, "optMaxiter", 10));
        methods.put(
                "MOLinearScalarizationBayesOpt",
                Map.of("scalarizationWeights", List.of(1, 2), "numInitCandidates", 40, "optMaxiter", 10));
        methods.put("MOREA", Map.of("populationSize", 4, "sampleSize", 2));
        methods.put("LinearScalarizedScheduler", Map.of("baseMethod", "KDE"));
        int budget = 14;
        for (var method : methods.entrySet()) {
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("method", method.getKey());
            extra.put("options", method.getValue());
            extra.put("metrics", List.of(Map.of("name", "loss", "mode", "min"), Map.of("name", "acc", "mode", "max")));
            extra.put("stoppingCriterion", Map.of("maxNumTrialsStarted", budget));
            if (method.getKey().equals("MOASHA")) {
                extra.put("resource", Map.of("attr", "epoch", "maxAttr", "epochs"));
            }
            String study = api.createStudy(definition(31, extra));
            String base = "/api/v1/studies/" + study;
            int started = 0;
            while (true) {
                Api.Response ask = api.post(base + "/ask", Map.of("workerId", "mo"));
                assertThat(ask.status()).as(method.getKey() + ": " + ask.body()).isEqualTo(200);
                if (!"RUN".equals(ask.string("status"))) {
                    assertThat(ask.string("status")).as(method.getKey()).isEqualTo("DONE");
                    break;
                }
                started++;
                Map<String, Object> trial = (Map<String, Object>) ask.get("trial");
                Map<String, Object> config = (Map<String, Object>) trial.get("config");
                double x = ((Number) config.get("x")).doubleValue();
                assertThat(x).as(method.getKey()).isBetween(-5.0, 10.0);
                assertThat(((Number) config.get("lr")).doubleValue()).isBetween(1e-5, 1e-1);
                assertThat(((Number) config.get("layers")).intValue()).isBetween(1, 4);
                assertThat(config.get("act")).isIn("relu", "tanh");
                String path = base + "/trials/" + trial.get("id");
                boolean stopped = false;
                for (int epoch = 1; epoch <= 3 && !stopped; epoch++) {
                    // Conflicting metrics: loss wants x near 1, accuracy wants x near 4; c ≤ 0 for x ≤ 6.
                    Map<String, Object> m = Map.of(
                            "loss",
                            loss(config, epoch),
                            "acc",
                            1 / (1 + (x - 4) * (x - 4)) - 0.1 / epoch,
                            "c",
                            x - 6,
                            "epoch",
                            epoch);
                    Api.Response r = api.post(path + "/reports", Map.of("metrics", m, "step", epoch));
                    assertThat(r.status()).as(r.body()).isEqualTo(200);
                    stopped = !"CONTINUE".equals(r.string("decision"));
                }
                if (!stopped) {
                    assertThat(api.post(path + "/complete", Map.of()).status()).isEqualTo(200);
                }
            }
            assertThat(started).as(method.getKey()).isEqualTo(budget);

            // Finished: completed, or (MOASHA) stopped at the maximum resource, epoch 3.
            List<Map<String, Object>> done = ((List<Map<String, Object>>)
                            api.get(base + "/trials?limit=1000").get("items"))
                    .stream()
                            .filter(t -> "COMPLETED".equals(t.get("status"))
                                    || ("STOPPED".equals(t.get("status")) && metric(t, "epoch") == 3))
                            .toList();
            assertThat(done).as(method.getKey()).isNotEmpty();
            boolean constrained = method.getKey().equals("NSGA2");
            if (constrained) { // feasible trials form the front; infeasible ones come after, on their own
                done = done.stream().filter(t -> metric(t, "c") <= 0).toList();
            }
            Set<Object> expected = new HashSet<>();
            for (Map<String, Object> t : done) {
                boolean dominated = done.stream().anyMatch(o -> {
                    double l = metric(o, "loss");
                    double a = metric(o, "acc");
                    return l <= metric(t, "loss")
                            && a >= metric(t, "acc")
                            && (l < metric(t, "loss") || a > metric(t, "acc"));
                });
                if (!dominated) {
                    expected.add(t.get("id"));
                }
            }
            Api.Response pareto = api.get(base + "/pareto");
            assertThat(pareto.status()).as(pareto.body()).isEqualTo(200);
            List<Map<String, Object>> front = ((List<Map<String, Object>>) pareto.get("trials"))
                    .stream()
                            .filter(t -> !constrained || Boolean.TRUE.equals(t.get("feasible")))
                            .toList();
            assertThat(front.stream().map(t -> t.get("id")).collect(java.util.stream.Collectors.toSet()))
                    .as(method.getKey())
                    .isEqualTo(expected);
        }
    }

    @Test
    void singleMetricParetoIsTheBestTrial() {
        String study = api.createStudy(definition(22, Map.of("pointsToEvaluate", List.of())));
        String base = "/api/v1/studies/" + study;
        for (double loss : new double[] {3, 1, 2, 1}) {
            api.post(
                    base + "/trials",
                    Map.of(
                            "config", Map.of("x", loss, "lr", 0.01, "layers", 2, "act", "relu"),
                            "metrics", Map.of("loss", loss)));
        }
        assertThat(api.get(base + "/pareto").get("trials.0.id")).isEqualTo(1);
        assertThat(((List<?>) api.get(base + "/pareto").get("trials"))).hasSize(2);
        assertThat(((Number) api.get(base + "/hypervolume?reference=5").get("hypervolume")).doubleValue())
                .isEqualTo(4.0);
        assertThat(api.get(base + "/hypervolume?reference=5,5").status()).isEqualTo(400);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aStudyWithTwoConstraintMetricsRunsAndItsBestIsFeasible() {
        String study = api.createStudy(definition(
                24,
                Map.of(
                        "method", "ConstrainedBayesianOptimization",
                        "options",
                                Map.of(
                                        "constraintMetrics", List.of("low", "high"),
                                        "numInitCandidates", 40,
                                        "optMaxiter", 10),
                        "stoppingCriterion", Map.of("maxNumTrialsStarted", 12))));
        String base = "/api/v1/studies/" + study;
        // The unconstrained optimum x = 1 breaks "low" (feasible for x ≥ 2); "high" is feasible for x ≤ 5.
        assertThat(api.post(
                                base + "/trials",
                                Map.of(
                                        "config", Map.of("x", 1.0, "lr", 0.01, "layers", 2, "act", "relu"),
                                        "metrics", Map.of("loss", 0.0, "low", 1.0, "high", -4.0)))
                        .status())
                .isEqualTo(201);
        int started = 0;
        while (true) {
            Api.Response ask = api.post(base + "/ask", Map.of("workerId", "cbo"));
            assertThat(ask.status()).as(ask.body()).isEqualTo(200);
            if (!"RUN".equals(ask.string("status"))) {
                break;
            }
            started++;
            Map<String, Object> trial = (Map<String, Object>) ask.get("trial");
            Map<String, Object> config = (Map<String, Object>) trial.get("config");
            double x = ((Number) config.get("x")).doubleValue();
            Map<String, Object> m = Map.of("loss", loss(config, 3), "low", 2 - x, "high", x - 5);
            Api.Response done = api.post(base + "/trials/" + trial.get("id") + "/complete", Map.of("metrics", m));
            assertThat(done.status()).as(done.body()).isEqualTo(200);
        }
        assertThat(started).isGreaterThanOrEqualTo(10);
        List<Map<String, Object>> trials =
                (List<Map<String, Object>>) api.get(base + "/trials?limit=1000").get("items");
        double bestFeasible = trials.stream()
                .filter(t -> "COMPLETED".equals(t.get("status")))
                .filter(t -> metric(t, "low") <= 0 && metric(t, "high") <= 0)
                .mapToDouble(t -> metric(t, "loss"))
                .min()
                .orElseThrow();
        Api.Response best = api.get(base + "/best");
        assertThat(best.status()).as(best.body()).isEqualTo(200);
        assertThat(((Number) best.get("trial.metrics.low")).doubleValue()).isLessThanOrEqualTo(0);
        assertThat(((Number) best.get("trial.metrics.high")).doubleValue()).isLessThanOrEqualTo(0);
        assertThat(((Number) best.get("trial.metrics.loss")).doubleValue()).isEqualTo(bestFeasible);
        assertThat(bestFeasible)
                .as("the infeasible x = 1 (loss 0) is not the best")
                .isGreaterThan(0);
        Api.Response pareto = api.get(base + "/pareto");
        assertThat(pareto.get("trials.0.id")).isEqualTo(best.get("trial.id"));
        assertThat(pareto.get("trials.0.feasible")).isEqualTo(true);
    }

    @Test
    void constrainedStudyListsTheFeasibleFrontFirst() {
        String study = api.createStudy(definition(
                23,
                Map.of(
                        "pointsToEvaluate", List.of(),
                        "method", "ConstrainedBayesianOptimization",
                        "options", Map.of("constraintMetric", "c"))));
        String base = "/api/v1/studies/" + study;
        // (loss, c): 0 infeasible, 1 and 2 feasible (2 dominated by 1), 3 without c: infeasible.
        List<Map<String, Object>> metrics = List.of(
                Map.of("loss", 1.0, "c", 1.0),
                Map.of("loss", 2.0, "c", 0.0),
                Map.of("loss", 3.0, "c", -1.0),
                Map.of("loss", 0.5));
        for (int i = 0; i < metrics.size(); i++) {
            assertThat(api.post(
                                    base + "/trials",
                                    Map.of(
                                            "config", Map.of("x", 1.0 * i, "lr", 0.01, "layers", 2, "act", "relu"),
                                            "metrics", metrics.get(i)))
                            .status())
                    .isEqualTo(201);
        }
        Api.Response pareto = api.get(base + "/pareto");
        assertThat(pareto.status()).as(pareto.body()).isEqualTo(200);
        assertThat(((List<?>) pareto.get("trials"))).hasSize(2);
        assertThat(pareto.get("trials.0.id")).isEqualTo(1);
        assertThat(pareto.get("trials.0.feasible")).isEqualTo(true);
        assertThat(pareto.get("trials.1.id")).isEqualTo(3);
        assertThat(pareto.get("trials.1.feasible")).isEqualTo(false);
        Api.Response hv = api.get(base + "/hypervolume?reference=5");
        assertThat(((Number) hv.get("hypervolume")).doubleValue())
                .as("feasible trials only")
                .isEqualTo(3.0);
        assertThat(hv.get("completed")).isEqualTo(2);
    }

    @SuppressWarnings("unchecked")
    private static double metric(Map<String, Object> trial, String name) {
        return ((Number) ((Map<String, Object>) trial.get("metrics")).get(name)).doubleValue();
    }
}
