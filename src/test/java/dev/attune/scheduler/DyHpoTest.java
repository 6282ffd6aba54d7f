package dev.attune.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.searcher.Options;
import dev.attune.space.InvalidInputException;
import dev.attune.space.SearchSpace;
import dev.attune.space.SpaceParser;
import dev.attune.trial.Decision;
import dev.attune.trial.Metric;
import dev.attune.trial.Mode;
import dev.attune.trial.Resource;
import dev.attune.trial.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** DyHPO: Hyperband type dyhpo with the GP multi-fidelity searcher scoring resume against start. */
class DyHpoTest {
    static final SearchSpace SPACE = SpaceParser.parse(
            new LinkedHashMap<>(Map.of("x", Map.of("type", "uniform", "lower", 0, "upper", 1), "epochs", 9)), "space");

    static MethodContext context(Map<String, Object> options, List<Map<String, Object>> points) {
        return new MethodContext(
                SPACE,
                List.of(new Metric("loss", Mode.MIN)),
                new Resource("epoch", 9L, "epochs"),
                11,
                points,
                false,
                Options.parse(options, DyHpoMethod.options()));
    }

    /** A learning curve that falls with the epoch and is best at x = 0.3. */
    static double loss(double x, long epoch) {
        return 10 * (x - 0.3) * (x - 0.3) + 1.0 / epoch;
    }

    static List<Map<String, Object>> points(double... xs) {
        List<Map<String, Object>> points = new ArrayList<>();
        for (double x : xs) {
            points.add(Map.of("x", x, "epochs", 9L));
        }
        return points;
    }

    /** Runs the trial from its current level up to the target in its config, reporting each epoch. */
    static Verdict run(Scheduler s, long id, double x, long from, Map<String, Object> config) {
        long target = ((Number) config.get("epochs")).longValue();
        Verdict v = null;
        for (long e = from + 1; e <= target; e++) {
            v = s.onReport(id, Map.of("epoch", (double) e, "loss", loss(x, e)));
        }
        return v;
    }

    /** One decision of a single worker, carried out: the trial runs to its new target. */
    record Step(boolean resumed, long trialId, double x, long from, long to, Decision decision) {}

    static List<Step> drive(Scheduler s, int steps) {
        Map<Long, Double> xs = new java.util.HashMap<>();
        Map<Long, Long> level = new java.util.HashMap<>();
        List<Step> out = new ArrayList<>();
        long next = 0;
        for (int step = 0; step < steps; step++) {
            Suggestion sug = s.suggest(next);
            long id;
            Map<String, Object> config;
            if (sug instanceof Suggestion.Start st) {
                id = next++;
                s.onTrialAdded(id, st.config(), st.memo());
                xs.put(id, ((Number) st.config().get("x")).doubleValue());
                level.put(id, 0L);
                config = st.config();
            } else {
                Suggestion.Resume r = (Suggestion.Resume) sug;
                id = r.trialId();
                s.onTrialResumed(id, r.config());
                config = r.config();
            }
            long from = level.get(id);
            Verdict v = run(s, id, xs.get(id), from, config);
            level.put(id, ((Number) config.get("epochs")).longValue());
            out.add(new Step(sug instanceof Suggestion.Resume, id, xs.get(id), from, level.get(id), v.decision()));
        }
        return out;
    }

    @Test
    void resumesThePausedTrialTheModelExpectsToImproveAndStartsNewConfigsNearTheBest() {
        Scheduler s = DyHpoMethod.create(context(
                Map.of("probabilitySh", 0.0, "numInitRandom", 5, "numInitCandidates", 100),
                points(0.3, 0.5, 0.7, 0.9, 0.1)));
        List<Step> steps = drive(s, 30);
        // The five initial points start first and pause at the lowest rung (1).
        for (int i = 0; i < 5; i++) {
            assertThat(steps.get(i).resumed()).isFalse();
            assertThat(steps.get(i).to()).isEqualTo(1);
            assertThat(steps.get(i).decision()).isEqualTo(Decision.PAUSE);
        }
        // Then the best of them (x = 0.3) is resumed for one more rung, 1 → 3 (linear rungs 1, 3, 5, 7).
        assertThat(steps.get(5)).isEqualTo(new Step(true, 0, 0.3, 1, 3, Decision.PAUSE));
        // Every resume goes one rung up, and the poor configs (x ≥ 0.7 or 0.1) are never resumed.
        for (Step st : steps) {
            if (st.resumed()) {
                assertThat(st.to() - st.from()).isEqualTo(2);
                assertThat(st.x()).isBetween(0.2, 0.6);
            }
        }
        // New configs are started by score too, near the optimum at 0.3.
        List<Step> started = steps.subList(5, steps.size()).stream()
                .filter(st -> !st.resumed())
                .toList();
        assertThat(started).hasSizeGreaterThanOrEqualTo(2);
        assertThat(started).allSatisfy(st -> assertThat(st.x()).isBetween(0.15, 0.45));
        assertThat(steps.stream().filter(st -> st.to() == 9).count())
                .as("trials that reached the maximum")
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void startsSixRandomTrialsBeforeTheModelDecidesAsSyneTunesMultiFidelityDefaults() {
        // Syne Tune's gp_multifidelity_searcher_defaults: num_init_random 6 under every Hyperband-type
        // scheduler (3 for single-fidelity BO).
        assertThat(Options.parse(Map.of(), DyHpoMethod.options()).integer("numInitRandom"))
                .isEqualTo(6);
        Scheduler s = DyHpoMethod.create(context(Map.of("probabilitySh", 0.0), List.of()));
        for (long id = 0; id < 6; id++) {
            Suggestion sug = s.suggest(id);
            assertThat(sug).as("suggestion %d", id).isInstanceOf(Suggestion.Start.class);
            Suggestion.Start st = (Suggestion.Start) sug;
            assertThat(st.memo())
                    .as("random start %d carries no fitted model", id)
                    .doesNotContainKey("gp");
            s.onTrialAdded(id, st.config(), st.memo());
            run(s, id, ((Number) st.config().get("x")).doubleValue(), 0, st.config());
        }
        Suggestion seventh = s.suggest(6);
        if (seventh instanceof Suggestion.Start st) {
            assertThat(st.memo()).as("the seventh start is the model's").containsKey("gp");
        } else {
            assertThat(seventh).isInstanceOf(Suggestion.Resume.class);
        }
    }

    @Test
    void everyMultiFidelityGpMethodDefaultsToSixInitialRandomTrialsAndPlainBoToThree() {
        MethodRegistry registry = MethodRegistry.standard();
        for (String method : List.of("MOBSTER", "HyperTune", "SyncMOBSTER", "DyHPO", "BayesianOptimization")) {
            Object numInitRandom = registry.find(method).orElseThrow().options().stream()
                    .filter(o -> o.name().equals("numInitRandom"))
                    .findFirst()
                    .orElseThrow()
                    .defaultValue();
            assertThat(numInitRandom).as(method).isEqualTo(method.equals("BayesianOptimization") ? 3L : 6L);
        }
    }

    @Test
    void itsSearcherIsToldItServesDyhpoForSyneTunesDenseDataCap() {
        assertThat(context(Map.of(), List.of())
                        .multiFidelitySearcherContext()
                        .fidelity()
                        .dyhpo())
                .isTrue();
        MethodContext asha = new MethodContext(
                SPACE,
                List.of(new Metric("loss", Mode.MIN)),
                new Resource("epoch", 9L, "epochs"),
                11,
                List.of(),
                false,
                Options.parse(Map.of("type", "promotion"), HyperbandScheduler.options("promotion", 1)));
        assertThat(asha.multiFidelitySearcherContext().fidelity().dyhpo()).isFalse();
    }

    @Test
    void scoresWithSyneTunesResourceKernelsToo() {
        // Syne Tune's DyHPO takes MOBSTER's models; its default is exp-decay-sum. The 1/epoch curves here are
        // what that model describes: a config effect plus a decay shared by all configs.
        List<Step> matern = drive(
                DyHpoMethod.create(context(
                        Map.of("probabilitySh", 0.0, "numInitRandom", 5, "numInitCandidates", 100),
                        points(0.3, 0.5, 0.7, 0.9, 0.1))),
                30);
        for (String kernel : List.of("exp-decay-sum", "exp-decay-combined")) {
            Scheduler s = DyHpoMethod.create(context(
                    Map.of(
                            "probabilitySh",
                            0.0,
                            "numInitRandom",
                            5,
                            "numInitCandidates",
                            100,
                            "gpResourceKernel",
                            kernel),
                    points(0.3, 0.5, 0.7, 0.9, 0.1)));
            List<Step> steps = drive(s, 30);
            assertThat(steps)
                    .as("%s decides otherwise than the joint Matern", kernel)
                    .isNotEqualTo(matern);
            List<Step> resumed = steps.stream().filter(Step::resumed).toList();
            assertThat(resumed).as(kernel).isNotEmpty().allSatisfy(st -> assertThat(st.x())
                    .isBetween(0.15, 0.6));
            assertThat(resumed.getFirst().x())
                    .as("%s: the best initial point is resumed first", kernel)
                    .isEqualTo(0.3);
            assertThat(steps.subList(5, steps.size()).stream().filter(st -> !st.resumed()))
                    .as("%s: new configs, started by score", kernel)
                    .isNotEmpty()
                    .allSatisfy(st -> assertThat(st.x()).isBetween(0.15, 0.45));
            assertThat(steps.stream().filter(st -> st.to() == 9).count())
                    .as("%s: trials that reached the maximum", kernel)
                    .isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void refusesIndependentPerLevelGpsWhichCannotScoreALevelWithoutData() {
        assertThatThrownBy(() -> context(Map.of("model", "gp_independent"), List.of()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("options.model");
        assertThatThrownBy(() -> context(Map.of("separateNoiseVariances", true), List.of()))
                .hasMessageContaining("options.separateNoiseVariances");
        MethodContext independent = MultiFidelityTest.context(
                Mode.MIN,
                Map.of("type", "dyhpo", "searcher", "bayesopt", "searchOptions", Map.of("model", "gp_independent")),
                SearcherChoice.withSchedulerOptions(HyperbandScheduler.options("stopping", 1)));
        assertThatThrownBy(() -> new HyperbandScheduler(independent, SearcherChoice.forMultiFidelity(independent)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("options.type")
                .hasMessageContaining("gp_independent");
    }

    @Test
    void startsTheInitialRandomConfigsBeforeScoringAnything() {
        Scheduler s = DyHpoMethod.create(context(Map.of("probabilitySh", 0.0), List.of()));
        List<Step> steps = drive(s, 3);
        // numInitRandom (3) configs start, though trial 0 is paused from the second decision on.
        assertThat(steps).allSatisfy(st -> {
            assertThat(st.resumed()).isFalse();
            assertThat(st.to()).isEqualTo(1);
        });
    }

    @Test
    void sameStateGivesTheSameDecisionAndSuggestChangesNothing() {
        Scheduler a = DyHpoMethod.create(context(Map.of("numInitCandidates", 50), points(0.3, 0.5, 0.7, 0.9)));
        Scheduler b = DyHpoMethod.create(context(Map.of("numInitCandidates", 50), points(0.3, 0.5, 0.7, 0.9)));
        List<Step> first = drive(a, 15);
        assertThat(drive(b, 15)).isEqualTo(first);
        Suggestion once = a.suggest(100);
        assertThat(a.suggest(100)).isEqualTo(once);
    }

    @Test
    void rungsAreLinearWithIncrementTwoUnlessAReductionFactorIsGiven() {
        assertThat(context(Map.of(), List.of())
                        .multiFidelitySearcherContext()
                        .fidelity()
                        .levels())
                .containsExactly(1L, 3L, 5L, 7L, 9L);
        assertThat(context(Map.of("rungIncrement", 3), List.of())
                        .multiFidelitySearcherContext()
                        .fidelity()
                        .levels())
                .containsExactly(1L, 4L, 7L, 9L);
        assertThat(context(Map.of("reductionFactor", 3), List.of())
                        .multiFidelitySearcherContext()
                        .fidelity()
                        .levels())
                .containsExactly(1L, 3L, 9L);
    }

    @Test
    void optionsAreChecked() {
        assertThatThrownBy(() -> context(Map.of("probabilitySh", 1.0), List.of()))
                .hasMessageContaining("options.probabilitySh");
        assertThatThrownBy(() -> context(Map.of("type", "promotion"), List.of()))
                .hasMessageContaining("options.type");
        assertThatThrownBy(() -> context(Map.of("brackets", 2), List.of())).hasMessageContaining("options.brackets");
        // Hyperband with type dyhpo needs a searcher that can score paused trials: bayesopt can, random cannot.
        MethodContext random = MultiFidelityTest.context(
                Mode.MIN,
                Map.of("type", "dyhpo"),
                SearcherChoice.withSchedulerOptions(HyperbandScheduler.options("stopping", 1)));
        assertThatThrownBy(() -> new HyperbandScheduler(random, SearcherChoice.forMultiFidelity(random)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("options.type");
        MethodContext bayesopt = MultiFidelityTest.context(
                Mode.MIN,
                Map.of("type", "dyhpo", "searcher", "bayesopt"),
                SearcherChoice.withSchedulerOptions(HyperbandScheduler.options("stopping", 1)));
        assertThat(new HyperbandScheduler(bayesopt, SearcherChoice.forMultiFidelity(bayesopt)).pausesTrials())
                .isTrue();
    }
}
