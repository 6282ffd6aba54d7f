package dev.attune.searcher;

import dev.attune.math.SeededRandom;
import dev.attune.space.SearchSpace;
import dev.attune.trial.Mode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Regularized evolution (Syne Tune's {@code RegularizedEvolution}): a bounded population of the latest
 * results; a child is the best of {@code sampleSize} members drawn with replacement, with one random
 * hyperparameter resampled. The oldest member leaves when a new one arrives, which is the regularization.
 *
 * <p>[1] Real et al., Regularized Evolution for Image Classifier Architecture Search, AAAI 2019.
 *
 * <p>Implementation note: the draws for trial i come from (seed, "rea", i), so the same population gives
 * the same child on any replica. Until the population holds {@code populationSize} results, configs are
 * random, as in Syne Tune.
 */
public final class RegularizedEvolutionSearcher implements Searcher {
    public static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.integer("populationSize", 100L, 1, "results kept; the oldest leaves when a new one arrives"),
            OptionSpec.integer("sampleSize", 10L, 1, "members drawn (with replacement) to pick a parent"));
    static final int MUTATION_TRIES = 50;

    private record Member(Map<String, Object> config, double score) {}

    private final SearchSpace space;
    private final long seed;
    private final String metric;
    private final boolean maximize;
    private final int populationSize;
    private final int sampleSize;
    private final RandomSearcher random;
    private final Deque<Member> population = new ArrayDeque<>();
    private final Map<Long, Map<String, Object>> configs = new HashMap<>();
    private final Map<Long, Double> lastValue = new HashMap<>();
    private final List<String> mutable;
    /** Under a multi-fidelity scheduler, the resource axis: a result at one of its levels joins the population. */
    private final SearcherContext.Fidelity fidelity;

    public RegularizedEvolutionSearcher(SearcherContext context) {
        this.space = context.space();
        this.seed = context.seed();
        this.metric = context.metrics().getFirst().name();
        this.maximize = context.metrics().getFirst().mode() == Mode.MAX;
        this.populationSize = (int) context.options().integer("populationSize");
        this.sampleSize = (int) context.options().integer("sampleSize");
        this.random = new RandomSearcher(context);
        this.mutable = space.hyperparameters();
        this.fidelity = context.fidelity();
    }

    @Override
    public Optional<Proposal> propose(long trialId) {
        Optional<Proposal> fallback = random.propose(trialId);
        if (population.size() < populationSize
                || mutable.isEmpty()
                || fallback.isEmpty()
                || isInitial(fallback.get())) {
            return fallback;
        }
        SplittableRandom r = SeededRandom.of(seed, "rea", trialId);
        List<Member> members = new ArrayList<>(population);
        Member parent = null;
        for (int i = 0; i < sampleSize; i++) {
            Member m = members.get(r.nextInt(members.size()));
            if (parent == null || m.score() < parent.score()) {
                parent = m;
            }
        }
        for (int attempt = 0; attempt < MUTATION_TRIES; attempt++) {
            String name = mutable.get(r.nextInt(mutable.size()));
            Map<String, Object> child = new LinkedHashMap<>(parent.config());
            child.put(name, space.domain(name).sample(r));
            if (!space.matchString(child).equals(space.matchString(parent.config())) && !random.excludes(child)) {
                return Optional.of(new Proposal(child, Map.of("parentScore", parent.score())));
            }
        }
        return fallback;
    }

    /** Whether the random searcher's answer is one of the initial configs, which always come first. */
    private boolean isInitial(Proposal p) {
        return p.memo().get(InitialConfigs.KEY) instanceof Number;
    }

    @Override
    public void onTrialAdded(long trialId, Map<String, Object> config, Map<String, Object> memo) {
        random.onTrialAdded(trialId, config, memo);
        configs.put(trialId, config);
    }

    @Override
    public void onReport(long trialId, Map<String, Double> metrics) {
        Double v = metrics.get(metric);
        if (v != null) {
            lastValue.put(trialId, v);
            Double level = fidelity == null ? null : metrics.get(fidelity.attr());
            if (level != null && fidelity.levels().contains(level.longValue())) {
                join(trialId, v); // Syne Tune's searcher_data="rungs": every rung result updates the searcher
            }
        }
    }

    @Override
    public void onComplete(long trialId, Map<String, Double> metrics) {
        if (fidelity == null) {
            join(trialId, metrics.getOrDefault(metric, lastValue.get(trialId)));
        }
    }

    private void join(long trialId, Double v) {
        Map<String, Object> config = configs.get(trialId);
        if (v == null || config == null) {
            return;
        }
        population.addLast(new Member(config, maximize ? -v : v));
        if (population.size() > populationSize) {
            population.removeFirst();
        }
    }
}
