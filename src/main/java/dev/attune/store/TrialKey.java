package dev.attune.store;

import java.io.Serializable;

/** A trial's key: the study and the trial's number within it. */
public record TrialKey(String studyId, long trialId) implements Serializable {
    @SuppressWarnings("unused")
    TrialKey() {
        this(null, 0);
    }
}
