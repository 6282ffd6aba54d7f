package dev.attune.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** A small study whose trials produce every webhook event, and the deliveries they must cause. */
final class WebhookScenario {
    static final String SECRET = "s3cret-for-the-receiver-0123";
    static final List<String> ALL_EVENTS =
            List.of("trial.completed", "trial.failed", "trial.stale", "study.done", "study.new_best");
    /** The loss each trial completes with; null: the trial fails. Trials 0 and 3 improve the best. */
    static final Double[] LOSSES = {0.5, 0.7, null, 0.2};

    private WebhookScenario() {}

    static Map<String, Object> study(String name) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", name);
        d.put("space", Map.of("x", Map.of("type", "uniform", "lower", 0, "upper", 1)));
        d.put("metrics", List.of(Map.of("name", "loss", "mode", "min")));
        d.put("method", "RandomSearch");
        d.put("seed", 7);
        d.put("stoppingCriterion", Map.of("maxNumTrialsStarted", LOSSES.length));
        d.put("maxFailures", LOSSES.length); // one trial fails on purpose; the study must run on to DONE
        return d;
    }

    static String webhook(Api api, String studyId, String url) {
        Api.Response r = api.post(
                "/api/v1/studies/" + studyId + "/webhooks",
                Map.of("url", url, "eventTypes", ALL_EVENTS, "secret", SECRET));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.body()).doesNotContain(SECRET);
        return r.string("id");
    }

    /** Runs the trials through {@code apis} in turn (each may be another replica); the study ends DONE. */
    static void run(String studyId, Api... apis) {
        for (int i = 0; i < LOSSES.length; i++) {
            Api api = apis[i % apis.length];
            Api.Response ask = api.post("/api/v1/studies/" + studyId + "/ask", Map.of("workerId", "w"));
            assertThat(ask.string("status")).as(ask.body()).isEqualTo("RUN");
            String trial = "/api/v1/studies/" + studyId + "/trials/" + ask.string("trial.id");
            Api.Response end = LOSSES[i] == null
                    ? api.post(trial + "/fail", Map.of("reason", "diverged"))
                    : api.post(trial + "/complete", Map.of("metrics", Map.of("loss", LOSSES[i])));
            assertThat(end.status()).as(end.body()).isEqualTo(200);
        }
        assertThat(apis[0].get("/api/v1/studies/" + studyId).string("status")).isEqualTo("DONE");
    }

    /** The (event type, trial id) pairs the run must deliver, in no particular order. */
    static List<String> expectedEvents() {
        List<String> expected = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < LOSSES.length; i++) {
            if (LOSSES[i] == null) {
                expected.add("trial.failed " + i);
                continue;
            }
            expected.add("trial.completed " + i);
            if (LOSSES[i] < best) {
                best = LOSSES[i];
                expected.add("study.new_best " + i);
            }
        }
        expected.add("study.done null");
        return expected;
    }

    static String event(WebhookReceiver.Received r) {
        Object trial = r.body().get("trial") instanceof Map<?, ?> t ? t.get("id") : null;
        return r.type() + " " + trial;
    }

    /** The webhook's delivery log, as the API shows it. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> log(Api api, String studyId, String webhookId) {
        Api.Response r = api.get("/api/v1/studies/" + studyId + "/webhooks/" + webhookId + "/deliveries");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return (List<Map<String, Object>>) r.json().get("items");
    }

    static void await(String what, Duration timeout, BooleanSupplier done) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!done.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
