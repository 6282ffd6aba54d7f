package dev.attune.searcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.attune.math.NonDominatedSort;
import dev.attune.math.ParetoFronts;
import dev.attune.space.SearchSpace;
import dev.attune.space.SpaceParser;
import dev.attune.trial.Metric;
import dev.attune.trial.Mode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** NSGA-II's generations and selection, MOREA's scores and the random-scalarization BO, on worked examples. */
class MultiObjectiveSearcherTest {
    static final SearchSpace XY = SpaceParser.parse(
            new LinkedHashMap<>(Map.of(
                    "x", Map.of("type", "uniform", "lower", 0, "upper", 1),
                    "y", Map.of("type", "uniform", "lower", 0, "upper", 1))),
            "space");
    static final List<Metric> TWO = List.of(new Metric("f1", Mode.MIN), new Metric("f2", Mode.MIN));

    static SearcherContext context(Map<String, Object> options, List<OptionSpec> specs, boolean duplicates) {
        return new SearcherContext(XY, TWO, 5, List.of(), duplicates, Options.parse(options, specs));
    }

    static Nsga2Searcher.Individual individual(String name, double f1, double f2, double violation) {
        return new Nsga2Searcher.Individual(Map.of("name", name), new double[] {f1, f2}, violation, 0, 0);
    }

    static List<String> names(List<Nsga2Searcher.Individual> xs) {
        return xs.stream().map(i -> (String) i.config().get("name")).toList();
    }

    @Test
    void survivalKeepsWholeFrontsThenTheMostCrowdedOutLast() {
        List<Nsga2Searcher.Individual> pool = List.of(
                individual("A", 1, 5, 0),
                individual("B", 2, 3, 0),
                individual("C", 4, 1, 0),
                individual("D", 3, 4, 0), // front 1 (B dominates it), a boundary of its front
                individual("H", 4, 3, 0), // front 1, between D and G: finite crowding distance
                individual("G", 5, 2, 0), // front 1, a boundary
                individual("E", 5, 5, 0)); // front 2
        List<Nsga2Searcher.Individual> five = Nsga2Searcher.survive(pool, 5);
        assertThat(names(five)).containsExactlyInAnyOrder("A", "B", "C", "D", "G");
        assertThat(five)
                .allMatch(
                        i -> i.rank() == (List.of("D", "G").contains(i.config().get("name")) ? 1 : 0));
        assertThat(names(Nsga2Searcher.survive(pool, 6))).contains("H").doesNotContain("E");
        // The middle of front 0 has crowding (4−1)/3 + (5−1)/4 = 2; its ends are infinite.
        Nsga2Searcher.Individual b = five.stream()
                .filter(i -> i.config().get("name").equals("B"))
                .findFirst()
                .orElseThrow();
        assertThat(b.crowding()).isCloseTo(2.0, within(1e-12));
    }

    @Test
    void survivalPrefersFeasibleIndividualsThenTheLeastViolation() {
        List<Nsga2Searcher.Individual> pool = List.of(
                individual("bestButInfeasible", 0, 0, 3),
                individual("slightlyInfeasible", 0.5, 0.5, 0.1),
                individual("feasible1", 2, 3, 0),
                individual("feasible2", 3, 2, 0));
        assertThat(names(Nsga2Searcher.survive(pool, 2))).containsExactlyInAnyOrder("feasible1", "feasible2");
        assertThat(names(Nsga2Searcher.survive(pool, 3))).contains("slightlyInfeasible");
    }

    @Test
    void crowdedComparisonPrefersLowerRankThenLargerCrowding() {
        var a = new Nsga2Searcher.Individual(Map.of(), new double[] {0, 0}, 0, 0, 0.1);
        var b = new Nsga2Searcher.Individual(Map.of(), new double[] {0, 0}, 0, 1, 9);
        var c = new Nsga2Searcher.Individual(Map.of(), new double[] {0, 0}, 0, 0, 0.5);
        assertThat(Nsga2Searcher.crowdedCompare(a, b)).isNegative();
        assertThat(Nsga2Searcher.crowdedCompare(c, a)).isNegative();
        assertThat(Nsga2Searcher.crowdedCompare(a, a)).isZero();
    }

    /** Proposes, adds and completes one trial at a time, as one worker would. */
    static List<Map<String, Object>> runSequentially(
            Searcher s, int n, Function<Map<String, Object>, Map<String, Double>> f) {
        List<Map<String, Object>> configs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Proposal p = s.propose(i).orElseThrow();
            s.onTrialAdded(i, p.config(), p.memo());
            s.onComplete(i, f.apply(p.config()));
            configs.add(p.config());
        }
        return configs;
    }

    static Map<String, Double> zdtLike(Map<String, Object> c) {
        double x = ((Number) c.get("x")).doubleValue();
        double y = ((Number) c.get("y")).doubleValue();
        double g = 1 + 9 * y;
        return Map.of("f1", x, "f2", g * (1 - Math.sqrt(x / g)));
    }

    @Test
    void generationsAdvanceEveryPopulationOfResultsAndKeepTheBestFrontElitist() {
        Nsga2Searcher s = new Nsga2Searcher(context(Map.of("populationSize", 6), Nsga2Searcher.OPTIONS, false));
        List<double[]> seen = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Proposal p = s.propose(i).orElseThrow();
            assertThat(p.memo().get("generation")).isEqualTo(i < 6 ? null : i / 6);
            s.onTrialAdded(i, p.config(), p.memo());
            Map<String, Double> y = zdtLike(p.config());
            seen.add(new double[] {y.get("f1"), y.get("f2")});
            s.onComplete(i, y);
            assertThat(s.generation()).isEqualTo((i + 1) / 6);
            if ((i + 1) % 6 == 0) {
                // Elitism: whenever the first front of everything seen fits, all of it is among the parents.
                double[][] points = seen.toArray(new double[0][]);
                int[] first = ParetoFronts.sort(points, null).getFirst();
                List<double[]> parents = s.parents().stream()
                        .map(Nsga2Searcher.Individual::objectives)
                        .toList();
                assertThat(parents).hasSize(6);
                if (first.length <= 6) {
                    for (int k : first) {
                        assertThat(parents).anyMatch(q -> java.util.Arrays.equals(q, points[k]));
                    }
                }
                for (double[] q : parents) {
                    assertThat(seen).anyMatch(p2 -> java.util.Arrays.equals(p2, q));
                }
            }
        }
    }

    /** Frequency of the best of four chained parents as the child's config, with neither crossover nor mutation. */
    static double bestParentShare(String selection) {
        Nsga2Searcher s = new Nsga2Searcher(context(
                Map.of(
                        "populationSize", 4,
                        "crossoverProbability", 0,
                        "mutationProbability", 0,
                        "selection", selection),
                Nsga2Searcher.OPTIONS,
                true));
        Map<Long, Map<String, Object>> configs = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            Proposal p = s.propose(i).orElseThrow();
            s.onTrialAdded(i, p.config(), p.memo());
            configs.put((long) i, p.config());
            s.onComplete(i, Map.of("f1", (double) i, "f2", (double) i)); // a chain: ranks 0, 1, 2, 3
        }
        int best = 0;
        int n = 8000;
        for (int i = 4; i < 4 + n; i++) {
            Optional<Proposal> p = s.propose(i);
            assertThat(configs).containsValue(p.orElseThrow().config());
            best += p.get().config().equals(configs.get(0L)) ? 1 : 0;
        }
        return best / (double) n;
    }

    @Test
    void binaryTournamentPicksTheBestOfFourWithProbabilitySevenSixteenths() {
        // The best wins whenever it is drawn into the tournament: 1 − (3/4)² = 7/16; at random 1/4.
        assertThat(bestParentShare("tournament")).isCloseTo(7.0 / 16, within(0.02));
        assertThat(bestParentShare("random")).isCloseTo(1.0 / 4, within(0.02));
    }

    @Test
    void constraintMetricsSteerNsga2ToTheFeasibleRegion() {
        Nsga2Searcher s = new Nsga2Searcher(
                context(Map.of("populationSize", 8, "constraintMetrics", List.of("c")), Nsga2Searcher.OPTIONS, false));
        // Feasible only for x ≥ 0.6, where f1 = x is worse: unconstrained NSGA-II would spread over all x.
        List<Map<String, Object>> configs = runSequentially(s, 120, c -> {
            Map<String, Double> m = new HashMap<>(zdtLike(c));
            m.put("c", 0.6 - ((Number) c.get("x")).doubleValue());
            return m;
        });
        long feasibleLate = configs.subList(80, 120).stream()
                .filter(c -> ((Number) c.get("x")).doubleValue() >= 0.6)
                .count();
        assertThat(feasibleLate).as("feasible children among the last 40").isGreaterThanOrEqualTo(30);
        assertThat(s.parents()).allMatch(i -> i.violation() == 0);
    }

    @Test
    void nsga2ChildrenImproveOnRandomSearch() {
        double[] reference = {1.1, 11};
        double nsga = 0;
        double random = 0;
        for (long seed = 1; seed <= 5; seed++) {
            Options nsgaOptions = Options.parse(Map.of(), Nsga2Searcher.OPTIONS);
            SearcherContext c = new SearcherContext(XY, TWO, seed, List.of(), false, nsgaOptions);
            nsga += hypervolume(
                    runSequentially(new Nsga2Searcher(c), 150, MultiObjectiveSearcherTest::zdtLike), reference);
            random += hypervolume(
                    runSequentially(new RandomSearcher(c), 150, MultiObjectiveSearcherTest::zdtLike), reference);
        }
        assertThat(nsga).isGreaterThan(random);
    }

    static double hypervolume(List<Map<String, Object>> configs, double[] reference) {
        double[][] points = configs.stream()
                .map(MultiObjectiveSearcherTest::zdtLike)
                .map(m -> new double[] {m.get("f1"), m.get("f2")})
                .toArray(double[][]::new);
        return dev.attune.math.Hypervolume.of(points, reference);
    }

    @Test
    void moreaScoresAreNonDominatedSortPositions() {
        double[][] population = {{3, 3}, {1, 2}, {2, 1}, {4, 4}};
        double[] scores = RegularizedEvolutionSearcher.score(population);
        int[] order = NonDominatedSort.order(population);
        for (int p = 0; p < order.length; p++) {
            assertThat(scores[order[p]]).isEqualTo(p);
        }
        assertThat(scores[3]).isEqualTo(3.0); // dominated by all
        assertThat(scores[0]).isEqualTo(2.0);
        assertThat(RegularizedEvolutionSearcher.score(new double[][] {{5}, {-1}}))
                .containsExactly(5.0, -1.0);
    }

    @Test
    void moreaMutatesMembersOfTheFrontMostOften() {
        SearcherContext c = new SearcherContext(
                XY,
                TWO,
                3,
                List.of(),
                false,
                Options.parse(Map.of("populationSize", 10, "sampleSize", 5), RegularizedEvolutionSearcher.OPTIONS));
        RegularizedEvolutionSearcher s = new RegularizedEvolutionSearcher(c, true);
        List<Map<String, Object>> configs = runSequentially(s, 100, MultiObjectiveSearcherTest::zdtLike);
        // Children keep one of the parent's two inputs: late configs lie near the front (small y).
        double lateY = configs.subList(60, 100).stream()
                .mapToDouble(m -> ((Number) m.get("y")).doubleValue())
                .average()
                .orElseThrow();
        assertThat(lateY).isLessThan(0.35); // random search averages 0.5
    }

    @Test
    void randomScalarizationBayesOptProposesNearTheParetoSet() {
        // f1 = (x − 0.2)² + y, f2 = (x − 0.8)² + y: the Pareto set is x ∈ [0.2, 0.8] with y = 0.
        Function<Map<String, Object>, Map<String, Double>> f = c -> {
            double x = ((Number) c.get("x")).doubleValue();
            double y = ((Number) c.get("y")).doubleValue();
            return Map.of("f1", (x - 0.2) * (x - 0.2) + y, "f2", (x - 0.8) * (x - 0.8) + y);
        };
        MultiObjectiveBayesOptSearcher s = new MultiObjectiveBayesOptSearcher(context(
                Map.of("numInitCandidates", 100, "optMaxiter", 20), MultiObjectiveBayesOptSearcher.OPTIONS, false));
        List<Map<String, Object>> configs = runSequentially(s, 25, f);
        long near = configs.subList(5, 25).stream()
                .filter(c -> ((Number) c.get("y")).doubleValue() < 0.15)
                .count();
        assertThat(near)
                .as("model-based proposals with y < 0.15 (random: 15 %%)")
                .isGreaterThanOrEqualTo(12);
        // Weights are per trial and reproducible: a replica proposes the same.
        assertThat(s.weights(7)).containsExactly(s.weights(7));
        assertThat(s.weights(7)).isNotEqualTo(s.weights(8));
    }
}
