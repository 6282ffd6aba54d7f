package dev.attune.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import java.time.Instant;
import org.springframework.data.domain.Persistable;

/** A study: its definition as JSON, its status, and the head of its event log ({@code lastSeq}). */
@Entity
@Table(name = "study")
public class StudyRow implements Persistable<String> {
    @Id
    private String id;

    private String project;
    private String name;
    private String method;
    private String definition;
    private String status;

    @Column(name = "status_reason")
    private String statusReason;

    private long seed;

    @Column(name = "next_trial_id")
    private long nextTrialId;

    @Column(name = "last_seq")
    private long lastSeq;

    @Column(name = "created_at")
    private Instant createdAt;

    @Column(name = "updated_at")
    private Instant updatedAt;

    private String metadata;

    /** Rows with assigned keys are inserted without a look-up first; loaded rows are not new. */
    @Transient
    private boolean fresh = true;

    protected StudyRow() {}

    @Override
    public boolean isNew() {
        return fresh;
    }

    @PostLoad
    @PostPersist
    void markStored() {
        fresh = false;
    }

    public StudyRow(String id, String project, String name, String method, String definition, long seed, Instant now) {
        this.id = id;
        this.project = project;
        this.name = name;
        this.method = method;
        this.definition = definition;
        this.status = "ACTIVE";
        this.seed = seed;
        this.createdAt = now;
        this.updatedAt = now;
    }

    /** A row read by the JDBC write path ({@link JdbcWrites#lockStudy}), outside the persistence context. */
    static StudyRow loaded(
            String id,
            String project,
            String name,
            String method,
            String definition,
            String status,
            String statusReason,
            long seed,
            long nextTrialId,
            long lastSeq,
            Instant createdAt,
            Instant updatedAt,
            String metadata) {
        StudyRow row = new StudyRow(id, project, name, method, definition, seed, createdAt);
        row.status = status;
        row.statusReason = statusReason;
        row.nextTrialId = nextTrialId;
        row.lastSeq = lastSeq;
        row.updatedAt = updatedAt;
        row.metadata = metadata;
        row.fresh = false;
        return row;
    }

    @Override
    public String getId() {
        return id;
    }

    public String getProject() {
        return project;
    }

    public String getName() {
        return name;
    }

    public String getMethod() {
        return method;
    }

    public String getDefinition() {
        return definition;
    }

    public String getStatus() {
        return status;
    }

    public String getStatusReason() {
        return statusReason;
    }

    public long getSeed() {
        return seed;
    }

    public long getNextTrialId() {
        return nextTrialId;
    }

    public long getLastSeq() {
        return lastSeq;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }

    public String getMetadata() {
        return metadata;
    }

    public void setMetadata(String metadata, Instant now) {
        this.metadata = metadata;
        this.updatedAt = now;
    }

    /** The study's settings changed: its definition (as JSON) and its name. */
    public void changeDefinition(String name, String definition, Instant now) {
        this.name = name;
        this.definition = definition;
        this.updatedAt = now;
    }

    public void setStatus(String status, String reason, Instant now) {
        this.status = status;
        this.statusReason = reason;
        this.updatedAt = now;
    }

    /**
     * Moves the head of the event log to {@code seq}, with the next trial id the study will give; the
     * projection of the study's events calls it for every event it writes.
     */
    public void advance(long seq, long nextTrialId, Instant now) {
        this.lastSeq = seq;
        this.nextTrialId = nextTrialId;
        this.updatedAt = now;
    }
}
