package dev.attune.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Syne Tune's recorded streams replayed over HTTP: every ask and every report must answer as Syne Tune did. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties =
                "spring.datasource.url=jdbc:h2:mem:conformance;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE")
class RestConformanceTest {
    @LocalServerPort
    int port;

    @ParameterizedTest
    @ValueSource(
            strings = {
                "asha_stopping.stream.json",
                "asha_promotion.stream.json",
                "median_stopping.stream.json",
                "sync_hyperband.stream.json",
                "pbt.stream.json",
                "moasha.stream.json"
            })
    @SuppressWarnings("unchecked")
    void answersAsSyneTuneDid(String file) {
        Api api = new Api(port);
        Stream stream = Stream.load(file);
        String study = api.createStudy(stream.definition());
        String base = "/api/v1/studies/" + study;
        Map<Long, String> decisions = new HashMap<>();
        int compared = 0;
        for (int i = 0; i < stream.events().size(); i++) {
            Map<String, Object> e = stream.events().get(i);
            Map<String, Object> expect = (Map<String, Object>) e.get("expect");
            String at = file + " event " + i;
            switch ((String) e.get("type")) {
                case "suggest" -> {
                    Api.Response ask = api.post(base + "/ask", Map.of("workerId", "conformance"));
                    assertThat(ask.string("status")).as(at + ask.body()).isEqualTo("RUN");
                    assertThat(((Number) ask.get("trial.id")).longValue())
                            .as(at)
                            .isEqualTo(((Number) expect.get("trial_id")).longValue());
                    assertThat(ask.get("trial.resumed"))
                            .as(at)
                            .isEqualTo(expect.get("action").equals("resume"));
                    Object source = expect.get("checkpoint_trial_id");
                    Object served = ask.get("trial.checkpointTrialId");
                    assertThat(served == null ? null : ((Number) served).longValue())
                            .as(at)
                            .isEqualTo(source == null ? null : ((Number) source).longValue());
                    if (stream.maxAttr() != null) {
                        Map<String, Object> config = (Map<String, Object>) expect.get("config");
                        assertThat(((Number) ask.get("trial.config." + stream.maxAttr())).longValue())
                                .as(at)
                                .isEqualTo(((Number) config.get(stream.maxAttr())).longValue());
                    }
                    compared++;
                }
                case "result" -> {
                    long id = ((Number) e.get("trial_id")).longValue();
                    Api.Response r = api.post(base + "/trials/" + id + "/reports", Map.of("metrics", e.get("result")));
                    assertThat(r.status()).as(at + r.body()).isEqualTo(200);
                    assertThat(r.string("decision"))
                            .as(at + " " + r.string("reason"))
                            .isEqualTo(expect.get("decision"));
                    decisions.put(id, r.string("decision"));
                    compared++;
                }
                case "complete" -> {
                    long id = ((Number) e.get("trial_id")).longValue();
                    if (!"STOP".equals(decisions.get(id))) {
                        assertThat(api.post(base + "/trials/" + id + "/complete", null)
                                        .status())
                                .as(at)
                                .isEqualTo(200);
                    }
                    compared++;
                }
                default -> throw new IllegalStateException(at);
            }
        }
        assertThat(compared).isEqualTo(stream.events().size());
    }
}
