package dev.attune.searcher;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A config to try and a memo of the searcher's bookkeeping (e.g. which initial config it used) that
 * {@link Searcher#onTrialAdded} receives back once the trial is stored.
 */
public record Proposal(Map<String, Object> config, Map<String, Object> memo) {
    public Proposal {
        config = Collections.unmodifiableMap(new LinkedHashMap<>(config));
        memo = Map.copyOf(memo);
    }
}
