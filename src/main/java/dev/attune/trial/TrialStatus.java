package dev.attune.trial;

import java.util.EnumSet;
import java.util.Set;

/** Where a trial is in its life; the export maps these to Syne Tune's status strings. */
public enum TrialStatus {
    /** Created (tell-only add) and waiting to be handed out by an ask. */
    PENDING("InProgress"),
    RUNNING("InProgress"),
    /** Stopped for now by a promotion-type scheduler; may be resumed from its checkpoint. */
    PAUSED("Paused"),
    STOPPED("Stopped"),
    COMPLETED("Completed"),
    FAILED("Failed"),
    /** Finished without feedback to the algorithm (PyGlove's {@code skip}). */
    SKIPPED("Stopped"),
    /** Its lease ran out with no word from its worker. */
    STALE("Failed");

    private final String syneTuneName;

    TrialStatus(String syneTuneName) {
        this.syneTuneName = syneTuneName;
    }

    public String syneTuneName() {
        return syneTuneName;
    }

    public boolean isTerminal() {
        return this == STOPPED || this == COMPLETED || this == FAILED || this == SKIPPED;
    }

    /** The statuses a trial may move to from this one. */
    public Set<TrialStatus> successors() {
        return switch (this) {
            case PENDING -> EnumSet.of(RUNNING, COMPLETED, FAILED, SKIPPED);
            case RUNNING -> EnumSet.of(PAUSED, STOPPED, COMPLETED, FAILED, SKIPPED, STALE);
            case PAUSED -> EnumSet.of(RUNNING, STOPPED, SKIPPED, FAILED);
            case STALE -> EnumSet.of(FAILED, SKIPPED);
            case STOPPED, COMPLETED, FAILED, SKIPPED -> EnumSet.noneOf(TrialStatus.class);
        };
    }

    public boolean canMoveTo(TrialStatus next) {
        return successors().contains(next);
    }
}
