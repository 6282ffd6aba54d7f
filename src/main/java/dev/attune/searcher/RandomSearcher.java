package dev.attune.searcher;

import dev.attune.math.SeededRandom;
import dev.attune.space.SearchSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Draws configs uniformly at random from the space (Syne Tune's {@code RandomSearcher}).
 *
 * <p>The draw for trial {@code i} comes from the generator for (seed, "random", i, attempt), so it does
 * not depend on how many draws came before. Without duplicates, a drawn config already in the study is
 * redrawn; after {@value #MAX_ATTEMPTS} misses in a finite space the remaining configs are enumerated and
 * one is picked uniformly, so a nearly exhausted space still answers at once, and an exhausted one ends
 * the study.
 *
 * <p>With {@code restrictConfigurations} (Syne Tune's {@code restrict_configurations}) a config is picked
 * uniformly from the listed ones not yet in the study (any listed one when duplicates are allowed), the
 * initial configs count only when listed, and an exhausted list ends the study.
 */
public final class RandomSearcher implements Searcher {
    static final int MAX_ATTEMPTS = 100;
    private final SearchSpace space;
    private final long seed;
    private final boolean allowDuplicates;
    private final InitialConfigs initial;
    private final ExclusionList excluded;
    private final List<Map<String, Object>> restricted;

    public RandomSearcher(SearcherContext context) {
        this.space = context.space();
        this.seed = context.seed();
        this.allowDuplicates = context.allowDuplicates();
        this.restricted = context.restrictConfigurations();
        this.initial = new InitialConfigs(restricted == null ? context.initialConfigs() : listed(context));
        this.excluded = new ExclusionList(space);
    }

    /** The initial configs that are in the restricted list. */
    private static List<Map<String, Object>> listed(SearcherContext context) {
        SearchSpace space = context.space();
        java.util.Set<String> allowed = new java.util.HashSet<>();
        context.restrictConfigurations().forEach(c -> allowed.add(space.matchString(c)));
        return context.initialConfigs().stream()
                .filter(c -> allowed.contains(space.matchString(c)))
                .toList();
    }

    @Override
    public Optional<Proposal> propose(long trialId) {
        Optional<Proposal> first = initial.propose(excluded, allowDuplicates);
        if (first.isPresent()) {
            return first;
        }
        if (restricted != null) {
            List<Map<String, Object>> left = unusedRestricted();
            return left.isEmpty()
                    ? Optional.empty()
                    : Optional.of(new Proposal(
                            left.get(
                                    SeededRandom.of(seed, "restricted", trialId).nextInt(left.size())),
                            Map.of()));
        }
        if (!allowDuplicates && excluded.exhausted()) {
            return Optional.empty();
        }
        Map<String, Object> config = null;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            config = space.sample(SeededRandom.of(seed, "random", trialId, attempt));
            if (allowDuplicates || !excluded.contains(config)) {
                return Optional.of(new Proposal(config, Map.of()));
            }
        }
        if (space.size().isPresent()) {
            return pickUnused(SeededRandom.of(seed, "random-remaining", trialId));
        }
        // A continuous space that keeps giving duplicates is degenerate (e.g. lower == upper); go on anyway.
        return Optional.of(new Proposal(config, Map.of()));
    }

    private Optional<Proposal> pickUnused(SplittableRandom random) {
        List<Map<String, Object>> unused = new ArrayList<>();
        for (Map<String, Object> config : Grid.product(space, Grid.allValues(space))) {
            if (!excluded.contains(config)) {
                unused.add(config);
            }
        }
        return unused.isEmpty()
                ? Optional.empty()
                : Optional.of(new Proposal(unused.get(random.nextInt(unused.size())), Map.of()));
    }

    /** The restricted configs a new trial may still get (null when the searcher is not restricted). */
    List<Map<String, Object>> unusedRestricted() {
        if (restricted == null || allowDuplicates) {
            return restricted;
        }
        return restricted.stream().filter(c -> !excluded.contains(c)).toList();
    }

    /** Whether this config is already in the study and duplicates are not allowed. */
    boolean excludes(Map<String, Object> config) {
        return !allowDuplicates && excluded.contains(config);
    }

    @Override
    public void onTrialAdded(long trialId, Map<String, Object> config, Map<String, Object> memo) {
        initial.onTrialAdded(memo);
        excluded.add(config);
    }
}
