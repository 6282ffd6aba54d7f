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
    PASHA;

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
        return this != STOPPING;
    }
}
