package dev.attune.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Webhooks end to end on one server (H2): a receiver run by the test that refuses the first deliveries,
 * signatures it checks with its own HMAC code, retries with backoff that the delivery log shows, and the
 * endpoints' answers to bad input.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=jdbc:h2:mem:webhooks;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH",
            "attune.webhooks.poll-interval-ms=50",
            "attune.webhooks.initial-backoff-ms=100",
            "attune.webhooks.max-backoff-ms=300",
            "attune.replica-id=solo"
        })
class WebhookDeliveryTest {
    @LocalServerPort
    int port;

    @Test
    void refusedDeliveriesAreRetriedUntilEachEventArrivesSignedAndLogged() throws Exception {
        Api api = new Api(port);
        String study = api.createStudy(WebhookScenario.study("webhooks"));
        try (WebhookReceiver receiver = new WebhookReceiver(WebhookScenario.SECRET, 2)) {
            String hook = WebhookScenario.webhook(api, study, receiver.url());
            Instant started = Instant.now();
            WebhookScenario.run(study, api);
            List<String> expected = WebhookScenario.expectedEvents();
            WebhookScenario.await(
                    "every delivery to be logged DELIVERED",
                    Duration.ofSeconds(30),
                    () -> WebhookScenario.log(api, study, hook).stream()
                                    .filter(d -> d.get("status").equals("DELIVERED"))
                                    .count()
                            == expected.size());

            List<WebhookReceiver.Received> accepted = receiver.accepted();
            assertThat(accepted).map(WebhookScenario::event).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(receiver.received()).allSatisfy(r -> {
                assertThat(r.signatureValid())
                        .as("signature of %s", r.deliveryId())
                        .isTrue();
                assertThat(r.eventHeader()).isEqualTo(r.type());
                assertThat(r.deliveryId()).isEqualTo(r.body().get("deliveryId"));
                assertThat(r.body()).containsEntry("studyId", study);
                assertThat(Long.parseLong(r.timestamp()))
                        .isBetween(started.getEpochSecond() - 1, Instant.now().getEpochSecond());
            });
            assertThat(accepted).map(WebhookReceiver.Received::deliveryId).doesNotHaveDuplicates();
            // Each of the two refused requests was retried once: two requests more than there are deliveries.
            assertThat(receiver.received()).hasSize(expected.size() + 2);
            assertThat(receiver.received().stream().filter(r -> r.answered() == 500))
                    .hasSize(2);

            List<Map<String, Object>> log = WebhookScenario.log(api, study, hook);
            assertThat(log).hasSize(expected.size());
            int attempts = log.stream()
                    .mapToInt(d -> ((Number) d.get("attempts")).intValue())
                    .sum();
            assertThat(attempts).isEqualTo(receiver.received().size());
            assertThat(log).anySatisfy(d -> assertThat(((Number) d.get("attempts")).intValue())
                    .isGreaterThan(1));
            assertThat(log).allSatisfy(d -> {
                assertThat(d).containsEntry("lastStatusCode", 204).containsEntry("deliveredBy", "solo");
                assertThat(d.get("deliveredAt")).isNotNull();
            });
            // A retried delivery keeps its id and body: the receiver saw the same delivery id twice, once refused.
            String retried = receiver.received().getFirst().deliveryId();
            assertThat(receiver.received().stream()
                            .filter(r -> r.deliveryId().equals(retried))
                            .map(r -> r.body()))
                    .hasSizeGreaterThan(1)
                    .allSatisfy(b -> assertThat(b)
                            .isEqualTo(receiver.received().getFirst().body()));

            Map<String, Object> newBest = accepted.stream()
                    .filter(r -> r.type().equals("study.new_best"))
                    .map(WebhookReceiver.Received::body)
                    .filter(b -> ((Map<?, ?>) b.get("trial")).get("id").equals(3))
                    .findFirst()
                    .orElseThrow();
            assertThat((Map<String, Object>) newBest.get("trial"))
                    .containsEntry("status", "COMPLETED")
                    .containsEntry("metrics", Map.of("loss", 0.2))
                    .containsKey("config");
        }
    }

    @Test
    void aFailingReceiverIsRetriedWithBackoffAndTheLogShowsTheError() throws Exception {
        Api api = new Api(port);
        String study = api.createStudy(WebhookScenario.study("refused"));
        try (WebhookReceiver receiver = new WebhookReceiver(WebhookScenario.SECRET, 1_000)) {
            String hook = WebhookScenario.webhook(api, study, receiver.url());
            WebhookScenario.run(study, api);
            WebhookScenario.await(
                    "three attempts of the first delivery",
                    Duration.ofSeconds(30),
                    () -> ((Number) WebhookScenario.log(api, study, hook)
                                            .getFirst()
                                            .get("attempts"))
                                    .intValue()
                            >= 3);
            Map<String, Object> first = WebhookScenario.log(api, study, hook).getFirst();
            assertThat(first)
                    .containsEntry("status", "PENDING")
                    .containsEntry("lastStatusCode", 500)
                    .containsEntry("lastError", "the receiver answered 500");
            assertThat(first.get("deliveredAt")).isNull();
            assertThat(Instant.parse((String) first.get("nextAttemptAt")))
                    .isAfter(Instant.now().minusSeconds(1));
        }
    }

    @Test
    void webhooksAreListedReadAndDeletedWithoutTheirSecret() {
        Api api = new Api(port);
        String study = api.createStudy(WebhookScenario.study("crud"));
        String base = "/api/v1/studies/" + study + "/webhooks";
        String id = WebhookScenario.webhook(api, study, "https://hooks.example.org/attune?team=ml");
        Api.Response one = api.get(base + "/" + id);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json())
                .containsEntry("url", "https://hooks.example.org/attune?team=ml")
                .containsEntry("eventTypes", WebhookScenario.ALL_EVENTS)
                .doesNotContainKey("secret");
        Api.Response list = api.get(base);
        assertThat(list.string("items.0.id")).isEqualTo(id);
        assertThat(list.body()).doesNotContain(WebhookScenario.SECRET);
        assertThat(api.delete(base + "/" + id).status()).isEqualTo(204);
        assertThat(api.get(base + "/" + id).status()).isEqualTo(404);
        assertThat(api.delete(base + "/" + id).status()).isEqualTo(404);
        assertThat(api.get(base + "/" + id + "/deliveries").status()).isEqualTo(404);
        assertThat(api.get("/api/v1/studies/nosuchstudy/webhooks").status()).isEqualTo(404);
    }

    @Test
    void badInputIsA400NamingTheField() {
        Api api = new Api(port);
        String study = api.createStudy(WebhookScenario.study("bad"));
        String base = "/api/v1/studies/" + study + "/webhooks";
        Map<String, Object> valid = Map.of(
                "url",
                "https://h.example.org/x",
                "eventTypes",
                List.of("trial.completed"),
                "secret",
                "0123456789abcdef");
        List<Map.Entry<Map<String, Object>, String>> cases = List.of(
                Map.entry(with(valid, "url", "ftp://h.example.org/x"), "url"),
                Map.entry(with(valid, "url", "javascript:alert(1)"), "url"),
                Map.entry(with(valid, "url", "https://"), "url"),
                Map.entry(with(valid, "url", "https://user:pw@h.example.org/"), "url"),
                Map.entry(with(valid, "url", "https://h.example.org/" + "a".repeat(2100)), "url"),
                Map.entry(with(valid, "url", 42), "url"),
                Map.entry(without(valid, "url"), "url"),
                Map.entry(with(valid, "eventTypes", List.of()), "eventTypes"),
                Map.entry(with(valid, "eventTypes", "trial.completed"), "eventTypes"),
                Map.entry(with(valid, "eventTypes", List.of("trial.completed", "trial.exploded")), "eventTypes[1]"),
                Map.entry(with(valid, "eventTypes", List.of(7)), "eventTypes[0]"),
                Map.entry(without(valid, "eventTypes"), "eventTypes"),
                Map.entry(with(valid, "secret", "short"), "secret"),
                Map.entry(with(valid, "secret", "x".repeat(257)), "secret"),
                Map.entry(without(valid, "secret"), "secret"),
                Map.entry(with(valid, "color", "red"), "color"));
        for (Map.Entry<Map<String, Object>, String> c : cases) {
            Api.Response r = api.post(base, c.getKey());
            assertThat(r.status()).as("%s -> %s", c.getKey(), r.body()).isEqualTo(400);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.string("errors.0.field")).as(r.body()).isEqualTo(c.getValue());
        }
        assertThat(api.get(base + "/x/deliveries?limit=0").status()).isIn(400, 404);
        String id = WebhookScenario.webhook(api, study, "https://h.example.org/y");
        assertThat(api.get(base + "/" + id + "/deliveries?limit=0").status()).isEqualTo(400);
        assertThat(api.get(base + "/" + id + "/deliveries?pageToken=!!").status())
                .isEqualTo(400);
        for (int i = 1; i < 10; i++) {
            WebhookScenario.webhook(api, study, "https://h.example.org/" + i);
        }
        Api.Response eleventh = api.post(base, valid);
        assertThat(eleventh.status()).isEqualTo(400);
        assertThat(eleventh.string("errors.0.field")).isEqualTo("url");
    }

    private static Map<String, Object> with(Map<String, Object> m, String key, Object value) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>(m);
        copy.put(key, value);
        return copy;
    }

    private static Map<String, Object> without(Map<String, Object> m, String key) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>(m);
        copy.remove(key);
        return copy;
    }
}
