package dev.attune.service;

import dev.attune.space.InvalidInputException;
import dev.attune.store.JdbcWrites;
import dev.attune.store.StudyRow;
import dev.attune.study.Actor;
import dev.attune.study.ConflictException;
import dev.attune.study.NotFoundException;
import dev.attune.study.Study;
import dev.attune.study.StudyEvent;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs a write to one study: takes the study's lock (in process, then the row with {@code SELECT … FOR
 * UPDATE}), brings its engine up to date with the log, and commits the trial rows and the events the
 * write appends in one transaction, through the JDBC write path ({@link JdbcWrites}). Writes to different studies never wait on each other.
 */
@Component
public class StudyWriter {
    private final JdbcWrites writes;
    private final StudyProjection projection;
    private final EngineCache engines;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Map<String, Pending> queues = new ConcurrentHashMap<>();
    private final org.springframework.context.ApplicationEventPublisher publisher;
    private final DistributionSummary batchSizes;
    private final io.micrometer.core.instrument.Timer fitTime;
    private final WriteAdmission admission;

    /** At most this many writes share a transaction, so that one commit never waits on too much work. */
    static final int MAX_BATCH = 64;

    /** At most this many writes wait for one study; more are refused with {@link OverloadedException}. */
    private final int maxQueued;

    public StudyWriter(
            JdbcWrites writes,
            StudyProjection projection,
            EngineCache engines,
            TransactionTemplate tx,
            Clock clock,
            MeterRegistry meters,
            org.springframework.context.ApplicationEventPublisher publisher,
            @Value("${attune.max-queued-writes-per-study:1000}") int maxQueued,
            WriteAdmission admission) {
        this.admission = admission;
        this.publisher = publisher;
        this.maxQueued = maxQueued;
        this.writes = writes;
        this.projection = projection;
        this.engines = engines;
        this.tx = tx;
        this.clock = clock;
        this.batchSizes = DistributionSummary.builder("attune.write.batch.size")
                .description("writes to one study committed in one transaction")
                .register(meters);
        this.fitTime = io.micrometer.core.instrument.Timer.builder("attune.model.prefit")
                .description("model fitting run outside the study's lock before a suggestion")
                .register(meters);
    }

    /** The state a write works on; valid only inside {@link #write}. */
    public final class Context {
        final StudyRow row;
        final Study study;
        final Instant now;

        Context(StudyRow row, Study study, Instant now) {
            this.row = row;
            this.study = study;
            this.now = now;
        }

        /** Stores the events a command of the study recorded, and the rows they change; returns its answer. */
        <A> A record(Study.Outcome<A> outcome) {
            for (StudyEvent event : outcome.events()) {
                projection.project(row, study, event, now);
            }
            if (!outcome.events().isEmpty()) {
                // Listeners that act outside the database (e.g. removing checkpoints) hear it once committed.
                publisher.publishEvent(new EventsRecorded(row.getId(), study.definition(), outcome.events()));
            }
            return outcome.answer();
        }
    }

    /** A study's queued writes, with their number kept alongside (a queue's size() walks it). */
    private static final class Pending {
        final Queue<Task<?>> tasks = new ConcurrentLinkedQueue<>();
        final AtomicInteger size = new AtomicInteger();

        Task<?> poll() {
            Task<?> t = tasks.poll();
            if (t != null) {
                size.decrementAndGet();
            }
            return t;
        }
    }

    /** One queued write and, once a batch ran it, its result or its client error. */
    private static final class Task<T> {
        final Function<Context, T> operation;
        final String actor = Actor.current();
        T result;
        RuntimeException error;
        boolean done;

        Task(Function<Context, T> operation) {
            this.operation = operation;
        }
    }

    /**
     * Runs the model fitting the study's next suggestion needs, without holding the study's lock (a fit on
     * a snapshot; the suggestion made under the lock finds it cached). Does nothing for methods without a
     * model or when this replica has no engine for the study yet.
     */
    public void prefit(String studyId) {
        admission.fit(() -> engines.pendingWork(studyId), work -> {
            long started = System.nanoTime();
            work.run();
            fitTime.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        });
    }

    /**
     * Runs a write to one study and returns its result once it is committed.
     *
     * <p>Implementation note (flat combining): the caller queues its write and takes the study's lock;
     * whoever holds it runs every queued write of that study, in order, in one transaction with one row
     * lock and one commit, then marks them done. Callers whose write another ran find it done when they
     * get the lock. A client error (invalid input, conflict, not found) is thrown by an operation before
     * it changes anything, so it is recorded for its caller alone and the others commit; any other
     * failure rolls the batch back and every caller in it gets the error, so nothing is acknowledged
     * that was not stored.
     */
    public <T> T write(String studyId, Function<Context, T> operation) {
        return admission.admit(() -> admitted(studyId, operation));
    }

    private <T> T admitted(String studyId, Function<Context, T> operation) {
        Task<T> task = new Task<>(operation);
        Pending queue = queues.computeIfAbsent(studyId, k -> new Pending());
        // Bounded waiting instead of growing latency.
        if (queue.size.incrementAndGet() > maxQueued) {
            queue.size.decrementAndGet();
            throw admission.studyFull(studyId, maxQueued);
        }
        queue.tasks.add(task);
        ReentrantLock lock = engines.lockFor(studyId);
        lock.lock();
        try {
            // More than MAX_BATCH writes may be queued ahead of this one: batches run until it has run.
            while (!task.done) {
                runBatch(studyId, queue);
            }
        } finally {
            lock.unlock();
        }
        if (task.error != null) {
            throw task.error;
        }
        return task.result;
    }

    private void runBatch(String studyId, Pending queue) {
        List<Task<?>> batch = new ArrayList<>();
        for (Task<?> t = queue.poll(); t != null; t = batch.size() < MAX_BATCH ? queue.poll() : null) {
            batch.add(t);
        }
        try {
            tx.executeWithoutResult(status -> {
                StudyRow row = writes.lockStudy(studyId)
                        .orElseThrow(() -> new NotFoundException("study " + studyId + " does not exist"));
                JdbcWrites.Batch rows = writes.batch();
                rows.track(row);
                Study study = engines.current(row);
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void afterCompletion(int outcome) {
                        if (outcome != STATUS_COMMITTED) {
                            engines.evict(studyId);
                        }
                    }
                });
                Context ctx = new Context(row, study, clock.instant());
                for (Task<?> t : batch) {
                    run(t, ctx);
                }
                // One JDBC batch per table for the whole batch of writes, inside its transaction.
                rows.flush();
            });
        } catch (RuntimeException e) {
            for (Task<?> t : batch) {
                if (t.error == null) {
                    t.result = null;
                    t.error = e;
                }
            }
        } finally {
            batchSizes.record(batch.size());
            batch.forEach(t -> t.done = true);
        }
    }

    private static <T> void run(Task<T> task, Context ctx) {
        try {
            task.result = Actor.as(task.actor, () -> task.operation.apply(ctx));
        } catch (InvalidInputException | ConflictException | NotFoundException e) {
            task.error = e;
        }
    }
}
