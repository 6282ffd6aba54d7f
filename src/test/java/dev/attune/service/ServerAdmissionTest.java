package dev.attune.service;

import static dev.attune.service.OneTrialStudies.report;
import static dev.attune.service.OneTrialStudies.steps;
import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The server-wide bound on queued writes over HTTP: with {@code attune.max-queued-writes} writes waiting
 * (spread over two studies), writes to any study, a third one too, are refused with 429 problem+json and
 * Retry-After at once; the refused ones change nothing, the queued ones are all answered, and the server
 * takes writes again once the queue drained.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=jdbc:h2:mem:admission;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
            "attune.max-queued-writes=4"
        })
class ServerAdmissionTest {
    @LocalServerPort
    int port;

    @Autowired
    EngineCache engines;

    @Autowired
    WriteAdmission admission;

    @Autowired
    MeterRegistry meters;

    @Test
    void writesBeyondTheServerBoundAre429WithRetryAfterAndChangeNothing() throws Exception {
        Api api = new Api(port);
        String a = OneTrialStudies.create(api, 3);
        String b = OneTrialStudies.create(api, 3);
        String c = OneTrialStudies.create(api, 3);
        assertThat(admission.maxQueued()).isEqualTo(4);
        double refused0 = meters.get("attune.writes.refused")
                .tag("bound", "server")
                .counter()
                .count();

        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        ReentrantLock lockA = engines.lockFor(a);
        ReentrantLock lockB = engines.lockFor(b);
        List<CompletableFuture<Api.Response>> queued = new ArrayList<>();
        lockA.lock();
        lockB.lock();
        try {
            // Two writes wait for each of two studies: four, the server's bound.
            for (long step = 1; step <= 2; step++) {
                long s = step;
                queued.add(CompletableFuture.supplyAsync(() -> report(api, a, s), pool));
                queued.add(CompletableFuture.supplyAsync(() -> report(api, b, s), pool));
            }
            for (int i = 0; i < 1000 && admission.queued() < 4; i++) {
                Thread.sleep(10);
            }
            assertThat(admission.queued()).isEqualTo(4);
            assertThat(meters.get("attune.writes.queued").gauge().value()).isEqualTo(4.0);

            // Eight more writers at once, to the waiting studies and to a third one: all refused, quickly.
            List<CompletableFuture<Api.Response>> refused = new ArrayList<>();
            long started = System.nanoTime();
            for (int k = 0; k < 8; k++) {
                String target = List.of(a, b, c).get(k % 3);
                long step = 10 + k;
                refused.add(CompletableFuture.supplyAsync(() -> report(api, target, step), pool));
            }
            for (CompletableFuture<Api.Response> f : refused) {
                Api.Response r = f.get(10, TimeUnit.SECONDS);
                assertThat(r.status()).as(r.body()).isEqualTo(429);
                assertThat(r.contentType()).startsWith("application/problem+json");
                assertThat(Long.parseLong(r.header("Retry-After"))).isBetween(1L, 30L);
                assertThat(r.string("type")).endsWith("overloaded");
            }
            assertThat((System.nanoTime() - started) / 1e9)
                    .as("refusals do not wait for the queue")
                    .isLessThan(5.0);
            // An ask (a write too) is refused the same way.
            assertThat(api.post("/api/v1/studies/" + c + "/ask", Map.of("workerId", "w2"))
                            .status())
                    .isEqualTo(429);
            assertThat(admission.queued()).isEqualTo(4);
        } finally {
            lockB.unlock();
            lockA.unlock();
        }
        for (CompletableFuture<Api.Response> f : queued) {
            Api.Response r = f.get(20, TimeUnit.SECONDS);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.string("decision")).isEqualTo("CONTINUE");
        }
        assertThat(admission.queued()).isZero();
        assertThat(meters.get("attune.writes.refused")
                        .tag("bound", "server")
                        .counter()
                        .count())
                .isEqualTo(refused0 + 9);

        // The refused reports and the refused ask left nothing behind.
        assertThat(steps(api, a)).containsExactlyInAnyOrder(1L, 2L);
        assertThat(steps(api, b)).containsExactlyInAnyOrder(1L, 2L);
        assertThat(steps(api, c)).isEmpty();
        assertThat(api.get("/api/v1/studies/" + c + "/trials").body()).doesNotContain("\"id\":1");

        // The server serves again.
        assertThat(report(api, c, 1).status()).isEqualTo(200);
        assertThat(report(api, a, 3).status()).isEqualTo(200);
        Api.Response ask = api.post("/api/v1/studies/" + c + "/ask", Map.of("workerId", "w2"));
        assertThat(ask.status()).isEqualTo(200);
        assertThat(((Number) ask.get("trial.id")).longValue()).isEqualTo(1);
        pool.shutdown();
    }
}
