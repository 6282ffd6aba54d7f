package dev.attune.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The dashboard's query API over real HTTP, once per database (H2 and PostgreSQL) by the subclasses. */
abstract class DashboardApiSuite {
    @LocalServerPort
    int port;

    Api api;

    @BeforeEach
    void client() {
        api = new Api(port);
    }

    /** An ASHA study over x in [0, 1] with 9 epochs; a trial's curve is (x - 0.3)² + 1 / epoch. */
    static Map<String, Object> ashaStudy(String name, int trials) {
        Map<String, Object> space = new LinkedHashMap<>();
        space.put("x", Map.of("type", "uniform", "lower", 0, "upper", 1));
        space.put("act", Map.of("type", "choice", "categories", List.of("relu", "tanh")));
        space.put("epochs", 9);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", name);
        d.put("space", space);
        d.put("metrics", List.of(Map.of("name", "loss", "mode", "min")));
        d.put("method", "ASHA");
        d.put("resource", Map.of("attr", "epoch", "maxAttr", "epochs"));
        d.put("seed", 7);
        d.put("stoppingCriterion", Map.of("maxNumTrialsStarted", trials));
        return d;
    }

    /** Runs the study's trials one after another as a worker would; returns the number of reports sent. */
    static int runAsha(Api api, String study) {
        int reports = 0;
        for (int w = 0; ; w++) {
            Api.Response ask = api.post("/api/v1/studies/" + study + "/ask", Map.of("workerId", "worker-" + (w % 2)));
            if (!"RUN".equals(ask.string("status"))) {
                return reports;
            }
            long id = ((Number) ask.get("trial.id")).longValue();
            double x = ((Number) ask.get("trial.config.x")).doubleValue();
            String decision = "CONTINUE";
            for (int epoch = 1; epoch <= 9 && decision.equals("CONTINUE"); epoch++) {
                Api.Response r = api.post(
                        "/api/v1/studies/" + study + "/trials/" + id + "/reports",
                        Map.of("metrics", Map.of("epoch", epoch, "loss", (x - 0.3) * (x - 0.3) + 1.0 / epoch)));
                assertThat(r.status()).isEqualTo(200);
                reports++;
                decision = r.string("decision");
            }
            if (decision.equals("CONTINUE")) {
                api.post("/api/v1/studies/" + study + "/trials/" + id + "/complete", Map.of());
            }
        }
    }

    @Test
    void summaryAndBestSeriesSpeakInTheMetricsOwnDirection() {
        Map<String, Object> d = ashaStudy("accuracy", 100);
        d.put("method", "RandomSearch");
        d.remove("resource");
        d.put("metrics", List.of(Map.of("name", "acc", "mode", "max")));
        String study = api.createStudy(d);
        double[] values = {0.5, 0.7, 0.6, 0.9, 0.8};
        for (double v : values) {
            api.post(
                    "/api/v1/studies/" + study + "/trials",
                    Map.of("config", Map.of("x", v, "act", "relu"), "metrics", Map.of("acc", v)));
        }
        Api.Response s = api.get("/api/v1/studies/" + study + "/summary");
        assertThat(s.status()).isEqualTo(200);
        assertThat(((Number) s.get("bestValue")).doubleValue()).isEqualTo(0.9);
        assertThat(((Number) s.get("bestTrialId")).longValue()).isEqualTo(3);
        assertThat(((Number) s.get("trials")).longValue()).isEqualTo(5);
        assertThat(((Number) s.get("trialCounts.COMPLETED")).longValue()).isEqualTo(5);
        assertThat(s.string("progress.0.criterion")).isEqualTo("maxNumTrialsStarted");
        assertThat(((Number) s.get("progress.0.fraction")).doubleValue()).isEqualTo(0.05);

        Api.Response best = api.get("/api/v1/studies/" + study + "/series/best");
        List<Double> ys = ((List<?>) best.get("bestByTrial"))
                .stream()
                        .map(p -> ((Number) ((Map<?, ?>) p).get("y")).doubleValue())
                        .toList();
        assertThat(ys).containsExactly(0.5, 0.7, 0.9, 0.9); // improvements, then the last trial
        List<Double> byTime = ((List<?>) best.get("bestByTime"))
                .stream()
                        .map(p -> ((Number) ((Map<?, ?>) p).get("y")).doubleValue())
                        .toList();
        // In time order too; the closing point is left out when the last trial shares the best one's millisecond.
        assertThat(byTime).startsWith(0.5, 0.7, 0.9).hasSizeBetween(3, 4).allMatch(y -> y <= 0.9);

        Api.Response table = api.get("/api/v1/studies/" + study + "/trial-table?sort=value&order=desc&minValue=0.65");
        assertThat(((Number) table.get("total")).longValue()).isEqualTo(3);
        assertThat(list(table.get("items")))
                .extracting(t -> ((Number) t.get("value")).doubleValue())
                .containsExactly(0.9, 0.8, 0.7);

        // By a parameter of the config: a range of x, and a category, with the other filters and paging.
        Api.Response byX = api.get("/api/v1/studies/" + study
                + "/trial-table?sort=value&order=desc&param=x&paramMin=0.55&paramMax=0.85&limit=2");
        assertThat(((Number) byX.get("total")).longValue()).isEqualTo(3);
        assertThat(list(byX.get("items")))
                .extracting(t -> ((Number) t.get("value")).doubleValue())
                .containsExactly(0.8, 0.7);
        Api.Response secondPage = api.get("/api/v1/studies/" + study
                + "/trial-table?sort=value&order=desc&param=x&paramMin=0.55&paramMax=0.85&limit=2&offset=2");
        assertThat(list(secondPage.get("items")))
                .extracting(t -> ((Number) t.get("value")).doubleValue())
                .containsExactly(0.6);
        assertThat(((Number) api.get("/api/v1/studies/" + study + "/trial-table?param=act&paramValue=relu")
                                .get("total"))
                        .longValue())
                .isEqualTo(5);
        assertThat(((Number) api.get("/api/v1/studies/" + study + "/trial-table?param=act&paramValue=tanh")
                                .get("total"))
                        .longValue())
                .isZero();
        Api.Response unknownParam = api.get("/api/v1/studies/" + study + "/trial-table?param=nope&paramMin=1");
        assertThat(unknownParam.status()).isEqualTo(400);
        assertThat(unknownParam.body()).contains("\"field\":\"param\"");
        assertThat(api.get("/api/v1/studies/" + study + "/trial-table?paramMin=1")
                        .body())
                .contains("\"field\":\"param\"");

        Api.Response list = api.get("/api/v1/summaries?q=ACCUR");
        assertThat(list.body()).contains(study);
        assertThat(api.get("/api/v1/summaries?q=no-such-study-name").body()).doesNotContain(study);
    }

    @Test
    void exportHasOneRowPerReportWithSyneTunesColumns() {
        String study = api.createStudy(ashaStudy("export", 12));
        int reports = runAsha(api, study);
        Api.Response csv = api.get("/api/v1/studies/" + study + "/export.csv");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        String[] lines = csv.body().split("\n");
        assertThat(lines[0].split(","))
                .startsWith("trial_id", "config_x", "config_act", "config_epochs", "epoch", "loss")
                .contains("st_decision", "st_status", "st_tuner_time", "st_worker_time");
        assertThat(lines).hasSize(reports + 1);
        long stops = List.of(lines).stream()
                .filter(l -> l.contains(",STOP,Stopped,"))
                .count();
        long stopped =
                ((Number) api.get("/api/v1/studies/" + study + "/summary").get("trialCounts.STOPPED")).longValue();
        assertThat(stops).isEqualTo(stopped);

        Api.Response json = api.get("/api/v1/studies/" + study + "/export.json");
        assertThat(((List<?>) json.get("rows"))).hasSize(reports);
        assertThat(json.string("rows.0.st_status")).isIn("Stopped", "Completed");
    }

    @Test
    void curvesMarkEveryStopWithItsReason() {
        String study = api.createStudy(ashaStudy("curves", 12));
        runAsha(api, study);
        Api.Response c = api.get("/api/v1/studies/" + study + "/series/curves?maxTrials=50");
        List<Map<String, Object>> curves = list(c.get("curves"));
        assertThat(curves).hasSize(12);
        for (Map<String, Object> curve : curves) {
            List<Map<String, Object>> markers = list(curve.get("markers"));
            if ("STOPPED".equals(curve.get("status"))) {
                assertThat(markers).extracting(m -> m.get("decision")).containsExactly("STOP");
                List<?> last = (List<?>) list(curve.get("points")).reversed().getFirst();
                assertThat(((Number) markers.getFirst().get("x")).doubleValue())
                        .isEqualTo(((Number) last.get(0)).doubleValue());
                assertThat((String) markers.getFirst().get("reason")).isNotBlank();
            }
        }
        assertThat(curves)
                .anyMatch(cv -> cv.get("status").equals("STOPPED")
                        && ((Number) list(cv.get("points")).size()).intValue() < 9);
        Api.Response one = api.get("/api/v1/studies/" + study + "/series/curves?trialIds=2");
        assertThat(list(one.get("curves")))
                .extracting(cv -> ((Number) cv.get("trialId")).longValue())
                .containsExactly(2L);
    }

    @Test
    void importanceFindsTheOneParameterThatMatters() {
        String study = api.createStudy(ashaStudy("importance", 1000));
        SplittableRandom random = new SplittableRandom(3); // seeded: the test's outcome is fixed
        for (int i = 0; i < 150; i++) {
            double x = random.nextDouble();
            String act = random.nextBoolean() ? "relu" : "tanh";
            api.post(
                    "/api/v1/studies/" + study + "/trials",
                    Map.of("config", Map.of("x", x, "act", act), "metrics", Map.of("loss", (x - 0.3) * (x - 0.3))));
        }
        Api.Response imp = api.get("/api/v1/studies/" + study + "/importance");
        assertThat(imp.string("method")).isEqualTo("fANOVA");
        assertThat(((Number) imp.get("trialsUsed")).intValue()).isEqualTo(150);
        assertThat(((Number) imp.get("trialsCompleted")).longValue()).isEqualTo(150);
        assertThat(((Number) imp.get("trees")).intValue()).isEqualTo(64);
        assertThat(imp.string("params.0.name")).isEqualTo("x");
        // loss depends on x alone: x explains (nearly) all of its variance, the activation nothing.
        assertThat(((Number) imp.get("params.0.importance")).doubleValue()).isGreaterThan(0.97);
        assertThat(((Number) imp.get("params.0.std")).doubleValue()).isBetween(0.0, 0.05);
        assertThat(((Number) imp.get("params.1.importance")).doubleValue()).isLessThan(0.01);
        // Above maxPoints, every k-th completed trial (here every 3rd of 150).
        Api.Response sampled = api.get("/api/v1/studies/" + study + "/importance?maxPoints=50");
        assertThat(((Number) sampled.get("trialsUsed")).intValue()).isEqualTo(50);
        assertThat(((Number) sampled.get("trialsCompleted")).longValue()).isEqualTo(150);
        assertThat(sampled.string("params.0.name")).isEqualTo("x");
        Api.Response params = api.get("/api/v1/studies/" + study + "/params?maxPoints=50");
        // every 3rd trial (150 / 50) plus the 50 best, without duplicates
        assertThat(list(params.get("points")).size()).isBetween(50, 100);
        assertThat(params.body()).contains("\"categories\":{\"act\":[\"relu\",\"tanh\"]}");
    }

    @Test
    void streamPushesEventsAfterTheGivenSeq() throws Exception {
        String study = api.createStudy(ashaStudy("stream", 100));
        api.post("/api/v1/studies/" + study + "/trials", Map.of("config", Map.of("x", 0.1, "act", "relu")));
        long seq = ((Number) api.get("/api/v1/studies/" + study + "/summary").get("lastSeq")).longValue();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest req = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v1/studies/" + study + "/stream?afterSeq=" + seq))
                .timeout(Duration.ofSeconds(20))
                .build();
        HttpResponse<java.io.InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        api.post(
                "/api/v1/studies/" + study + "/trials",
                Map.of("config", Map.of("x", 0.2, "act", "tanh"), "metrics", Map.of("loss", 0.5)));
        List<String> ids = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line; ids.size() < 2 && (line = in.readLine()) != null; ) {
                if (line.startsWith("id:")) {
                    ids.add(line.substring(3).trim());
                }
            }
        }
        // The trial added before the stream opened is not sent again; the new trial's two events are.
        assertThat(ids).containsExactly(Long.toString(seq + 1), Long.toString(seq + 2));
    }

    @Test
    void aReconnectWithLastEventIdResumesAfterIt() throws Exception {
        String study = api.createStudy(ashaStudy("reconnect", 100));
        for (int i = 0; i < 3; i++) {
            api.post(
                    "/api/v1/studies/" + study + "/trials",
                    Map.of("config", Map.of("x", 0.1 * i, "act", "relu"), "metrics", Map.of("loss", i)));
        }
        // 6 events so far (added + completed per trial); the browser saw up to 4 and reconnects.
        HttpRequest req = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v1/studies/" + study + "/stream?afterSeq=0"))
                .header("Last-Event-ID", "4")
                .timeout(Duration.ofSeconds(20))
                .build();
        HttpResponse<java.io.InputStream> r =
                HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofInputStream());
        List<String> ids = new ArrayList<>();
        List<String> data = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line; ids.size() < 2 && (line = in.readLine()) != null; ) {
                if (line.startsWith("id:")) {
                    ids.add(line.substring(3).trim());
                } else if (line.startsWith("data:")) {
                    data.add(line.substring(5).trim());
                }
            }
        }
        assertThat(ids).containsExactly("5", "6");
        assertThat(data.getFirst()).contains("\"type\":\"TRIAL_ADDED\"", "\"trialId\":2");
    }

    @Test
    void aStudyWithoutTrialsAnswersEveryQueryEmpty() {
        String study = api.createStudy(ashaStudy("empty", 10));
        String s = "/api/v1/studies/" + study;
        for (String path : List.of(
                "/summary", "/series/best", "/series/curves", "/trial-table", "/params", "/importance", "/workers")) {
            assertThat(api.get(s + path).status()).as(path).isEqualTo(200);
        }
        assertThat(api.get(s + "/summary").get("bestValue")).isNull();
        assertThat(list(api.get(s + "/series/best").get("bestByTrial"))).isEmpty();
        assertThat(list(api.get(s + "/series/curves").get("curves"))).isEmpty();
        assertThat(((Number) api.get(s + "/importance").get("params.0.importance")).doubleValue())
                .isZero();
        assertThat(api.get(s + "/export.csv").body().strip().split("\n")).hasSize(1);
        // A pending trial (no value, no reports) changes none of that but the counts.
        api.post(s + "/trials", Map.of("config", Map.of("x", 0.5, "act", "relu")));
        assertThat(((Number) api.get(s + "/summary").get("trialCounts.PENDING")).longValue())
                .isEqualTo(1);
        assertThat(list(api.get(s + "/series/best").get("bestByTime"))).isEmpty();
        assertThat(api.get(s + "/export.csv").body().strip().split("\n")).hasSize(1);
    }

    @Test
    void badInputIsAProblemNamingTheField() {
        String study = api.createStudy(ashaStudy("bad", 10));
        Api.Response sort = api.get("/api/v1/studies/" + study + "/trial-table?sort=bogus");
        assertThat(sort.status()).isEqualTo(400);
        assertThat(sort.contentType()).startsWith("application/problem+json");
        assertThat(sort.body()).contains("\"field\":\"sort\"");
        assertThat(api.get("/api/v1/studies/" + study + "/series/best?maxPoints=1")
                        .body())
                .contains("\"field\":\"maxPoints\"");
        assertThat(api.get("/api/v1/summaries?status=RUNNING").body()).contains("\"field\":\"status\"");
        assertThat(api.get("/api/v1/studies/" + study + "/trial-table?status=NOPE")
                        .status())
                .isEqualTo(400);
        assertThat(api.get("/api/v1/studies/nope/summary").status()).isEqualTo(404);
        assertThat(api.get("/api/v1/studies/nope/export.csv").status()).isEqualTo(404);
        assertThat(api.get("/api/v1/studies/nope/stream").status()).isEqualTo(404);
    }

    @Test
    void everyDeepLinkServesThePageAndItsScriptsAreLocal() {
        for (String path : List.of("/", "/studies/abc", "/studies/abc/curves", "/studies/abc/trials/3")) {
            Api.Response page = api.get(path);
            assertThat(page.status()).as(path).isEqualTo(200);
            assertThat(page.contentType()).startsWith("text/html");
            assertThat(page.body()).contains("/dashboard/app.js").doesNotContain("https://");
        }
        assertThat(api.get("/_static/echarts/6.0.0/dist/echarts.esm.min.js").status())
                .isEqualTo(200);
        assertThat(api.get("/dashboard/study.js").status()).isEqualTo(200);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object o) {
        return (List<Map<String, Object>>) o;
    }
}
