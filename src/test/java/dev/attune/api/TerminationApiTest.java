package dev.attune.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** {@code autoTermination} over HTTP: the study stops with reason converged, and its series is served. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=jdbc:h2:mem:termination;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
        })
class TerminationApiTest {
    @LocalServerPort
    int port;

    static Map<String, Object> definition(String method, Map<String, Object> options) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", "termination");
        d.put("space", Map.of("x", Map.of("type", "uniform", "lower", 0, "upper", 1)));
        d.put("metrics", List.of(Map.of("name", "loss")));
        d.put("method", method);
        d.put("seed", 5);
        d.put("options", options);
        d.put("stoppingCriterion", Map.of("maxNumTrialsStarted", 60));
        return d;
    }

    @Test
    void aConvergedStudyStopsWithReasonConvergedAndServesItsSeries() {
        Api api = new Api(port);
        String id = api.createStudy(
                definition("BayesianOptimization", Map.of("autoTermination", true, "autoTerminationMinTrials", 5)));
        SplittableRandom noise = new SplittableRandom(11);
        int trials = 0;
        while (true) {
            Api.Response ask = api.post("/api/v1/studies/" + id + "/ask", Map.of());
            if (!ask.string("status").equals("RUN")) {
                break;
            }
            double x = ((Number) ask.get("trial.config.x")).doubleValue();
            double loss = (x - 0.6) * (x - 0.6) + 0.01 * (noise.nextDouble() - 0.5);
            api.post(
                    "/api/v1/studies/" + id + "/trials/" + ask.string("trial.id") + "/complete",
                    Map.of("metrics", Map.of("loss", loss)));
            trials++;
        }
        Api.Response study = api.get("/api/v1/studies/" + id);
        assertThat(study.string("status")).isEqualTo("DONE");
        assertThat(study.string("statusReason")).isEqualTo("converged");
        assertThat(trials).isLessThan(60);

        Api.Response series = api.get("/api/v1/studies/" + id + "/termination");
        assertThat(series.status()).isEqualTo(200);
        assertThat(series.json()).containsEntry("autoTermination", true).containsEntry("converged", true);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> points = (List<Map<String, Object>>) series.get("series");
        assertThat(points).hasSize(trials - 5 + 1);
        assertThat(points.getFirst()).containsEntry("trials", 5);
        Map<String, Object> last = points.getLast();
        assertThat(((Number) last.get("regretBound")).doubleValue())
                .isLessThan(((Number) last.get("threshold")).doubleValue());
    }

    @Test
    void withoutTheOptionTheSeriesIsEmptyAndOtherMethodsRefuseIt() {
        Api api = new Api(port);
        String id = api.createStudy(definition("BayesianOptimization", Map.of()));
        assertThat(api.get("/api/v1/studies/" + id + "/termination").json())
                .containsEntry("autoTermination", false)
                .containsEntry("series", List.of());
        assertThat(api.get("/api/v1/studies/nosuchstudy/termination").status()).isEqualTo(404);
        for (String method : List.of("RandomSearch", "ASHA")) {
            Map<String, Object> d = definition(method, Map.of("autoTermination", true));
            if (method.equals("ASHA")) {
                d.put("space", Map.of("x", Map.of("type", "uniform", "lower", 0, "upper", 1), "epochs", 9));
                d.put("resource", Map.of("attr", "epoch", "maxAttr", "epochs"));
            }
            Api.Response r = api.post("/api/v1/studies", d);
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.body()).contains("options.autoTermination");
        }
        Api.Response bad =
                api.post("/api/v1/studies", definition("BayesianOptimization", Map.of("autoTerminationThreshold", -1)));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("options.autoTerminationThreshold");
    }
}
