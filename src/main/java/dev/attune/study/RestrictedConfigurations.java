package dev.attune.study;

import dev.attune.scheduler.MethodSpec;
import dev.attune.space.InvalidInputException;
import dev.attune.space.SearchSpace;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a definition's {@code restrictConfigurations} (Syne Tune's searcher option {@code
 * restrict_configurations}): the only configs new trials may get, each a full config of the space.
 * Methods whose searcher draws new configs at random or by Bayesian optimization honour it; methods that
 * make configs up (evolution, grids, population-based training, KDE) refuse it, as Syne Tune does.
 */
final class RestrictedConfigurations {
    static final int MAX_ENTRIES = 10_000;

    /** The methods that suggest only from the list. */
    static final List<String> METHODS = List.of(
            "RandomSearch",
            "BayesianOptimization",
            "ConstrainedBayesianOptimization",
            "CostAwareBayesianOptimization",
            "ASHA",
            "MOASHA",
            "Hyperband",
            "PASHA",
            "SyncHyperband");

    private RestrictedConfigurations() {}

    /** The list, checked and without repeats, or null when the definition has none. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> parse(Fields f, SearchSpace space, MethodSpec method, Boolean allowDuplicates) {
        String field = "restrictConfigurations";
        List<?> list = f.list(field);
        if (list == null) {
            return null;
        }
        if (method != null && METHODS.stream().noneMatch(m -> m.equalsIgnoreCase(method.name()))) {
            f.error(field, "is not supported by " + method.name() + "; methods that support it: " + METHODS);
            return null;
        }
        if (list.isEmpty() || list.size() > MAX_ENTRIES) {
            f.error(field, "must have 1 to " + MAX_ENTRIES + " configs, got " + list.size());
            return null;
        }
        List<Map<String, Object>> configs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String path = field + "[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> given)) {
                f.error(path, "must be an object (a full config of the space)");
                continue;
            }
            try {
                Map<String, Object> config = space.validate((Map<String, Object>) given, path);
                if (seen.add(space.matchString(config))) {
                    configs.add(config);
                }
            } catch (InvalidInputException e) {
                f.errors().addAll(e.errors());
            }
        }
        return List.copyOf(configs);
    }
}
