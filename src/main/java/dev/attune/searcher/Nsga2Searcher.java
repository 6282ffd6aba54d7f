package dev.attune.searcher;

import dev.attune.math.GeneticOperators;
import dev.attune.math.ParetoFronts;
import dev.attune.math.SeededRandom;
import dev.attune.space.ChoiceDomain;
import dev.attune.space.Domain;
import dev.attune.space.SearchSpace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * NSGA-II (Syne Tune's {@code NSGA2}, which wraps pymoo's): generations of {@code populationSize}
 * children bred from the parent population by selection, simulated binary crossover and polynomial
 * mutation; after each generation the parents and children compete and the best {@code populationSize}
 * by (constrained) non-dominated rank, then crowding distance, become the next parents.
 *
 * <p>[1] Deb, Pratap, Agarwal and Meyarivan, A fast and elitist multiobjective genetic algorithm:
 * NSGA-II, IEEE TEC 2002. [2] Blank and Deb, pymoo: Multi-Objective Optimization in Python, IEEE Access
 * 2020.
 *
 * <p>Implementation notes. Generation 0 is the initial configs, then random ones. A generation ends when
 * {@code populationSize} results have arrived since the last one ended; meanwhile every new trial is a
 * child of the current parents, so several workers never wait (Syne Tune's NSGA2 refuses more than one).
 * With one worker this is exactly the generational algorithm. Every child comes from one crossover (the
 * child is one of SBX's pair, chosen at random) so that trial i's draws are keyed by i alone. Reals,
 * integers and ordinals vary on Attune's [0, 1] encoding (log scale for log domains; pymoo varies the raw
 * value); categoricals by uniform crossover and a random category, as pymoo's mixed-variable mating.
 * Parents are picked by Deb's binary tournament on (rank, crowding distance); pymoo's mixed-variable
 * mating, and hence Syne Tune, draws them at random ({@code selection: "random"}).
 */
public final class Nsga2Searcher implements Searcher {
    public static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.integer("populationSize", 20L, 2, "parents kept, and children per generation"),
            OptionSpec.number(
                    "crossoverProbability", 0.9, 0.0, 1.0, "probability that a child is a crossover of two parents"),
            OptionSpec.number("crossoverEta", GeneticOperators.SBX_ETA, 0.0, null, "SBX distribution index η_c"),
            OptionSpec.number(
                    "mutationProbability",
                    0.9,
                    0.0,
                    1.0,
                    "probability that a child is mutated (each gene with 1/genes)"),
            OptionSpec.number("mutationEta", GeneticOperators.PM_ETA, 0.0, null, "polynomial mutation index η_m"),
            OptionSpec.oneOf(
                    "selection",
                    "tournament",
                    List.of("tournament", "random"),
                    "binary tournament on rank and crowding (Deb), or random parents (pymoo's mixed-variable mating)"),
            OptionSpec.texts(
                    "constraintMetrics",
                    "reported metrics c; a config is feasible when every c ≤ 0 (constrained domination)"));

    static final int MUTATION_TRIES = 50;

    /** A parent or child: its config and outcome, and its rank and crowding distance once ranked. */
    record Individual(Map<String, Object> config, double[] objectives, double violation, int rank, double crowding) {
        Individual ranked(int rank, double crowding) {
            return new Individual(config, objectives, violation, rank, crowding);
        }
    }

    private final SearchSpace space;
    private final long seed;
    private final int populationSize;
    private final double crossoverProbability;
    private final double crossoverEta;
    private final double mutationProbability;
    private final double mutationEta;
    private final boolean tournament;
    private final RandomSearcher random;
    private final Outcomes outcomes;
    private final Map<Long, Map<String, Object>> configs = new HashMap<>();
    private final List<Individual> children = new ArrayList<>();
    private List<Individual> parents = List.of();
    private int generation;

    public Nsga2Searcher(SearcherContext context) {
        Options o = context.options();
        this.space = context.space();
        this.seed = context.seed();
        this.populationSize = (int) o.integer("populationSize");
        this.crossoverProbability = o.number("crossoverProbability");
        this.crossoverEta = o.number("crossoverEta");
        this.mutationProbability = o.number("mutationProbability");
        this.mutationEta = o.number("mutationEta");
        this.tournament = o.string("selection").equals("tournament");
        this.random = new RandomSearcher(context);
        this.outcomes = new Outcomes(context.metrics(), o.texts("constraintMetrics"));
    }

    @Override
    public Optional<Proposal> propose(long trialId) {
        Optional<Proposal> fallback = random.propose(trialId);
        if (fallback.isEmpty()
                || parents.isEmpty()
                || space.hyperparameters().isEmpty()
                || fallback.get().memo().get(InitialConfigs.KEY) instanceof Number) {
            return fallback;
        }
        SplittableRandom r = SeededRandom.of(seed, "nsga2", trialId);
        for (int attempt = 0; attempt < MUTATION_TRIES; attempt++) {
            Map<String, Object> child = breed(select(r), select(r), r);
            if (!random.excludes(child)) {
                return Optional.of(new Proposal(child, Map.of("generation", generation)));
            }
        }
        return fallback;
    }

    private Individual select(SplittableRandom r) {
        Individual a = parents.get(r.nextInt(parents.size()));
        if (!tournament) {
            return a;
        }
        Individual b = parents.get(r.nextInt(parents.size()));
        int better = crowdedCompare(a, b);
        return better < 0 ? a : better > 0 ? b : r.nextBoolean() ? a : b;
    }

    /** Deb's crowded-comparison operator: lower rank first, then larger crowding distance; 0 for a tie. */
    static int crowdedCompare(Individual a, Individual b) {
        if (a.rank() != b.rank()) {
            return Integer.compare(a.rank(), b.rank());
        }
        return Double.compare(b.crowding(), a.crowding());
    }

    /** One child of two parents: crossover with its probability, then mutation with its probability. */
    Map<String, Object> breed(Individual p1, Individual p2, SplittableRandom r) {
        List<String> genes = space.hyperparameters();
        boolean cross = r.nextDouble() < crossoverProbability;
        boolean mutate = r.nextDouble() < mutationProbability;
        double perGene = Math.min(0.5, 1.0 / genes.size());
        Map<String, Object> child = new LinkedHashMap<>(p1.config());
        for (String name : genes) {
            Domain d = space.domain(name);
            Object a = p1.config().get(name);
            Object b = p2.config().get(name);
            if (d instanceof ChoiceDomain) {
                Object v = cross && r.nextDouble() < 0.5 ? b : a;
                if (mutate && r.nextDouble() < perGene) {
                    v = d.sample(r);
                }
                child.put(name, v);
                continue;
            }
            double x = encode(d, a);
            if (cross && r.nextDouble() < GeneticOperators.SBX_VARIABLE_PROBABILITY) {
                x = GeneticOperators.sbx(x, encode(d, b), 0, 1, crossoverEta, r)[0];
            }
            if (mutate && r.nextDouble() < perGene) {
                x = GeneticOperators.polynomialMutation(x, 0, 1, mutationEta, r);
            }
            child.put(name, d.decode(new double[] {x}, 0));
        }
        return child;
    }

    private static double encode(Domain d, Object value) {
        double[] x = new double[d.encodedSize()];
        d.encode(value, x, 0);
        return x[0];
    }

    /**
     * NSGA-II's survival: the fronts of {@code pool} in order while they fit, then the members of the
     * front that does not fit with the largest crowding distance (ties by position in the pool). Returns
     * the survivors with their rank and crowding distance.
     */
    static List<Individual> survive(List<Individual> pool, int size) {
        double[][] points = pool.stream().map(Individual::objectives).toArray(double[][]::new);
        double[] violations = pool.stream().mapToDouble(Individual::violation).toArray();
        List<Individual> survivors = new ArrayList<>();
        List<int[]> fronts = ParetoFronts.sort(points, violations);
        for (int rank = 0; rank < fronts.size() && survivors.size() < size; rank++) {
            int[] front = fronts.get(rank);
            double[] crowding = ParetoFronts.crowdingDistance(points, front);
            Integer[] order = new Integer[front.length];
            Arrays.setAll(order, i -> i);
            Arrays.sort(order, Comparator.comparingDouble(i -> -crowding[i]));
            for (int i = 0; i < front.length && survivors.size() < size; i++) {
                survivors.add(pool.get(front[order[i]]).ranked(rank, crowding[order[i]]));
            }
        }
        return survivors;
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
        Map<String, Object> config = configs.remove(trialId);
        Optional<Outcomes.Outcome> outcome = outcomes.onComplete(trialId, metrics);
        if (config == null || outcome.isEmpty()) {
            return;
        }
        children.add(
                new Individual(config, outcome.get().objectives(), outcome.get().violation(), 0, 0));
        if (children.size() >= populationSize) {
            List<Individual> pool = new ArrayList<>(parents);
            pool.addAll(children);
            parents = List.copyOf(survive(pool, populationSize));
            children.clear();
            generation++;
        }
    }

    @Override
    public void onFailure(long trialId) {
        configs.remove(trialId);
        outcomes.forget(trialId);
    }

    @Override
    public void onRemove(long trialId) {
        onFailure(trialId);
    }

    /** The current parents, ranked (for tests). */
    List<Individual> parents() {
        return parents;
    }

    int generation() {
        return generation;
    }
}
