package dev.attune.study;

import dev.attune.scheduler.CheckpointAdvisor;
import dev.attune.scheduler.Scheduler;
import dev.attune.scheduler.Suggestion;
import dev.attune.space.InvalidInputException;
import dev.attune.space.Values;
import dev.attune.study.StudyEvent.CheckpointsRemoved;
import dev.attune.study.StudyEvent.DefinitionChanged;
import dev.attune.study.StudyEvent.Reported;
import dev.attune.study.StudyEvent.RunningTrialsStopped;
import dev.attune.study.StudyEvent.StudyStatusChanged;
import dev.attune.study.StudyEvent.TrialAdded;
import dev.attune.study.StudyEvent.TrialCompleted;
import dev.attune.study.StudyEvent.TrialFailed;
import dev.attune.study.StudyEvent.TrialPauseRequested;
import dev.attune.study.StudyEvent.TrialReleased;
import dev.attune.study.StudyEvent.TrialResumeRequested;
import dev.attune.study.StudyEvent.TrialResumed;
import dev.attune.study.StudyEvent.TrialRun;
import dev.attune.study.StudyEvent.TrialSkipped;
import dev.attune.study.StudyEvent.TrialStale;
import dev.attune.study.StudyEvent.TrialStopRequested;
import dev.attune.trial.Decision;
import dev.attune.trial.Metric;
import dev.attune.trial.Resource;
import dev.attune.trial.TrialStatus;
import dev.attune.trial.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;
import java.util.function.UnaryOperator;

/**
 * A study as a plain-Java aggregate: the protocol's rules, the scheduler that decides, and the state both
 * read, as a fold over the study's event log.
 *
 * <p>Commands ({@link #ask}, {@link #report}, {@link #complete}, {@link #fail}, {@link #skip}, {@link
 * #add}, {@link #markStale}, {@link #stop}, and the operator's {@link #stopTrial}, {@link #pauseTrial}, {@link
 * #resumeTrial} and {@link #change}) check their input, decide, and return their answer with the
 * events that record the decision; a command that throws ({@link InvalidInputException}, {@link
 * ConflictException}, {@link NotFoundException}) has recorded nothing. Every change of state goes through
 * {@link #apply}, which commands call for each event they record and {@link #replay} for each stored one,
 * so a replica that replays the log (or catches up from the sequence number it last saw) reaches exactly
 * the state of the replica that wrote it. This is the one place that numbers events and trials.
 *
 * <p>Not thread-safe: the caller serializes commands on a study (its lock).
 */
public final class Study {
    private final String id;
    private StudyDefinition definition;
    private final Instant createdAt;
    private final Scheduler scheduler;
    private final Map<Long, TrialStatus> statuses = new HashMap<>();
    private final Map<Long, Map<String, Object>> configs = new HashMap<>();
    private final EnumMap<TrialStatus, Long> counts = new EnumMap<>(TrialStatus.class);
    private final TreeSet<Long> pending = new TreeSet<>();
    /** Trials their workers gave back (TRIAL_RELEASED) that no ask has resumed yet. */
    private final TreeSet<Long> released = new TreeSet<>();

    private final Map<Long, Double> trialCost = new HashMap<>();
    private final Map<Long, Long> highestLevel = new HashMap<>();
    private final Map<Long, Integer> retries = new HashMap<>();
    private final Map<Long, Double> bestObjective = new HashMap<>();
    private final Map<String, Double> lowest = new HashMap<>();
    private final Map<String, Double> highest = new HashMap<>();
    private long seq;
    /** The study's best objective so far (smaller is better) and the event that reached it. */
    private Double studyBest;

    private long bestSeq;
    /** Trials handed out in the current batch under synchronous scheduling (a fold of the hand-outs). */
    private long batchHandedOut;

    private long evaluations;
    private double cost;
    private StudyStatus status = StudyStatus.ACTIVE;
    private String statusReason;
    /** While set, every running trial's next report answers STOP with this reason (a budget ran out). */
    private String endingReason;
    /** Operator requests waiting for the trial's next report, with their reasons. */
    private final Map<Long, String> stopRequests = new HashMap<>();

    private final Map<Long, String> pauseRequests = new HashMap<>();
    /** Paused trials an operator resumed, in request order: the next asks hand them out first. */
    private final LinkedHashSet<Long> resumeRequests = new LinkedHashSet<>();
    /** The events the running command recorded so far. */
    private final List<StudyEvent> recorded = new ArrayList<>();

    /** What asks with an {@code Idempotency-Key} handed out (running trials only; see {@link AskKeys}). */
    private final AskKeys askKeys = new AskKeys();

    private Study(String id, StudyDefinition definition, Instant createdAt) {
        this.id = id;
        this.definition = definition;
        this.createdAt = createdAt;
        this.scheduler = definition.newScheduler();
    }

    /** A new study with an empty log. */
    public static Study create(String id, StudyDefinition definition, Instant createdAt) {
        return new Study(id, definition, createdAt);
    }

    /** The study that the given log, in order from its first event, describes. */
    public static Study replay(String id, StudyDefinition definition, Instant createdAt, Iterable<StudyEvent> log) {
        Study study = new Study(id, definition, createdAt);
        log.forEach(study::apply);
        return study;
    }

    /** A command's answer and the events that record it, in log order. */
    public record Outcome<A>(A answer, List<StudyEvent> events) {}

    /** The answer to an ask. */
    public sealed interface Ask {
        /**
         * Run this trial: a new one, a client-added one, or a paused one resumed with its next target; {@code
         * replayed} when it is the answer an earlier ask with the same {@code Idempotency-Key} got.
         */
        record Run(long trialId, Map<String, Object> config, boolean resumed, Long checkpointTrialId, boolean replayed)
                implements Ask {
            public Run(long trialId, Map<String, Object> config, boolean resumed, Long checkpointTrialId) {
                this(trialId, config, resumed, checkpointTrialId, false);
            }

            Run asReplayed() {
                return new Run(trialId, config, resumed, checkpointTrialId, true);
            }
        }

        /** Nothing to hand out now; ask again later. */
        record Wait(String reason) implements Ask {}

        /** The study takes no more trials. */
        record Done(String reason) implements Ask {}
    }

    /** An earlier report of a trial at a level, to answer a repeated report with the decision it got. */
    public record EarlierReport(Map<String, Double> metrics, Verdict verdict) {}

    /** Where {@link #report} finds a trial's earlier report at a level (the log's reports, by index). */
    @FunctionalInterface
    public interface ReportHistory {
        Optional<EarlierReport> at(long trialId, long level);
    }

    // ---------------------------------------------------------------------------------------------------
    // Commands

    /**
     * Hands out the next trial: nothing while the study is not active, at its concurrency limit or when the
     * running trials may reach a completion limit; else a client-added or retried pending trial first,
     * then whatever the scheduler suggests.
     */
    public Outcome<Ask> ask(String workerId, Instant now) {
        return ask(workerId, now, UnaryOperator.identity());
    }

    /**
     * {@link #ask} where a new trial's config is {@code configOf} of the scheduler's (what-if replays put a
     * recorded curve's config in); when it answers null the ask answers {@code Done} and records nothing.
     */
    public Outcome<Ask> ask(String workerId, Instant now, UnaryOperator<Map<String, Object>> configOf) {
        begin();
        return answer(next(workerId, null, now, configOf));
    }

    /**
     * {@link #ask} with the ask's {@code Idempotency-Key} (null for none): when an earlier ask with this key
     * handed out a trial that still runs, answers it again ({@link Ask.Run#replayed}) and records nothing.
     * Refused ({@link ConflictException.Kind#IDEMPOTENCY_KEY_MISMATCH}) when that ask was another worker's,
     * and ({@link ConflictException.Kind#IDEMPOTENCY_KEY_ENDED}) when its trial no longer runs. A key whose
     * ask answered WAIT or DONE was not kept: such an ask recorded nothing, and its retry asks again.
     */
    public Outcome<Ask> ask(String workerId, String idempotencyKey, Instant now) {
        begin();
        if (idempotencyKey != null) {
            Optional<List<Ask.Run>> earlier = askKeys.replay(idempotencyKey, workerId, 1, statuses::get);
            if (earlier.isPresent()) {
                return answer(earlier.get().getFirst().asReplayed());
            }
        }
        return answer(next(workerId, idempotencyKey, now, UnaryOperator.identity()));
    }

    /**
     * The answer to a batch ask: the trials handed out, and why there were not more (null when all were);
     * {@code replayed} when it repeats what an earlier batch ask with the same {@code Idempotency-Key} got.
     */
    public record Batch(List<Ask.Run> runs, Ask stoppedBy, boolean replayed) {
        public Batch(List<Ask.Run> runs, Ask stoppedBy) {
            this(runs, stoppedBy, false);
        }
    }

    /**
     * Up to {@code count} trials at once (Syne Tune's {@code get_batch_configs}): each is asked for as by
     * {@link #ask}, after the earlier ones of the batch were recorded, so a model-based searcher sees
     * them as running and fantasizes their outcomes. Stops at the first answer that is not a run.
     */
    public Outcome<Batch> askBatch(String workerId, int count, Instant now) {
        return askBatch(workerId, count, null, now);
    }

    /**
     * {@link #askBatch} with the ask's {@code Idempotency-Key} (null for none), which every trial it hands
     * out records: as for {@link #ask(String, String, Instant)}, a retry answers the same trials (all of
     * them still running) and records nothing; one that asks for fewer trials than were handed out is
     * refused as a different request.
     */
    public Outcome<Batch> askBatch(String workerId, int count, String idempotencyKey, Instant now) {
        begin();
        if (idempotencyKey != null) {
            Optional<List<Ask.Run>> earlier = askKeys.replay(idempotencyKey, workerId, count, statuses::get);
            if (earlier.isPresent()) {
                return answer(new Batch(
                        earlier.get().stream().map(Ask.Run::asReplayed).toList(), null, true));
            }
        }
        List<Ask.Run> runs = new ArrayList<>();
        while (runs.size() < count) {
            Ask a = next(workerId, idempotencyKey, now, UnaryOperator.identity());
            if (!(a instanceof Ask.Run run)) {
                return answer(new Batch(List.copyOf(runs), a));
            }
            runs.add(run);
        }
        return answer(new Batch(List.copyOf(runs), null));
    }

    /** One ask's decision, recording its events in the running command. */
    private Ask next(String workerId, String key, Instant now, UnaryOperator<Map<String, Object>> configOf) {
        settle(now);
        if (status != StudyStatus.ACTIVE) {
            return new Ask.Done(statusReason);
        }
        Integer max = definition.maxConcurrentTrials();
        if (max != null && running() >= max) {
            return new Ask.Wait("maxConcurrentTrials (" + max + ") trials are running");
        }
        if (batchFull()) {
            return new Ask.Wait("asynchronousScheduling is false: the batch of " + max + " trials runs until "
                    + running() + " running trials finish");
        }
        if (completionLimitInFlight()) {
            return new Ask.Wait("the running trials may reach the completion limit");
        }
        Long released = firstReleased();
        if (released != null) {
            record(seq -> new TrialResumed(seq, released, configs.get(released), workerId, key));
            return new Ask.Run(released, configs.get(released), true, null);
        }
        if (!resumeRequests.isEmpty()) {
            long trialId = resumeRequests.getFirst();
            Map<String, Object> config =
                    scheduler.resumeOnRequest(trialId, configs.get(trialId)).orElse(configs.get(trialId));
            return resume(trialId, config, workerId, key);
        }
        Long waiting = firstPending();
        if (waiting != null) {
            record(seq -> new TrialRun(seq, waiting, workerId, key));
            return new Ask.Run(waiting, configs.get(waiting), false, null);
        }
        if (startCapReason() != null) {
            // The cap refuses new starts only: a promotion is a resume, not a start.
            Optional<Suggestion.Resume> promotion = scheduler.suggestResume();
            if (promotion.isPresent()) {
                return resume(promotion.get().trialId(), promotion.get().config(), workerId, key);
            }
            return new Ask.Wait(startCapReason() + ": no new trials; running trials may still be promoted");
        }
        Suggestion suggestion = scheduler.suggest(nextTrialId());
        return switch (suggestion) {
            case Suggestion.Start start -> {
                Map<String, Object> config = configOf.apply(start.config());
                if (config == null) {
                    yield new Ask.Done("no more configs to start");
                }
                long trialId = nextTrialId();
                record(seq -> new TrialAdded(
                        seq,
                        trialId,
                        config,
                        start.memo(),
                        TrialStatus.RUNNING,
                        start.checkpointTrialId(),
                        null,
                        workerId,
                        key));
                settle(now);
                yield new Ask.Run(trialId, configs.get(trialId), false, start.checkpointTrialId());
            }
            case Suggestion.Resume resume -> resume(resume.trialId(), resume.config(), workerId, key);
            case Suggestion.Wait w -> new Ask.Wait(w.reason());
            case Suggestion.Exhausted e -> {
                changeStatus(StudyStatus.STOPPING, e.reason());
                settle(now);
                yield new Ask.Done(e.reason());
            }
        };
    }

    private Ask resume(long trialId, Map<String, Object> config, String workerId, String key) {
        record(seq -> new TrialResumed(seq, trialId, config, workerId, key));
        return new Ask.Run(trialId, configs.get(trialId), true, null);
    }

    /**
     * A report of a running trial, answered with the scheduler's decision. Its level is the study's
     * resource attribute (required, a non-negative integer) or else the step. A report at a level the
     * trial already reported is a retry: the same metrics get the decision already made and record
     * nothing; different ones are refused. Multi-fidelity methods require the study's metric.
     */
    public Outcome<Verdict> report(
            long trialId, Map<String, Double> metrics, Long step, Instant now, ReportHistory history) {
        begin();
        Long level = level(definition.resource(), metrics, step);
        TrialStatus current = existing(trialId);
        if (level != null && level <= highestLevel(trialId)) {
            Optional<EarlierReport> earlier = history.at(trialId, level);
            if (earlier.isPresent()) {
                if (!earlier.get().metrics().equals(metrics)) {
                    throw new ConflictException(
                            ConflictException.Kind.REPORT_CONFLICT,
                            current.name(),
                            "trial " + trialId + " already has a different report at level " + level);
                }
                return answer(earlier.get().verdict());
            }
        }
        if (current != TrialStatus.RUNNING) {
            throw new ConflictException(
                    ConflictException.Kind.ILLEGAL_TRANSITION,
                    current.name(),
                    "cannot report on trial " + trialId + ": it is " + current + ", not " + TrialStatus.RUNNING);
        }
        requireStudyMetrics(metrics);
        long reportSeq = seq + 1;
        Verdict verdict = fold(reportSeq, trialId, metrics, level, UnaryOperator.identity());
        recorded.add(new Reported(reportSeq, trialId, metrics, verdict, level, step));
        settle(now);
        return answer(verdict);
    }

    /**
     * A report, or a completion or added trial that carries metrics, must have every metric of the study:
     * a misspelled metric would otherwise leave the searcher blind and the study without a best trial.
     */
    private void requireStudyMetrics(Map<String, Double> metrics) {
        for (Metric m : definition.metrics()) {
            if (!metrics.containsKey(m.name())) {
                throw InvalidInputException.of(
                        "metrics." + m.name(),
                        "is required: the study's metric (got " + String.join(", ", metrics.keySet()) + ")");
            }
        }
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

    /** Where {@link #complete} and {@link #fail} find the event that ended a trial, to tell a retry. */
    @FunctionalInterface
    public interface Endings {
        /** Knows no endings: every repeated completion or failure is refused. */
        Endings NONE = (trialId, status) -> Optional.empty();

        /** The log's last event that moved the trial to {@code status}, or empty. */
        Optional<StudyEvent> of(long trialId, TrialStatus status);
    }

    /** The trial ends with these metrics (possibly none). */
    public Outcome<TrialStatus> complete(long trialId, Map<String, Double> metrics, Instant now) {
        return complete(trialId, metrics, null, now, Endings.NONE);
    }

    /**
     * {@link #complete} by a request with this {@code Idempotency-Key} (null: none). A completion of a trial
     * that {@code endings} shows completed with the same metrics is a retry of that request (its answer was
     * lost): it answers COMPLETED and records nothing. When the completion that ended the trial carried a
     * key, only a repeat with that key is its retry: another worker's completion with the same metrics
     * (PyGlove's co-workers racing to end a trial) is refused, as are other metrics and a completion of a
     * trial that ended otherwise.
     */
    public Outcome<TrialStatus> complete(
            long trialId, Map<String, Double> metrics, String idempotencyKey, Instant now, Endings endings) {
        if (!metrics.isEmpty()) {
            requireStudyMetrics(metrics);
        }
        return end(
                trialId,
                TrialStatus.COMPLETED,
                seq -> new TrialCompleted(seq, trialId, metrics, idempotencyKey),
                now,
                () -> endings.of(trialId, TrialStatus.COMPLETED)
                        .filter(e -> e instanceof TrialCompleted c
                                && c.metrics().equals(metrics)
                                && sameRequest(c.idempotencyKey(), idempotencyKey))
                        .isPresent());
    }

    /** The trial failed; under {@code maxRetries} its config comes back as a new pending trial. */
    public Outcome<TrialStatus> fail(long trialId, String reason, Instant now) {
        return fail(trialId, reason, null, now, Endings.NONE);
    }

    /** {@link #fail} by a request with this {@code Idempotency-Key}: a retry is told as for {@link #complete}. */
    public Outcome<TrialStatus> fail(long trialId, String reason, String idempotencyKey, Instant now, Endings endings) {
        return end(
                trialId,
                TrialStatus.FAILED,
                seq -> new TrialFailed(seq, trialId, reason, idempotencyKey),
                now,
                () -> endings.of(trialId, TrialStatus.FAILED)
                        .filter(e -> e instanceof TrialFailed f
                                && Objects.equals(f.reason(), reason)
                                && sameRequest(f.idempotencyKey(), idempotencyKey))
                        .isPresent());
    }

    /**
     * Whether a repeat with key {@code repeat} may be the request that ended a trial with key {@code ended}:
     * always when that request named itself with no key (the same payload is all there is to go by), else
     * only with its key.
     */
    private static boolean sameRequest(String ended, String repeat) {
        return ended == null || ended.equals(repeat);
    }

    /** The trial ends without feedback to the algorithm. */
    public Outcome<TrialStatus> skip(long trialId, String reason, Instant now) {
        return end(trialId, TrialStatus.SKIPPED, seq -> new TrialSkipped(seq, trialId, reason), now, () -> false);
    }

    private Outcome<TrialStatus> end(
            long trialId, TrialStatus to, LongFunction<StudyEvent> event, Instant now, BooleanSupplier isRetry) {
        begin();
        TrialStatus current = existing(trialId);
        if (current == to) {
            if (isRetry.getAsBoolean()) {
                return answer(current);
            }
            throw new ConflictException(
                    ConflictException.Kind.ALREADY_FINISHED,
                    current.name(),
                    "trial " + trialId + " is already " + current
                            + switch (to) {
                                case COMPLETED -> "; only a repeat with the metrics it completed with is a retry";
                                case FAILED -> "; only a repeat with the reason it failed for is a retry";
                                default -> "";
                            });
        }
        if (!current.canMoveTo(to)) {
            throw new ConflictException(
                    ConflictException.Kind.ILLEGAL_TRANSITION,
                    current.name(),
                    "trial " + trialId + " is " + current + " and cannot become " + to);
        }
        record(event);
        if (to == TrialStatus.FAILED) {
            retry(trialId, now);
        }
        settle(now);
        return answer(to);
    }

    /**
     * A trial evaluated elsewhere: completed when metrics are given, else pending for the next ask. Answers
     * the new trial's id.
     */
    public Outcome<Long> add(Map<String, Object> givenConfig, Map<String, Double> metrics, Instant now) {
        begin();
        Map<String, Object> config = definition.space().validate(givenConfig, "config");
        if (!metrics.isEmpty()) {
            requireStudyMetrics(metrics);
        }
        if (status != StudyStatus.ACTIVE) {
            throw new ConflictException(
                    ConflictException.Kind.STUDY_NOT_ACTIVE,
                    status.name(),
                    "the study is " + status + " and takes no new trials");
        }
        long trialId = nextTrialId();
        record(seq -> new TrialAdded(seq, trialId, config, Map.of(), TrialStatus.PENDING, null, null, null, null));
        if (!metrics.isEmpty()) {
            record(seq -> new TrialCompleted(seq, trialId, metrics, null));
        }
        settle(now);
        return answer(trialId);
    }

    /**
     * A running trial whose lease ran out (the caller checked the lease) turns STALE, as a failure for the
     * scheduler; answers false and records nothing when the trial is no longer running.
     */
    public Outcome<Boolean> markStale(long trialId, String reason, Instant now) {
        begin();
        if (statuses.get(trialId) != TrialStatus.RUNNING) {
            return answer(false);
        }
        record(seq -> new TrialStale(seq, trialId, reason));
        retry(trialId, now);
        settle(now);
        return answer(true);
    }

    /**
     * The running trial's worker gives it back (it is shutting down) with a checkpoint: PAUSED, and the next
     * ask resumes it. Unlike a scheduler's pause the scheduler is not told; for it the trial runs on.
     */
    public Outcome<TrialStatus> release(long trialId, String reason, Instant now) {
        begin();
        TrialStatus current = existing(trialId);
        if (current != TrialStatus.RUNNING) {
            throw new ConflictException(
                    ConflictException.Kind.ILLEGAL_TRANSITION,
                    current.name(),
                    "cannot release trial " + trialId + ": it is " + current + ", not " + TrialStatus.RUNNING);
        }
        record(seq -> new TrialReleased(seq, trialId, reason));
        settle(now);
        return answer(TrialStatus.PAUSED);
    }

    /**
     * No new trials from now on (PyGlove's {@code end_loop}); running trials are stopped at their next
     * report unless the study waits for them ({@code waitTrialCompletionWhenStopping}).
     */
    public Outcome<StudyStatus> stop(String reason, Instant now) {
        return stop(reason, null, now);
    }

    /**
     * {@link #stop}, where {@code stopRunningTrials} (when not null) says whether running trials are
     * answered STOP at their next report; a stopping study that waits for them may be told so later.
     */
    public Outcome<StudyStatus> stop(String reason, Boolean stopRunningTrials, Instant now) {
        begin();
        if (status == StudyStatus.ACTIVE) {
            changeStatus(StudyStatus.STOPPING, reason);
        }
        boolean endRunning =
                stopRunningTrials != null ? stopRunningTrials : !definition.waitTrialCompletionWhenStopping();
        if (endRunning && status == StudyStatus.STOPPING) {
            stopRunningTrials(statusReason);
        }
        settle(now);
        return answer(status);
    }

    private void stopRunningTrials(String reason) {
        if (endingReason == null && running() > 0) {
            record(seq -> new RunningTrialsStopped(seq, reason));
        }
    }

    /**
     * An operator stops the trial: a running one's next report answers STOP, a paused one is STOPPED at
     * once and never resumed, a pending one is skipped. Answers the trial's status after the command.
     */
    public Outcome<TrialStatus> stopTrial(long trialId, String reason, Instant now) {
        begin();
        TrialStatus current = existing(trialId);
        String why = reason == null ? "stopped by an operator" : reason;
        switch (current) {
            case PENDING -> record(seq -> new TrialSkipped(seq, trialId, why));
            case PAUSED -> record(seq -> new TrialStopRequested(seq, trialId, why));
            case RUNNING -> {
                if (!stopRequests.containsKey(trialId)) {
                    record(seq -> new TrialStopRequested(seq, trialId, why));
                }
            }
            default -> throw finished(trialId, current, "stopped");
        }
        settle(now);
        return answer(statuses.get(trialId));
    }

    /** An operator pauses the running trial: its next report answers PAUSE (a paused one stays so). */
    public Outcome<TrialStatus> pauseTrial(long trialId, String reason, Instant now) {
        begin();
        TrialStatus current = existing(trialId);
        String why = reason == null ? "paused by an operator" : reason;
        if (current == TrialStatus.RUNNING && !pauseRequests.containsKey(trialId)) {
            record(seq -> new TrialPauseRequested(seq, trialId, why));
        } else if (current != TrialStatus.RUNNING && current != TrialStatus.PAUSED) {
            throw finished(trialId, current, "paused (only a running trial can be)");
        }
        settle(now);
        return answer(statuses.get(trialId));
    }

    /**
     * An operator resumes the paused trial: the next ask hands it out before the scheduler's own choice.
     * Refused when the study is not active, or when the scheduler cannot resume it out of turn.
     */
    public Outcome<TrialStatus> resumeTrial(long trialId, Instant now) {
        begin();
        TrialStatus current = existing(trialId);
        if (current != TrialStatus.PAUSED) {
            throw finished(trialId, current, "resumed (only a paused trial can be)");
        }
        if (status != StudyStatus.ACTIVE) {
            throw new ConflictException(
                    ConflictException.Kind.STUDY_NOT_ACTIVE,
                    status.name(),
                    "the study is " + status + " and hands out no trials; change its stoppingCriterion first");
        }
        if (scheduler.resumeOnRequest(trialId, configs.get(trialId)).isEmpty()) {
            throw new ConflictException(
                    ConflictException.Kind.ILLEGAL_TRANSITION,
                    current.name(),
                    "trial " + trialId + " waits at a rung of "
                            + definition.method().name() + ", which resumes it only when the rung promotes it");
        }
        if (!resumeRequests.contains(trialId)) {
            record(seq -> new TrialResumeRequested(seq, trialId));
        }
        settle(now);
        return answer(statuses.get(trialId));
    }

    private static ConflictException finished(long trialId, TrialStatus current, String what) {
        return new ConflictException(
                current.isTerminal()
                        ? ConflictException.Kind.ALREADY_FINISHED
                        : ConflictException.Kind.ILLEGAL_TRANSITION,
                current.name(),
                "trial " + trialId + " is " + current + " and cannot be " + what);
    }

    /**
     * Changes the study's settings to those of {@code next} (checked by {@link
     * StudyDefinitionParser#change}); a stopping or done study whose new budget no longer fires is
     * active again, and its searcher goes on from everything it has seen.
     */
    public Outcome<StudyStatus> change(StudyDefinition next, Instant now) {
        begin();
        @SuppressWarnings("unchecked")
        Map<String, Object> before = (Map<String, Object>) Values.canonical(definition.settingsJson());
        @SuppressWarnings("unchecked")
        Map<String, Object> after = (Map<String, Object>) Values.canonical(next.settingsJson());
        if (!after.equals(before)) {
            record(seq -> new DefinitionChanged(seq, after));
        }
        boolean budgetChanged =
                !java.util.Objects.equals(before.get("stoppingCriterion"), after.get("stoppingCriterion"))
                        || !java.util.Objects.equals(before.get("maxFailures"), after.get("maxFailures"));
        if (status != StudyStatus.ACTIVE && budgetChanged && stopReason(now) == null) {
            changeStatus(StudyStatus.ACTIVE, null);
        }
        settle(now);
        return answer(status);
    }

    /**
     * Under {@code maxRetries}, a failed or stale trial's config comes back as a new pending trial, linked
     * to the one it repeats; the next ask hands it out first.
     */
    private void retry(long failed, Instant now) {
        Integer max = definition.maxRetries();
        if (max == null || retries(failed) >= max || status != StudyStatus.ACTIVE || budgetReason(now) != null) {
            return;
        }
        long trialId = nextTrialId();
        Map<String, Object> config = configs.get(failed);
        record(seq -> new TrialAdded(seq, trialId, config, Map.of(), TrialStatus.PENDING, null, failed, null, null));
    }

    /**
     * After any change: speculative checkpoint removal, then an active study whose stopping criterion
     * fired stops taking trials, and a stopping one with nothing left running is done.
     */
    private void settle(Instant now) {
        removeCheckpointsOverBudget(now);
        if (status == StudyStatus.ACTIVE) {
            String reason = budgetReason(now);
            if (reason != null) {
                changeStatus(StudyStatus.STOPPING, reason);
                if (!definition.waitTrialCompletionWhenStopping()) {
                    stopRunningTrials(reason);
                }
            } else if (startCapReason() != null && nothingToResume()) {
                changeStatus(StudyStatus.STOPPING, startCapReason());
            }
        }
        if (status == StudyStatus.STOPPING && running() == 0) {
            changeStatus(StudyStatus.DONE, statusReason);
        }
    }

    /**
     * At the cap on started trials, whether nothing is left to hand out: no pending or operator-resumed
     * trial, and (for a scheduler that pauses trials) no promotion now nor a running trial that may lead
     * to one.
     */
    private boolean nothingToResume() {
        return pending.isEmpty()
                && released.isEmpty()
                && resumeRequests.isEmpty()
                && (!scheduler.pausesTrials()
                        || running() == 0 && scheduler.suggestResume().isEmpty());
    }

    /**
     * Speculative checkpoint removal: the scheduler proposes, with the time left over the time spent (from
     * {@code maxWallclockTime}), and the choice is recorded as an event so that it is made once.
     */
    private void removeCheckpointsOverBudget(Instant now) {
        if (!(scheduler instanceof CheckpointAdvisor advisor)) {
            return;
        }
        Double limit = definition.stoppingCriterion().maxWallclockTime();
        double ratio = Double.NaN;
        if (limit != null) {
            double spent = Duration.between(createdAt, now).toMillis() / 1000.0;
            ratio = Math.max(limit - spent, 1e-3) / Math.max(spent, 1e-3);
        }
        List<Long> ids = advisor.proposeRemovals(ratio);
        if (!ids.isEmpty()) {
            record(seq -> new CheckpointsRemoved(seq, List.copyOf(ids)));
        }
    }

    private void changeStatus(StudyStatus to, String reason) {
        if (status != to) {
            record(seq -> new StudyStatusChanged(seq, to, reason));
        }
    }

    private void begin() {
        recorded.clear();
    }

    private void record(LongFunction<? extends StudyEvent> event) {
        StudyEvent e = event.apply(seq + 1);
        apply(e);
        recorded.add(e);
    }

    private <A> Outcome<A> answer(A answer) {
        Outcome<A> outcome = new Outcome<>(answer, List.copyOf(recorded));
        recorded.clear();
        return outcome;
    }

    private TrialStatus existing(long trialId) {
        TrialStatus current = statuses.get(trialId);
        if (current == null) {
            throw new NotFoundException("trial " + trialId + " of study " + id + " does not exist");
        }
        return current;
    }

    // ---------------------------------------------------------------------------------------------------
    // The fold

    /**
     * Folds one event in: the only way the study's state changes. For a report, the scheduler decides
     * again and the trial moves as the stored decision says; the scheduler's own decision is returned, so
     * that a replay can check it decides as the original did. Returns null for other events.
     */
    public Verdict apply(StudyEvent event) {
        if (event.seq() != seq + 1) {
            throw new IllegalStateException("event " + event.seq() + " applied after " + seq);
        }
        if (event instanceof Reported r) {
            Verdict[] computed = new Verdict[1];
            fold(r.seq(), r.trialId(), r.metrics(), r.level(), v -> {
                computed[0] = v;
                return r.verdict();
            });
            return computed[0];
        }
        seq = event.seq();
        switch (event) {
            case TrialAdded e -> {
                @SuppressWarnings("unchecked")
                Map<String, Object> config = (Map<String, Object>) Values.canonical(e.config());
                @SuppressWarnings("unchecked")
                Map<String, Object> memo = (Map<String, Object>) Values.canonical(e.memo());
                if (e.retryOf() != null) {
                    retries.put(e.trialId(), retries(e.retryOf()) + 1);
                }
                configs.put(e.trialId(), config);
                if (e.status() == TrialStatus.RUNNING) {
                    handOut();
                }
                move(e.trialId(), null, e.status());
                if (e.status() == TrialStatus.PENDING) {
                    pending.add(e.trialId());
                } else if (e.status() == TrialStatus.RUNNING) {
                    askKeys.handedOut(
                            e.idempotencyKey(),
                            e.workerId(),
                            new Ask.Run(e.trialId(), config, false, e.checkpointTrialId()));
                }
                scheduler.onTrialAdded(e.trialId(), config, memo);
            }
            case TrialRun e -> {
                handOut();
                pending.remove(e.trialId());
                move(e.trialId(), TrialStatus.PENDING, TrialStatus.RUNNING);
                askKeys.handedOut(
                        e.idempotencyKey(),
                        e.workerId(),
                        new Ask.Run(e.trialId(), configs.get(e.trialId()), false, null));
            }
            case TrialResumed e -> {
                @SuppressWarnings("unchecked")
                Map<String, Object> config = (Map<String, Object>) Values.canonical(e.config());
                resumeRequests.remove(e.trialId());
                configs.put(e.trialId(), config);
                handOut();
                boolean givenBack = released.remove(e.trialId());
                move(e.trialId(), TrialStatus.PAUSED, TrialStatus.RUNNING);
                if (!givenBack) {
                    scheduler.onTrialResumed(e.trialId(), config);
                }
                askKeys.handedOut(e.idempotencyKey(), e.workerId(), new Ask.Run(e.trialId(), config, true, null));
            }
            case TrialCompleted e -> {
                clearRequests(e.trialId());
                track(e.trialId(), e.metrics());
                pending.remove(e.trialId());
                move(e.trialId(), statuses.get(e.trialId()), TrialStatus.COMPLETED);
                scheduler.onComplete(e.trialId(), e.metrics());
            }
            case TrialFailed e -> {
                clearRequests(e.trialId());
                pending.remove(e.trialId());
                move(e.trialId(), statuses.get(e.trialId()), TrialStatus.FAILED);
                scheduler.onFailure(e.trialId());
            }
            case TrialStale e -> {
                clearRequests(e.trialId());
                pending.remove(e.trialId());
                move(e.trialId(), statuses.get(e.trialId()), TrialStatus.STALE);
                scheduler.onFailure(e.trialId());
            }
            case TrialSkipped e -> {
                clearRequests(e.trialId());
                pending.remove(e.trialId());
                move(e.trialId(), statuses.get(e.trialId()), TrialStatus.SKIPPED);
                scheduler.onSkip(e.trialId());
            }
            case TrialReleased e -> {
                move(e.trialId(), TrialStatus.RUNNING, TrialStatus.PAUSED);
                released.add(e.trialId());
            }
            case CheckpointsRemoved e -> {
                if (scheduler instanceof CheckpointAdvisor a) {
                    a.onCheckpointsRemoved(e.trialIds());
                }
            }
            case StudyStatusChanged e -> {
                status = e.status();
                statusReason = e.reason();
                if (status == StudyStatus.ACTIVE) {
                    endingReason = null;
                }
            }
            case RunningTrialsStopped e -> endingReason = e.reason();
            case TrialStopRequested e -> {
                if (statuses.get(e.trialId()) == TrialStatus.PAUSED) {
                    clearRequests(e.trialId());
                    move(e.trialId(), TrialStatus.PAUSED, TrialStatus.STOPPED);
                    scheduler.onStoppedByStudy(e.trialId());
                } else {
                    stopRequests.put(e.trialId(), e.reason());
                }
            }
            case TrialPauseRequested e -> pauseRequests.put(e.trialId(), e.reason());
            case TrialResumeRequested e -> resumeRequests.add(e.trialId());
            case DefinitionChanged e -> definition = definition.withSettings(e.settings());
            case Reported r -> throw new AssertionError("folded above");
        }
        return null;
    }

    /**
     * Folds a report in at {@code reportSeq}: the scheduler decides, {@code stored} may override its
     * decision, and the trial moves to STOPPED or PAUSED accordingly. Returns the decision that stands.
     */
    private Verdict fold(
            long reportSeq, long trialId, Map<String, Double> metrics, Long level, UnaryOperator<Verdict> stored) {
        seq = reportSeq;
        track(trialId, metrics);
        if (level != null) {
            highestLevel.merge(trialId, level, Math::max);
        }
        Verdict decided = scheduler.onReport(trialId, metrics);
        Verdict imposed = impose(trialId, decided);
        if (imposed != decided) {
            if (imposed.decision() == Decision.STOP) {
                scheduler.onStoppedByStudy(trialId);
            } else {
                scheduler.onPausedByStudy(trialId);
            }
        }
        Verdict verdict = stored.apply(imposed);
        if (verdict.decision() != Decision.CONTINUE) {
            clearRequests(trialId);
            move(trialId, TrialStatus.RUNNING, verdict.trialStatus());
        }
        return verdict;
    }

    /**
     * Counts a trial handed out toward the current batch; under synchronous scheduling a full batch can
     * only be followed by a hand-out once none of it runs, which starts the next batch.
     */
    private void handOut() {
        Integer size = definition.maxConcurrentTrials();
        if (size != null && batchHandedOut >= size) {
            batchHandedOut = 0;
        }
        batchHandedOut++;
    }

    /**
     * Synchronous scheduling (Syne Tune's {@code asynchronous_scheduling=False}): once a batch of {@code
     * maxConcurrentTrials} trials was handed out, no trial starts until all of them have finished.
     */
    private boolean batchFull() {
        Integer size = definition.maxConcurrentTrials();
        return !definition.asynchronousScheduling() && size != null && batchHandedOut >= size && running() > 0;
    }

    /**
     * The decision that stands over the scheduler's: an operator's stop, then a budget that ends running
     * trials, then an operator's pause; each only where the scheduler would let the trial go on further.
     * Consumes the operator's request.
     */
    private Verdict impose(long trialId, Verdict decided) {
        String stop = stopRequests.remove(trialId);
        String pause = pauseRequests.remove(trialId);
        if (decided.decision() == Decision.STOP) {
            return decided;
        }
        if (stop != null) {
            return Verdict.stop(stop);
        }
        if (endingReason != null) {
            return Verdict.stop("the study is stopping: " + endingReason);
        }
        if (pause != null && decided.decision() == Decision.CONTINUE) {
            return Verdict.pause(pause);
        }
        return decided;
    }

    private void clearRequests(long trialId) {
        stopRequests.remove(trialId);
        pauseRequests.remove(trialId);
        resumeRequests.remove(trialId);
    }

    private void move(long trialId, TrialStatus from, TrialStatus to) {
        if (from == TrialStatus.RUNNING && to != TrialStatus.RUNNING) {
            askKeys.stoppedRunning(trialId);
        }
        if (from != null) {
            counts.merge(from, -1L, Long::sum);
        }
        counts.merge(to, 1L, Long::sum);
        statuses.put(trialId, to);
        if (to != TrialStatus.PAUSED) {
            released.remove(trialId);
        }
    }

    private void track(long trialId, Map<String, Double> metrics) {
        if (!metrics.isEmpty()) {
            evaluations++;
        }
        Double objective = objective(metrics);
        if (objective != null) {
            bestObjective.merge(trialId, objective, Math::min);
            if (studyBest == null || objective < studyBest) {
                studyBest = objective;
                bestSeq = seq;
            }
        }
        metrics.forEach((name, value) -> {
            lowest.merge(name, value, Math::min);
            highest.merge(name, value, Math::max);
        });
        Double c = metrics.get(definition.stoppingCriterion().costAttr());
        if (c != null) {
            Double before = trialCost.put(trialId, c);
            cost += c - (before == null ? 0 : before);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Reads

    public String id() {
        return id;
    }

    public StudyDefinition definition() {
        return definition;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** The sequence number of the last event folded in. */
    public long seq() {
        return seq;
    }

    public StudyStatus status() {
        return status;
    }

    /** Why the study is stopping or done, or null while active. */
    public String statusReason() {
        return statusReason;
    }

    /** The id the next trial gets: trial ids count from 0 without gaps. */
    public long nextTrialId() {
        return statuses.size();
    }

    /** Trials started: every trial but the retries, which repeat a started trial's config. */
    public long started() {
        return nextTrialId() - retries.size();
    }

    /** The trial's status, or null when it does not exist. */
    public TrialStatus trialStatus(long trialId) {
        return statuses.get(trialId);
    }

    /** The trial's config: as added, or as last handed out (a resume carries its next resource target). */
    public Map<String, Object> config(long trialId) {
        return configs.get(trialId);
    }

    /** How many times this trial's config has been retried before it (0 for an original trial). */
    public int retries(long trialId) {
        return retries.getOrDefault(trialId, 0);
    }

    /** The highest resource level (or step) the trial reported, or -1; a report above it cannot be a retry. */
    public long highestLevel(long trialId) {
        return highestLevel.getOrDefault(trialId, -1L);
    }

    /** The best objective (smaller is better) over the trial's reports and completion, or null. */
    public Double bestObjective(long trialId) {
        return bestObjective.get(trialId);
    }

    /** The event whose metrics last improved the study's best objective (a new best), or 0 before any. */
    public long bestSeq() {
        return bestSeq;
    }

    public long count(TrialStatus s) {
        return counts.getOrDefault(s, 0L);
    }

    public long running() {
        return count(TrialStatus.RUNNING);
    }

    /** The oldest trial its worker gave back (shutting down) and no ask has resumed yet, or null. */
    public Long firstReleased() {
        return released.isEmpty() ? null : released.first();
    }

    /** The oldest client-added or retried trial still waiting to be handed out, or null. */
    public Long firstPending() {
        return pending.isEmpty() ? null : pending.first();
    }

    public long finished() {
        return count(TrialStatus.COMPLETED)
                + count(TrialStatus.STOPPED)
                + count(TrialStatus.FAILED)
                + count(TrialStatus.SKIPPED);
    }

    /** Paused trials whose checkpoints workers should delete (speculative checkpoint removal), in order. */
    public List<Long> checkpointsToRemove() {
        return scheduler instanceof CheckpointAdvisor a ? List.copyOf(a.checkpointsToRemove()) : List.of();
    }

    /** The stop reason of a study whose automatic termination (GP BO's {@code autoTermination}) fired. */
    public static final String CONVERGED = "converged";

    /** Why the stopping criterion says no more trials may start, or null while they may. */
    public String stopReason(Instant now) {
        String budget = budgetReason(now);
        return budget != null ? budget : startCapReason();
    }

    /** Why the cap on started trials refuses new starts, or null. It ends no running trial and no resume. */
    private String startCapReason() {
        Long cap = definition.stoppingCriterion().maxNumTrialsStarted();
        return cap != null && started() >= cap ? "maxNumTrialsStarted reached (" + cap + ")" : null;
    }

    /**
     * Why a budget other than the cap on started trials ran out (failures, completions, evaluations, cost,
     * a metric threshold, wall-clock time), or null: these end the study and, unless it waits, its
     * running trials.
     */
    private String budgetReason(Instant now) {
        if (scheduler.autoTermination().map(t -> t.converged()).orElse(false)) {
            return CONVERGED;
        }
        Integer maxFailures = definition.maxFailures();
        if (maxFailures != null && count(TrialStatus.FAILED) + count(TrialStatus.STALE) >= maxFailures) {
            return "maxFailures reached (" + maxFailures + " trials failed or went stale)";
        }
        StoppingCriterion c = definition.stoppingCriterion();
        if (c.maxNumTrialsCompleted() != null && count(TrialStatus.COMPLETED) >= c.maxNumTrialsCompleted()) {
            return "maxNumTrialsCompleted reached (" + c.maxNumTrialsCompleted() + ")";
        }
        if (c.maxNumTrialsFinished() != null && finished() >= c.maxNumTrialsFinished()) {
            return "maxNumTrialsFinished reached (" + c.maxNumTrialsFinished() + ")";
        }
        if (c.maxNumEvaluations() != null && evaluations >= c.maxNumEvaluations()) {
            return "maxNumEvaluations reached (" + c.maxNumEvaluations() + ")";
        }
        if (c.maxCost() != null && cost >= c.maxCost()) {
            return "maxCost reached (" + c.maxCost() + ")";
        }
        for (Map.Entry<String, Double> e : c.minMetricValue().entrySet()) {
            Double v = lowest.get(e.getKey());
            if (v != null && v <= e.getValue()) {
                return "minMetricValue reached: " + e.getKey() + " = " + v + " <= " + e.getValue();
            }
        }
        for (Map.Entry<String, Double> e : c.maxMetricValue().entrySet()) {
            Double v = highest.get(e.getKey());
            if (v != null && v >= e.getValue()) {
                return "maxMetricValue reached: " + e.getKey() + " = " + v + " >= " + e.getValue();
            }
        }
        if (c.maxWallclockTime() != null
                && Duration.between(createdAt, now).toMillis() >= c.maxWallclockTime() * 1000) {
            return "maxWallclockTime reached (" + c.maxWallclockTime() + " s)";
        }
        return null;
    }

    /**
     * Whether starting one more trial now could overshoot a completion limit: the running trials alone
     * may still reach it, so an ask waits rather than starting a trial that would not count.
     */
    public boolean completionLimitInFlight() {
        StoppingCriterion c = definition.stoppingCriterion();
        return c.maxNumTrialsCompleted() != null
                        && count(TrialStatus.COMPLETED) + running() >= c.maxNumTrialsCompleted()
                || c.maxNumTrialsFinished() != null && finished() + running() >= c.maxNumTrialsFinished();
    }

    /**
     * What the trial's next report will answer whatever the scheduler decides (an operator's stop or pause,
     * or a budget that ends running trials), or empty; heartbeats tell it early.
     */
    public Optional<Verdict> requestedDecision(long trialId) {
        if (statuses.get(trialId) != TrialStatus.RUNNING) {
            return Optional.empty();
        }
        if (stopRequests.containsKey(trialId)) {
            return Optional.of(Verdict.stop(stopRequests.get(trialId)));
        }
        if (endingReason != null) {
            return Optional.of(Verdict.stop("the study is stopping: " + endingReason));
        }
        return Optional.ofNullable(pauseRequests.get(trialId)).map(Verdict::pause);
    }

    /**
     * How many {@code Idempotency-Key}s the study holds for running hand-outs: at most one per running
     * trial, whatever the study's length.
     */
    public int heldIdempotencyKeys() {
        return askKeys.held();
    }

    /** Paused trials an operator resumed that no ask has handed out yet, in order. */
    public List<Long> resumeRequests() {
        return List.copyOf(resumeRequests);
    }

    /** The objective value of a metrics map turned so that smaller is better, or null when it is absent. */
    public Double objective(Map<String, Double> metrics) {
        Metric m = definition.metric();
        Double v = metrics.get(m.name());
        return v == null ? null : m.mode().toMin(v);
    }

    @Override
    public String toString() {
        return "Study[" + id + " at " + seq + ", " + status + (statusReason == null ? "" : ": " + statusReason) + "]";
    }
}
