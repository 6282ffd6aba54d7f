package dev.attune.scheduler;

import dev.attune.searcher.OptionSpec;
import java.util.List;
import java.util.function.Function;

/**
 * A method as users name it: its Syne Tune name, what it needs, its options and how to build it.
 *
 * @param multiFidelity whether it needs a {@code resource}
 * @param multiObjective whether it accepts more than one metric
 */
public record MethodSpec(
        String name,
        String description,
        boolean multiFidelity,
        boolean multiObjective,
        List<OptionSpec> options,
        Function<MethodContext, Scheduler> factory) {}
