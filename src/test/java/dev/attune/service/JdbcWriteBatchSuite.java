package dev.attune.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.study.Views;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The JDBC write path ({@code store.JdbcWrites}) under flat combining: a batch of writes is stored whole
 * or not at all, and reads in the batch see what the batch wrote before it. Run on H2 and PostgreSQL.
 */
abstract class JdbcWriteBatchSuite {
    @Autowired
    StudyService studies;

    @Autowired
    TrialService trials;

    @Autowired
    TrialQueries queries;

    @Autowired
    FeedbackService feedback;

    @Autowired
    TrialLeases leases;

    @Autowired
    EngineCache engines;

    @Autowired
    MeterRegistry meters;

    @Autowired
    JdbcTemplate jdbc;

    private String newStudy(int trialsToAsk) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("space", Map.of("x", Map.of("type", "uniform", "lower", 0, "upper", 1)));
        d.put("metrics", List.of(Map.of("name", "loss")));
        String id = studies.create(d).id();
        for (int i = 0; i < trialsToAsk; i++) {
            assertThat(trials.ask(id, "w").status()).isEqualTo("RUN");
        }
        return id;
    }

    private static Map<String, Object> report(double loss, long step) {
        return Map.of("metrics", Map.of("loss", loss), "step", step);
    }

    private long lastSeq(String id) {
        return jdbc.queryForObject("SELECT last_seq FROM study WHERE id = ?", Long.class, id);
    }

    private long count(String sql, Object... args) {
        return jdbc.queryForObject(sql, Long.class, args);
    }

    @Test
    void aBatchThatFailsWhileItsRowsAreSentStoresNoneAndAcknowledgesNone() throws Exception {
        String id = newStudy(3);
        long seq = lastSeq(id);
        // A row already at the log position the batch's third event takes: the event INSERT fails after the
        // batch's trial updates and reports were sent in the same transaction.
        jdbc.update(
                "INSERT INTO study_event (study_id, seq, type, trial_id, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                id,
                seq + 3,
                "REPORTED",
                2L,
                "{}",
                OffsetDateTime.now());

        List<CompletableFuture<Views.Decision>> answers = inOneBatch(
                id,
                List.of(
                        () -> trials.report(id, 0, report(0.5, 1)),
                        () -> trials.report(id, 1, report(0.4, 1)),
                        () -> trials.report(id, 2, report(0.3, 1))));

        for (CompletableFuture<Views.Decision> answer : answers) {
            assertThat(answer)
                    .failsWithin(10, TimeUnit.SECONDS)
                    .withThrowableThat()
                    .withCauseInstanceOf(DuplicateKeyException.class);
        }
        assertThat(meters.get("attune.write.batch.size").summary().max()).isGreaterThanOrEqualTo(3.0);
        assertThat(count("SELECT COUNT(*) FROM report WHERE study_id = ?", id)).isZero();
        assertThat(count("SELECT SUM(report_count) FROM trial WHERE study_id = ?", id))
                .isZero();
        assertThat(count("SELECT COUNT(*) FROM trial WHERE study_id = ? AND metrics IS NOT NULL", id))
                .isZero();
        assertThat(lastSeq(id)).isEqualTo(seq);
        assertThat(count("SELECT COUNT(*) FROM study_event WHERE study_id = ? AND seq > ?", id, seq))
                .isEqualTo(1);

        // Without the stray row, the same reports are stored; the engine was rebuilt from the log.
        jdbc.update("DELETE FROM study_event WHERE study_id = ? AND seq = ?", id, seq + 3);
        for (int t = 0; t < 3; t++) {
            assertThat(trials.report(id, t, report(0.5 - t / 10.0, 1)).decision())
                    .isEqualTo("CONTINUE");
        }
        assertThat(count("SELECT COUNT(*) FROM report WHERE study_id = ?", id)).isEqualTo(3);
        assertThat(count("SELECT SUM(report_count) FROM trial WHERE study_id = ?", id))
                .isEqualTo(3);
        assertThat(lastSeq(id)).isEqualTo(seq + 3);
        assertThat(queries.get(id, 2).metrics()).containsEntry("loss", 0.3);
    }

    @Test
    void writesInOneBatchSeeWhatTheBatchWroteBeforeThem() throws Exception {
        String id = newStudy(3);
        long seq = lastSeq(id);
        List<Supplier<Object>> writes = new ArrayList<>();
        writes.add(() -> trials.report(id, 0, report(0.9, 1)));
        writes.add(() -> trials.report(id, 0, report(0.8, 2)));
        // the same report again: a retry, found through a JPA read of the report this batch wrote
        writes.add(() -> trials.report(id, 0, report(0.8, 2)));
        writes.add(() -> trials.complete(id, 1, Map.of("metrics", Map.of("loss", 0.7))));
        writes.add(() -> trials.ask(id, "w2"));
        writes.add(() -> leases.heartbeat(id, 2));
        writes.add(() -> trials.report(id, 2, report(0.6, 1)));
        List<CompletableFuture<Object>> answers = inOneBatch(id, writes);

        assertThat(((Views.Decision) answers.get(0).get(10, TimeUnit.SECONDS)).decision())
                .isEqualTo("CONTINUE");
        assertThat(((Views.Decision) answers.get(1).get(10, TimeUnit.SECONDS)).decision())
                .isEqualTo("CONTINUE");
        assertThat(((Views.Decision) answers.get(2).get(10, TimeUnit.SECONDS)).decision())
                .isEqualTo("CONTINUE");
        Views.Trial completed = (Views.Trial) answers.get(3).get(10, TimeUnit.SECONDS);
        assertThat(completed.status()).isEqualTo("COMPLETED");
        assertThat(completed.metrics()).containsEntry("loss", 0.7);
        Views.Ask ask = (Views.Ask) answers.get(4).get(10, TimeUnit.SECONDS);
        assertThat(ask.status()).isEqualTo("RUN");
        assertThat(ask.trial().id()).isEqualTo(3);
        assertThat(ask.trial().status()).isEqualTo("RUNNING");
        answers.get(5).get(10, TimeUnit.SECONDS);
        answers.get(6).get(10, TimeUnit.SECONDS);

        // Stored as the answers said: merged updates of one trial, every report once, one event each.
        Views.Trial t0 = queries.get(id, 0);
        assertThat(t0.reports()).hasSize(2);
        assertThat(t0.metrics()).containsEntry("loss", 0.8);
        assertThat(count("SELECT report_count FROM trial WHERE study_id = ? AND trial_id = 0", id))
                .isEqualTo(2);
        assertThat(queries.get(id, 1).status()).isEqualTo("COMPLETED");
        Views.Trial t3 = queries.get(id, 3);
        assertThat(t3.status()).isEqualTo("RUNNING");
        assertThat(t3.workerId()).isEqualTo("w2");
        assertThat(queries.get(id, 2).reports()).hasSize(1);
        long events = count("SELECT COUNT(*) FROM study_event WHERE study_id = ? AND seq > ?", id, seq);
        assertThat(lastSeq(id)).isEqualTo(seq + events);
        assertThat(count("SELECT next_trial_id FROM study WHERE id = ?", id)).isEqualTo(4);
    }

    @Test
    void aCompletionAnswersTheTrialAsItIsStored() throws Exception {
        String id = newStudy(2);
        // alone: the stored row with this write's changes, read before they are sent
        Views.Trial alone = trials.complete(id, 0, Map.of("metrics", Map.of("loss", 0.5)));
        assertThat(alone.status()).isEqualTo("COMPLETED");
        assertThat(alone).usingRecursiveComparison().ignoringFields("reports").isEqualTo(queries.get(id, 0));
        // in one batch with reports on the same trial, still unsent when the completion answers
        List<Supplier<Object>> writes = new ArrayList<>();
        writes.add(() -> trials.report(id, 1, report(0.9, 1)));
        writes.add(() -> trials.report(id, 1, report(0.4, 2)));
        writes.add(() -> trials.complete(id, 1, null));
        List<CompletableFuture<Object>> answers = inOneBatch(id, writes);
        Views.Trial t1 = (Views.Trial) answers.get(2).get(10, TimeUnit.SECONDS);
        assertThat(t1.status()).isEqualTo("COMPLETED");
        assertThat(t1.metrics()).containsEntry("loss", 0.4);
        assertThat(t1).usingRecursiveComparison().ignoringFields("reports").isEqualTo(queries.get(id, 1));
    }

    @Test
    void aCompletionAfterAMetadataChangeInItsBatchAnswersTheTrialAsItIsStored() throws Exception {
        String id = newStudy(1);
        // the metadata change makes the trial a managed Hibernate entity in the batch's transaction; the report
        // and the completion change its row through the JDBC batch, which that entity does not see
        List<Supplier<Object>> writes = new ArrayList<>();
        writes.add(() -> feedback.setTrialMetadata(id, 0, Map.of("note", "tuned")));
        writes.add(() -> trials.report(id, 0, report(0.7, 1)));
        writes.add(() -> trials.complete(id, 0, null));
        List<CompletableFuture<Object>> answers = inOneBatch(id, writes);
        Views.Trial t0 = (Views.Trial) answers.get(2).get(10, TimeUnit.SECONDS);
        assertThat(t0.status()).isEqualTo("COMPLETED");
        assertThat(t0.metrics()).containsEntry("loss", 0.7);
        assertThat(t0.metadata()).containsEntry("note", "tuned");
        assertThat(t0).usingRecursiveComparison().ignoringFields("reports").isEqualTo(queries.get(id, 0));
    }

    /** Runs the writes as one flat-combined batch: each is queued while the study's lock is held. */
    private <T> List<CompletableFuture<T>> inOneBatch(String id, List<? extends Supplier<? extends T>> writes)
            throws InterruptedException {
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        ReentrantLock lock = engines.lockFor(id);
        List<CompletableFuture<T>> answers = new ArrayList<>();
        lock.lock();
        try {
            for (Supplier<? extends T> write : writes) {
                answers.add(CompletableFuture.supplyAsync(write::get, pool));
                for (int i = 0; i < 500 && lock.getQueueLength() < answers.size(); i++) {
                    Thread.sleep(10);
                }
                assertThat(lock.getQueueLength()).isEqualTo(answers.size());
            }
        } finally {
            lock.unlock();
        }
        for (CompletableFuture<T> a : answers) {
            try {
                a.get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // asserted by the caller
            }
        }
        pool.close();
        return answers;
    }
}
