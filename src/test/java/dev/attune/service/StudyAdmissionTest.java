package dev.attune.service;

import static dev.attune.service.OneTrialStudies.report;
import static dev.attune.service.OneTrialStudies.steps;
import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
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
 * The per-study bound over HTTP: with {@code attune.max-queued-writes-per-study} writes waiting for one
 * study, the next write to it is refused with 429 problem+json and a {@code Retry-After} in whole seconds,
 * while another study on the same server is still served; the refused write changes nothing and the
 * queued ones are all answered.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=jdbc:h2:mem:studyadmission;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
            "attune.max-queued-writes-per-study=3"
        })
class StudyAdmissionTest {
    @LocalServerPort
    int port;

    @Autowired
    EngineCache engines;

    @Autowired
    MeterRegistry meters;

    private double refusedByStudyBound() {
        return meters.get("attune.writes.refused")
                .tag("bound", "study")
                .counter()
                .count();
    }

    @Test
    void aStudyPastItsBoundIs429WithRetryAfterWhileAnotherStudyIsServed() throws Exception {
        Api api = new Api(port);
        String hot = OneTrialStudies.create(api, 5);
        String other = OneTrialStudies.create(api, 5);
        double refused0 = refusedByStudyBound();

        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        ReentrantLock lock = engines.lockFor(hot);
        List<CompletableFuture<Api.Response>> queued = new ArrayList<>();
        lock.lock();
        try {
            for (long step = 1; step <= 3; step++) {
                long s = step;
                queued.add(CompletableFuture.supplyAsync(() -> report(api, hot, s), pool));
            }
            for (int i = 0; i < 1000 && lock.getQueueLength() < 3; i++) {
                Thread.sleep(10);
            }
            assertThat(lock.getQueueLength())
                    .as("three writes wait for the hot study")
                    .isEqualTo(3);

            Api.Response refused = report(api, hot, 4);
            assertThat(refused.status()).as(refused.body()).isEqualTo(429);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.string("type")).endsWith("overloaded");
            assertThat(refused.string("detail")).contains(hot).contains("3 writes waiting");
            assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 30L);
            assertThat(refusedByStudyBound()).isEqualTo(refused0 + 1);

            // The other study, on the same server, is served meanwhile: its own queue is empty.
            Api.Response served = report(api, other, 1);
            assertThat(served.status()).as(served.body()).isEqualTo(200);
            assertThat(served.string("decision")).isEqualTo("CONTINUE");
            assertThat(lock.getQueueLength())
                    .as("the hot study's writes still wait")
                    .isEqualTo(3);
        } finally {
            lock.unlock();
        }
        for (CompletableFuture<Api.Response> f : queued) {
            Api.Response r = f.get(20, TimeUnit.SECONDS);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }
        assertThat(steps(api, hot)).containsExactlyInAnyOrder(1L, 2L, 3L);
        assertThat(steps(api, other)).containsExactly(1L);
        // Once its queue drained, the hot study takes writes again.
        assertThat(report(api, hot, 4).status()).isEqualTo(200);
        pool.shutdown();
    }
}
