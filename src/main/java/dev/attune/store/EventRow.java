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
import org.springframework.data.domain.Persistable;

/** One entry of a study's append-only event log. */
@Entity
@Table(name = "study_event")
@IdClass(EventKey.class)
public class EventRow implements Persistable<EventKey> {
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

    private String actor;

    /** Rows with assigned keys are inserted without a look-up first; loaded rows are not new. */
    @Transient
    private boolean fresh = true;

    protected EventRow() {}

    @Override
    public EventKey getId() {
        return new EventKey(studyId, seq);
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

    public EventRow(
            String studyId, long seq, String type, Long trialId, String payload, Instant createdAt, String actor) {
        this.studyId = studyId;
        this.seq = seq;
        this.type = type;
        this.trialId = trialId;
        this.payload = payload;
        this.createdAt = createdAt;
        this.actor = actor;
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

    /** The token id (or {@code admin}, {@code anonymous}, {@code system}) that caused the event. */
    public String getActor() {
        return actor;
    }
}
