package dev.attune.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.study.Views;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** A study with as many writes waiting as the server queues refuses the next one at once. */
@SpringBootTest(
        properties = {
            "spring.datasource.url=jdbc:h2:mem:overload;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
            "attune.max-queued-writes-per-study=3"
        })
class OverloadTest {
    @Autowired
    StudyService studies;

    @Autowired
    TrialService trials;

    @Autowired
    EngineCache engines;

    @Test
    void refusesAWriteBeyondTheQueueAndServesTheQueuedOnes() throws Exception {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("space", Map.of("x", Map.of("type", "uniform", "lower", 0, "upper", 1)));
        d.put("metrics", List.of(Map.of("name", "loss")));
        String id = studies.create(d).id();
        trials.ask(id, "w");

        var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        ReentrantLock lock = engines.lockFor(id);
        List<CompletableFuture<Views.Decision>> queued = new ArrayList<>();
        lock.lock();
        try {
            for (int step = 1; step <= 3; step++) {
                long s = step;
                queued.add(CompletableFuture.supplyAsync(
                        () -> trials.report(id, 0, Map.of("metrics", Map.of("loss", 1.0 / s), "step", s)), pool));
                for (int i = 0; i < 500 && lock.getQueueLength() < step; i++) {
                    Thread.sleep(10);
                }
            }
            assertThat(lock.getQueueLength()).isEqualTo(3);
            assertThatThrownBy(() -> trials.report(id, 0, Map.of("metrics", Map.of("loss", 0.1), "step", 4)))
                    .isInstanceOf(OverloadedException.class);
        } finally {
            lock.unlock();
        }
        for (CompletableFuture<Views.Decision> f : queued) {
            assertThat(f.get(10, TimeUnit.SECONDS).decision()).isEqualTo("CONTINUE");
        }
        // Once the queue drained, writes are taken again.
        assertThat(trials.report(id, 0, Map.of("metrics", Map.of("loss", 0.1), "step", 4))
                        .decision())
                .isEqualTo("CONTINUE");
    }
}
