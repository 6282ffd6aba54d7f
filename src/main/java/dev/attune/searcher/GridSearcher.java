package dev.attune.searcher;

import dev.attune.math.SeededRandom;
import dev.attune.space.InvalidInputException;
import dev.attune.space.SearchSpace;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Walks the Cartesian product of per-parameter grids after the initial configs (Syne Tune's
 * {@code GridSearcher}): reals at {@code numSamples} points (default 5), integers at up to that many,
 * categoricals and finite ranges at every value. With {@code shuffle} (Syne Tune's default) the product
 * is visited in a random order fixed by the seed. The study is done when the grid is.
 */
public final class GridSearcher implements Searcher {
    public static final List<OptionSpec> OPTIONS = List.of(
            new OptionSpec(
                    "numSamples",
                    OptionType.INTEGER_OR_MAP,
                    5L,
                    1.0,
                    null,
                    List.of(),
                    "grid points per real or integer parameter: one number for all, or an object by name"),
            OptionSpec.bool("shuffle", true, "visit the grid in a random order fixed by the seed"));
    static final String KEY = "gridNext";

    private final boolean allowDuplicates;
    private final InitialConfigs initial;
    private final ExclusionList excluded;
    private final List<Map<String, Object>> grid;
    private int next;

    public GridSearcher(SearcherContext context) {
        SearchSpace space = context.space();
        this.allowDuplicates = context.allowDuplicates();
        this.initial = new InitialConfigs(context.initialConfigs());
        this.excluded = new ExclusionList(space);
        Map<String, List<Object>> values = new LinkedHashMap<>();
        Object numSamples = context.options().raw("numSamples");
        space.entries().forEach((name, domain) -> {
            long n = numSamples instanceof Map<?, ?> byName && byName.get(name) instanceof Number v
                    ? v.longValue()
                    : numSamples instanceof Number v ? v.longValue() : 5;
            values.put(name, Grid.gridValues(domain, (int) Math.min(n, 1_000_000)));
        });
        if (numSamples instanceof Map<?, ?> byName) {
            for (Object name : byName.keySet()) {
                if (!space.entries().containsKey(String.valueOf(name))) {
                    throw InvalidInputException.of("options.numSamples." + name, "is not in the search space");
                }
            }
        }
        long size = Grid.size(values);
        if (size > SearchSpace.SIZE_LIMIT) {
            throw InvalidInputException.of(
                    "options.numSamples", "the grid would have more than " + SearchSpace.SIZE_LIMIT + " points");
        }
        List<Map<String, Object>> all = new ArrayList<>((int) size);
        Grid.product(space, values).forEach(all::add);
        if (context.options().bool("shuffle")) {
            Collections.shuffle(all, SeededRandom.of(context.seed(), "grid-shuffle"));
        }
        this.grid = List.copyOf(all);
    }

    @Override
    public Optional<Proposal> propose(long trialId) {
        Optional<Proposal> first = initial.propose(excluded, allowDuplicates);
        if (first.isPresent()) {
            return first;
        }
        for (int i = next; i < grid.size(); i++) {
            if (allowDuplicates || !excluded.contains(grid.get(i))) {
                return Optional.of(new Proposal(grid.get(i), Map.of(KEY, i + 1)));
            }
        }
        return Optional.empty();
    }

    @Override
    public void onTrialAdded(long trialId, Map<String, Object> config, Map<String, Object> memo) {
        initial.onTrialAdded(memo);
        if (memo.get(KEY) instanceof Number n) {
            next = n.intValue();
        }
        excluded.add(config);
    }
}
