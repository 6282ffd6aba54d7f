package dev.attune.study;

import dev.attune.store.TrialRepository;
import dev.attune.store.TrialRow;
import dev.attune.trial.Decision;
import dev.attune.trial.TrialStatus;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;

/**
 * A handed-out trial's lease: how long it runs without word from its worker, heartbeats that extend it,
 * the reaper that turns expired ones STALE, and the retries that give a failed or stale trial's config
 * another run.
 */
@Service
public class TrialLeases {
    private final StudyWriter writer;
    private final TrialRepository trials;
    private final TrialQueries queries;
    private final JsonCodec json;
    private final MeterRegistry meters;
    private final Duration lease;

    public TrialLeases(
            StudyWriter writer,
            TrialRepository trials,
            TrialQueries queries,
            JsonCodec json,
            MeterRegistry meters,
            @Value("${attune.lease-seconds:120}") long leaseSeconds) {
        this.writer = writer;
        this.trials = trials;
        this.queries = queries;
        this.json = json;
        this.meters = meters;
        this.lease = Duration.ofSeconds(leaseSeconds);
    }

    /** How long a handed-out trial may go without word from its worker: the study's, else the server's. */
    Duration of(StudyWriter.Context ctx) {
        Integer seconds = ctx.engine.definition().leaseSeconds();
        return seconds == null ? lease : Duration.ofSeconds(seconds);
    }

    /**
     * Under {@code maxRetries}, a failed or stale trial's config comes back as a new pending trial, linked
     * to the one it repeats; the next ask hands it out first.
     */
    void retry(StudyWriter.Context ctx, TrialRow failed) {
        Integer max = ctx.engine.definition().maxRetries();
        if (max == null
                || ctx.engine.retries(failed.getTrialId()) >= max
                || ctx.engine.status() != StudyStatus.ACTIVE
                || ctx.engine.stopReason(ctx.row.getCreatedAt(), ctx.now) != null) {
            return;
        }
        long id = ctx.row.takeTrialId();
        TrialRow r = new TrialRow(
                failed.getStudyId(), id, TrialStatus.PENDING.name(), failed.getConfig(), null, null, ctx.now);
        r.setRetryOf(failed.getTrialId());
        trials.save(r);
        ctx.append(StudyEvent.retry(ctx.row.getLastSeq() + 1, id, json.read(failed.getConfig()), failed.getTrialId()));
    }

    /**
     * Turns running trials whose lease ran out STALE, as a failure for the scheduler. Called by the
     * reaper on every replica; the status and lease are checked again under the study's lock, so two
     * replicas reaping the same trial mark it once.
     */
    public int reapExpired(java.time.Instant now, int limit) {
        int reaped = 0;
        for (TrialRow expired : trials.expiredLeases(now, Limit.of(limit))) {
            try {
                reaped += writer.write(expired.getStudyId(), ctx -> {
                    TrialRow t = queries.trial(expired.getStudyId(), expired.getTrialId());
                    if (ctx.engine.trialStatus(t.getTrialId()) != TrialStatus.RUNNING
                            || t.getLeaseExpiresAt() == null
                            || !t.getLeaseExpiresAt().isBefore(ctx.now)) {
                        return 0;
                    }
                    String reason = "no report or heartbeat from worker " + t.getWorkerId()
                            + " since its lease expired at " + t.getLeaseExpiresAt();
                    ctx.append(EventType.TRIAL_STALE, t.getTrialId(), Map.of("reason", reason));
                    t.setStatus(TrialStatus.STALE.name(), reason, ctx.now);
                    retry(ctx, t);
                    ctx.settle();
                    return 1;
                });
            } catch (NotFoundException deletedMeanwhile) {
                // the study went away between the look-up and the lock
            }
        }
        if (reaped > 0) {
            meters.counter("attune.trials.stale").increment(reaped);
        }
        return reaped;
    }

    /** Extends the trial's lease and repeats the decision that stands for it. */
    public Views.Decision heartbeat(String studyId, long trialId) {
        return writer.write(studyId, ctx -> {
            TrialRow t = queries.trial(studyId, trialId);
            TrialStatus status = ctx.engine.trialStatus(trialId);
            return switch (status) {
                case RUNNING -> {
                    t.setLeaseExpiresAt(ctx.now.plus(of(ctx)));
                    yield new Views.Decision(Decision.CONTINUE.name(), "");
                }
                case STOPPED -> new Views.Decision(Decision.STOP.name(), Objects.toString(t.getStatusReason(), ""));
                case PAUSED -> new Views.Decision(Decision.PAUSE.name(), Objects.toString(t.getStatusReason(), ""));
                default ->
                    throw new ConflictException(
                            ConflictException.Kind.ILLEGAL_TRANSITION,
                            status.name(),
                            "trial " + trialId + " is " + status
                                    + "; only running, stopped or paused trials take heartbeats");
            };
        });
    }
}
