package dev.attune.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.space.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The named methods are presets of a scheduler and a searcher: a study of the named method and one of
 * the same scheduler with the {@code searcher} option, same seed and same searcher options, run the same
 * (the same configs in the same order, the same decision at every report).
 */
class SearcherPresetTest {

    static Stream<Arguments> presets() {
        return Stream.of(
                Arguments.of("RandomSearch", "FIFO", "random"),
                Arguments.of("GridSearch", "FIFO", "grid"),
                Arguments.of("BayesianOptimization", "FIFO", "bayesopt"),
                Arguments.of("ConstrainedBayesianOptimization", "FIFO", "bayesopt_constrained"),
                Arguments.of("CostAwareBayesianOptimization", "FIFO", "bayesopt_cost"),
                Arguments.of("KDE", "FIFO", "kde"),
                Arguments.of("REA", "FIFO", "rea"),
                Arguments.of("BOHB", "ASHA", "kde"),
                Arguments.of("MOBSTER", "ASHA", "bayesopt"),
                Arguments.of("BORE", "FIFO", "bore"),
                Arguments.of("CQR", "FIFO", "cqr"),
                Arguments.of("ASHABORE", "ASHA", "bore"),
                Arguments.of("ASHACQR", "ASHA", "cqr"));
    }

    @ParameterizedTest(name = "{0} = {1} + {2}")
    @MethodSource("presets")
    void namedMethodRunsAsItsSchedulerWithItsSearcher(String named, String scheduler, String searcher) {
        long seed = 3;
        StudyDefinition preset = SchedulerContractTest.definition(named, seed);
        StudyDefinition combination = SchedulerContractTest.definition(scheduler + "+" + searcher, seed);
        EngineDriver a = new EngineDriver(preset, 4, seed).run(300);
        EngineDriver b = new EngineDriver(combination, 4, seed).run(300);
        assertThat(b.configs).isNotEmpty().isEqualTo(a.configs);
        assertThat(decisions(b)).isEqualTo(decisions(a));
    }

    @ParameterizedTest(name = "MedianStoppingRule: searcher {0} = baseMethod fifo with it")
    @MethodSource("searchers")
    void medianStoppingWithASearcherIsMedianStoppingOverFifo(String searcher) {
        long seed = 2;
        StudyDefinition direct = SchedulerContractTest.definition("MedianStoppingRule+" + searcher, seed);
        Map<String, Object> json = new LinkedHashMap<>(direct.toJson());
        @SuppressWarnings("unchecked")
        Map<String, Object> options = (Map<String, Object>) json.get("options");
        json.put(
                "options",
                Map.of(
                        "baseMethod",
                        "fifo",
                        "baseOptions",
                        Map.of("searcher", options.get("searcher"), "searchOptions", options.get("searchOptions"))));
        StudyDefinition viaBase = SchedulerContractTest.PARSER.parse(json, seed);
        EngineDriver a = new EngineDriver(direct, 4, seed).run(300);
        EngineDriver b = new EngineDriver(viaBase, 4, seed).run(300);
        assertThat(b.configs).isNotEmpty().isEqualTo(a.configs);
        assertThat(decisions(b)).isEqualTo(decisions(a));
        assertThat(decisions(a)).as("the rule stops some trials").anyMatch(v -> v.startsWith("STOP"));
    }

    @Test
    void bayesoptUnderAshaTakesMobstersModelOptionsAndFifoRefusesThem() {
        long seed = 3;
        Map<String, Object> model = Map.of("gpResourceKernel", "exp-decay-sum", "searcherData", "all");
        StudyDefinition mobster = withOptions(SchedulerContractTest.definition("MOBSTER", seed), model, false);
        StudyDefinition asha = withOptions(SchedulerContractTest.definition("ASHA+bayesopt", seed), model, true);
        EngineDriver a = new EngineDriver(mobster, 4, seed).run(200);
        EngineDriver b = new EngineDriver(asha, 4, seed).run(200);
        assertThat(b.configs).isNotEmpty().isEqualTo(a.configs);
        assertThat(decisions(b)).isEqualTo(decisions(a));
        EngineDriver joint = new EngineDriver(SchedulerContractTest.definition("MOBSTER", seed), 4, seed).run(200);
        assertThat(a.configs).as("the resource kernel is used").isNotEqualTo(joint.configs);
        assertThatThrownBy(() -> withOptions(
                        SchedulerContractTest.definition("FIFO+bayesopt", seed),
                        Map.of("model", "gp_independent"),
                        true))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("options.searchOptions.model");
    }

    /** The definition with {@code extra} added to its options, or to its {@code searchOptions}. */
    @SuppressWarnings("unchecked")
    private static StudyDefinition withOptions(StudyDefinition d, Map<String, Object> extra, boolean searchOptions) {
        Map<String, Object> json = new LinkedHashMap<>(d.toJson());
        Map<String, Object> options = new LinkedHashMap<>((Map<String, Object>) json.get("options"));
        if (searchOptions) {
            Map<String, Object> inner = new LinkedHashMap<>((Map<String, Object>) options.get("searchOptions"));
            inner.putAll(extra);
            options.put("searchOptions", inner);
        } else {
            options.putAll(extra);
        }
        json.put("options", options);
        return SchedulerContractTest.PARSER.parse(json, d.seed());
    }

    static Stream<String> searchers() {
        return Stream.of("random", "kde", "bayesopt");
    }

    private static List<String> decisions(EngineDriver d) {
        return d.log.stream()
                .filter(e -> e instanceof StudyEvent.Reported)
                .map(e -> ((StudyEvent.Reported) e).verdict())
                .map(v -> v.decision() + " " + v.reason())
                .toList();
    }
}
