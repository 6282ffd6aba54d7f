package dev.attune.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.study.NotFoundException;
import dev.attune.study.Views;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** Writes queued while the study is busy run in one transaction; one caller's bad write does not touch the others. */
@SpringBootTest(
        properties = "spring.datasource.url=jdbc:h2:mem:batch;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE")
class StudyWriterBatchTest {
    @Autowired
    StudyService studies;

    @Autowired
    TrialService trials;

    @Autowired
    TrialQueries queries;

    @Autowired
    EngineCache engines;

    @Autowired
    MeterRegistry meters;

    @Test
    void queuedWritesShareOneTransactionAndKeepTheirOwnOutcome() throws Exception {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("space", Map.of("x", Map.of("type", "uniform", "lower", 0, "upper", 1)));
        d.put("metrics", List.of(Map.of("name", "loss")));
        String id = studies.create(d).id();
        trials.ask(id, "w");
        trials.ask(id, "w");
        long batchesBefore = meters.get("attune.write.batch.size").summary().count();

        var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        ReentrantLock lock = engines.lockFor(id);
        lock.lock();
        CompletableFuture<Views.Decision> good1;
        CompletableFuture<Views.Trial> bad;
        CompletableFuture<Views.Decision> good2;
        try {
            good1 = CompletableFuture.supplyAsync(
                    () -> trials.report(id, 0, Map.of("metrics", Map.of("loss", 0.5), "step", 1)), pool);
            waitForQueued(lock, 1);
            bad = CompletableFuture.supplyAsync(() -> trials.complete(id, 7, Map.of()), pool);
            waitForQueued(lock, 2);
            good2 = CompletableFuture.supplyAsync(
                    () -> trials.report(id, 1, Map.of("metrics", Map.of("loss", 0.4), "step", 1)), pool);
            waitForQueued(lock, 3);
        } finally {
            lock.unlock();
        }
        assertThat(good1.get(10, TimeUnit.SECONDS).decision()).isEqualTo("CONTINUE");
        assertThat(good2.get(10, TimeUnit.SECONDS).decision()).isEqualTo("CONTINUE");
        assertThat(bad)
                .failsWithin(10, TimeUnit.SECONDS)
                .withThrowableThat()
                .withCauseInstanceOf(NotFoundException.class);
        // The three writes ran as one batch: one more batch recorded, of size 3.
        assertThat(meters.get("attune.write.batch.size").summary().count()).isEqualTo((long) batchesBefore + 1);
        assertThat(meters.get("attune.write.batch.size").summary().max()).isEqualTo(3.0);
        assertThat(queries.get(id, 0).reports()).hasSize(1);
        assertThat(queries.get(id, 1).reports()).hasSize(1);
    }

    private static void waitForQueued(ReentrantLock lock, int n) throws InterruptedException {
        for (int i = 0; i < 500 && lock.getQueueLength() < n; i++) {
            Thread.sleep(10);
        }
        assertThat(lock.getQueueLength()).isEqualTo(n);
    }
}
