package dev.attune.study;

import dev.attune.scheduler.SearcherChoice;
import java.util.ArrayList;
import java.util.List;

/**
 * The scheduler × searcher combinations the tests run, as {@code method+searcher}: every searcher under
 * {@code FIFO} and {@code MedianStoppingRule}, and under {@code ASHA} and {@code Hyperband} every one
 * Attune allows there (not the FIFO-only {@code bayesopt_constrained} and {@code bayesopt_cost}).
 */
public final class SearcherCombinations {
    public static final List<String> ALL = all();

    private SearcherCombinations() {}

    private static List<String> all() {
        List<String> all = new ArrayList<>();
        for (String scheduler : List.of("FIFO", "ASHA", "Hyperband", "MedianStoppingRule")) {
            for (SearcherChoice searcher : SearcherChoice.values()) {
                boolean fifoOnly =
                        searcher == SearcherChoice.BAYESOPT_CONSTRAINED || searcher == SearcherChoice.BAYESOPT_COST;
                if (!fifoOnly || scheduler.equals("FIFO") || scheduler.equals("MedianStoppingRule")) {
                    all.add(scheduler + "+" + searcher.optionName);
                }
            }
        }
        return List.copyOf(all);
    }
}
