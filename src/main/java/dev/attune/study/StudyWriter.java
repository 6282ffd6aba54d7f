package dev.attune.study;

import dev.attune.store.EventRepository;
import dev.attune.store.EventRow;
import dev.attune.store.StudyRepository;
import dev.attune.store.StudyRow;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs a write to one study: takes the study's lock (in process, then the row with {@code SELECT … FOR
 * UPDATE}), brings its engine up to date with the log, and commits the trial rows and the events the
 * write appends in one transaction. Writes to different studies never wait on each other.
 */
@Component
public class StudyWriter {
    private final StudyRepository studies;
    private final EventRepository events;
    private final EngineCache engines;
    private final JsonCodec json;
    private final TransactionTemplate tx;
    private final Clock clock;

    public StudyWriter(
            StudyRepository studies,
            EventRepository events,
            EngineCache engines,
            JsonCodec json,
            TransactionTemplate tx,
            Clock clock) {
        this.studies = studies;
        this.events = events;
        this.engines = engines;
        this.json = json;
        this.tx = tx;
        this.clock = clock;
    }

    /** The state a write works on; valid only inside {@link #write}. */
    public final class Context {
        final StudyRow row;
        final StudyEngine engine;
        final Instant now;

        Context(StudyRow row, StudyEngine engine, Instant now) {
            this.row = row;
            this.engine = engine;
            this.now = now;
        }

        /** Appends an event to the log and folds it into the engine. */
        void append(EventType type, Long trialId, Map<String, Object> payload) {
            long seq = row.nextSeq(now);
            events.save(new EventRow(row.getId(), seq, type.name(), trialId, json.write(payload), now));
            engine.apply(new StudyEvent(seq, type, trialId, payload));
        }

        /** Stores an event the engine has already folded in (a report, whose decision the fold made). */
        void store(long seq, EventType type, Long trialId, Map<String, Object> payload) {
            events.save(new EventRow(row.getId(), seq, type.name(), trialId, json.write(payload), now));
        }

        void setStatus(StudyStatus status, String reason) {
            if (engine.status() != status) {
                append(EventType.STUDY_STATUS, null, Map.of("status", status.name(), "reason", reason));
                row.setStatus(status.name(), reason, now);
            }
        }

        /**
         * After any change: an active study whose stopping criterion fired stops taking trials, and a
         * stopping one with nothing left running is done.
         */
        void settle() {
            if (engine.status() == StudyStatus.ACTIVE) {
                String reason = engine.stopReason(row.getCreatedAt(), now);
                if (reason != null) {
                    setStatus(StudyStatus.STOPPING, reason);
                }
            }
            if (engine.status() == StudyStatus.STOPPING && engine.running() == 0) {
                setStatus(StudyStatus.DONE, row.getStatusReason());
            }
        }
    }

    public <T> T write(String studyId, Function<Context, T> operation) {
        ReentrantLock lock = engines.lockFor(studyId);
        lock.lock();
        try {
            return tx.execute(status -> {
                StudyRow row = studies.lock(studyId)
                        .orElseThrow(() -> new NotFoundException("study " + studyId + " does not exist"));
                StudyEngine engine = engines.current(row);
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void afterCompletion(int outcome) {
                        if (outcome != STATUS_COMMITTED) {
                            engines.evict(studyId);
                        }
                    }
                });
                return operation.apply(new Context(row, engine, clock.instant()));
            });
        } finally {
            lock.unlock();
        }
    }
}
