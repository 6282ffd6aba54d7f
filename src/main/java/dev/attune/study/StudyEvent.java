package dev.attune.study;

import java.util.Map;

/** One entry of a study's event log, numbered from 1 without gaps. */
public record StudyEvent(long seq, EventType type, Long trialId, Map<String, Object> payload) {}
