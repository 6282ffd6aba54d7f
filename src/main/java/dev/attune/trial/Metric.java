package dev.attune.trial;

/** An objective: a reported metric name and whether to minimize or maximize it. */
public record Metric(String name, Mode mode) {}
