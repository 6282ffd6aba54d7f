package dev.attune.searcher;

import dev.attune.math.NonDominatedSort;
import dev.attune.math.SeededRandom;
import dev.attune.space.SearchSpace;
import java.util.ArrayList;
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
 *
 * <p>With several metrics this is MOREA (Syne Tune's {@code MultiObjectiveRegularizedEvolution}): a
 * member's score is its position in a non-dominated sort of the population with an ε-net inside each
 * front ({@link NonDominatedSort}), recomputed whenever a member arrives. Syne Tune assigns member i the
 * index found at position i of that order (the same confusion of an order with ranks as its MOASHA);
 * Attune scores each member by its own position.
 */
public final class RegularizedEvolutionSearcher implements Searcher {
    public static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.integer("populationSize", 100L, 1, "results kept; the oldest leaves when a new one arrives"),
            OptionSpec.integer("sampleSize", 10L, 1, "members drawn (with replacement) to pick a parent"));
    static final int MUTATION_TRIES = 50;

    private record Member(Map<String, Object> config, double[] objectives) {}

    private final SearchSpace space;
    private final long seed;
    private final Outcomes outcomes;
    private final int populationSize;
    private final int sampleSize;
    private final RandomSearcher random;
    private final List<Member> population = new ArrayList<>();
    /** Per member of the population, in the same order: lower is better. */
    private double[] scores = new double[0];

    private final Map<Long, Map<String, Object>> configs = new HashMap<>();
    private final List<String> mutable;

    /** REA on the first metric. */
    public RegularizedEvolutionSearcher(SearcherContext context) {
        this(context, false);
    }

    /** @param multiObjective MOREA over all the study's metrics, else REA on the first */
    public RegularizedEvolutionSearcher(SearcherContext context, boolean multiObjective) {
        this.space = context.space();
        this.seed = context.seed();
        this.outcomes = new Outcomes(
                multiObjective ? context.metrics() : context.metrics().subList(0, 1), List.of());
        this.populationSize = (int) context.options().integer("populationSize");
        this.sampleSize = (int) context.options().integer("sampleSize");
        this.random = new RandomSearcher(context);
        this.mutable = space.hyperparameters();
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
        int best = -1;
        for (int i = 0; i < sampleSize; i++) {
            int m = r.nextInt(population.size());
            if (best < 0 || scores[m] < scores[best]) {
                best = m;
            }
        }
        Member parent = population.get(best);
        for (int attempt = 0; attempt < MUTATION_TRIES; attempt++) {
            String name = mutable.get(r.nextInt(mutable.size()));
            Map<String, Object> child = new LinkedHashMap<>(parent.config());
            child.put(name, space.domain(name).sample(r));
            if (!space.matchString(child).equals(space.matchString(parent.config())) && !random.excludes(child)) {
                return Optional.of(new Proposal(child, Map.of("parentScore", scores[best])));
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
        outcomes.onReport(trialId, metrics);
    }

    @Override
    public void onComplete(long trialId, Map<String, Double> metrics) {
        Optional<Outcomes.Outcome> outcome = outcomes.onComplete(trialId, metrics);
        Map<String, Object> config = configs.get(trialId);
        if (outcome.isEmpty() || config == null) {
            return;
        }
        population.add(new Member(config, outcome.get().objectives()));
        if (population.size() > populationSize) {
            population.removeFirst();
        }
        scores = score(population.stream().map(Member::objectives).toArray(double[][]::new));
    }

    /** One objective: its value. Several: each member's position in the non-dominated sort. */
    static double[] score(double[][] objectives) {
        if (objectives.length == 0 || objectives[0].length == 1) {
            return java.util.Arrays.stream(objectives).mapToDouble(o -> o[0]).toArray();
        }
        int[] order = NonDominatedSort.order(objectives);
        double[] position = new double[order.length];
        for (int p = 0; p < order.length; p++) {
            position[order[p]] = p;
        }
        return position;
    }

    @Override
    public void onFailure(long trialId) {
        outcomes.forget(trialId);
    }
}
