package dev.attune.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
            assertThat(((Number) r.get("regretMean")).doubleValue()).isFinite().isNotNegative();
            assertThat(((Number) r.get("askSecondsMean")).doubleValue()).isPositive();
        }
    }

    @Test
    void multiFidelityRunsSpendTheBudget() {
        List<Map<String, Object>> results = run(
                "--url",
                "http://127.0.0.1:" + port,
                "--multi-fidelity",
                "--seeds",
                "1",
                "--budget",
                "3",
                "--methods",
                "ASHA,SyncHyperband,DEHB",
                "--options",
                "{}",
                "--python",
                "none");
        assertThat(results).extracting(r -> r.get("method")).containsExactly("ASHA", "SyncHyperband", "DEHB");
        assertThat(results).allSatisfy(r -> assertThat(((Number) r.get("regretMean")).doubleValue())
                .isFinite()
                .isNotNegative());
        // the budget ends in the middle of a trial's epochs: that trial is completed and the study stopped
        List<Map<String, Object>> studies = studies();
        assertThat(studies)
                .filteredOn(st -> ((String) st.get("name")).startsWith("quality branin-mf"))
                .hasSize(3)
                .allSatisfy(st -> {
                    assertThat(st.get("status")).as("%s", st.get("name")).isIn("STOPPING", "DONE");
                    assertThat(((Map<?, ?>) st.get("trialCounts")).get("RUNNING"))
                            .as("%s", st.get("name"))
                            .isEqualTo(0);
                });
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
