package dev.attune.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.time.Instant;

/** One entry of a study's append-only event log. */
@Entity
@Table(name = "study_event")
@IdClass(EventKey.class)
public class EventRow {
    @Id
    @Column(name = "study_id")
    private String studyId;

    @Id
    private long seq;

    private String type;

    @Column(name = "trial_id")
    private Long trialId;

    private String payload;

    @Column(name = "created_at")
    private Instant createdAt;

    protected EventRow() {}

    public EventRow(String studyId, long seq, String type, Long trialId, String payload, Instant createdAt) {
        this.studyId = studyId;
        this.seq = seq;
        this.type = type;
        this.trialId = trialId;
        this.payload = payload;
        this.createdAt = createdAt;
    }

    public long getSeq() {
        return seq;
    }

    public String getType() {
        return type;
    }

    public Long getTrialId() {
        return trialId;
    }

    public String getPayload() {
        return payload;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
