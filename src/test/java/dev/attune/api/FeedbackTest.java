package dev.attune.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** PyGlove-style feedback over HTTP: metadata, links, output tails, retries and the failure budget. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties =
                "spring.datasource.url=jdbc:h2:mem:feedback;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE")
class FeedbackTest {
    @LocalServerPort
    int port;

    Api.Response put(String path, Object body) {
        return new Api(port)
                .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(Api.json(body)))
                        .build());
    }

    String study(Map<String, Object> extra) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("space", Map.of("x", Map.of("type", "uniform", "lower", 0, "upper", 1)));
        d.put("metrics", List.of(Map.of("name", "loss")));
        d.put("pointsToEvaluate", List.of());
        d.putAll(extra);
        return new Api(port).createStudy(d);
    }

    @Test
    void metadataMergesAndNullRemovesAKey() {
        Api api = new Api(port);
        String s = "/api/v1/studies/" + study(Map.of());
        assertThat(put(s + "/metadata", Map.of("owner", "ana", "dataset", "digits"))
                        .json())
                .containsEntry("owner", "ana");
        Map<String, Object> update = new LinkedHashMap<>();
        update.put("owner", null);
        update.put("note", "second try");
        assertThat(put(s + "/metadata", update).json())
                .doesNotContainKey("owner")
                .containsEntry("dataset", "digits")
                .containsEntry("note", "second try");
        assertThat(api.get(s + "/metadata").json()).containsOnlyKeys("dataset", "note");

        api.post(s + "/ask", null);
        assertThat(put(s + "/trials/0/metadata", Map.of("gpu", "a100")).json()).containsEntry("gpu", "a100");
        assertThat(api.get(s + "/trials/0").get("metadata")).isEqualTo(Map.of("gpu", "a100"));
        assertThat(put(s + "/trials/9/metadata", Map.of("gpu", "a100")).status())
                .isEqualTo(404);
        assertThat(put(s + "/metadata", List.of(1, 2)).status()).isEqualTo(400);
    }

    @Test
    @SuppressWarnings("unchecked")
    void linksAndOutputTails() {
        Api api = new Api(port);
        String s = "/api/v1/studies/" + study(Map.of());
        api.post(s + "/ask", null);
        Api.Response linked =
                api.post(s + "/trials/0/links", Map.of("name", "tensorboard", "url", "http://tb.local/run/0"));
        assertThat(linked.status()).isEqualTo(200);
        assertThat(linked.get("links"))
                .isEqualTo(List.of(Map.of("name", "tensorboard", "url", "http://tb.local/run/0")));
        Api.Response bad = api.post(s + "/trials/0/links", Map.of("url", "javascript:alert(1)"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("\"url\"");

        assertThat(put(s + "/trials/0/logs", Map.of("stdout", "epoch 1\n", "stderr", "warning\n"))
                        .status())
                .isEqualTo(200);
        Api.Response logs = api.get(s + "/trials/0/logs");
        assertThat(logs.string("stdout")).isEqualTo("epoch 1\n");
        assertThat(logs.string("stderr")).isEqualTo("warning\n");
        assertThat(put(s + "/trials/0/logs", Map.of("stdout", 5)).status()).isEqualTo(400);
        // A method without checkpoint advice has nothing to remove.
        assertThat(api.get(s + "/checkpoints").json()).isEqualTo(Map.of("remove", List.of()));
    }

    @Test
    void failedTrialsAreRetriedUpToMaxRetriesAndMaxFailuresEndsTheStudy() {
        Api api = new Api(port);
        String s = "/api/v1/studies/" + study(Map.of("maxRetries", 1, "maxFailures", 3));
        Object config = api.post(s + "/ask", null).get("trial.config");
        api.post(s + "/trials/0/fail", Map.of("reason", "oom"));
        Api.Response retry = api.get(s + "/trials/1");
        assertThat(retry.string("status")).isEqualTo("PENDING");
        assertThat(retry.get("retryOf")).isEqualTo(0);
        assertThat(retry.get("config")).isEqualTo(config);
        // The retry is handed out first, with the same config.
        Api.Response again = api.post(s + "/ask", null);
        assertThat(again.get("trial.id")).isEqualTo(1);
        assertThat(again.get("trial.config")).isEqualTo(config);
        api.post(s + "/trials/1/fail", Map.of("reason", "oom again"));
        // A retry is not retried again (maxRetries 1): the next ask is a new config.
        Api.Response next = api.post(s + "/ask", null);
        assertThat(next.get("trial.id")).isEqualTo(2);
        assertThat(next.get("trial.retryOf")).isNull();
        api.post(s + "/trials/2/fail", null);
        // Three failures: the study stops.
        Api.Response study = api.get(s);
        assertThat(study.string("statusReason")).contains("maxFailures");
        assertThat(api.post(s + "/ask", null).string("status")).isEqualTo("DONE");
    }

    @Test
    @SuppressWarnings("unchecked")
    void overTheCheckpointBudgetRemovalsAreLoggedAndServedToWorkers() {
        Api api = new Api(port);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put(
                "space",
                new LinkedHashMap<>(Map.of("x", Map.of("type", "uniform", "lower", 0, "upper", 1), "epochs", 9)));
        d.put("metrics", List.of(Map.of("name", "loss")));
        d.put("method", "ASHA");
        d.put("options", Map.of("type", "promotion", "maxNumCheckpoints", 2));
        d.put("resource", Map.of("attr", "epoch", "maxAttr", "epochs"));
        d.put("stoppingCriterion", Map.of("maxWallclockTime", 3600));
        String s = "/api/v1/studies/" + api.createStudy(d);
        for (int i = 0; i < 3; i++) {
            api.post(s + "/ask", null);
        }
        assertThat(api.get(s + "/checkpoints").json()).isEqualTo(Map.of("remove", List.of()));
        // Trial 0 pauses: 2 running + 1 paused = 3 checkpoints > 2, and trial 0 is the only one to drop.
        assertThat(api.post(s + "/trials/0/reports", Map.of("metrics", Map.of("epoch", 1, "loss", 0.5)))
                        .string("decision"))
                .isEqualTo("PAUSE");
        assertThat(api.get(s + "/checkpoints").json()).isEqualTo(Map.of("remove", List.of(0)));
        List<Map<String, Object>> events =
                (List<Map<String, Object>>) api.get(s + "/events").get("items");
        assertThat(events)
                .filteredOn(e -> "CHECKPOINTS_REMOVED".equals(e.get("type")))
                .extracting(e -> ((Map<String, Object>) e.get("payload")).get("trialIds"))
                .containsExactly(List.of(0));
    }
}
