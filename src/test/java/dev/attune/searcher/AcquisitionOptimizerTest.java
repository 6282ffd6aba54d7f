package dev.attune.searcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.attune.math.Acquisition;
import dev.attune.space.ChoiceDomain;
import dev.attune.space.FloatDomain;
import dev.attune.space.IntDomain;
import dev.attune.space.SearchSpace;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AcquisitionOptimizerTest {
    private static final SearchSpace SPACE = new SearchSpace(new LinkedHashMap<>(Map.of(
            "x", new FloatDomain(0, 1, false),
            "layers", new IntDomain(1, 8, false),
            "optimizer", new ChoiceDomain(List.of("sgd", "momentum", "adam")))));

    /** A bowl in the encoded inputs whose minimum is at x = 0.3, layers = 6, optimizer momentum. */
    private static Acquisition bowl() {
        double[] target = SPACE.encode(Map.of("x", 0.3, "layers", 6, "optimizer", "momentum"));
        return (x, gradient) -> {
            double v = 0;
            for (int j = 0; j < x.length; j++) {
                v += (x[j] - target[j]) * (x[j] - target[j]);
                if (gradient != null) {
                    gradient[j] = 2 * (x[j] - target[j]);
                }
            }
            return v;
        };
    }

    @Test
    void theLocalStepMovesTheContinuousInputsAndKeepsTheStartsIntegersAndCategories() {
        // With one candidate the local step starts from it; pick seeds whose start is off the bowl's
        // integer and category, which a step over the relaxed one-hot and integer inputs would move
        // (a relaxed step ends on layers 6 and momentum, the bowl's minimum).
        AcquisitionOptimizer optimizer = new AcquisitionOptimizer(SPACE, 1, false, false);
        int checked = 0;
        for (long seed = 1; checked < 5; seed++) {
            Map<String, Object> start = SPACE.sample(new SplittableRandom(seed));
            if (((Number) start.get("layers")).longValue() == 6
                    || start.get("optimizer").equals("momentum")) {
                continue;
            }
            Map<String, Object> best = optimizer
                    .optimize(bowl(), null, new SplittableRandom(seed), c -> false)
                    .orElseThrow();
            assertThat(((Number) best.get("x")).doubleValue())
                    .as("seed %d", seed)
                    .isCloseTo(0.3, within(1e-4));
            assertThat(best.get("layers")).as("seed %d", seed).isEqualTo(start.get("layers"));
            assertThat(best.get("optimizer")).as("seed %d", seed).isEqualTo(start.get("optimizer"));
            checked++;
        }
    }
}
