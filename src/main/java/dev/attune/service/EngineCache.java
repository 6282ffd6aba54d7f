package dev.attune.service;

import dev.attune.store.StudyRow;
import dev.attune.study.EventCodec;
import dev.attune.study.EventType;
import dev.attune.study.Study;
import dev.attune.study.StudyDefinition;
import dev.attune.study.StudyDefinitionParser;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Each study's {@link Study} aggregate, kept between requests together with the log position it has seen.
 *
 * <p>Before a write, the service locks the study's row and calls {@link #current}: a cached engine that is
 * behind the row's {@code lastSeq} (another replica wrote, or this one restarted) folds in the missing
 * events; a missing one is rebuilt from the whole log. A transaction that rolls back evicts its engine,
 * since the engine may already hold the change that was not stored.
 *
 * <p>The cache is bounded twice, least recently used out first: at most {@code attune.max-cached-studies}
 * aggregates, and at most {@code attune.max-cached-events} events in their logs, since an aggregate's heap
 * grows with its log (about 1 KiB per trial, 300 B per event for ASHA; ADR 0007) and a count alone would
 * let a thousand studies of 100,000 trials take 100 GB. An evicted study is rebuilt from its log at its
 * next write (a writer that holds it meanwhile keeps its own reference).
 */
@Component
public class EngineCache {
    /** Cached aggregates, least recently used first; guarded by {@code this}. */
    private final LinkedHashMap<String, Cached> engines = new LinkedHashMap<>(64, 0.75f, true);

    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final int maxCached;
    private final long maxEvents;
    /** The sum of the cached aggregates' weights (events in their logs); guarded by {@code this}. */
    private long cachedEvents;

    private final JdbcTemplate jdbc;
    private final StudyDefinitionParser parser;
    private final JsonCodec json;
    private final Counter caughtUp;
    private final Counter rebuilt;
    private final Counter evicted;

    /** A cached aggregate and the weight it was counted with. */
    private record Cached(Study study, long weight) {}

    public EngineCache(
            JdbcTemplate jdbc,
            StudyDefinitionParser parser,
            JsonCodec json,
            MeterRegistry meters,
            @Value("${attune.max-cached-studies:1000}") int maxCached,
            @Value("${attune.max-cached-events:1000000}") long maxEvents) {
        if (maxCached < 1) {
            throw new IllegalArgumentException("attune.max-cached-studies must be >= 1");
        }
        if (maxEvents < 1) {
            throw new IllegalArgumentException("attune.max-cached-events must be >= 1");
        }
        this.maxCached = maxCached;
        this.maxEvents = maxEvents;
        this.jdbc = jdbc;
        Gauge.builder("attune.engine.cache.studies", this, EngineCache::size)
                .description("study aggregates cached (bound: attune.max-cached-studies)")
                .register(meters);
        Gauge.builder("attune.engine.cache.events", this, EngineCache::weight)
                .description("events in the logs of the cached aggregates (bound: attune.max-cached-events)")
                .register(meters);
        this.evicted = Counter.builder("attune.engine.evictions")
                .description("aggregates dropped from the cache to keep it within its bounds")
                .register(meters);
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
        Study engine = get(row.getId());
        if (engine == null || engine.seq() > row.getLastSeq()) {
            engine = Study.create(row.getId(), definition(row), row.getCreatedAt());
            rebuilt.increment();
        }
        if (engine.seq() < row.getLastSeq()) {
            catchUp(engine);
        }
        put(row.getId(), engine);
        return engine;
    }

    /**
     * Folds the events after the engine's position into it, streamed from the log a page at a time: a
     * rebuild of a study of 100,000 trials holds neither the whole log nor an entity per event in memory
     * (ADR 0007). Runs in the caller's transaction, on its connection.
     */
    private void catchUp(Study engine) {
        jdbc.query(
                con -> {
                    PreparedStatement ps = con.prepareStatement(
                            "SELECT seq, type, trial_id, payload FROM study_event WHERE study_id = ? AND seq > ?"
                                    + " ORDER BY seq");
                    ps.setFetchSize(CATCH_UP_FETCH);
                    ps.setString(1, engine.id());
                    ps.setLong(2, engine.seq());
                    return ps;
                },
                (ResultSet rs) -> {
                    long trialId = rs.getLong(3);
                    Long trial = rs.wasNull() ? null : trialId;
                    engine.apply(EventCodec.decode(
                            rs.getLong(1), EventType.valueOf(rs.getString(2)), trial, json.read(rs.getString(4))));
                    caughtUp.increment();
                });
    }

    /** Rows fetched per round trip while catching up. */
    static final int CATCH_UP_FETCH = 1000;

    private synchronized Study get(String studyId) {
        Cached c = engines.get(studyId);
        return c == null ? null : c.study();
    }

    /**
     * Caches the engine, weighed by the events in its log now, then drops the least recently used others
     * while more than {@code attune.max-cached-studies} or {@code attune.max-cached-events} are held. The
     * engine just put stays even when it alone weighs more than the bound (its writer uses it now); the
     * next put of another study drops it first, being the least recently used.
     */
    private synchronized void put(String studyId, Study engine) {
        Cached old = engines.put(studyId, new Cached(engine, engine.seq() + 1));
        cachedEvents += engine.seq() + 1 - (old == null ? 0 : old.weight());
        var eldest = engines.entrySet().iterator();
        while ((engines.size() > maxCached || cachedEvents > maxEvents) && eldest.hasNext()) {
            Map.Entry<String, Cached> e = eldest.next();
            if (e.getKey().equals(studyId)) {
                break;
            }
            cachedEvents -= e.getValue().weight();
            eldest.remove();
            evicted.increment();
        }
    }

    private synchronized void remove(String studyId) {
        Cached c = engines.remove(studyId);
        if (c != null) {
            cachedEvents -= c.weight();
        }
    }

    /**
     * Model fitting the study's next suggestion will need, taken from the cached engine under the
     * in-process lock and returned to run without it; empty when no engine is cached here.
     */
    Optional<Runnable> pendingWork(String studyId) {
        ReentrantLock lock = lockFor(studyId);
        lock.lock();
        try {
            Study engine = get(studyId);
            return engine == null ? Optional.empty() : engine.scheduler().pendingWork();
        } finally {
            lock.unlock();
        }
    }

    StudyDefinition definition(StudyRow row) {
        return parser.parse(json.read(row.getDefinition()), row.getSeed());
    }

    /** How many aggregates this replica holds now. */
    synchronized int size() {
        return engines.size();
    }

    /** The events in the logs of the aggregates this replica holds now, as counted when each was cached. */
    synchronized long weight() {
        return cachedEvents;
    }

    void evict(String studyId) {
        remove(studyId);
    }

    void forget(String studyId) {
        remove(studyId);
        locks.remove(studyId);
    }
}
