package dev.attune.trial;

/** What a scheduler tells a running trial after a report (Syne Tune's {@code SchedulerDecision}). */
public enum Decision {
    CONTINUE,
    STOP,
    PAUSE
}
