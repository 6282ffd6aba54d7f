package dev.attune.api;

import static dev.attune.api.StudyApiSuite.definition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.service.ProjectionReplay;
import dev.attune.support.Api;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

/**
 * The study's life over HTTP (issue 18), once per database: stopping a study with or without its running
 * trials, stopping, pausing and resuming one trial, changing a study with PATCH, budgets that end running
 * trials, and Syne Tune's maxFailures default; each endpoint with its bad inputs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class StudyLifeApiSuite {
    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    Api api;

    @BeforeEach
    void client() {
        api = new Api(port);
    }

    String study(long seed, Map<String, Object> extra) {
        Map<String, Object> d = new LinkedHashMap<>(definition(seed, Map.of("pointsToEvaluate", List.of())));
        d.putAll(extra);
        return "/api/v1/studies/" + api.createStudy(d);
    }

    long ask(String base) {
        Api.Response ask = api.post(base + "/ask", Map.of("workerId", "life"));
        assertThat(ask.string("status")).as(ask.body()).isEqualTo("RUN");
        return ((Number) ask.get("trial.id")).longValue();
    }

    Api.Response report(String base, long trial, double loss) {
        Api.Response r = api.post(base + "/trials/" + trial + "/reports", Map.of("metrics", Map.of("loss", loss)));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r;
    }

    /** A 4xx problem+json whose errors or detail name {@code names}. */
    static void problem(Api.Response r, int status, String names) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).as(r.body()).startsWith("application/problem+json");
        assertThat(r.body()).contains(names);
    }

    @Test
    void stoppingAStudyStopsItsRunningTrialsUnlessToldNotTo() {
        String base = study(1, Map.of());
        long a = ask(base);
        Api.Response stopped = api.post(base + "/stop", Map.of("stopRunningTrials", false));
        assertThat(stopped.status()).isEqualTo(200);
        assertThat(stopped.string("status")).isEqualTo("STOPPING");
        assertThat(report(base, a, 2.0).string("decision")).isEqualTo("CONTINUE");
        assertThat(api.post(base + "/stop", Map.of("stopRunningTrials", true)).status())
                .isEqualTo(200);
        Api.Response told = report(base, a, 1.5);
        assertThat(told.string("decision")).isEqualTo("STOP");
        assertThat(told.string("reason")).isEqualTo("the study is stopping: stopped by a client");
        assertThat(api.get(base).string("status")).isEqualTo("DONE");
        assertThat(api.get(base + "/trials/" + a).string("status")).isEqualTo("STOPPED");

        String byDefault = study(2, Map.of());
        long b = ask(byDefault);
        assertThat(api.post(byDefault + "/stop", null).string("status")).isEqualTo("STOPPING");
        assertThat(api.post(byDefault + "/trials/" + b + "/heartbeat", null).string("decision"))
                .as("a heartbeat tells the worker early")
                .isEqualTo("STOP");
        assertThat(report(byDefault, b, 1.0).string("decision")).isEqualTo("STOP");

        String waits = study(3, Map.of("waitTrialCompletionWhenStopping", true));
        assertThat(api.get(waits).get("waitTrialCompletionWhenStopping")).isEqualTo(true);
        long c = ask(waits);
        api.post(waits + "/stop", null);
        assertThat(report(waits, c, 1.0).string("decision")).isEqualTo("CONTINUE");

        problem(api.post(byDefault + "/stop", Map.of("stopRunningTrials", "yes")), 400, "stopRunningTrials");
        problem(api.post(byDefault + "/stop", Map.of("colour", "red")), 400, "colour");
        problem(api.postRaw(byDefault + "/stop", "{not json", "application/json"), 400, "");
        problem(api.post("/api/v1/studies/nope/stop", null), 404, "nope");
    }

    @Test
    void anOperatorStopsPausesAndResumesTrials() {
        String base = study(4, Map.of("maxConcurrentTrials", 5));
        long a = ask(base);
        long b = ask(base);
        Api.Response pausing = api.post(base + "/trials/" + a + "/pause", Map.of("reason", "free a GPU"));
        assertThat(pausing.status()).as(pausing.body()).isEqualTo(200);
        assertThat(pausing.string("status")).as("until its next report").isEqualTo("RUNNING");
        assertThat(api.post(base + "/trials/" + a + "/heartbeat", null).string("decision"))
                .isEqualTo("PAUSE");
        Api.Response paused = report(base, a, 2.0);
        assertThat(paused.string("decision")).isEqualTo("PAUSE");
        assertThat(paused.string("reason")).isEqualTo("free a GPU");
        assertThat(api.get(base + "/trials/" + a).string("status")).isEqualTo("PAUSED");

        Api.Response resuming = api.post(base + "/trials/" + a + "/resume", null);
        assertThat(resuming.status()).as(resuming.body()).isEqualTo(200);
        Api.Response again = api.post(base + "/ask", null);
        assertThat(again.get("trial.id")).isEqualTo((int) a);
        assertThat(again.get("trial.resumed")).isEqualTo(true);

        Api.Response stopping = api.post(base + "/trials/" + b + "/stop", Map.of("reason", "enough"));
        assertThat(stopping.status()).isEqualTo(200);
        Api.Response stop = report(base, b, 1.0);
        assertThat(stop.string("decision")).isEqualTo("STOP");
        assertThat(stop.string("reason")).isEqualTo("enough");
        assertThat(api.get(base + "/trials/" + b).string("status")).isEqualTo("STOPPED");

        Api.Response added =
                api.post(base + "/trials", Map.of("config", Map.of("x", 1.0, "lr", 0.01, "layers", 2, "act", "tanh")));
        long pending = ((Number) added.get("id")).longValue();
        Api.Response skipped = api.post(base + "/trials/" + pending + "/stop", null);
        assertThat(skipped.string("status")).as("a pending trial is skipped").isEqualTo("SKIPPED");

        // bad inputs
        problem(api.post(base + "/trials/99/stop", null), 404, "trial 99");
        problem(api.post(base + "/trials/abc/pause", null), 400, "trialId");
        problem(api.post(base + "/trials/" + b + "/pause", null), 409, "trial-already-finished");
        problem(api.post(base + "/trials/" + a + "/resume", null), 409, "illegal-transition");
        problem(api.post(base + "/trials/" + pending + "/resume", null), 409, "SKIPPED");
        problem(api.post(base + "/trials/" + a + "/stop", Map.of("reason", "x".repeat(2001))), 400, "reason");
        problem(api.post(base + "/trials/" + a + "/stop", Map.of("reason", 5)), 400, "reason");
        problem(api.post(base + "/trials/" + a + "/pause", Map.of("why", "x")), 400, "why");
        problem(api.post(base + "/trials/" + a + "/resume", Map.of("now", true)), 400, "now");
        problem(api.post("/api/v1/studies/nope/trials/0/resume", null), 404, "nope");
        api.post(base + "/stop", Map.of("stopRunningTrials", false));
        api.post(base + "/trials/" + a + "/pause", null);
        report(base, a, 1.0);
        problem(api.post(base + "/trials/" + a + "/resume", null), 409, "study-not-active");
    }

    @Test
    void patchChangesTheBudgetAndAFinishedStudyGoesOn() {
        String base = study(5, Map.of("stoppingCriterion", Map.of("maxNumTrialsCompleted", 1)));
        StudyApiSuite.runOne(api, base.substring("/api/v1/studies/".length()));
        assertThat(api.get(base).string("status")).isEqualTo("DONE");
        assertThat(api.post(base + "/ask", null).string("status")).isEqualTo("DONE");

        Api.Response changed = api.patch(
                base,
                Map.of(
                        "stoppingCriterion",
                        Map.of("maxNumTrialsCompleted", 2),
                        "name",
                        "more budget",
                        "maxConcurrentTrials",
                        3,
                        "metadata",
                        Map.of("owner", "life")),
                "application/merge-patch+json");
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.string("status")).isEqualTo("ACTIVE");
        assertThat(changed.string("statusReason")).isEqualTo("null");
        assertThat(changed.string("name")).isEqualTo("more budget");
        assertThat(changed.get("stoppingCriterion.maxNumTrialsCompleted")).isEqualTo(2);
        assertThat(changed.get("maxConcurrentTrials")).isEqualTo(3);
        assertThat(api.get(base + "/metadata").json()).containsEntry("owner", "life");
        Api.Response next = api.post(base + "/ask", null);
        assertThat(next.string("status")).isEqualTo("RUN");
        assertThat(next.get("trial.id")).isEqualTo(1);

        Map<String, Object> removeLimit = new LinkedHashMap<>();
        removeLimit.put("maxConcurrentTrials", null);
        Api.Response plain = api.patch(base, removeLimit, "application/json");
        assertThat(plain.status()).as(plain.body()).isEqualTo(200);
        assertThat(plain.get("maxConcurrentTrials")).isNull();
        assertThat(api.get(base + "/events").body()).contains("DEFINITION_CHANGED");

        // bad inputs
        Api.Response space = api.patch(base, Map.of("space", Map.of("x", 1)), "application/merge-patch+json");
        problem(space, 409, "fixed-setting");
        assertThat(space.string("detail")).contains("space cannot change").contains("create a new study");
        problem(api.patch(base, Map.of("method", "BayesianOptimization"), "application/json"), 409, "method");
        problem(api.patch(base, Map.of("metrics", List.of(Map.of("name", "acc"))), "application/json"), 409, "metrics");
        problem(api.patch(base, Map.of("maxConcurrentTrials", 0), "application/json"), 400, "maxConcurrentTrials");
        problem(
                api.patch(base, Map.of("stoppingCriterion", Map.of("maxNumTrialsStarted", -1)), "application/json"),
                400,
                "stoppingCriterion.maxNumTrialsStarted");
        problem(api.patch(base, Map.of("colour", "red"), "application/json"), 400, "colour");
        problem(api.patch(base, Map.of(), "application/json"), 400, "body");
        problem(api.patch(base, Map.of("metadata", 5), "application/json"), 400, "metadata");
        problem(api.patch(base, Map.of("leaseSeconds", "soon"), "application/json"), 400, "leaseSeconds");
        assertThat(api.patch(base, Map.of("name", "x"), "text/plain").status()).isEqualTo(415);
        problem(api.patch("/api/v1/studies/nope", Map.of("name", "x"), "application/json"), 404, "nope");
    }

    @Test
    void aBudgetThatRunsOutStopsTheOtherRunningTrials() {
        String base = study(6, Map.of("stoppingCriterion", Map.of("maxNumEvaluations", 3)));
        long a = ask(base);
        long b = ask(base);
        report(base, a, 3.0);
        report(base, a, 2.0);
        report(base, a, 1.0);
        Api.Response s = api.get(base);
        assertThat(s.string("status")).isEqualTo("STOPPING");
        Api.Response other = report(base, b, 5.0);
        assertThat(other.string("decision")).isEqualTo("STOP");
        assertThat(other.string("reason")).isEqualTo("the study is stopping: maxNumEvaluations reached (3)");
        assertThat(report(base, a, 0.5).string("decision")).isEqualTo("STOP");
        assertThat(api.get(base).string("status")).isEqualTo("DONE");
    }

    @Test
    void theFirstFailedTrialEndsAStudyByDefaultAsInSyneTune() {
        String base = study(7, Map.of());
        assertThat(api.get(base).get("maxFailures")).isEqualTo(1);
        long a = ask(base);
        long b = ask(base);
        api.post(base + "/trials/" + a + "/fail", Map.of("reason", "CUDA out of memory"));
        Api.Response s = api.get(base);
        assertThat(s.string("status")).isEqualTo("STOPPING");
        assertThat(s.string("statusReason")).isEqualTo("maxFailures reached (1 trials failed or went stale)");
        assertThat(report(base, b, 1.0).string("decision")).isEqualTo("STOP");
        assertThat(api.post(base + "/ask", null).string("status")).isEqualTo("DONE");
    }

    @Test
    void aTrialAtTheMaximumResourceIsCompleted() {
        String base = study(
                8,
                Map.of(
                        "method",
                        "ASHA",
                        "resource",
                        Map.of("attr", "epoch", "maxAttr", "epochs"),
                        "options",
                        Map.of("gracePeriod", 1, "reductionFactor", 3)));
        long a = ask(base);
        for (int epoch = 1; epoch <= 3; epoch++) {
            Api.Response r = api.post(
                    base + "/trials/" + a + "/reports", Map.of("metrics", Map.of("epoch", epoch, "loss", 1.0 / epoch)));
            assertThat(r.string("decision")).isEqualTo(epoch < 3 ? "CONTINUE" : "STOP");
        }
        assertThat(api.get(base + "/trials/" + a).string("status")).isEqualTo("COMPLETED");
        assertThat(api.get(base).get("trialCounts.COMPLETED")).isEqualTo(1);
        problem(api.post(base + "/trials/" + a + "/heartbeat", null), 409, "COMPLETED");
    }

    /** Every study this suite left, replayed from its log, has the rows written live (ADR 0001). */
    @Test
    @Order(Integer.MAX_VALUE)
    void everyStudysRowsAreAProjectionOfItsLog() {
        ProjectionReplay replay = new ProjectionReplay(context);
        List<String> ids = replay.studiesWithEvents();
        assertThat(ids).hasSizeGreaterThan(5);
        for (String id : ids) {
            Map<String, ProjectionReplay.Rows> rows = replay.replay(id, "r" + id);
            assertThat(rows.get("replayed")).as("study %s", id).isEqualTo(rows.get("live"));
        }
    }
}
