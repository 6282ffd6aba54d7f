package dev.attune.service;

import dev.attune.store.EventRepository;
import dev.attune.store.JdbcWrites;
import dev.attune.store.ReportRepository;
import dev.attune.store.TrialRow;
import dev.attune.study.EventCodec;
import dev.attune.study.EventType;
import dev.attune.study.Fields;
import dev.attune.study.MetricsInput;
import dev.attune.study.Study;
import dev.attune.study.Views;
import dev.attune.trial.Decision;
import dev.attune.trial.TrialStatus;
import dev.attune.trial.Verdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.hibernate.Session;
import org.springframework.stereotype.Service;

/**
 * The worker protocol over HTTP: ask, report, complete, fail, skip, and adding trials evaluated
 * elsewhere. Each parses its request, runs the {@link Study}'s command under the study's lock, and
 * answers from the rows the command's events were projected to. Leases (heartbeats, stale trials) are
 * {@link TrialLeases}; reads are {@link TrialQueries}.
 */
@Service
public class TrialService {
    static final long WAIT_MS = 500;
    private final StudyWriter writer;
    private final ReportRepository reports;
    private final JsonCodec json;
    private final MeterRegistry meters;
    private final TrialQueries queries;
    private final JdbcWrites writes;
    private final EntityManager entities;
    private final EventRepository events;

    public TrialService(
            StudyWriter writer,
            ReportRepository reports,
            JsonCodec json,
            MeterRegistry meters,
            TrialQueries queries,
            JdbcWrites writes,
            EntityManager entities,
            EventRepository events) {
        this.events = events;
        this.writes = writes;
        this.entities = entities;
        this.writer = writer;
        this.reports = reports;
        this.json = json;
        this.meters = meters;
        this.queries = queries;
    }

    /** Hands out the next trial: a client-added pending one first, then whatever the scheduler suggests. */
    public Views.Ask ask(String studyId, String workerId) {
        return ask(studyId, workerId, null);
    }

    /**
     * {@link #ask(String, String)} with the ask's {@code Idempotency-Key} (null for none): a retry of an ask
     * that handed out a trial still running answers that trial again ({@link Views.Ask#replayed}).
     */
    public Views.Ask ask(String studyId, String workerId, String idempotencyKey) {
        writer.prefit(studyId);
        Views.Ask answer = writer.write(studyId, ctx -> {
            long started = System.nanoTime();
            Study.Ask ask = ctx.record(ctx.study.ask(workerId, idempotencyKey, ctx.now));
            meter(
                            suggestTimers,
                            ctx.study.definition().method().name(),
                            m -> meters.timer("attune.suggest", "method", m))
                    .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            return switch (ask) {
                case Study.Ask.Run run ->
                    new Views.Ask(
                            "RUN",
                            TrialViews.of(handedOut(studyId, run.trialId()), json, null),
                            null,
                            null,
                            run.replayed());
                case Study.Ask.Wait w -> new Views.Ask("WAIT", null, WAIT_MS, w.reason());
                case Study.Ask.Done d -> new Views.Ask("DONE", null, null, d.reason());
            };
        });
        meter(askCounters, answer.status(), r -> meters.counter("attune.asks", "result", r))
                .increment();
        return answer;
    }

    /**
     * Up to {@code count} trials at once, in one write: model-based searchers fantasize the outcomes of the
     * batch's earlier trials (they are running when the later ones are suggested).
     */
    public Views.BatchAsk askBatch(String studyId, String workerId, int count) {
        return askBatch(studyId, workerId, count, null);
    }

    /** {@link #askBatch(String, String, int)} with the ask's {@code Idempotency-Key}, as for {@link #ask}. */
    public Views.BatchAsk askBatch(String studyId, String workerId, int count, String idempotencyKey) {
        writer.prefit(studyId);
        Views.BatchAsk answer = writer.write(studyId, ctx -> {
            Study.Batch batch = ctx.record(ctx.study.askBatch(workerId, count, idempotencyKey, ctx.now));
            List<Views.Trial> trials = batch.runs().stream()
                    .map(run -> TrialViews.of(handedOut(studyId, run.trialId()), json, null))
                    .toList();
            String reason = batch.stoppedBy() instanceof Study.Ask.Wait w
                    ? w.reason()
                    : batch.stoppedBy() instanceof Study.Ask.Done d ? d.reason() : null;
            if (!trials.isEmpty()) {
                return new Views.BatchAsk("RUN", trials, null, reason, batch.replayed());
            }
            return batch.stoppedBy() instanceof Study.Ask.Done
                    ? new Views.BatchAsk("DONE", trials, null, reason)
                    : new Views.BatchAsk("WAIT", trials, WAIT_MS, reason);
        });
        meter(askCounters, answer.status(), r -> meters.counter("attune.asks", "result", r))
                .increment();
        return answer;
    }

    /**
     * Stores a report and answers the scheduler's decision. A report at a level the trial already has is a
     * retry: the same metrics get the decision already made and store nothing; different ones are refused.
     */
    public Views.Decision report(String studyId, long trialId, Map<String, Object> request) {
        Fields body = Fields.body(request, Set.of("metrics", "step"));
        Long step = body.integer("step", 0);
        body.throwIfInvalid();
        Map<String, Double> metrics = MetricsInput.parse(body.raw("metrics"), "metrics", true);
        Study.ReportHistory history = (trial, level) -> reports.findByStudyIdAndTrialIdAndLevel(studyId, trial, level)
                .map(r -> new Study.EarlierReport(
                        EventCodec.numbers(json.read(r.getMetrics())),
                        new Verdict(Decision.valueOf(r.getDecision()), r.getReason())));
        Verdict verdict =
                writer.write(studyId, ctx -> ctx.record(ctx.study.report(trialId, metrics, step, ctx.now, history)));
        Views.Decision answer = new Views.Decision(verdict.decision().name(), verdict.reason());
        meter(reportCounters, answer.decision(), d -> meters.counter("attune.reports", "decision", d))
                .increment();
        return answer;
    }

    public Views.Trial complete(String studyId, long trialId, Map<String, Object> request) {
        return complete(studyId, trialId, request, null);
    }

    /** A completion by a request with this {@code Idempotency-Key} (null: none), which tells its retries. */
    public Views.Trial complete(String studyId, long trialId, Map<String, Object> request, String idempotencyKey) {
        Map<String, Double> metrics =
                MetricsInput.parse(body(request, "metrics").raw("metrics"), "metrics", false);
        return writer.write(studyId, ctx -> {
            ctx.record(ctx.study.complete(trialId, metrics, idempotencyKey, ctx.now, endings(studyId)));
            return view(studyId, trialId);
        });
    }

    public Views.Trial fail(String studyId, long trialId, Map<String, Object> request) {
        return fail(studyId, trialId, request, null);
    }

    /** A failure by a request with this {@code Idempotency-Key} (null: none), which tells its retries. */
    public Views.Trial fail(String studyId, long trialId, Map<String, Object> request, String idempotencyKey) {
        String reason = body(request, "reason").string("reason", null, 2000);
        return writer.write(studyId, ctx -> {
            ctx.record(ctx.study.fail(trialId, reason, idempotencyKey, ctx.now, endings(studyId)));
            return view(studyId, trialId);
        });
    }

    /**
     * How the study's trials ended, from the log (one read by the event index on study and trial): a
     * completion or failure repeated after its answer was lost is told from a different one by it. An ending
     * in the same write batch is not yet stored; a repeat in it is refused, as concurrent duplicates were.
     */
    private Study.Endings endings(String studyId) {
        return (trialId, status) -> events.findFirstByStudyIdAndTrialIdAndTypeOrderBySeqDesc(
                        studyId, trialId, endingType(status).name())
                .map(row -> EventCodec.decode(
                        row.getSeq(), endingType(status), row.getTrialId(), json.read(row.getPayload())));
    }

    private static EventType endingType(TrialStatus status) {
        return switch (status) {
            case COMPLETED -> EventType.TRIAL_COMPLETED;
            case FAILED -> EventType.TRIAL_FAILED;
            default -> throw new IllegalArgumentException("no retry of an ending as " + status);
        };
    }

    /** Its worker gives the running trial back with its checkpoint (shutting down); the next ask resumes it. */
    public Views.Trial release(String studyId, long trialId, Map<String, Object> request) {
        String reason = body(request, "reason").string("reason", null, 2000);
        return writer.write(studyId, ctx -> {
            ctx.record(ctx.study.release(trialId, reason, ctx.now));
            return view(studyId, trialId);
        });
    }

    public Views.Trial skip(String studyId, long trialId, Map<String, Object> request) {
        String reason = body(request, "reason").string("reason", null, 2000);
        return writer.write(studyId, ctx -> {
            ctx.record(ctx.study.skip(trialId, reason, ctx.now));
            return view(studyId, trialId);
        });
    }

    private static Fields body(Map<String, Object> request, String field) {
        Fields body = Fields.body(request, Set.of(field));
        body.throwIfInvalid();
        return body;
    }

    // Meters by tag value, looked up once: the registry's look-up builds and compares tags on every call.
    private final Map<String, Counter> askCounters = new ConcurrentHashMap<>();
    private final Map<String, Counter> reportCounters = new ConcurrentHashMap<>();
    private final Map<String, Timer> suggestTimers = new ConcurrentHashMap<>();

    private static <M> M meter(Map<String, M> meters, String tag, Function<String, M> create) {
        M meter = meters.get(tag);
        return meter != null ? meter : meters.computeIfAbsent(tag, create);
    }

    /** A trial an ask hands out: a new one is still in the write's batch, as it will be stored. */
    private TrialRow handedOut(String studyId, long trialId) {
        return JdbcWrites.pendingTrial(studyId, trialId).orElseGet(() -> queries.trial(studyId, trialId));
    }

    /**
     * The trial as the write leaves it, inside the write: from the transaction's batch of JDBC writes and one
     * plain read by key, without sending the batch first (a Hibernate read flushed it and hydrated an entity:
     * 4.5 % of the server's CPU under the report load, issue 16 item 6). When Hibernate's persistence
     * context holds entities (a trial's metadata changed earlier in the batch, say), their unflushed changes
     * are sent first: a managed trial read back through Hibernate would be its cached entity, without the
     * batch's JDBC changes to status and metrics.
     */
    private Views.Trial view(String studyId, long trialId) {
        if (entities.unwrap(Session.class).getStatistics().getEntityCount() != 0) {
            entities.flush();
        }
        TrialRow row = writes.trialAsWritten(studyId, trialId).orElseGet(() -> queries.trial(studyId, trialId));
        return TrialViews.of(row, json, null);
    }

    /** Paused trials whose checkpoints workers should delete (speculative checkpoint removal), in order. */
    public List<Long> checkpointsToRemove(String studyId) {
        return writer.write(studyId, ctx -> ctx.study.checkpointsToRemove());
    }

    /** Adds a trial evaluated elsewhere: completed when metrics are given, else pending for the next ask. */
    public Views.Trial add(String studyId, Map<String, Object> request) {
        Fields body = Fields.body(request, Set.of("config", "metrics"));
        Map<String, Object> given = body.object("config");
        if (given == null && body.errors().isEmpty()) {
            body.error("config", "is required: the trial's config");
        }
        body.throwIfInvalid();
        Map<String, Double> metrics = MetricsInput.parse(body.raw("metrics"), "metrics", false);
        return writer.write(studyId, ctx -> {
            long trialId = ctx.record(ctx.study.add(given, metrics, ctx.now));
            return view(studyId, trialId);
        });
    }
}
