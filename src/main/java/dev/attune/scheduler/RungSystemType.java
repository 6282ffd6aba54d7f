package dev.attune.scheduler;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The rung systems of asynchronous Hyperband, by the names Syne Tune's {@code type} option gives them. */
public enum RungSystemType {
    /** Stop a trial that is below the rung's quantile when it reaches the rung. */
    STOPPING,
    /** Pause every trial at a rung; resume the best when they are in the rung's top fraction. */
    PROMOTION,
    /** Promotion, with the maximum resource grown only while the top two rungs' rankings disagree. */
    PASHA,
    /** Promotion where the top trials make up the rung's quantile of cost rather than of count. */
    COST_PROMOTION,
    /** Stopping that also stops trials worse than the best RUSH point (the first trials) at the rung. */
    RUSH_STOPPING,
    /** Promotion that also holds back trials worse than the best RUSH point at the rung. */
    RUSH_PROMOTION,
    /** Promotion whose resume-or-start decision is the searcher's (DyHPO), with the ASHA rule now and then. */
    DYHPO;

    /** The option values, as clients write them. */
    public static final List<String> NAMES =
            Arrays.stream(values()).map(RungSystemType::optionName).toList();

    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type named by an option value that {@link dev.attune.searcher.Options} already checked. */
    public static RungSystemType of(String optionName) {
        return valueOf(optionName.toUpperCase(Locale.ROOT));
    }

    /** Whether trials pause at rungs (and carry their resource target in {@code maxAttr}). */
    public boolean pauses() {
        return this != STOPPING && this != RUSH_STOPPING;
    }
}
