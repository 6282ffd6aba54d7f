package dev.attune.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.attune.space.SearchSpace;
import dev.attune.space.SpaceParser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Seeded data: each outcome is fixed, so no false failures. */
class ParameterImportanceTest {
    private static final SearchSpace SPACE = SpaceParser.parse(
            Map.of(
                    "lr", Map.of("type", "loguniform", "lower", 1e-5, "upper", 1e-1),
                    "x", Map.of("type", "uniform", "lower", 0, "upper", 1),
                    "act", Map.of("type", "choice", "categories", List.of("relu", "tanh", "gelu")),
                    "epochs", 9),
            "space");

    /**
     * f = log10(lr) + 4·x with lr log-uniform on [1e-5, 1e-1]: on the log scale the space samples, both
     * terms have variance 16/12, so each explains half. On a linear scale lr's share would be far off
     * (nearly all of its change happens below 0.01, a tenth of the range).
     */
    @Test
    void measuresEachParameterOnTheScaleItIsSampledOn() {
        SplittableRandom r = new SplittableRandom(1);
        List<ParameterImportance.Observation> trials = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Map<String, Object> config = SPACE.sample(r);
            double lr = (Double) config.get("lr"), x = (Double) config.get("x");
            trials.add(new ParameterImportance.Observation(config, Math.log10(lr) + 4 * x));
        }
        ParameterImportance.Result result = ParameterImportance.of(SPACE, trials);
        Map<String, Double> share = shares(result);
        assertThat(share.keySet()).containsExactlyInAnyOrder("lr", "x", "act"); // the constant left out
        assertThat(share.get("lr")).isCloseTo(0.5, within(0.03));
        assertThat(share.get("x")).isCloseTo(0.5, within(0.03));
        assertThat(share.get("act")).isLessThan(0.01);
        assertThat(result.trialsUsed()).isEqualTo(1000);
        assertThat(result.trees()).isEqualTo(64);
    }

    @Test
    void aChoiceIsRankedByItsCategoriesEffectsAndBadConfigsAreSkipped() {
        SplittableRandom r = new SplittableRandom(2);
        Map<String, Double> effect = Map.of("relu", 0.0, "tanh", 1.0, "gelu", 2.0);
        List<ParameterImportance.Observation> trials = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            Map<String, Object> config = SPACE.sample(r);
            trials.add(new ParameterImportance.Observation(
                    config, effect.get((String) config.get("act")) + 0.1 * (Double) config.get("x")));
        }
        // Outside the space, or lacking a parameter: skipped, not an error.
        trials.add(new ParameterImportance.Observation(Map.of("lr", 1e-3, "x", 0.5, "act", "elu"), 100));
        trials.add(new ParameterImportance.Observation(Map.of("lr", 5.0, "x", 0.5, "act", "relu"), 100));
        trials.add(new ParameterImportance.Observation(Map.of("x", 0.5, "act", "relu"), 100));
        ParameterImportance.Result result = ParameterImportance.of(SPACE, trials);
        assertThat(result.trialsUsed()).isEqualTo(500);
        assertThat(result.params().getFirst().name()).isEqualTo("act");
        // Var over the three equally likely categories is 2/3, 0.1·x's is 0.01/12: act explains 0.99875.
        assertThat(result.params().getFirst().importance()).isCloseTo(0.99875, within(0.005));
    }

    @Test
    void fewerThanTwoTrialsGiveZeros() {
        ParameterImportance.Result result = ParameterImportance.of(
                SPACE, List.of(new ParameterImportance.Observation(Map.of("lr", 1e-3, "x", 0.5, "act", "relu"), 1)));
        assertThat(result.params()).hasSize(3).allMatch(p -> p.importance() == 0);
        assertThat(result.trees()).isZero();
    }

    private static Map<String, Double> shares(ParameterImportance.Result r) {
        Map<String, Double> m = new LinkedHashMap<>();
        r.params().forEach(p -> m.put(p.name(), p.importance()));
        return m;
    }
}
