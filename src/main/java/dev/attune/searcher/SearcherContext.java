package dev.attune.searcher;

import dev.attune.space.SearchSpace;
import dev.attune.trial.Metric;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What every searcher is built from.
 *
 * @param initialConfigs the study's {@code pointsToEvaluate}, already completed by the mid-point rule
 * @param allowDuplicates whether a config may be proposed again (Syne Tune's {@code allow_duplicates})
 * @param fidelity the resource axis for searchers under a multi-fidelity scheduler, else null
 * @param restrictConfigurations the only configs to propose (Syne Tune's {@code restrict_configurations}),
 *     or null for the whole space
 * @param transfer evaluations of earlier tasks a transfer-learning searcher learns from; empty for the rest
 */
public record SearcherContext(
        SearchSpace space,
        List<Metric> metrics,
        long seed,
        List<Map<String, Object>> initialConfigs,
        boolean allowDuplicates,
        Options options,
        @Nullable Fidelity fidelity,
        @Nullable List<Map<String, Object>> restrictConfigurations,
        List<TransferTask> transfer) {

    public SearcherContext {
        transfer = transfer == null ? List.of() : List.copyOf(transfer);
    }

    public SearcherContext(
            SearchSpace space,
            List<Metric> metrics,
            long seed,
            List<Map<String, Object>> initialConfigs,
            boolean allowDuplicates,
            Options options,
            @Nullable Fidelity fidelity,
            @Nullable List<Map<String, Object>> restrictConfigurations) {
        this(
                space,
                metrics,
                seed,
                initialConfigs,
                allowDuplicates,
                options,
                fidelity,
                restrictConfigurations,
                List.of());
    }

    public SearcherContext(
            SearchSpace space,
            List<Metric> metrics,
            long seed,
            List<Map<String, Object>> initialConfigs,
            boolean allowDuplicates,
            Options options,
            @Nullable Fidelity fidelity) {
        this(space, metrics, seed, initialConfigs, allowDuplicates, options, fidelity, null);
    }

    public SearcherContext(
            SearchSpace space,
            List<Metric> metrics,
            long seed,
            List<Map<String, Object>> initialConfigs,
            boolean allowDuplicates,
            Options options) {
        this(space, metrics, seed, initialConfigs, allowDuplicates, options, null, null);
    }

    /**
     * The resource a multi-fidelity scheduler allocates.
     *
     * @param attr the reported metric holding the level (e.g. epoch)
     * @param levels the levels the scheduler decides at, ascending, ending with the maximum
     * @param dyhpo whether the scheduler is Hyperband of type dyhpo, which records dense observations (linear
     *     rungs) and scores paused trials against new configs: Syne Tune's searchers cap its data differently
     * @param brackets the scheduler's number of brackets (1 for ASHA): in higher brackets, trials start above
     *     the first rung
     */
    public record Fidelity(String attr, List<Long> levels, boolean dyhpo, int brackets) {
        public Fidelity {
            levels = List.copyOf(levels);
        }

        public Fidelity(String attr, List<Long> levels, boolean dyhpo) {
            this(attr, levels, dyhpo, 1);
        }

        public Fidelity(String attr, List<Long> levels) {
            this(attr, levels, false);
        }

        public long max() {
            return levels.getLast();
        }
    }
}
