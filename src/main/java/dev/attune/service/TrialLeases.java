package dev.attune.service;

import dev.attune.store.TrialRepository;
import dev.attune.store.TrialRow;
import dev.attune.study.ConflictException;
import dev.attune.study.NotFoundException;
import dev.attune.study.Views;
import dev.attune.trial.Decision;
import dev.attune.trial.TrialStatus;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Objects;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;

/**
 * A handed-out trial's lease: how long it runs without word from its worker, heartbeats that extend it,
 * and the reaper that turns expired ones STALE (the study's {@code markStale}, which also retries them).
 */
@Service
public class TrialLeases {
    private final StudyWriter writer;
    private final TrialRepository trials;
    private final TrialQueries queries;
    private final StudyProjection projection;
    private final MeterRegistry meters;

    public TrialLeases(
            StudyWriter writer,
            TrialRepository trials,
            TrialQueries queries,
            StudyProjection projection,
            MeterRegistry meters) {
        this.writer = writer;
        this.trials = trials;
        this.queries = queries;
        this.projection = projection;
        this.meters = meters;
    }

    /**
     * Turns running trials whose lease ran out STALE, as a failure for the scheduler. Called by the
     * reaper on every replica; the status and lease are checked again under the study's lock, so two
     * replicas reaping the same trial mark it once.
     */
    public int reapExpired(Instant now, int limit) {
        int reaped = 0;
        for (TrialRow expired : trials.expiredLeases(now, Limit.of(limit))) {
            try {
                reaped += writer.write(expired.getStudyId(), ctx -> {
                    TrialRow t = queries.trial(expired.getStudyId(), expired.getTrialId());
                    if (t.getLeaseExpiresAt() == null || !t.getLeaseExpiresAt().isBefore(ctx.now)) {
                        return 0;
                    }
                    String reason = "no report or heartbeat from worker " + t.getWorkerId()
                            + " since its lease expired at " + t.getLeaseExpiresAt();
                    return ctx.record(ctx.study.markStale(t.getTrialId(), reason, ctx.now)) ? 1 : 0;
                });
            } catch (NotFoundException deletedMeanwhile) {
                // the study went away between the look-up and the lock
            } catch (OverloadedException busy) {
                break; // the server is over its write target: the next pass reaps the rest
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
            TrialStatus status = ctx.study.trialStatus(trialId);
            return switch (status) {
                case RUNNING -> {
                    t.setLeaseExpiresAt(ctx.now.plus(projection.leaseOf(ctx.study.definition())));
                    // An operator's stop or pause, or a budget that ends running trials, is told early.
                    yield ctx.study
                            .requestedDecision(trialId)
                            .map(v -> new Views.Decision(v.decision().name(), v.reason()))
                            .orElseGet(() -> new Views.Decision(Decision.CONTINUE.name(), ""));
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
