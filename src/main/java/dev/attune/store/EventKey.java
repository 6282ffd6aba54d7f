package dev.attune.store;

import java.io.Serializable;

/** An event's key: the study and its place in the study's log. */
public record EventKey(String studyId, long seq) implements Serializable {
    @SuppressWarnings("unused")
    EventKey() {
        this(null, 0);
    }
}
