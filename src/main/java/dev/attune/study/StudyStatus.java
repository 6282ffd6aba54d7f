package dev.attune.study;

/** A study's life: it hands out trials while {@code ACTIVE}, lets running ones end while {@code STOPPING}. */
public enum StudyStatus {
    ACTIVE,
    STOPPING,
    DONE
}
