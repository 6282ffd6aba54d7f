package dev.attune.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One report of a trial and the decision it got; unique per (trial, level) when it has a level. */
@Entity
@Table(name = "report")
public class ReportRow {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "study_id")
    private String studyId;

    @Column(name = "trial_id")
    private long trialId;

    private Long level;
    private Long step;
    private String metrics;
    private String decision;
    private String reason;

    @Column(name = "received_at")
    private Instant receivedAt;

    protected ReportRow() {}

    public ReportRow(
            String studyId,
            long trialId,
            Long level,
            Long step,
            String metrics,
            String decision,
            String reason,
            Instant receivedAt) {
        this.studyId = studyId;
        this.trialId = trialId;
        this.level = level;
        this.step = step;
        this.metrics = metrics;
        this.decision = decision;
        this.reason = reason;
        this.receivedAt = receivedAt;
    }

    public Long getLevel() {
        return level;
    }

    public Long getStep() {
        return step;
    }

    public String getMetrics() {
        return metrics;
    }

    public String getDecision() {
        return decision;
    }

    public String getReason() {
        return reason;
    }

    public Instant getReceivedAt() {
        return receivedAt;
    }
}
