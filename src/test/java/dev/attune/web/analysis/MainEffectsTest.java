package dev.attune.web.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainEffectsTest {
    /** Seeds 1–5 are fixed, so the outcome is too; the margins hold with room on each. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void ranksTheParametersByHowMuchOfTheObjectiveTheyExplain(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = 400;
        List<Object> strong = new ArrayList<>(),
                weak = new ArrayList<>(),
                noise = new ArrayList<>(),
                cat = new ArrayList<>();
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double a = r.nextDouble(), b = r.nextDouble(), c = r.nextDouble();
            String k = r.nextBoolean() ? "p" : "q";
            strong.add(a);
            weak.add(b);
            noise.add(c);
            cat.add(k);
            y[i] = 10 * a * a + 2 * b + (k.equals("p") ? 4 : 0) + 0.1 * r.nextGaussian();
        }
        Map<String, List<Object>> cols = new LinkedHashMap<>();
        cols.put("noise", noise);
        cols.put("weak", weak);
        cols.put("strong", strong);
        cols.put("cat", cat);
        Map<String, Double> imp = MainEffects.importance(cols, y, 10);
        assertThat(imp.get("strong")).as("seed %d", seed).isGreaterThan(imp.get("cat"));
        assertThat(imp.get("cat")).as("seed %d", seed).isGreaterThan(imp.get("weak"));
        assertThat(imp.get("weak")).as("seed %d", seed).isGreaterThan(imp.get("noise"));
        assertThat(imp.get("noise")).as("seed %d", seed).isLessThan(0.03);
        assertThat(imp.values().stream().mapToDouble(Double::doubleValue).sum())
                .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7})
    void aConstantParameterExplainsNothing(int value) {
        double[] y = {3, 1, 2, 5, 4, 0};
        Map<String, List<Object>> cols = new LinkedHashMap<>();
        cols.put("c", List.of(value, value, value, value, value, value));
        cols.put("x", List.of(3.0, 1.0, 2.0, 5.0, 4.0, 0.0));
        Map<String, Double> imp = MainEffects.importance(cols, y, 3);
        assertThat(imp.get("c")).isZero();
        assertThat(imp.get("x")).isEqualTo(1.0);
    }
}
