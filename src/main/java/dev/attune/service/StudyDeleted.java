package dev.attune.service;

/** Published once a study and its rows are gone. */
public record StudyDeleted(String studyId) {}
