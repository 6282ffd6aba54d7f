package dev.attune.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Studies whose trial 0 is running, for the admission tests: each report is one write to its study, at a
 * step of the test's choosing, and the steps stored tell which writes were acknowledged.
 */
final class OneTrialStudies {
    private OneTrialStudies() {}

    /** A random-search study on one float with trial 0 handed out to worker {@code w}. */
    static String create(Api api, long seed) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("space", Map.of("x", Map.of("type", "uniform", "lower", 0, "upper", 1)));
        d.put("metrics", List.of(Map.of("name", "loss")));
        d.put("seed", seed);
        String id = api.createStudy(d);
        assertThat(api.post("/api/v1/studies/" + id + "/ask", Map.of("workerId", "w"))
                        .status())
                .isEqualTo(200);
        return id;
    }

    static Api.Response report(Api api, String study, long step) {
        return api.post(
                "/api/v1/studies/" + study + "/trials/0/reports",
                Map.of("metrics", Map.of("loss", 1.0 / step), "step", step));
    }

    /** The steps of trial 0's stored reports. */
    @SuppressWarnings("unchecked")
    static List<Long> steps(Api api, String study) {
        List<Map<String, Object>> reports = (List<Map<String, Object>>)
                api.get("/api/v1/studies/" + study + "/trials/0").get("reports");
        return reports.stream().map(r -> ((Number) r.get("step")).longValue()).toList();
    }
}
