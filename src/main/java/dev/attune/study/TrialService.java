package dev.attune.study;

import dev.attune.scheduler.Suggestion;
import dev.attune.space.InvalidInputException;
import dev.attune.store.ReportRepository;
import dev.attune.store.ReportRow;
import dev.attune.store.TrialRepository;
import dev.attune.store.TrialRow;
import dev.attune.trial.Decision;
import dev.attune.trial.Resource;
import dev.attune.trial.TrialStatus;
import dev.attune.trial.Verdict;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.stereotype.Service;

/**
 * The worker protocol: ask, report, complete, fail, skip, and adding trials evaluated elsewhere. Leases
 * (heartbeats, stale trials, retries) are {@link TrialLeases}; reads are {@link TrialQueries}.
 */
@Service
public class TrialService {
    static final long WAIT_MS = 500;
    private final StudyWriter writer;
    private final TrialRepository trials;
    private final ReportRepository reports;
    private final JsonCodec json;
    private final MeterRegistry meters;
    private final TrialLeases leases;
    private final TrialQueries queries;

    public TrialService(
            StudyWriter writer,
            TrialRepository trials,
            ReportRepository reports,
            JsonCodec json,
            MeterRegistry meters,
            TrialLeases leases,
            TrialQueries queries) {
        this.writer = writer;
        this.trials = trials;
        this.reports = reports;
        this.json = json;
        this.meters = meters;
        this.leases = leases;
        this.queries = queries;
    }

    /** Hands out the next trial: a client-added pending one first, then whatever the scheduler suggests. */
    public Views.Ask ask(String studyId, String workerId) {
        writer.prefit(studyId);
        Views.Ask answer = writer.write(studyId, ctx -> {
            StudyEngine engine = ctx.engine;
            ctx.settle();
            if (engine.status() != StudyStatus.ACTIVE) {
                return done(ctx.row.getStatusReason());
            }
            Integer max = engine.definition().maxConcurrentTrials();
            if (max != null && engine.running() >= max) {
                return waitFor("maxConcurrentTrials (" + max + ") trials are running");
            }
            if (engine.completionLimitInFlight()) {
                return waitFor("the running trials may reach the completion limit");
            }
            Long pending = engine.firstPending();
            if (pending != null) {
                TrialRow t = queries.trial(studyId, pending);
                ctx.append(EventType.TRIAL_RUN, pending, Map.of());
                t.handOut(workerId, t.getConfig(), false, ctx.now);
                t.setLeaseExpiresAt(ctx.now.plus(leases.of(ctx)));
                return run(t);
            }
            long started = System.nanoTime();
            Suggestion suggestion = engine.scheduler().suggest(engine.nextTrialId());
            meters.timer(
                            "attune.suggest",
                            "method",
                            engine.definition().method().name())
                    .record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
            return switch (suggestion) {
                case Suggestion.Start start -> {
                    long id = ctx.row.takeTrialId();
                    TrialRow t = new TrialRow(
                            studyId,
                            id,
                            TrialStatus.RUNNING.name(),
                            json.write(start.config()),
                            start.checkpointTrialId(),
                            workerId,
                            ctx.now);
                    t.setLeaseExpiresAt(ctx.now.plus(leases.of(ctx)));
                    trials.save(t);
                    ctx.append(StudyEvent.trialAdded(
                            ctx.row.getLastSeq() + 1,
                            id,
                            start.config(),
                            start.memo(),
                            TrialStatus.RUNNING,
                            start.checkpointTrialId()));
                    ctx.settle();
                    yield run(t);
                }
                case Suggestion.Resume resume -> {
                    TrialRow t = queries.trial(studyId, resume.trialId());
                    ctx.append(StudyEvent.trialResumed(ctx.row.getLastSeq() + 1, resume.trialId(), resume.config()));
                    t.handOut(workerId, json.write(resume.config()), true, ctx.now);
                    t.setLeaseExpiresAt(ctx.now.plus(leases.of(ctx)));
                    yield run(t);
                }
                case Suggestion.Wait w -> waitFor(w.reason());
                case Suggestion.Exhausted e -> {
                    ctx.setStatus(StudyStatus.STOPPING, e.reason());
                    ctx.settle();
                    yield done(e.reason());
                }
            };
        });
        meters.counter("attune.asks", "result", answer.status()).increment();
        return answer;
    }

    private Views.Ask run(TrialRow t) {
        return new Views.Ask("RUN", TrialViews.of(t, json, null), null, null);
    }

    private static Views.Ask waitFor(String reason) {
        return new Views.Ask("WAIT", null, WAIT_MS, reason);
    }

    private static Views.Ask done(String reason) {
        return new Views.Ask("DONE", null, null, reason);
    }

    /**
     * Stores a report and answers the scheduler's decision. A report at a level the trial already has is a
     * retry: the same metrics get the decision already made and store nothing; different ones are refused.
     */
    public Views.Decision report(String studyId, long trialId, Map<String, Object> request) {
        Fields body = Fields.body(request, java.util.Set.of("metrics", "step"));
        Long step = body.integer("step", 0);
        body.throwIfInvalid();
        Map<String, Double> metrics = MetricsInput.parse(body.raw("metrics"), "metrics", true);
        Views.Decision answer = writer.write(studyId, ctx -> {
            StudyDefinition definition = ctx.engine.definition();
            Long level = level(definition.resource(), metrics, step);
            TrialStatus status = ctx.engine.trialStatus(trialId);
            if (status == null) {
                throw new NotFoundException("trial " + trialId + " of study " + studyId + " does not exist");
            }
            if (level != null && level <= ctx.engine.highestLevel(trialId)) {
                ReportRow earlier = reports.findByStudyIdAndTrialIdAndLevel(studyId, trialId, level)
                        .orElse(null);
                if (earlier != null) {
                    if (!Objects.equals(StudyEngine.numbers(json.read(earlier.getMetrics())), metrics)) {
                        throw new ConflictException(
                                ConflictException.Kind.REPORT_CONFLICT,
                                status.name(),
                                "trial " + trialId + " already has a different report at level " + level);
                    }
                    return new Views.Decision(earlier.getDecision(), earlier.getReason());
                }
            }
            requireStatus(ctx.engine, trialId, "report on", TrialStatus.RUNNING);
            if (definition.method().multiFidelity()
                    && !metrics.containsKey(definition.metric().name())) {
                throw InvalidInputException.of(
                        "metrics." + definition.metric().name(), "is required: the study's metric");
            }
            long seq = ctx.row.nextSeq(ctx.now);
            Verdict verdict = ctx.engine.report(seq, trialId, metrics, level, v -> v);
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("metrics", metrics);
            payload.put("decision", verdict.decision().name());
            payload.put("reason", verdict.reason());
            if (level != null) {
                payload.put("level", level);
            }
            if (step != null) {
                payload.put("step", step);
            }
            ctx.store(seq, EventType.REPORT, trialId, payload);
            String metricsJson = json.write(metrics);
            reports.save(new ReportRow(
                    studyId,
                    trialId,
                    level,
                    step,
                    metricsJson,
                    verdict.decision().name(),
                    verdict.reason(),
                    ctx.now));
            // One UPDATE from what the engine already knows, instead of loading the row to change it.
            trials.recordReport(
                    studyId,
                    trialId,
                    ctx.engine.trialStatus(trialId).name(),
                    verdict.decision() == Decision.CONTINUE ? null : verdict.reason(),
                    metricsJson,
                    ctx.engine.objective(metrics),
                    ctx.engine.bestObjective(trialId),
                    ctx.now.plus(leases.of(ctx)),
                    ctx.now);
            ctx.settle();
            return new Views.Decision(verdict.decision().name(), verdict.reason());
        });
        meters.counter("attune.reports", "decision", answer.decision()).increment();
        return answer;
    }

    /** A report's level: the resource attribute when the study has one, else the step, else none. */
    private static Long level(Resource resource, Map<String, Double> metrics, Long step) {
        if (resource == null) {
            return step;
        }
        Double v = metrics.get(resource.attr());
        if (v == null) {
            throw InvalidInputException.of("metrics." + resource.attr(), "is required: the study's resource level");
        }
        if (v != Math.rint(v) || v < 0) {
            throw InvalidInputException.of("metrics." + resource.attr(), "must be a non-negative integer, got " + v);
        }
        return v.longValue();
    }

    public Views.Trial complete(String studyId, long trialId, Map<String, Object> request) {
        Map<String, Double> metrics =
                MetricsInput.parse(body(request, "metrics").raw("metrics"), "metrics", false);
        return end(
                studyId,
                trialId,
                TrialStatus.COMPLETED,
                EventType.TRIAL_COMPLETED,
                metrics.isEmpty() ? Map.of() : Map.of("metrics", metrics),
                null,
                metrics);
    }

    public Views.Trial fail(String studyId, long trialId, Map<String, Object> request) {
        String reason = body(request, "reason").string("reason", null, 2000);
        return end(
                studyId,
                trialId,
                TrialStatus.FAILED,
                EventType.TRIAL_FAILED,
                reason == null ? Map.of() : Map.of("reason", reason),
                reason,
                Map.of());
    }

    public Views.Trial skip(String studyId, long trialId, Map<String, Object> request) {
        String reason = body(request, "reason").string("reason", null, 2000);
        return end(
                studyId,
                trialId,
                TrialStatus.SKIPPED,
                EventType.TRIAL_SKIPPED,
                reason == null ? Map.of() : Map.of("reason", reason),
                reason,
                Map.of());
    }

    private static Fields body(Map<String, Object> request, String field) {
        Fields body = Fields.body(request, java.util.Set.of(field));
        body.throwIfInvalid();
        return body;
    }

    private Views.Trial end(
            String studyId,
            long trialId,
            TrialStatus to,
            EventType type,
            Map<String, Object> payload,
            String reason,
            Map<String, Double> metrics) {
        return writer.write(studyId, ctx -> {
            TrialRow t = queries.trial(studyId, trialId);
            TrialStatus current = ctx.engine.trialStatus(trialId);
            if (current == to) {
                throw new ConflictException(
                        ConflictException.Kind.ALREADY_FINISHED,
                        current.name(),
                        "trial " + trialId + " is already " + current);
            }
            if (!current.canMoveTo(to)) {
                throw new ConflictException(
                        ConflictException.Kind.ILLEGAL_TRANSITION,
                        current.name(),
                        "trial " + trialId + " is " + current + " and cannot become " + to);
            }
            ctx.append(type, trialId, payload);
            t.setStatus(to.name(), reason, ctx.now);
            if (to == TrialStatus.FAILED) {
                leases.retry(ctx, t);
            }
            if (!metrics.isEmpty()) {
                t.recordCompletion(
                        json.write(metrics),
                        ctx.engine.objective(metrics),
                        ctx.engine.bestObjective(t.getTrialId()),
                        ctx.now);
            }
            ctx.settle();
            return TrialViews.of(t, json, null);
        });
    }

    /** Paused trials whose checkpoints workers should delete (speculative checkpoint removal), in order. */
    public List<Long> checkpointsToRemove(String studyId) {
        return writer.write(
                studyId,
                ctx -> ctx.engine.scheduler() instanceof dev.attune.scheduler.CheckpointAdvisor a
                        ? List.copyOf(a.checkpointsToRemove())
                        : List.<Long>of());
    }

    /** Adds a trial evaluated elsewhere: completed when metrics are given, else pending for the next ask. */
    public Views.Trial add(String studyId, Map<String, Object> request) {
        Fields body = Fields.body(request, java.util.Set.of("config", "metrics"));
        Map<String, Object> given = body.object("config");
        if (given == null && body.errors().isEmpty()) {
            body.error("config", "is required: the trial's config");
        }
        body.throwIfInvalid();
        Map<String, Double> metrics = MetricsInput.parse(body.raw("metrics"), "metrics", false);
        return writer.write(studyId, ctx -> {
            Map<String, Object> config = ctx.engine.definition().space().validate(given, "config");
            if (ctx.engine.status() != StudyStatus.ACTIVE) {
                throw new ConflictException(
                        ConflictException.Kind.STUDY_NOT_ACTIVE,
                        ctx.engine.status().name(),
                        "the study is " + ctx.engine.status() + " and takes no new trials");
            }
            long id = ctx.row.takeTrialId();
            TrialRow t = new TrialRow(studyId, id, TrialStatus.PENDING.name(), json.write(config), null, null, ctx.now);
            trials.save(t);
            ctx.append(
                    StudyEvent.trialAdded(ctx.row.getLastSeq() + 1, id, config, Map.of(), TrialStatus.PENDING, null));
            if (!metrics.isEmpty()) {
                ctx.append(EventType.TRIAL_COMPLETED, id, Map.of("metrics", metrics));
                t.setStatus(TrialStatus.COMPLETED.name(), null, ctx.now);
                t.recordCompletion(
                        json.write(metrics),
                        ctx.engine.objective(metrics),
                        ctx.engine.bestObjective(t.getTrialId()),
                        ctx.now);
            }
            ctx.settle();
            return TrialViews.of(t, json, null);
        });
    }

    private static void requireStatus(StudyEngine engine, long trialId, String what, TrialStatus required) {
        TrialStatus status = engine.trialStatus(trialId);
        if (status != required) {
            throw new ConflictException(
                    ConflictException.Kind.ILLEGAL_TRANSITION,
                    status.name(),
                    "cannot " + what + " trial " + trialId + ": it is " + status + ", not " + required);
        }
    }
}
