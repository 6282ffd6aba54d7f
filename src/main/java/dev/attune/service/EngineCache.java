package dev.attune.service;

import dev.attune.store.EventRepository;
import dev.attune.store.EventRow;
import dev.attune.store.StudyRow;
import dev.attune.study.EventCodec;
import dev.attune.study.EventType;
import dev.attune.study.Study;
import dev.attune.study.StudyDefinition;
import dev.attune.study.StudyDefinitionParser;
import dev.attune.study.StudyEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Each study's {@link Study} aggregate, kept between requests together with the log position it has seen.
 *
 * <p>Before a write, the service locks the study's row and calls {@link #current}: a cached engine that is
 * behind the row's {@code lastSeq} (another replica wrote, or this one restarted) folds in the missing
 * events; a missing one is rebuilt from the whole log. A transaction that rolls back evicts its engine,
 * since the engine may already hold the change that was not stored.
 *
 * <p>At most {@code attune.max-cached-studies} aggregates are kept, least recently used out first, so that
 * memory stays bounded however many studies a replica serves; an evicted study is rebuilt from its log
 * at its next write (a writer that holds it meanwhile keeps its own reference).
 */
@Component
public class EngineCache {
    private final Map<String, Study> engines;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final EventRepository events;
    private final StudyDefinitionParser parser;
    private final JsonCodec json;
    private final Counter caughtUp;
    private final Counter rebuilt;

    public EngineCache(
            EventRepository events,
            StudyDefinitionParser parser,
            JsonCodec json,
            MeterRegistry meters,
            @Value("${attune.max-cached-studies:1000}") int maxCached) {
        this.engines = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Study> eldest) {
                return size() > maxCached;
            }
        });
        this.events = events;
        this.parser = parser;
        this.json = json;
        this.caughtUp = Counter.builder("attune.eventlog.catchup.events")
                .description("events folded into a cached engine written by another replica or before a restart")
                .register(meters);
        this.rebuilt = Counter.builder("attune.engine.rebuilds")
                .description("engines rebuilt from the whole event log")
                .register(meters);
    }

    /** The in-process lock taken before the row lock, so that local writers queue without holding connections. */
    ReentrantLock lockFor(String studyId) {
        return locks.computeIfAbsent(studyId, k -> new ReentrantLock(true));
    }

    /** The study's engine, up to date with its log; call only while holding the study's row lock. */
    Study current(StudyRow row) {
        Study engine = engines.get(row.getId());
        if (engine == null || engine.seq() > row.getLastSeq()) {
            engine = Study.create(row.getId(), definition(row), row.getCreatedAt());
            rebuilt.increment();
        }
        if (engine.seq() < row.getLastSeq()) {
            for (EventRow e : events.findByStudyIdAndSeqGreaterThanOrderBySeq(row.getId(), engine.seq())) {
                engine.apply(event(e));
                caughtUp.increment();
            }
        }
        engines.put(row.getId(), engine);
        return engine;
    }

    /**
     * Model fitting the study's next suggestion will need, taken from the cached engine under the
     * in-process lock and returned to run without it; empty when no engine is cached here.
     */
    Optional<Runnable> pendingWork(String studyId) {
        ReentrantLock lock = lockFor(studyId);
        lock.lock();
        try {
            Study engine = engines.get(studyId);
            return engine == null ? Optional.empty() : engine.scheduler().pendingWork();
        } finally {
            lock.unlock();
        }
    }

    StudyDefinition definition(StudyRow row) {
        return parser.parse(json.read(row.getDefinition()), row.getSeed());
    }

    StudyEvent event(EventRow row) {
        return EventCodec.decode(
                row.getSeq(), EventType.valueOf(row.getType()), row.getTrialId(), json.read(row.getPayload()));
    }

    /** How many aggregates this replica holds now. */
    int size() {
        return engines.size();
    }

    void evict(String studyId) {
        engines.remove(studyId);
    }

    void forget(String studyId) {
        engines.remove(studyId);
        locks.remove(studyId);
    }
}
