package dev.attune.searcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.space.FloatDomain;
import dev.attune.space.InvalidInputException;
import dev.attune.space.SearchSpace;
import dev.attune.trial.Metric;
import dev.attune.trial.Mode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Behaviour of the model-based searchers on small problems. Every run is seeded, so each check is
 * deterministic; the margins were chosen so that the checks hold for every seed tried (1–3), not just one.
 */
class ModelBasedSearcherTest {
    static final SearchSpace PLANE = new SearchSpace(
            new LinkedHashMap<>(Map.of("a", new FloatDomain(0, 1, false), "b", new FloatDomain(0, 1, false))));

    static SearcherContext context(long seed, Map<String, Object> options, List<OptionSpec> specs) {
        return new SearcherContext(
                PLANE,
                List.of(new Metric("y", Mode.MIN)),
                seed,
                List.of(PLANE.midpoint()),
                false,
                Options.parse(options, specs));
    }

    static double quadratic(Map<String, Object> c) {
        double a = ((Number) c.get("a")).doubleValue() - 0.2;
        double b = ((Number) c.get("b")).doubleValue() - 0.7;
        return a * a + b * b;
    }

    /** Runs {@code n} sequential trials; {@code metrics} gives each completed trial's metrics. */
    static List<Map<String, Object>> run(
            Searcher s, int n, Function<Map<String, Object>, Map<String, Double>> metrics) {
        List<Map<String, Object>> configs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            s.pendingWork().ifPresent(Runnable::run);
            Proposal p = s.propose(i).orElseThrow();
            s.onTrialAdded(i, p.config(), p.memo());
            s.onComplete(i, metrics.apply(p.config()));
            configs.add(p.config());
        }
        return configs;
    }

    static double best(List<Map<String, Object>> configs) {
        return configs.stream()
                .mapToDouble(ModelBasedSearcherTest::quadratic)
                .min()
                .orElseThrow();
    }

    @Test
    void bayesianOptimizationFindsTheMinimumOfAQuadraticFarFasterThanRandomSearch() {
        for (long seed = 1; seed <= 3; seed++) {
            long s = seed;
            Supplier<Searcher> bo = () -> new BayesianOptimizationSearcher(
                    context(s, Map.of(), BayesianOptimizationSearcher.OPTIONS),
                    BayesianOptimizationSearcher.Kind.PLAIN);
            double boBest = best(run(bo.get(), 20, c -> Map.of("y", quadratic(c))));
            double randomBest =
                    best(run(new RandomSearcher(context(s, Map.of(), List.of())), 20, c -> Map.of("y", quadratic(c))));
            assertThat(boBest).as("seed %d", seed).isLessThan(1e-3).isLessThan(randomBest / 10);
        }
    }

    @Test
    void bayesianOptimizationWithInputWarpingStillFindsTheMinimum() {
        for (long seed = 1; seed <= 2; seed++) {
            BayesianOptimizationSearcher bo = new BayesianOptimizationSearcher(
                    context(seed, Map.of("inputWarping", true), BayesianOptimizationSearcher.OPTIONS),
                    BayesianOptimizationSearcher.Kind.PLAIN);
            List<Map<String, Object>> configs = run(bo, 25, c -> Map.of("y", quadratic(c)));
            assertThat(best(configs)).as("seed %d", seed).isLessThan(1e-3);
        }
    }

    @Test
    void inputWarpingLeavesACategoricalsOneHotInputsUnwarped() {
        SearchSpace space = dev.attune.space.SpaceParser.parse(
                new LinkedHashMap<>(Map.of(
                        "a", Map.of("type", "uniform", "lower", 0, "upper", 1),
                        "b", Map.of("type", "uniform", "lower", 0, "upper", 1),
                        "kind", Map.of("type", "choice", "categories", List.of("x", "y", "z")))),
                "space");
        BayesianOptimizationSearcher bo = new BayesianOptimizationSearcher(
                new SearcherContext(
                        space,
                        List.of(new Metric("y", Mode.MIN)),
                        1,
                        List.of(space.midpoint()),
                        false,
                        Options.parse(Map.of("inputWarping", true), BayesianOptimizationSearcher.OPTIONS)),
                BayesianOptimizationSearcher.Kind.PLAIN);
        Proposal last = null;
        for (int i = 0; i < 15; i++) {
            bo.pendingWork().ifPresent(Runnable::run);
            last = bo.propose(i).orElseThrow();
            bo.onTrialAdded(i, last.config(), last.memo());
            double a = ((Number) last.config().get("a")).doubleValue();
            double kindShift = "y".equals(last.config().get("kind")) ? 0 : 0.5;
            bo.onComplete(i, Map.of("y", Math.log(a + 1e-3) + kindShift));
        }
        @SuppressWarnings("unchecked")
        List<Double> memo =
                (List<Double>) last.memo().get("gp"); // [k, log c, log ℓ × 5, log σ², μ, log a × 5, log b × 5]
        int d = space.encodedSize();
        List<Double> logA = memo.subList(1 + d + 3, 1 + d + 3 + d);
        List<Double> logB = memo.subList(1 + d + 3 + d, 1 + d + 3 + 2 * d);
        String order = String.join(",", space.hyperparameters());
        int kind = space.hyperparameters().indexOf("kind");
        int offset = kind == 0 ? 0 : kind == 1 ? 1 : 2; // the floats take one input each, the choice three
        assertThat(logA.subList(offset, offset + 3))
                .as("one-hot inputs of %s", order)
                .containsOnly(0.0);
        assertThat(logB.subList(offset, offset + 3))
                .as("one-hot inputs of %s", order)
                .containsOnly(0.0);
        assertThat(logA.stream().mapToDouble(Math::abs).sum()
                        + logB.stream().mapToDouble(Math::abs).sum())
                .as("the float inputs are warped")
                .isGreaterThan(0.01);
    }

    @Test
    void bayesianOptimizationOnBoxCoxTransformedTargetsFindsTheMinimum() {
        BayesianOptimizationSearcher bo = new BayesianOptimizationSearcher(
                context(1, Map.of("boxcoxTransform", true), BayesianOptimizationSearcher.OPTIONS),
                BayesianOptimizationSearcher.Kind.PLAIN);
        List<Map<String, Object>> configs = run(bo, 25, c -> Map.of("y", 0.01 + quadratic(c)));
        assertThat(best(configs)).isLessThan(1e-3);
    }

    @Test
    void boxCoxIsRefusedForAMetricToMaximize() {
        SearcherContext max = new SearcherContext(
                PLANE,
                List.of(new Metric("acc", Mode.MAX)),
                1,
                List.of(),
                false,
                Options.parse(Map.of("boxcoxTransform", true), BayesianOptimizationSearcher.OPTIONS));
        assertThatThrownBy(() -> new BayesianOptimizationSearcher(max, BayesianOptimizationSearcher.Kind.PLAIN))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("options.boxcoxTransform");
    }

    @Test
    void kdeConcentratesItsProposalsAroundTheBestResults() {
        for (long seed = 1; seed <= 3; seed++) {
            long s = seed;
            List<Map<String, Object>> kde = run(
                    new KernelDensitySearcher(context(s, Map.of(), KernelDensitySearcher.OPTIONS)),
                    80,
                    c -> Map.of("y", quadratic(c)));
            List<Map<String, Object>> random =
                    run(new RandomSearcher(context(s, Map.of(), List.of())), 80, c -> Map.of("y", quadratic(c)));
            assertThat(meanDistance(kde.subList(40, 80)))
                    .as("seed %d: mean distance of the last 40 proposals to the optimum", seed)
                    .isLessThan(0.7 * meanDistance(random.subList(40, 80)));
        }
    }

    static double meanDistance(List<Map<String, Object>> configs) {
        return configs.stream()
                .mapToDouble(c -> Math.sqrt(quadratic(c)))
                .average()
                .orElseThrow();
    }

    @Test
    void constrainedBayesianOptimizationFindsTheBestFeasibleConfigNotTheUnconstrainedOptimum() {
        for (long seed = 1; seed <= 3; seed++) {
            Searcher s = new BayesianOptimizationSearcher(
                    context(seed, Map.of("constraintMetric", "c"), BayesianOptimizationSearcher.CONSTRAINED_OPTIONS),
                    BayesianOptimizationSearcher.Kind.CONSTRAINED);
            // the unconstrained minimum (0.2, 0.7) is infeasible: feasible means a ≥ 0.5, so the constrained
            // optimum is (0.5, 0.7) with value 0.09
            List<Map<String, Object>> configs =
                    run(s, 30, c -> Map.of("y", quadratic(c), "c", 0.5 - ((Number) c.get("a")).doubleValue()));
            double bestFeasible = configs.stream()
                    .filter(c -> ((Number) c.get("a")).doubleValue() >= 0.5)
                    .mapToDouble(ModelBasedSearcherTest::quadratic)
                    .min()
                    .orElseThrow();
            assertThat(bestFeasible).as("seed %d", seed).isLessThan(0.095);
            long nearUnconstrained =
                    configs.stream().filter(c -> quadratic(c) < 0.02).count();
            assertThat(nearUnconstrained)
                    .as("seed %d: proposals near the infeasible optimum", seed)
                    .isLessThanOrEqualTo(3);
        }
    }

    @Test
    void costAwareBayesianOptimizationPrefersCheapConfigsWhenTheObjectiveIsFlat() {
        for (long seed = 1; seed <= 3; seed++) {
            Searcher s = new BayesianOptimizationSearcher(
                    context(seed, Map.of("costMetric", "cost"), BayesianOptimizationSearcher.COST_OPTIONS),
                    BayesianOptimizationSearcher.Kind.COST_AWARE);
            // the objective ignores a; the cost grows 150-fold with it
            List<Map<String, Object>> configs = run(s, 30, c -> {
                double a = ((Number) c.get("a")).doubleValue();
                double b = ((Number) c.get("b")).doubleValue();
                return Map.of("y", (b - 0.7) * (b - 0.7), "cost", Math.exp(5 * a));
            });
            double meanA = configs.subList(10, 30).stream()
                    .mapToDouble(c -> ((Number) c.get("a")).doubleValue())
                    .average()
                    .orElseThrow();
            assertThat(meanA).as("seed %d", seed).isLessThan(0.3);
        }
    }

    @Test
    void constrainedAndCostAwareMethodsNameTheirMissingMetric() {
        assertThatThrownBy(() -> new BayesianOptimizationSearcher(
                        context(1, Map.of(), BayesianOptimizationSearcher.CONSTRAINED_OPTIONS),
                        BayesianOptimizationSearcher.Kind.CONSTRAINED))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("options.constraintMetric");
        assertThatThrownBy(() -> new BayesianOptimizationSearcher(
                        context(1, Map.of(), BayesianOptimizationSearcher.COST_OPTIONS),
                        BayesianOptimizationSearcher.Kind.COST_AWARE))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("options.costMetric");
    }

    @Test
    void aFitRunOutsideTheLockIsUsedAndGivesTheSameProposalAsFittingInline() {
        Supplier<BayesianOptimizationSearcher> make = () -> new BayesianOptimizationSearcher(
                context(7, Map.of(), BayesianOptimizationSearcher.OPTIONS), BayesianOptimizationSearcher.Kind.PLAIN);
        BayesianOptimizationSearcher prefitted = make.get();
        BayesianOptimizationSearcher inline = make.get();
        for (int i = 0; i < 12; i++) {
            var work = prefitted.pendingWork();
            if (i >= 2) {
                assertThat(work).as("trial %d needs a new fit", i).isPresent();
            }
            work.ifPresent(Runnable::run);
            assertThat(prefitted.pendingWork()).as("the fit is cached once run").isEmpty();
            Proposal a = prefitted.propose(i).orElseThrow();
            Proposal b = inline.propose(i).orElseThrow();
            assertThat(a).isEqualTo(b);
            for (BayesianOptimizationSearcher s : List.of(prefitted, inline)) {
                s.onTrialAdded(i, a.config(), a.memo());
                s.onComplete(i, Map.of("y", quadratic(a.config())));
            }
        }
    }

    @Test
    void runningTrialsAreFantasizedSoConcurrentProposalsSpreadOut() {
        BayesianOptimizationSearcher s = new BayesianOptimizationSearcher(
                context(3, Map.of(), BayesianOptimizationSearcher.OPTIONS), BayesianOptimizationSearcher.Kind.PLAIN);
        run(s, 10, c -> Map.of("y", quadratic(c)));
        // three more proposals while the earlier ones still run
        List<Map<String, Object>> running = new ArrayList<>();
        for (int i = 10; i < 13; i++) {
            s.pendingWork().ifPresent(Runnable::run);
            Proposal p = s.propose(i).orElseThrow();
            s.onTrialAdded(i, p.config(), p.memo());
            running.add(p.config());
        }
        for (int i = 0; i < running.size(); i++) {
            for (int j = i + 1; j < running.size(); j++) {
                double da = ((Number) running.get(i).get("a")).doubleValue()
                        - ((Number) running.get(j).get("a")).doubleValue();
                double db = ((Number) running.get(i).get("b")).doubleValue()
                        - ((Number) running.get(j).get("b")).doubleValue();
                assertThat(Math.hypot(da, db)).as("proposals %d and %d", i, j).isGreaterThan(1e-3);
            }
        }
    }
}
