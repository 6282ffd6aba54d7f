package dev.attune.searcher;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code pointsToEvaluate} queue: proposed first, in order, skipping any already in the study unless
 * duplicates are allowed. The position is kept in the proposal's memo under {@value #KEY}.
 */
final class InitialConfigs {
    static final String KEY = "initialNext";
    private final List<Map<String, Object>> configs;
    private int next;

    InitialConfigs(List<Map<String, Object>> configs) {
        this.configs = configs;
    }

    Optional<Proposal> propose(ExclusionList excluded, boolean allowDuplicates) {
        for (int i = next; i < configs.size(); i++) {
            if (allowDuplicates || !excluded.contains(configs.get(i))) {
                return Optional.of(new Proposal(configs.get(i), Map.of(KEY, i + 1)));
            }
        }
        return Optional.empty();
    }

    void onTrialAdded(Map<String, Object> memo) {
        if (memo.get(KEY) instanceof Number n) {
            next = n.intValue();
        }
    }
}
