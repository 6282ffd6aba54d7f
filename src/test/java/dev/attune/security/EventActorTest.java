package dev.attune.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Every event names who caused it, also when concurrent writes to one study are committed together by
 * whichever request holds the study's lock, and {@code system} for what the server did by itself.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=jdbc:h2:mem:actors;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
            "attune.admin-token=" + SecuredServer.ADMIN_TOKEN,
            "attune.rate-limit.per-second=0",
            "attune.reaper-interval-ms=200"
        })
class EventActorTest {
    @LocalServerPort
    int port;

    @Test
    @SuppressWarnings("unchecked")
    void concurrentWritersEachGetTheirOwnEventsAndTheReaperIsSystem() throws Exception {
        Api admin = new Api(port, SecuredServer.ADMIN_TOKEN);
        SecuredServer.project(admin, "actors");
        List<SecuredServer.Issued> workers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            workers.add(SecuredServer.token(admin, "actors", "worker"));
        }
        Map<String, Object> d = new LinkedHashMap<>(SecuredServer.study("actors"));
        d.put("project", "actors");
        d.put("maxConcurrentTrials", 5);
        d.put("leaseSeconds", 1);
        String base = "/api/v1/studies/" + admin.createStudy(d);
        // Each worker asks for its own trial, then all report to the same study at once, many times.
        Map<Long, String> trialOf = new LinkedHashMap<>();
        for (SecuredServer.Issued w : workers) {
            trialOf.put(askForTrial(new Api(port, w.secret()), base), w.id());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new ArrayList<>();
        for (Map.Entry<Long, String> t : trialOf.entrySet()) {
            String secret = workers.stream()
                    .filter(w -> w.id().equals(t.getValue()))
                    .findFirst()
                    .orElseThrow()
                    .secret();
            done.add(pool.submit(() -> {
                Api api = new Api(port, secret);
                for (int step = 1; step <= 25; step++) {
                    assertThat(api.post(
                                            base + "/trials/" + t.getKey() + "/reports",
                                            Map.of("metrics", Map.of("loss", 1.0 / step), "step", step))
                                    .status())
                            .isEqualTo(200);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        // A fifth trial that nobody heartbeats goes stale: the server did that.
        askForTrial(new Api(port, workers.getFirst().secret()), base);
        List<Map<String, Object>> events = List.of();
        for (int i = 0; i < 50; i++) {
            events = (List<Map<String, Object>>) admin.get(base + "/events").get("items");
            if (events.stream().anyMatch(e -> "TRIAL_STALE".equals(e.get("type")))) {
                break;
            }
            Thread.sleep(100);
        }
        List<Map<String, Object>> reports =
                events.stream().filter(e -> "REPORT".equals(e.get("type"))).toList();
        assertThat(reports).hasSize(100);
        for (Map<String, Object> e : reports) {
            long trial = ((Number) e.get("trialId")).longValue();
            assertThat(e.get("actor")).as("event %s", e.get("seq")).isEqualTo(trialOf.get(trial));
        }
        assertThat(events)
                .filteredOn(e -> "TRIAL_STALE".equals(e.get("type")))
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.get("actor")).isEqualTo("system"));
    }

    /**
     * The id of a trial handed out to this worker. A 503 (the pool had no connection in time, on a loaded
     * machine) is retried, every 200 ms up to 10 times; anything but a RUN fails with the answer.
     */
    private static long askForTrial(Api api, String base) throws InterruptedException {
        Api.Response r = api.post(base + "/ask", Map.of());
        for (int attempt = 0; r.status() == 503 && attempt < 10; attempt++) {
            Thread.sleep(200);
            r = api.post(base + "/ask", Map.of());
        }
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.get("trial.id")).as(r.body()).isInstanceOf(Number.class);
        return ((Number) r.get("trial.id")).longValue();
    }
}
