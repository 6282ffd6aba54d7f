package dev.attune.study;

import dev.attune.scheduler.Scheduler;
import dev.attune.space.Values;
import dev.attune.trial.Decision;
import dev.attune.trial.Metric;
import dev.attune.trial.TrialStatus;
import dev.attune.trial.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * A study's algorithm state as a fold over its event log: the scheduler, every trial's status, and the
 * counts the stopping criterion reads.
 *
 * <p>{@link #apply} is the only way to change it, so a replica that replays the log from the start, or
 * catches up from the sequence number it last saw, reaches exactly the state of the replica that wrote
 * the events. Not thread-safe: the study service holds the study's lock around every use.
 */
public final class StudyEngine {
    private final StudyDefinition definition;
    private final Scheduler scheduler;
    private final Map<Long, TrialStatus> statuses = new HashMap<>();
    private final EnumMap<TrialStatus, Long> counts = new EnumMap<>(TrialStatus.class);
    private final TreeSet<Long> pending = new TreeSet<>();
    private final Map<Long, Double> trialCost = new HashMap<>();
    private final Map<Long, Long> highestLevel = new HashMap<>();
    private final Map<Long, Integer> retries = new HashMap<>();
    private final Map<Long, Double> bestObjective = new HashMap<>();
    private final Map<String, Double> lowest = new HashMap<>();
    private final Map<String, Double> highest = new HashMap<>();
    private long seq;
    private long evaluations;
    private double cost;
    private StudyStatus status = StudyStatus.ACTIVE;

    public StudyEngine(StudyDefinition definition) {
        this.definition = definition;
        this.scheduler = definition.newScheduler();
    }

    public StudyDefinition definition() {
        return definition;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public long seq() {
        return seq;
    }

    public StudyStatus status() {
        return status;
    }

    public long nextTrialId() {
        return statuses.size();
    }

    public TrialStatus trialStatus(long trialId) {
        return statuses.get(trialId);
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

    public long count(TrialStatus s) {
        return counts.getOrDefault(s, 0L);
    }

    public long running() {
        return count(TrialStatus.RUNNING);
    }

    /** The oldest client-added trial still waiting to be handed out, or null. */
    public Long firstPending() {
        return pending.isEmpty() ? null : pending.first();
    }

    public long finished() {
        return count(TrialStatus.COMPLETED)
                + count(TrialStatus.STOPPED)
                + count(TrialStatus.FAILED)
                + count(TrialStatus.SKIPPED);
    }

    /**
     * Folds one event in. For a report, returns the verdict the scheduler computed now, which must equal
     * the stored one unless the service overrode it; the trial moves as the stored decision says.
     * Otherwise returns null.
     */
    @SuppressWarnings("unchecked")
    public Verdict apply(StudyEvent event) {
        if (event.seq() != seq + 1) {
            throw new IllegalStateException("event " + event.seq() + " applied after " + seq);
        }
        seq = event.seq();
        Map<String, Object> p = event.payload();
        Long id = event.trialId();
        return switch (event.type()) {
            case TRIAL_ADDED -> {
                Map<String, Object> config = (Map<String, Object>) Values.canonical(p.get("config"));
                Map<String, Object> memo = (Map<String, Object>) Values.canonical(p.getOrDefault("memo", Map.of()));
                TrialStatus initial = TrialStatus.valueOf((String) p.get("status"));
                if (p.get("retryOf") instanceof Number parent) {
                    retries.put(id, retries.getOrDefault(parent.longValue(), 0) + 1);
                }
                move(id, null, initial);
                if (initial == TrialStatus.PENDING) {
                    pending.add(id);
                }
                scheduler.onTrialAdded(id, config, memo);
                yield null;
            }
            case TRIAL_RUN -> {
                pending.remove(id);
                move(id, TrialStatus.PENDING, TrialStatus.RUNNING);
                yield null;
            }
            case TRIAL_RESUMED -> {
                move(id, TrialStatus.PAUSED, TrialStatus.RUNNING);
                scheduler.onTrialResumed(id, (Map<String, Object>) Values.canonical(p.get("config")));
                yield null;
            }
            case REPORT -> {
                Verdict stored = new Verdict(
                        Decision.valueOf((String) p.get("decision")), (String) p.getOrDefault("reason", ""));
                Verdict[] computed = new Verdict[1];
                report(id, numbers(p.get("metrics")), p.get("level") instanceof Number l ? l.longValue() : null, v -> {
                    computed[0] = v;
                    return stored;
                });
                yield computed[0];
            }
            case TRIAL_COMPLETED -> {
                Map<String, Double> metrics = numbers(p.getOrDefault("metrics", Map.of()));
                track(id, metrics);
                pending.remove(id);
                move(id, statuses.get(id), TrialStatus.COMPLETED);
                scheduler.onComplete(id, metrics);
                yield null;
            }
            case TRIAL_FAILED, TRIAL_STALE -> {
                pending.remove(id);
                move(
                        id,
                        statuses.get(id),
                        event.type() == EventType.TRIAL_FAILED ? TrialStatus.FAILED : TrialStatus.STALE);
                scheduler.onFailure(id);
                yield null;
            }
            case TRIAL_SKIPPED -> {
                pending.remove(id);
                move(id, statuses.get(id), TrialStatus.SKIPPED);
                scheduler.onSkip(id);
                yield null;
            }
            case CHECKPOINTS_REMOVED -> {
                if (scheduler instanceof dev.attune.scheduler.CheckpointAdvisor a) {
                    a.onCheckpointsRemoved(((List<?>) p.get("trialIds"))
                            .stream().map(x -> ((Number) x).longValue()).toList());
                }
                yield null;
            }
            case STUDY_STATUS -> {
                status = StudyStatus.valueOf((String) p.get("status"));
                yield null;
            }
        };
    }

    /**
     * Writes a report in: the scheduler decides, {@code adjust} may override (e.g. a stopping study stops
     * every trial), and the trial moves to STOPPED or PAUSED accordingly. The caller must store the
     * result as a {@link EventType#REPORT} event with this sequence number.
     */
    public Verdict report(
            long seq, long trialId, Map<String, Double> metrics, Long level, UnaryOperator<Verdict> adjust) {
        if (seq != this.seq + 1) {
            throw new IllegalStateException("event " + seq + " applied after " + this.seq);
        }
        this.seq = seq;
        return report(trialId, metrics, level, adjust);
    }

    private Verdict report(long trialId, Map<String, Double> metrics, Long level, UnaryOperator<Verdict> adjust) {
        track(trialId, metrics);
        if (level != null) {
            highestLevel.merge(trialId, level, Math::max);
        }
        Verdict verdict = adjust.apply(scheduler.onReport(trialId, metrics));
        if (verdict.decision() == Decision.STOP) {
            move(trialId, TrialStatus.RUNNING, TrialStatus.STOPPED);
        } else if (verdict.decision() == Decision.PAUSE) {
            move(trialId, TrialStatus.RUNNING, TrialStatus.PAUSED);
        }
        return verdict;
    }

    private void move(Long id, TrialStatus from, TrialStatus to) {
        if (from != null) {
            counts.merge(from, -1L, Long::sum);
        }
        counts.merge(to, 1L, Long::sum);
        statuses.put(id, to);
    }

    private void track(Long id, Map<String, Double> metrics) {
        if (!metrics.isEmpty()) {
            evaluations++;
        }
        Double objective = objective(metrics);
        if (objective != null) {
            bestObjective.merge(id, objective, Math::min);
        }
        metrics.forEach((name, value) -> {
            lowest.merge(name, value, Math::min);
            highest.merge(name, value, Math::max);
        });
        Double c = metrics.get(definition.stoppingCriterion().costAttr());
        if (c != null) {
            Double before = trialCost.put(id, c);
            cost += c - (before == null ? 0 : before);
        }
    }

    static Map<String, Double> numbers(Object json) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        ((Map<?, ?>) json).forEach((k, v) -> metrics.put(String.valueOf(k), ((Number) v).doubleValue()));
        return metrics;
    }

    /** Why the stopping criterion says no more trials may start, or null while they may. */
    public String stopReason(Instant createdAt, Instant now) {
        Integer maxFailures = definition.maxFailures();
        if (maxFailures != null && count(TrialStatus.FAILED) + count(TrialStatus.STALE) >= maxFailures) {
            return "maxFailures reached (" + maxFailures + " trials failed or went stale)";
        }
        StoppingCriterion c = definition.stoppingCriterion();
        if (c.maxNumTrialsStarted() != null && nextTrialId() >= c.maxNumTrialsStarted()) {
            return "maxNumTrialsStarted reached (" + c.maxNumTrialsStarted() + ")";
        }
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

    /** The objective value of a metrics map turned so that smaller is better, or null when it is absent. */
    public Double objective(Map<String, Double> metrics) {
        Metric m = definition.metric();
        Double v = metrics.get(m.name());
        return v == null ? null : m.mode().toMin(v);
    }
}
