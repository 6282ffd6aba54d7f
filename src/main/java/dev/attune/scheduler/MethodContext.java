package dev.attune.scheduler;

import dev.attune.searcher.Options;
import dev.attune.searcher.SearcherContext;
import dev.attune.searcher.TransferTask;
import dev.attune.space.SearchSpace;
import dev.attune.trial.Metric;
import dev.attune.trial.Resource;
import java.util.List;
import java.util.Map;

/**
 * Everything a method is built from: the study's definition with the options already checked.
 *
 * @param resource the budget axis, or null for methods that need none
 * @param restrictConfigurations the only configs new trials may get, or null for the whole space
 * @param transfer evaluations of earlier tasks, for transfer-learning methods; empty for the rest
 */
public record MethodContext(
        SearchSpace space,
        List<Metric> metrics,
        Resource resource,
        long seed,
        List<Map<String, Object>> initialConfigs,
        boolean allowDuplicates,
        Options options,
        List<Map<String, Object>> restrictConfigurations,
        List<TransferTask> transfer) {

    public MethodContext {
        transfer = transfer == null ? List.of() : List.copyOf(transfer);
    }

    public MethodContext(
            SearchSpace space,
            List<Metric> metrics,
            Resource resource,
            long seed,
            List<Map<String, Object>> initialConfigs,
            boolean allowDuplicates,
            Options options,
            List<Map<String, Object>> restrictConfigurations) {
        this(
                space,
                metrics,
                resource,
                seed,
                initialConfigs,
                allowDuplicates,
                options,
                restrictConfigurations,
                List.of());
    }

    public MethodContext(
            SearchSpace space,
            List<Metric> metrics,
            Resource resource,
            long seed,
            List<Map<String, Object>> initialConfigs,
            boolean allowDuplicates,
            Options options) {
        this(space, metrics, resource, seed, initialConfigs, allowDuplicates, options, null);
    }

    public SearcherContext searcherContext() {
        return new SearcherContext(
                space, metrics, seed, initialConfigs, allowDuplicates, options, null, restrictConfigurations, transfer);
    }

    /**
     * The searcher context with the resource axis: its attribute and the levels decisions are made at (the
     * rung levels the method's options give, then the maximum), which is the data a multi-fidelity searcher
     * models (Syne Tune's {@code searcher_data="rungs"}).
     */
    public SearcherContext multiFidelitySearcherContext() {
        long maxT = HyperbandScheduler.maxResource(this);
        List<Long> explicit = options.has("rungLevels") ? options.integers("rungLevels") : null;
        long grace = options.has("gracePeriod") ? options.integer("gracePeriod") : 1;
        boolean linear = RungLevels.linear(options);
        Double eta = linear ? null : options.has("reductionFactor") ? options.number("reductionFactor") : 3.0;
        Long increment = linear ? options.integer("rungIncrement") : null;
        List<Long> levels = new java.util.ArrayList<>(RungLevels.of(explicit, grace, eta, increment, maxT));
        levels.add(maxT);
        return new SearcherContext(
                space,
                metrics,
                seed,
                initialConfigs,
                allowDuplicates,
                options,
                new SearcherContext.Fidelity(
                        resource.attr(),
                        levels,
                        options.has("type") && options.string("type").equals("dyhpo"),
                        options.has("brackets") ? (int) options.integer("brackets") : 1),
                restrictConfigurations,
                transfer);
    }

    public Metric metric() {
        return metrics.getFirst();
    }
}
