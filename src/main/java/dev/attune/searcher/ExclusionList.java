package dev.attune.searcher;

import dev.attune.space.SearchSpace;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Configs already in the study, compared by match string (Syne Tune's {@code ExclusionList}). */
public final class ExclusionList {
    private final SearchSpace space;
    private final Set<String> seen = new HashSet<>();

    public ExclusionList(SearchSpace space) {
        this.space = space;
    }

    public boolean contains(Map<String, Object> config) {
        return seen.contains(space.matchString(config));
    }

    public void add(Map<String, Object> config) {
        seen.add(space.matchString(config));
    }

    int size() {
        return seen.size();
    }

    /** True when a finite space has no config left outside the list. */
    boolean exhausted() {
        return space.size().isPresent() && seen.size() >= space.size().getAsLong();
    }
}
