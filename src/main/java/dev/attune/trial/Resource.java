package dev.attune.trial;

/**
 * The budget axis of multi-fidelity methods.
 *
 * @param attr the reported metric that carries the integer resource level (e.g. epoch)
 * @param max the largest level, if given directly
 * @param maxAttr the config entry that holds the largest level, if given that way
 */
public record Resource(String attr, Long max, String maxAttr) {}
