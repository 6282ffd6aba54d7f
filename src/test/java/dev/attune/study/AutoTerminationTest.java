package dev.attune.study;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.searcher.AutoTermination;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * Automatic termination of GP Bayesian optimization over the plain-Java aggregate: a simple function
 * converges and the study stops with reason {@code converged}; a noisy, rugged one does not stop early;
 * the series is a fold of the log (a replay computes the same one).
 *
 * <p>The evaluation noise is drawn from a fixed seed, so each test is deterministic (no false failures).
 */
class AutoTerminationTest {
    static final int BUDGET = 60;

    static Map<String, Object> definition(int dims, Map<String, Object> options) {
        Map<String, Object> space = new LinkedHashMap<>();
        for (int i = 0; i < dims; i++) {
            space.put("x" + i, Map.of("type", "uniform", "lower", 0, "upper", 1));
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("space", space);
        json.put("metrics", List.of(Map.of("name", "loss")));
        json.put("method", "BayesianOptimization");
        json.put("options", options);
        json.put("stoppingCriterion", Map.of("maxNumTrialsStarted", BUDGET));
        return json;
    }

    /** Runs the study to its end, one trial at a time; answers the log. */
    static List<StudyEvent> run(Study study, ToDoubleFunction<Map<String, Object>> f) {
        List<StudyEvent> log = new ArrayList<>();
        while (true) {
            Study.Outcome<Study.Ask> ask = study.ask("w", StudyTest.T0);
            log.addAll(ask.events());
            if (!(ask.answer() instanceof Study.Ask.Run run)) {
                return log;
            }
            log.addAll(study.complete(run.trialId(), Map.of("loss", f.applyAsDouble(run.config())), StudyTest.T0)
                    .events());
        }
    }

    static double x(Map<String, Object> config, int i) {
        return ((Number) config.get("x" + i)).doubleValue();
    }

    /** (x − 0.3)² plus Gaussian noise of standard deviation 0.01. */
    static ToDoubleFunction<Map<String, Object>> simple(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return c -> Math.pow(x(c, 0) - 0.3, 2) + 0.01 * gaussian(random);
    }

    /** A rugged 4-d function (many local minima, Rastrigin-like) plus Gaussian noise of 0.01. */
    static ToDoubleFunction<Map<String, Object>> rugged(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return c -> {
            double sum = 0;
            for (int i = 0; i < 4; i++) {
                double z = 5.12 * (2 * x(c, i) - 1);
                sum += z * z - 10 * Math.cos(2 * Math.PI * z) + 10;
            }
            return sum / 40 + 0.01 * gaussian(random);
        };
    }

    static double gaussian(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    static Study study(int dims, Map<String, Object> options) {
        return Study.create("s", StudyTest.PARSER.parse(definition(dims, options), 7), StudyTest.T0);
    }

    static List<AutoTermination.Point> series(Study s) {
        return s.scheduler().autoTermination().orElseThrow().series();
    }

    @Test
    void aSimpleFunctionConvergesAndTheStudyStopsWithReasonConverged() {
        Study s = study(1, Map.of("autoTermination", true));
        run(s, simple(1));
        System.out.println("simple: " + series(s));
        assertThat(s.status()).isEqualTo(StudyStatus.DONE);
        assertThat(s.statusReason()).isEqualTo("converged");
        assertThat(s.nextTrialId()).isLessThan(BUDGET);
        assertThat(series(s).getLast().converged()).isTrue();
        assertThat(series(s).subList(0, series(s).size() - 1)).noneMatch(AutoTermination.Point::converged);
        assertThat(series(s).getFirst().trials()).isEqualTo(10);
    }

    @Test
    void aNoisyRuggedFunctionDoesNotStopEarly() {
        Study s = study(4, Map.of("autoTermination", true));
        run(s, rugged(2));
        System.out.println("rugged: " + series(s));
        assertThat(s.statusReason()).startsWith("maxNumTrialsStarted");
        assertThat(s.nextTrialId()).isEqualTo(BUDGET);
        assertThat(series(s)).hasSize(BUDGET - 10 + 1).noneMatch(AutoTermination.Point::converged);
    }

    @Test
    void theSeriesIsAFoldOfTheLog() {
        Study s = study(1, Map.of("autoTermination", true, "autoTerminationMinTrials", 5));
        List<StudyEvent> log = run(s, simple(3));
        Study replayed = Study.replay("s", s.definition(), StudyTest.T0, log);
        assertThat(series(replayed)).isEqualTo(series(s)).isNotEmpty();
        assertThat(replayed.status()).isEqualTo(s.status());
        assertThat(replayed.statusReason()).isEqualTo(s.statusReason());
    }

    @Test
    void offByDefaultAndAFixedThresholdIsUsedAsGiven() {
        assertThat(study(1, Map.of()).scheduler().autoTermination()).isEmpty();
        Study s = study(1, Map.of("autoTermination", true, "autoTerminationThreshold", 1e-9));
        run(s, simple(4));
        assertThat(s.statusReason()).startsWith("maxNumTrialsStarted");
        assertThat(series(s)).allSatisfy(p -> assertThat(p.threshold()).isEqualTo(1e-9));
    }
}
