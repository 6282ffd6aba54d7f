package dev.attune.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import picocli.CommandLine;
import tools.jackson.databind.json.JsonMapper;

/** {@code bench quality} end to end against a real server: the table and the JSON line come out right. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties =
                "spring.datasource.url=jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH")
class QualityBenchTest {
    @Value("${local.server.port}")
    int port;

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new QualityBench()).execute(args);
        } finally {
            System.setOut(original);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(text).isZero();
        String json =
                text.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow();
        return (List<Map<String, Object>>)
                JsonMapper.builder().build().readValue(json, Map.class).get("results");
    }

    @Test
    void singleFidelityRunsEveryMethodOnEveryFunctionAndSeed() {
        List<Map<String, Object>> results = run(
                "--url", "http://127.0.0.1:" + port,
                "--seeds", "2",
                "--evals", "8",
                "--functions", "branin,ackley5",
                "--methods", "RandomSearch,BayesianOptimization",
                "--python", "none");
        assertThat(results).hasSize(4);
        for (Map<String, Object> r : results) {
            assertThat(r.get("seeds")).isEqualTo(2);
            @SuppressWarnings("unchecked")
            Map<String, Object> bySeed = (Map<String, Object>) r.get("regretBySeed");
            assertThat(bySeed.keySet()).containsExactly("1", "2");
            double mean = bySeed.values().stream()
                    .mapToDouble(v -> ((Number) v).doubleValue())
                    .average()
                    .orElseThrow();
            assertThat(((Number) r.get("regretMean")).doubleValue())
                    .isCloseTo(mean, org.assertj.core.api.Assertions.within(1e-12));
            assertThat(((Number) r.get("regretMean")).doubleValue()).isFinite().isNotNegative();
            assertThat(((Number) r.get("askSecondsMean")).doubleValue()).isPositive();
        }
    }

    @Test
    void theMixedFunctionRunsOverIntegersAndCategoriesFromItsMinimum() {
        List<Map<String, Object>> results = run(
                "--url", "http://127.0.0.1:" + port,
                "--seeds", "1",
                "--evals", "8",
                "--functions", "mixed",
                "--methods", "KDE,RandomSearch",
                "--python", "none");
        assertThat(results).extracting(r -> r.get("function")).containsOnly("mixed");
        assertThat(results).extracting(r -> r.get("method")).containsExactlyInAnyOrder("KDE", "RandomSearch");
        assertThat(results).allSatisfy(r -> assertThat(((Number) r.get("regretMean")).doubleValue())
                .isFinite()
                .isPositive());
        List<Map<String, Object>> mixed = studies().stream()
                .filter(st -> ((String) st.get("name")).startsWith("quality mixed"))
                .toList();
        assertThat(mixed).hasSize(2);
        // the space goes out in name order, so a seed draws the same configs from one JVM to the next
        // (Map.of's iteration order changes between JVMs, and the order decides which draw goes where)
        for (Map<String, Object> st : mixed) {
            Map<?, ?> study = get("/api/v1/studies/" + st.get("id"));
            assertThat(((Map<?, ?>) study.get("space")).keySet().stream().map(Object::toString))
                    .as("%s", st.get("name"))
                    .containsExactly("layers", "optimizer", "x1", "x2");
            // every trial's integers are whole numbers in their ranges, its optimizer one of the categories
            List<?> trials = (List<?>)
                    get("/api/v1/studies/" + st.get("id") + "/trials?limit=100").get("items");
            assertThat(trials).hasSize(8).allSatisfy(t -> {
                Map<?, ?> config = (Map<?, ?>) ((Map<?, ?>) t).get("config");
                assertThat(config.get("x2")).isInstanceOf(Integer.class);
                assertThat((Integer) config.get("x2")).isBetween(0, 15);
                assertThat(config.get("layers")).isInstanceOf(Integer.class);
                assertThat((Integer) config.get("layers")).isBetween(1, 8);
                assertThat(config.get("optimizer")).isIn("sgd", "momentum", "rmsprop", "adam");
            });
        }
    }

    Map<?, ?> get(String path) {
        try {
            var response = java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
            return JsonMapper.builder().build().readValue(response.body(), Map.class);
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theMixedFunctionsMinimumIsBraninsOverIntegerX2AndNoConfigGoesBelowIt() {
        var f = TestFunctions.MIXED.get("mixed");
        double x1 = -3.0791699; // Branin's nearest minimum once x₂ is the integer 12
        assertThat(f.f().applyAsDouble(Map.of("x1", x1, "x2", 12, "layers", 6, "optimizer", "momentum")))
                .isCloseTo(f.minimum(), org.assertj.core.api.Assertions.within(1e-9));
        assertThat(f.minimum()).isGreaterThan(0.397887); // the continuous minimum is out of reach
        java.util.SplittableRandom random = new java.util.SplittableRandom(17);
        List<String> optimizers = List.of("sgd", "momentum", "rmsprop", "adam");
        for (int i = 0; i < 100_000; i++) {
            Map<String, Object> config = Map.of(
                    "x1", random.nextDouble(-5, 10),
                    "x2", random.nextInt(0, 16),
                    "layers", random.nextInt(1, 9),
                    "optimizer", optimizers.get(random.nextInt(4)));
            assertThat(f.f().applyAsDouble(config)).as("%s", config).isGreaterThanOrEqualTo(f.minimum());
        }
    }

    @Test
    void theWideIntegerFunctionsMinimumIsBraninsAtUnits165AndNoIntegerGoesBelowIt() {
        var f = TestFunctions.MIXED.get("wideint");
        assertThat(f.minimum()).isCloseTo(0.397887, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(f.f().applyAsDouble(Map.of("x1", 3 * Math.PI, "units", 165))).isEqualTo(f.minimum());
        // the next integers miss it: 164 and 166 are x2 = 2.46 and 2.49
        for (int units : new int[] {164, 166}) {
            assertThat(f.f().applyAsDouble(Map.of("x1", 3 * Math.PI, "units", units)))
                    .isGreaterThan(f.minimum() + 1e-5);
        }
        java.util.SplittableRandom random = new java.util.SplittableRandom(23);
        for (int i = 0; i < 100_000; i++) {
            Map<String, Object> config = Map.of("x1", random.nextDouble(-5, 10), "units", random.nextInt(0, 1001));
            assertThat(f.f().applyAsDouble(config)).as("%s", config).isGreaterThanOrEqualTo(f.minimum() - 1e-12);
        }
        assertThatThrownBy(() -> f.f().applyAsDouble(Map.of("x1", 0.0, "units", 165.5)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("units");
    }

    @Test
    void multiFidelityRunsSpendTheBudget() {
        List<Map<String, Object>> results = run(
                "--url",
                "http://127.0.0.1:" + port,
                "--multi-fidelity",
                "--seeds",
                "2",
                "--budget",
                "3",
                "--methods",
                "ASHA,SyncHyperband,DEHB",
                "--options",
                "{}",
                "--python",
                "none");
        assertThat(results).extracting(r -> r.get("method")).containsExactly("ASHA", "SyncHyperband", "DEHB");
        // where the budget went: the epochs the trials reached add up to the 3 × 27 epochs spent
        assertThat(results).allSatisfy(r -> {
            Map<?, ?> reached = (Map<?, ?>) r.get("trialsByLastEpoch");
            int epochs = reached.entrySet().stream()
                    .mapToInt(e -> Integer.parseInt(e.getKey().toString()) * ((Number) e.getValue()).intValue())
                    .sum();
            assertThat(epochs).as("%s", r).isEqualTo(2 * 3 * 27); // two seeds, summed
            assertThat(((Number) r.get("trialsMean")).doubleValue())
                    .isEqualTo(reached.values().stream()
                                    .mapToInt(n -> ((Number) n).intValue())
                                    .sum()
                            / 2.0);
        });
        assertThat(results).allSatisfy(r -> assertThat(((Number) r.get("regretMean")).doubleValue())
                .isFinite()
                .isNotNegative());
        // the budget ends in the middle of a trial's epochs: that trial is completed and the study stopped
        List<Map<String, Object>> studies = studies();
        assertThat(studies)
                .filteredOn(st -> ((String) st.get("name")).startsWith("quality branin-mf"))
                .hasSize(6)
                .allSatisfy(st -> {
                    assertThat(st.get("status")).as("%s", st.get("name")).isIn("STOPPING", "DONE");
                    assertThat(((Map<?, ?>) st.get("trialCounts")).get("RUNNING"))
                            .as("%s", st.get("name"))
                            .isEqualTo(0);
                });
    }

    @Test
    void multiObjectiveRunsEveryMethodAndVariantOnEveryFunction() {
        List<Map<String, Object>> results = run(
                "--url",
                "http://127.0.0.1:" + port,
                "--multi-objective",
                "--seeds",
                "1",
                "--evals",
                "12",
                "--methods",
                "NSGA2",
                "--variant",
                "small MOREA=MOREA {\"populationSize\": 4, \"sampleSize\": 2}",
                "--python",
                "none");
        assertThat(results).hasSize(6);
        assertThat(results).extracting(r -> r.get("function")).containsOnly("zdt1", "zdt2", "dtlz2");
        assertThat(results).extracting(r -> r.get("method")).containsOnly("NSGA2", "small MOREA");
        for (Map<String, Object> r : results) {
            double hv = ((Number) r.get("hypervolumeMean")).doubleValue();
            double front = TestFunctions.MULTI_OBJECTIVE
                    .get((String) r.get("function"))
                    .frontHypervolume();
            assertThat(hv).as("%s", r).isNotNegative().isLessThan(front);
        }
    }

    @Test
    void testFunctionsHaveTheirPublishedFronts() {
        // On the front (g = 1 for ZDT with x₂… = 0, g = 0 for DTLZ2 with x₃… = 1/2) the closed forms hold,
        // and the hypervolume of a fine sample of the front approaches the stated value from below.
        int n = 2000;
        double[][] zdt1 = new double[n + 1][];
        double[][] zdt2 = new double[n + 1][];
        for (int i = 0; i <= n; i++) {
            double[] x = {i / (double) n, 0, 0, 0, 0, 0};
            zdt1[i] = TestFunctions.zdt1(x);
            zdt2[i] = TestFunctions.zdt2(x);
            assertThat(zdt1[i][1]).isCloseTo(1 - Math.sqrt(x[0]), org.assertj.core.api.Assertions.within(1e-12));
        }
        var f1 = TestFunctions.MULTI_OBJECTIVE.get("zdt1");
        var f2 = TestFunctions.MULTI_OBJECTIVE.get("zdt2");
        assertThat(dev.attune.math.Hypervolume.of(zdt1, f1.reference()))
                .isLessThan(f1.frontHypervolume())
                .isCloseTo(f1.frontHypervolume(), org.assertj.core.api.Assertions.within(1e-3));
        assertThat(dev.attune.math.Hypervolume.of(zdt2, f2.reference()))
                .isLessThan(f2.frontHypervolume())
                .isCloseTo(f2.frontHypervolume(), org.assertj.core.api.Assertions.within(1e-3));
        double[] onSphere = TestFunctions.dtlz2(new double[] {0.3, 0.7, 0.5, 0.5, 0.5, 0.5});
        assertThat(onSphere[0] * onSphere[0] + onSphere[1] * onSphere[1] + onSphere[2] * onSphere[2])
                .isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-12));
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> studies() {
        try {
            var response = java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                            "http://127.0.0.1:" + port + "/api/v1/studies?limit=100"))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
            return (List<Map<String, Object>>) JsonMapper.builder()
                    .build()
                    .readValue(response.body(), Map.class)
                    .get("items");
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
