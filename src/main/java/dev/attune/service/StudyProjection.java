package dev.attune.service;

import dev.attune.store.JdbcWrites;
import dev.attune.store.StudyRow;
import dev.attune.store.TrialRow;
import dev.attune.study.Actor;
import dev.attune.study.EventCodec;
import dev.attune.study.Study;
import dev.attune.study.StudyDefinition;
import dev.attune.study.StudyEvent;
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
import dev.attune.trial.TrialStatus;
import java.time.Duration;
import java.time.Instant;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Writes a study's events and the rows clients read from them: the event log, the trial and report rows,
 * and the study row's status and log head. The only writer of a trial's status; it runs in the
 * transaction of the write that recorded the events, right after the study folded them in. The rows go
 * through the transaction's {@link JdbcWrites.Batch} (one JDBC batch per table when it commits); the
 * study row's changes are made on {@code row}, which its owner writes (the batch, or Hibernate).
 */
@Component
public class StudyProjection {
    private final JdbcWrites writes;
    private final JsonCodec json;
    private final WebhookOutbox outbox;
    private final Duration lease;

    public StudyProjection(
            JdbcWrites writes,
            JsonCodec json,
            WebhookOutbox outbox,
            @Value("${attune.lease-seconds:120}") long leaseSeconds) {
        this.writes = writes;
        this.json = json;
        this.outbox = outbox;
        this.lease = Duration.ofSeconds(leaseSeconds);
    }

    /** How long a handed-out trial may go without word from its worker: the study's, else the server's. */
    Duration leaseOf(StudyDefinition definition) {
        Integer seconds = definition.leaseSeconds();
        return seconds == null ? lease : Duration.ofSeconds(seconds);
    }

    /**
     * Stores one event recorded at {@code at} and updates the rows it changes. {@code study} has folded the
     * event in (and possibly later ones of the same command, which change none of the values read here).
     */
    void project(StudyRow row, Study study, StudyEvent event, Instant at) {
        JdbcWrites.Batch batch = writes.batch();
        EventCodec.Stored stored = EventCodec.encode(event);
        batch.insertEvent(
                row.getId(),
                event.seq(),
                stored.type().name(),
                stored.trialId(),
                json.write(stored.payload()),
                at,
                Actor.current());
        row.advance(event.seq(), study.nextTrialId(), at);
        String studyId = row.getId();
        switch (event) {
            case TrialAdded e -> {
                TrialRow t = new TrialRow(
                        studyId,
                        e.trialId(),
                        e.status().name(),
                        json.write(e.config()),
                        e.checkpointTrialId(),
                        e.workerId(),
                        at);
                t.setRetryOf(e.retryOf());
                if (e.status() == TrialStatus.RUNNING) {
                    t.setLeaseExpiresAt(at.plus(leaseOf(study.definition())));
                }
                batch.insertTrial(t);
            }
            case TrialRun e ->
                batch.trialHandedOut(
                        studyId, e.trialId(), e.workerId(), null, false, at.plus(leaseOf(study.definition())), at);
            case TrialResumed e ->
                batch.trialHandedOut(
                        studyId,
                        e.trialId(),
                        e.workerId(),
                        json.write(e.config()),
                        true,
                        at.plus(leaseOf(study.definition())),
                        at);
            case Reported e -> {
                String metrics = json.write(e.metrics());
                Decision decision = e.verdict().decision();
                batch.insertReport(
                        studyId,
                        e.trialId(),
                        e.level(),
                        e.step(),
                        metrics,
                        decision.name(),
                        e.verdict().reason(),
                        at);
                // One UPDATE from what the study already knows, instead of loading the row to change it.
                batch.trialReported(
                        studyId,
                        e.trialId(),
                        e.verdict().trialStatus().name(),
                        decision == Decision.CONTINUE ? null : e.verdict().reason(),
                        metrics,
                        study.objective(e.metrics()),
                        study.bestObjective(e.trialId()),
                        at.plus(leaseOf(study.definition())),
                        at);
            }
            case TrialCompleted e -> {
                batch.trialStatus(studyId, e.trialId(), TrialStatus.COMPLETED.name(), null, at);
                if (!e.metrics().isEmpty()) {
                    batch.trialCompletion(
                            studyId,
                            e.trialId(),
                            json.write(e.metrics()),
                            study.objective(e.metrics()),
                            study.bestObjective(e.trialId()),
                            at);
                }
            }
            case TrialFailed e -> batch.trialStatus(studyId, e.trialId(), TrialStatus.FAILED.name(), e.reason(), at);
            case TrialSkipped e -> batch.trialStatus(studyId, e.trialId(), TrialStatus.SKIPPED.name(), e.reason(), at);
            case TrialStale e -> batch.trialStatus(studyId, e.trialId(), TrialStatus.STALE.name(), e.reason(), at);
            case TrialReleased e -> batch.trialStatus(studyId, e.trialId(), TrialStatus.PAUSED.name(), e.reason(), at);
            case CheckpointsRemoved e -> {
                // read by workers through the study's checkpoint list; no row holds it
            }
            case StudyStatusChanged e -> row.setStatus(e.status().name(), e.reason(), at);
            case TrialStopRequested e -> {
                // A paused trial stops at once; a running one at its next report (the log holds the request).
                if (study.trialStatus(e.trialId()) == TrialStatus.STOPPED) {
                    batch.trialStatus(studyId, e.trialId(), TrialStatus.STOPPED.name(), e.reason(), at);
                }
            }
            case RunningTrialsStopped e -> {
                // answered at each running trial's next report
            }
            case TrialPauseRequested e -> {
                // answered at the trial's next report
            }
            case TrialResumeRequested e -> {
                // handed out by the next ask
            }
            case DefinitionChanged e ->
                row.changeDefinition(
                        study.definition().name(), json.write(study.definition().toJson()), at);
        }
        outbox.record(study, event, at);
    }
}
