package dev.attune.math.importance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Attune's fANOVA against Optuna 3.1's FanovaImportanceEvaluator on the same 1,000 trials per case,
 * recorded by {@code scripts/fanova-vs-optuna.py} (the trials as CSV, Optuna's importances as JSON).
 * Optuna normalises its importances to sum to 1, so ours are normalised the same way here. The forests
 * draw different random numbers, so agreement is within a tolerance, not exact.
 */
class FanovaAgainstOptunaTest {
    /** Per case: its features in the CSV's column order, and the largest difference allowed from Optuna. */
    private static final Map<String, List<Feature>> FEATURES = Map.of(
            "additive",
                    List.of(Feature.numeric("x1", 0, 1), Feature.numeric("x2", 0, 1), Feature.numeric("noise", -5, 5)),
            "categorical", List.of(Feature.numeric("x1", 0, 1), Feature.categorical("colour", 4)),
            "mixed",
                    List.of(
                            Feature.numeric("x", 0, 1),
                            Feature.numeric("lr", 1e-5, 1e-1),
                            Feature.numeric("batch", 16, 256),
                            Feature.categorical("act", 2)));

    @ParameterizedTest
    @ValueSource(strings = {"additive", "mixed"})
    void numericParametersGetOptunasImportances(String name) throws IOException {
        Map<String, Double> ours = normalisedImportances(name);
        Map<String, Double> optuna = optuna(name);
        ours.forEach((p, v) -> assertThat(v).as("%s: %s", name, p).isCloseTo(optuna.get(p), within(0.01)));
    }

    /**
     * Optuna one-hot encodes a categorical parameter and averages over every 0/1 combination of its
     * columns, impossible ones included, which shifts its share. Both functions are additive, so each
     * share is known exactly: on f = effect(colour) + 3·x1 the colour's is 3.5 / 4.25 = 0.8235 (Optuna
     * 0.838); in "mixed" the activation's is 0.0296 (by quadrature; Optuna 0.014). Ours must be nearer.
     */
    @ParameterizedTest
    @CsvSource({"categorical, colour, 0.82353", "mixed, act, 0.029573"})
    void aCategoricalParameterIsNearerItsExactShareThanOptunas(String name, String param, double exact)
            throws IOException {
        double ours = normalisedImportances(name).get(param);
        double theirs = optuna(name).get(param);
        assertThat(Math.abs(ours - exact)).isLessThan(Math.abs(theirs - exact));
        assertThat(ours).isCloseTo(theirs, within(0.03));
    }

    private static Map<String, Double> normalisedImportances(String name) throws IOException {
        List<Feature> features = FEATURES.get(name);
        List<double[]> rows = new ArrayList<>();
        try (InputStream in = resource(name + ".csv")) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .strip()
                    .split("\n");
            for (int i = 1; i < lines.length; i++) {
                String[] cells = lines[i].split(",");
                double[] row = new double[cells.length];
                for (int c = 0; c < cells.length; c++) {
                    row[c] = Double.parseDouble(cells[c]);
                }
                rows.add(row);
            }
        }
        double[][] x = rows.stream()
                .map(r -> java.util.Arrays.copyOf(r, features.size()))
                .toArray(double[][]::new);
        double[] y = rows.stream().mapToDouble(r -> r[features.size()]).toArray();
        Fanova f = Fanova.fit(features, x, y, Fanova.Options.defaults(0));
        double[] share = new double[features.size()];
        double sum = 0;
        for (int i = 0; i < share.length; i++) {
            share[i] = f.mainEffect(i).mean();
            sum += share[i];
        }
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < share.length; i++) {
            out.put(features.get(i).name(), share[i] / sum);
        }
        System.out.printf("%s: ours %s, Optuna %s%n", name, out, optuna(name));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Double> optuna(String name) throws IOException {
        try (InputStream in = resource("optuna.json")) {
            return (Map<String, Double>)
                    JsonMapper.builder().build().readValue(in, Map.class).get(name);
        }
    }

    private static InputStream resource(String file) {
        return Objects.requireNonNull(FanovaAgainstOptunaTest.class.getResourceAsStream("/fanova/" + file), file);
    }
}
