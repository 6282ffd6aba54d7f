package dev.attune.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=jdbc:h2:mem:lease;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
            "attune.reaper-interval-ms=200"
        })
class LeaseTest {
    @LocalServerPort
    int port;

    @Test
    @SuppressWarnings("unchecked")
    void aSilentTrialTurnsStaleAndFreesItsSlotWhileAHeartbeatingOneLives() throws Exception {
        Api api = new Api(port);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("space", Map.of("x", Map.of("type", "uniform", "lower", 0, "upper", 1)));
        d.put("metrics", List.of(Map.of("name", "loss")));
        d.put("maxConcurrentTrials", 1);
        d.put("leaseSeconds", 1);
        d.put("maxFailures", 10); // a stale trial counts as a failure; the default (1) would end the study
        String study = api.createStudy(d);
        String base = "/api/v1/studies/" + study;
        assertThat(api.post(base + "/ask", Map.of("workerId", "silent")).string("status"))
                .isEqualTo("RUN");
        assertThat(api.post(base + "/ask", null).string("status")).isEqualTo("WAIT");

        String status = "RUNNING";
        for (int i = 0; i < 50 && status.equals("RUNNING"); i++) {
            Thread.sleep(100);
            status = api.get(base + "/trials/0").string("status");
        }
        assertThat(status).isEqualTo("STALE");
        assertThat(api.get(base + "/trials/0").string("statusReason")).contains("silent");
        Api.Response late = api.post(base + "/trials/0/reports", Map.of("metrics", Map.of("loss", 1.0)));
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.string("currentStatus")).isEqualTo("STALE");

        // The slot is free again; a worker that keeps heartbeating keeps its trial.
        assertThat(api.post(base + "/ask", Map.of("workerId", "alive")).get("trial.id"))
                .isEqualTo(1);
        for (int i = 0; i < 8; i++) {
            assertThat(api.post(base + "/trials/1/heartbeat", null).string("decision"))
                    .isEqualTo("CONTINUE");
            Thread.sleep(300);
        }
        assertThat(api.get(base + "/trials/1").string("status")).isEqualTo("RUNNING");
        List<Map<String, Object>> events =
                (List<Map<String, Object>>) api.get(base + "/events").get("items");
        assertThat(events).filteredOn(e -> "TRIAL_STALE".equals(e.get("type"))).hasSize(1);
        assertThat(api.get("/actuator/prometheus").body()).contains("attune_trials_stale_total");
    }
}
