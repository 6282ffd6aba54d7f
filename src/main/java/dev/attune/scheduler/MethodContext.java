package dev.attune.scheduler;

import dev.attune.searcher.Options;
import dev.attune.searcher.SearcherContext;
import dev.attune.space.SearchSpace;
import dev.attune.trial.Metric;
import dev.attune.trial.Resource;
import java.util.List;
import java.util.Map;

/**
 * Everything a method is built from: the study's definition with the options already checked.
 *
 * @param resource the budget axis, or null for methods that need none
 */
public record MethodContext(
        SearchSpace space,
        List<Metric> metrics,
        Resource resource,
        long seed,
        List<Map<String, Object>> initialConfigs,
        boolean allowDuplicates,
        Options options) {

    public SearcherContext searcherContext() {
        return new SearcherContext(space, metrics, seed, initialConfigs, allowDuplicates, options);
    }

    public Metric metric() {
        return metrics.getFirst();
    }
}
