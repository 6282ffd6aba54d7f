package dev.attune.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties =
                "spring.datasource.url=jdbc:h2:mem:whatif;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE")
class WhatIfTest {
    @LocalServerPort
    int port;

    /** 27 curves over 9 epochs; curve i ends at i/10, and the ranking never changes along the way. */
    static List<Map<String, Object>> curves() {
        List<Map<String, Object>> curves = new ArrayList<>();
        for (int i = 0; i < 27; i++) {
            double end = ((i * 7) % 27) / 10.0;
            List<Map<String, Object>> reports = new ArrayList<>();
            for (int epoch = 1; epoch <= 9; epoch++) {
                reports.add(Map.of("epoch", epoch, "loss", end + 1.0 / epoch));
            }
            curves.add(Map.of("config", Map.of("x", i / 27.0), "reports", reports));
        }
        return curves;
    }

    static Map<String, Object> request(String method, Map<String, Object> options) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("space", Map.of("x", Map.of("type", "uniform", "lower", 0, "upper", 1), "epochs", 9));
        r.put("metrics", List.of(Map.of("name", "loss")));
        r.put("resource", Map.of("attr", "epoch", "maxAttr", "epochs"));
        r.put("method", method);
        r.put("options", options);
        r.put("curves", curves());
        r.put("workers", 3);
        return r;
    }

    @Test
    void ashaOnUploadedCurvesFindsTheBestForLessCompute() {
        Api.Response r = new Api(port).post("/api/v1/whatif", request("ASHA", Map.of("reductionFactor", 3)));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(((Number) r.get("resourceOfFullRuns")).intValue()).isEqualTo(27 * 9);
        int spent = ((Number) r.get("resourceSpent")).intValue();
        assertThat(spent).isLessThan(27 * 9).isGreaterThanOrEqualTo(27);
        assertThat(((Number) r.get("savedFraction")).doubleValue())
                .isCloseTo(1 - spent / 243.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(((Number) r.get("best.value")).doubleValue())
                .isEqualTo(((Number) r.get("bestOfAllCurves.value")).doubleValue());
        assertThat((List<?>) r.get("decisions")).isNotEmpty();
        assertThat(r.body()).contains("\"STOP\"");
    }

    @Test
    void aLargerReductionFactorOrPromotionChangesTheBill() {
        Api api = new Api(port);
        int three = ((Number) api.post("/api/v1/whatif", request("ASHA", Map.of("reductionFactor", 3)))
                        .get("resourceSpent"))
                .intValue();
        Api.Response promotion = api.post("/api/v1/whatif", request("ASHA", Map.of("type", "promotion")));
        assertThat(promotion.status()).as(promotion.body()).isEqualTo(200);
        assertThat(promotion.body()).contains("\"PAUSE\"");
        Api.Response sync = api.post("/api/v1/whatif", request("SyncHyperband", Map.of()));
        assertThat(sync.status()).as(sync.body()).isEqualTo(200);
        assertThat(three).isPositive();
    }

    @Test
    void replaysAStudysOwnReports() {
        Api api = new Api(port);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("space", Map.of("x", Map.of("type", "uniform", "lower", 0, "upper", 1), "epochs", 9));
        d.put("metrics", List.of(Map.of("name", "loss")));
        d.put("resource", Map.of("attr", "epoch", "maxAttr", "epochs"));
        d.put("method", "RandomSearch");
        d.put("seed", 3);
        String study = api.createStudy(d);
        for (int t = 0; t < 9; t++) {
            Api.Response ask = api.post("/api/v1/studies/" + study + "/ask", null);
            double x = ((Number) ask.get("trial.config.x")).doubleValue();
            for (int epoch = 1; epoch <= 9; epoch++) {
                api.post(
                        "/api/v1/studies/" + study + "/trials/" + t + "/reports",
                        Map.of("metrics", Map.of("epoch", epoch, "loss", x + 1.0 / epoch)));
            }
            api.post("/api/v1/studies/" + study + "/trials/" + t + "/complete", null);
        }
        Api.Response r = api.post(
                "/api/v1/whatif", Map.of("studyId", study, "method", "ASHA", "options", Map.of("reductionFactor", 3)));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(((Number) r.get("curves")).intValue()).isEqualTo(9);
        assertThat(((Number) r.get("resourceSpent")).intValue()).isLessThan(81);
    }

    @Test
    void refusesWhatItCannotReplay() {
        Api api = new Api(port);
        Api.Response pbt = api.post("/api/v1/whatif", request("PBT", Map.of()));
        assertThat(pbt.status()).isEqualTo(400);
        assertThat(pbt.body()).contains("\"method\"");
        Api.Response both = api.post("/api/v1/whatif", Map.of("method", "ASHA"));
        assertThat(both.status()).isEqualTo(400);
        Map<String, Object> bad = request("ASHA", Map.of());
        bad.put(
                "curves",
                List.of(Map.of("reports", List.of(Map.of("epoch", 2, "loss", 1), Map.of("epoch", 1, "loss", 1)))));
        Api.Response order = api.post("/api/v1/whatif", bad);
        assertThat(order.status()).isEqualTo(400);
        assertThat(order.body()).contains("curves[0].reports[1]");
    }
}
