package dev.attune.service;

import dev.attune.study.StudyDefinition;
import dev.attune.study.StudyEvent;
import java.util.List;

/** Published for each command that recorded events; transactional listeners hear it after the commit. */
public record EventsRecorded(String studyId, StudyDefinition definition, List<StudyEvent> events) {}
