package dev.attune.searcher;

import dev.attune.space.SearchSpace;
import dev.attune.trial.Metric;
import java.util.List;
import java.util.Map;

/**
 * What every searcher is built from.
 *
 * @param initialConfigs the study's {@code pointsToEvaluate}, already completed by the mid-point rule
 * @param allowDuplicates whether a config may be proposed again (Syne Tune's {@code allow_duplicates})
 */
public record SearcherContext(
        SearchSpace space,
        List<Metric> metrics,
        long seed,
        List<Map<String, Object>> initialConfigs,
        boolean allowDuplicates,
        Options options) {}
