package dev.attune.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import java.time.Instant;
import org.hibernate.annotations.DynamicUpdate;
import org.springframework.data.domain.Persistable;

/**
 * A trial as clients see it. Status changes are made by the study service, which checks them against
 * the trial state machine before writing; {@code bestObjective} (smaller is better) indexes the best trial.
 */
@Entity
@DynamicUpdate
@Table(name = "trial")
@IdClass(TrialKey.class)
public class TrialRow implements Persistable<TrialKey> {
    @Id
    @Column(name = "study_id")
    private String studyId;

    @Id
    @Column(name = "trial_id")
    private long trialId;

    private String status;
    private String config;
    private String metrics;
    private Double objective;

    @Column(name = "best_objective")
    private Double bestObjective;

    @Column(name = "status_reason")
    private String statusReason;

    @Column(name = "worker_id")
    private String workerId;

    private boolean resumed;

    @Column(name = "checkpoint_trial_id")
    private Long checkpointTrialId;

    @Column(name = "report_count")
    private long reportCount;

    @Column(name = "created_at")
    private Instant createdAt;

    @Column(name = "updated_at")
    private Instant updatedAt;

    @Column(name = "lease_expires_at")
    private Instant leaseExpiresAt;

    @Column(name = "retry_of")
    private Long retryOf;

    private String metadata;
    private String links;

    @Column(name = "stdout_tail")
    private String stdoutTail;

    @Column(name = "stderr_tail")
    private String stderrTail;

    @Column(name = "resumed_without_checkpoint")
    private boolean resumedWithoutCheckpoint;

    /** Rows with assigned keys are inserted without a look-up first; loaded rows are not new. */
    @Transient
    private boolean fresh = true;

    protected TrialRow() {}

    @Override
    public TrialKey getId() {
        return new TrialKey(studyId, trialId);
    }

    @Override
    public boolean isNew() {
        return fresh;
    }

    @PostLoad
    @PostPersist
    void markStored() {
        fresh = false;
    }

    public TrialRow(
            String studyId,
            long trialId,
            String status,
            String config,
            Long checkpointTrialId,
            String workerId,
            Instant now) {
        this.studyId = studyId;
        this.trialId = trialId;
        this.status = status;
        this.config = config;
        this.checkpointTrialId = checkpointTrialId;
        this.workerId = workerId;
        this.createdAt = now;
        this.updatedAt = now;
    }

    /** A stored row read with plain JDBC ({@link JdbcWrites#trialAsWritten}); not an entity of any context. */
    static TrialRow loaded(
            String studyId,
            long trialId,
            String status,
            String config,
            String metrics,
            Double objective,
            Double bestObjective,
            String statusReason,
            String workerId,
            boolean resumed,
            Long checkpointTrialId,
            long reportCount,
            Instant createdAt,
            Instant updatedAt,
            Instant leaseExpiresAt,
            Long retryOf,
            String metadata,
            String links,
            String stdoutTail,
            String stderrTail,
            boolean resumedWithoutCheckpoint) {
        TrialRow t = new TrialRow(studyId, trialId, status, config, checkpointTrialId, workerId, createdAt);
        t.metrics = metrics;
        t.objective = objective;
        t.bestObjective = bestObjective;
        t.statusReason = statusReason;
        t.resumed = resumed;
        t.reportCount = reportCount;
        t.updatedAt = updatedAt;
        t.leaseExpiresAt = leaseExpiresAt;
        t.retryOf = retryOf;
        t.metadata = metadata;
        t.links = links;
        t.stdoutTail = stdoutTail;
        t.stderrTail = stderrTail;
        t.resumedWithoutCheckpoint = resumedWithoutCheckpoint;
        t.fresh = false;
        return t;
    }

    /** Applies one column of a batch's pending UPDATE ({@link JdbcWrites.TrialColumn}). */
    void set(JdbcWrites.TrialColumn column, Object value) {
        switch (column) {
            case STATUS -> status = (String) value;
            case STATUS_REASON -> statusReason = (String) value;
            case CONFIG -> config = (String) value;
            case WORKER_ID -> workerId = (String) value;
            case RESUMED -> resumed = (Boolean) value;
            case METRICS -> metrics = (String) value;
            case OBJECTIVE -> objective = (Double) value;
            case BEST_OBJECTIVE -> bestObjective = (Double) value;
            case LEASE_EXPIRES_AT -> leaseExpiresAt = (Instant) value;
            case UPDATED_AT -> updatedAt = (Instant) value;
        }
    }

    void addReports(long n) {
        reportCount += n;
    }

    public String getStudyId() {
        return studyId;
    }

    public long getTrialId() {
        return trialId;
    }

    public String getStatus() {
        return status;
    }

    public String getConfig() {
        return config;
    }

    public String getMetrics() {
        return metrics;
    }

    public Double getObjective() {
        return objective;
    }

    public Double getBestObjective() {
        return bestObjective;
    }

    public String getStatusReason() {
        return statusReason;
    }

    public String getWorkerId() {
        return workerId;
    }

    public boolean isResumed() {
        return resumed;
    }

    public Long getCheckpointTrialId() {
        return checkpointTrialId;
    }

    public long getReportCount() {
        return reportCount;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }

    public Instant getLeaseExpiresAt() {
        return leaseExpiresAt;
    }

    public void setStatus(String status, String reason, Instant now) {
        this.status = status;
        this.statusReason = reason;
        this.updatedAt = now;
    }

    public void handOut(String workerId, String config, boolean resumed, Instant now) {
        this.workerId = workerId;
        this.config = config;
        this.resumed = resumed;
        this.status = "RUNNING";
        this.updatedAt = now;
    }

    /**
     * Records metrics given at completion. {@code objective} is null when they lack the study's metric;
     * {@code best} is the trial's best objective so far, as the study's engine tracks it.
     */
    public void recordCompletion(String metrics, Double objective, Double best, Instant now) {
        this.metrics = metrics;
        this.objective = objective;
        this.bestObjective = best;
        this.updatedAt = now;
    }

    /**
     * Records a report as the JDBC write path's UPDATE does (a trial inserted in the same batch): status,
     * latest metrics, one more report, the lease; {@code reason} null keeps the current one.
     */
    public void recordReport(
            String status, String reason, String metrics, Double objective, Double best, Instant lease, Instant now) {
        this.status = status;
        if (reason != null) {
            this.statusReason = reason;
        }
        this.metrics = metrics;
        this.objective = objective;
        this.bestObjective = best;
        this.reportCount++;
        this.leaseExpiresAt = lease;
        this.updatedAt = now;
    }

    public Long getRetryOf() {
        return retryOf;
    }

    public void setRetryOf(Long retryOf) {
        this.retryOf = retryOf;
    }

    public String getMetadata() {
        return metadata;
    }

    public void setMetadata(String metadata, Instant now) {
        this.metadata = metadata;
        this.updatedAt = now;
    }

    public String getLinks() {
        return links;
    }

    public void setLinks(String links, Instant now) {
        this.links = links;
        this.updatedAt = now;
    }

    public String getStdoutTail() {
        return stdoutTail;
    }

    public String getStderrTail() {
        return stderrTail;
    }

    public void setLogs(String stdoutTail, String stderrTail) {
        this.stdoutTail = stdoutTail;
        this.stderrTail = stderrTail;
    }

    public boolean isResumedWithoutCheckpoint() {
        return resumedWithoutCheckpoint;
    }

    /** Its worker found no checkpoint to resume (or clone, or retry) from, anywhere. */
    public void markResumedWithoutCheckpoint(Instant now) {
        this.resumedWithoutCheckpoint = true;
        this.updatedAt = now;
    }

    public void setLeaseExpiresAt(Instant leaseExpiresAt) {
        this.leaseExpiresAt = leaseExpiresAt;
    }
}
