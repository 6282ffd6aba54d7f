package dev.attune.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Bad input of every kind: each case must answer its 4xx as problem+json naming the problem, and write
 * nothing (the four tables keep their row counts).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=jdbc:h2:mem:badinput;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH",
            "attune.max-request-bytes=65536"
        })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    Api api;
    String study;
    String s;

    @BeforeAll
    void setUp() {
        api = new Api(port);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("space", Map.of("x", Map.of("type", "uniform", "lower", 0, "upper", 1), "epochs", 5));
        d.put("metrics", List.of(Map.of("name", "loss")));
        d.put("maxConcurrentTrials", 5);
        study = api.createStudy(d);
        s = "/api/v1/studies/" + study;
        api.post(s + "/ask", null); // trial 0 RUNNING
        api.post(s + "/ask", null); // trial 1 RUNNING, completed below
        api.post(s + "/trials/1/complete", Map.of("metrics", Map.of("loss", 1)));
        // trial 2 RUNNING for worker w, asked with a key; trial 3 asked with another key and completed
        api.post(s + "/ask", Map.of("workerId", "w"), Map.of("Idempotency-Key", "running-key"));
        api.post(s + "/ask", Map.of("workerId", "w"), Map.of("Idempotency-Key", "ended-key"));
        api.post(s + "/trials/3/complete", Map.of("metrics", Map.of("loss", 1)));
    }

    record Case(
            String name,
            String method,
            String path,
            String body,
            String contentType,
            int status,
            String mentions,
            Map<String, String> headers) {
        Case(String name, String method, String path, String body, String contentType, int status, String mentions) {
            this(name, method, path, body, contentType, status, mentions, Map.of());
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Case post(String name, String path, String body, int status, String mentions) {
        return new Case(name, "POST", path, body, "application/json", status, mentions);
    }

    static String study(String extra) {
        return "{\"space\": {\"x\": {\"type\": \"uniform\", \"lower\": 0, \"upper\": 1}}, \"metrics\": [{\"name\": \"loss\"}]"
                + extra + "}";
    }

    static String space(String domain) {
        return "{\"space\": {\"p\": " + domain + "}, \"metrics\": [{\"name\": \"loss\"}]}";
    }

    Stream<Arguments> cases() {
        List<Case> c = new ArrayList<>();
        String studies = "/api/v1/studies";
        // Invalid domains
        c.add(post(
                "uniform without upper", studies, space("{\"type\":\"uniform\",\"lower\":0}"), 400, "space.p.upper"));
        c.add(post(
                "uniform lower > upper",
                studies,
                space("{\"type\":\"uniform\",\"lower\":2,\"upper\":1}"),
                400,
                "space.p"));
        c.add(post(
                "loguniform at zero",
                studies,
                space("{\"type\":\"loguniform\",\"lower\":0,\"upper\":1}"),
                400,
                "space.p"));
        c.add(post(
                "randint with a fraction",
                studies,
                space("{\"type\":\"randint\",\"lower\":0.5,\"upper\":3}"),
                400,
                "space.p.lower"));
        c.add(post(
                "lograndint below 1",
                studies,
                space("{\"type\":\"lograndint\",\"lower\":0,\"upper\":3}"),
                400,
                "space.p"));
        c.add(post(
                "empty choice", studies, space("{\"type\":\"choice\",\"categories\":[]}"), 400, "space.p.categories"));
        c.add(post(
                "repeated categories",
                studies,
                space("{\"type\":\"choice\",\"categories\":[\"a\",\"a\"]}"),
                400,
                "space.p.categories"));
        c.add(post(
                "unknown ordinal kind",
                studies,
                space("{\"type\":\"ordinal\",\"categories\":[1,2],\"kind\":\"odd\"}"),
                400,
                "space.p.kind"));
        c.add(post(
                "finrange of size 1",
                studies,
                space("{\"type\":\"finrange\",\"lower\":0,\"upper\":1,\"size\":1}"),
                400,
                "space.p.size"));
        c.add(post("unknown domain type", studies, space("{\"type\":\"normal\",\"mean\":0}"), 400, "space.p.type"));
        c.add(post(
                "unknown domain argument",
                studies,
                space("{\"type\":\"uniform\",\"lower\":0,\"upper\":1,\"q\":0.1}"),
                400,
                "space.p.q"));
        c.add(post("null constant", studies, space("null"), 400, "space.p"));
        // Invalid studies
        c.add(post("no space", studies, "{\"metrics\": [{\"name\": \"loss\"}]}", 400, "space"));
        c.add(post("empty space", studies, "{\"space\": {}, \"metrics\": [{\"name\": \"loss\"}]}", 400, "space"));
        c.add(post(
                "no metrics", studies, study("").replace(", \"metrics\": [{\"name\": \"loss\"}]", ""), 400, "metrics"));
        c.add(post(
                "bad metric mode",
                studies,
                study("").replace("{\"name\": \"loss\"}", "{\"name\": \"loss\", \"mode\": \"down\"}"),
                400,
                "metrics[0].mode"));
        c.add(post(
                "two metrics for a single-objective method",
                studies,
                study("").replace("{\"name\": \"loss\"}", "{\"name\": \"a\"}, {\"name\": \"b\"}"),
                400,
                "metrics"));
        c.add(post("unknown method", studies, study(", \"method\": \"SuperSearch\""), 400, "method"));
        c.add(post(
                "unknown option",
                studies,
                study(", \"method\": \"GridSearch\", \"options\": {\"numSample\": 3}"),
                400,
                "options.numSample"));
        c.add(post(
                "option of the wrong type",
                studies,
                study(", \"method\": \"GridSearch\", \"options\": {\"shuffle\": \"yes\"}"),
                400,
                "options.shuffle"));
        c.add(post(
                "constrained BO without its constraint metric",
                studies,
                study(", \"method\": \"ConstrainedBayesianOptimization\""),
                400,
                "options.constraintMetric"));
        c.add(post(
                "constrained BO with both constraintMetric and constraintMetrics",
                studies,
                study(
                        ", \"method\": \"ConstrainedBayesianOptimization\", \"options\": {\"constraintMetric\": \"a\", \"constraintMetrics\": [\"b\"]}"),
                400,
                "options.constraintMetrics"));
        c.add(post(
                "constrained BO with no constraint metrics",
                studies,
                study(", \"method\": \"ConstrainedBayesianOptimization\", \"options\": {\"constraintMetrics\": []}"),
                400,
                "options.constraintMetrics"));
        c.add(post(
                "constrained BO with a constraint metric named twice",
                studies,
                study(
                        ", \"method\": \"ConstrainedBayesianOptimization\", \"options\": {\"constraintMetrics\": [\"a\", \"a\"]}"),
                400,
                "options.constraintMetrics"));
        c.add(post(
                "constrained BO with a constraint metric that is not a name",
                studies,
                study(", \"method\": \"ConstrainedBayesianOptimization\", \"options\": {\"constraintMetrics\": [3]}"),
                400,
                "options.constraintMetrics"));
        c.add(post(
                "cost exponent out of range",
                studies,
                study(
                        ", \"method\": \"CostAwareBayesianOptimization\", \"options\": {\"costMetric\": \"t\", \"costExponent\": 2}"),
                400,
                "options.costExponent"));
        c.add(post(
                "unknown acquisition function",
                studies,
                study(", \"method\": \"BayesianOptimization\", \"options\": {\"acqFunction\": \"pi\"}"),
                400,
                "options.acqFunction"));
        String asha = ", \"resource\": {\"attr\": \"epoch\", \"max\": 9}, \"method\": ";
        c.add(post(
                "unknown resource kernel (MOBSTER)",
                studies,
                study(asha + "\"MOBSTER\", \"options\": {\"gpResourceKernel\": \"rbf\"}"),
                400,
                "options.gpResourceKernel"));
        c.add(post(
                "unknown searcher data mode (HyperTune)",
                studies,
                study(asha + "\"HyperTune\", \"options\": {\"searcherData\": \"some\"}"),
                400,
                "options.searcherData"));
        c.add(post(
                "unknown multi-fidelity model (SyncMOBSTER)",
                studies,
                study(asha + "\"SyncMOBSTER\", \"options\": {\"model\": \"gp_issm\"}"),
                400,
                "options.model"));
        c.add(post(
                "resourceAcq of the wrong type",
                studies,
                study(asha + "\"MOBSTER\", \"options\": {\"resourceAcq\": 3}"),
                400,
                "options.resourceAcq"));
        c.add(post(
                "unknown rungSurvival",
                studies,
                study(asha + "\"MOBSTER\", \"options\": {\"rungSurvival\": \"always\"}"),
                400,
                "options.rungSurvival"));
        c.add(post(
                "rungSurvival is MOBSTER's, not SyncMOBSTER's",
                studies,
                study(asha + "\"SyncMOBSTER\", \"options\": {\"rungSurvival\": \"probability\"}"),
                400,
                "options.rungSurvival"));
        c.add(post(
                "rungSurvival with brackets above 1 (MOBSTER)",
                studies,
                study(asha + "\"MOBSTER\", \"options\": {\"rungSurvival\": \"per-epoch\", \"brackets\": 2}"),
                400,
                "options.rungSurvival"));
        c.add(post(
                "rungSurvival under Hyperband's brackets",
                studies,
                study(
                        asha
                                + "\"Hyperband\", \"options\": {\"searcher\": \"bayesopt\", \"searchOptions\": {\"rungSurvival\": \"probability\"}}"),
                400,
                "options.searchOptions.rungSurvival"));
        c.add(post(
                "separateNoiseVariances of the wrong type",
                studies,
                study(asha + "\"HyperTune\", \"options\": {\"separateNoiseVariances\": \"yes\"}"),
                400,
                "options.separateNoiseVariances"));
        c.add(post(
                "unknown searcher",
                studies,
                study(asha + "\"ASHA\", \"options\": {\"searcher\": \"tpe\"}"),
                400,
                "options.searcher"));
        c.add(post(
                "BORE classifier Attune does not offer",
                studies,
                study(
                        asha
                                + "\"Hyperband\", \"options\": {\"searcher\": \"bore\", \"searchOptions\": {\"classifier\": \"mlp\"}}"),
                400,
                "options.searchOptions.classifier"));
        c.add(post(
                "CQR with an even number of quantiles",
                studies,
                study(
                        ", \"method\": \"FIFO\", \"options\": {\"searcher\": \"cqr\", \"searchOptions\": {\"quantiles\": 4}}"),
                400,
                "options.searchOptions.quantiles"));
        c.add(post(
                "BORE gamma out of range",
                studies,
                study(", \"method\": \"BORE\", \"options\": {\"gamma\": 1.5}"),
                400,
                "options.gamma"));
        c.add(post(
                "bad searcher option",
                studies,
                study(
                        asha
                                + "\"ASHA\", \"options\": {\"searcher\": \"bayesopt\", \"searchOptions\": {\"numInitRandom\": -1}}"),
                400,
                "options.searchOptions.numInitRandom"));
        c.add(post(
                "unknown searcher option",
                studies,
                study(
                        ", \"method\": \"FIFO\", \"options\": {\"searcher\": \"kde\", \"searchOptions\": {\"populationSize\": 3}}"),
                400,
                "options.searchOptions.populationSize"));
        c.add(post(
                "searcher without its required option",
                studies,
                study(", \"method\": \"FIFO\", \"options\": {\"searcher\": \"bayesopt_constrained\"}"),
                400,
                "options.searchOptions.constraintMetric"));
        c.add(post(
                "searchOptions not an object",
                studies,
                study(", \"method\": \"FIFO\", \"options\": {\"searchOptions\": 3}"),
                400,
                "options.searchOptions"));
        c.add(post(
                "FIFO-only searcher under ASHA",
                studies,
                study(
                        asha
                                + "\"ASHA\", \"options\": {\"searcher\": \"bayesopt_constrained\", \"searchOptions\": {\"constraintMetric\": \"c\"}}"),
                400,
                "options.searcher"));
        c.add(post(
                "median stopping: searcher for a base method without one",
                studies,
                study(
                        asha
                                + "\"MedianStoppingRule\", \"options\": {\"baseMethod\": \"gridsearch\", \"searcher\": \"kde\"}"),
                400,
                "options.searcher"));
        c.add(post(
                "median stopping: bad searcher option",
                studies,
                study(
                        asha
                                + "\"MedianStoppingRule\", \"options\": {\"searcher\": \"kde\", \"searchOptions\": {\"topNPercent\": 0}}"),
                400,
                "options.searchOptions.topNPercent"));
        c.add(post("misspelt field", studies, study(", \"maxConcurentTrials\": 4"), 400, "maxConcurentTrials"));
        c.add(post("zero lease", studies, study(", \"leaseSeconds\": 0"), 400, "leaseSeconds"));
        c.add(post("zero concurrency", studies, study(", \"maxConcurrentTrials\": 0"), 400, "maxConcurrentTrials"));
        c.add(post("seed as a string", studies, study(", \"seed\": \"42\""), 400, "seed"));
        c.add(post(
                "negative trial budget",
                studies,
                study(", \"stoppingCriterion\": {\"maxNumTrialsStarted\": -1}"),
                400,
                "stoppingCriterion.maxNumTrialsStarted"));
        c.add(post(
                "unknown stopping criterion",
                studies,
                study(", \"stoppingCriterion\": {\"maxTrials\": 5}"),
                400,
                "stoppingCriterion.maxTrials"));
        c.add(post(
                "point outside the space",
                studies,
                study(", \"pointsToEvaluate\": [{\"x\": 3}]"),
                400,
                "pointsToEvaluate[0].x"));
        c.add(post(
                "point with an unknown key",
                studies,
                study(", \"pointsToEvaluate\": [{\"y\": 0.5}]"),
                400,
                "pointsToEvaluate[0].y"));
        c.add(post(
                "resource naming a missing entry",
                studies,
                study(", \"resource\": {\"attr\": \"epoch\", \"maxAttr\": \"epochs\"}"),
                400,
                "resource.maxAttr"));
        c.add(post("bad project name", studies, study(", \"project\": \"a b/c\""), 400, "project"));
        c.add(post(
                "space as a list", studies, "{\"space\": [1,2], \"metrics\": [{\"name\": \"loss\"}]}", 400, "space"));
        // Metrics and reports
        String report = "/api/v1/studies/%s/trials/0/reports";
        c.add(post("NaN metric token", report, "{\"metrics\": {\"loss\": NaN}}", 400, "body"));
        c.add(post("Infinity metric token", report, "{\"metrics\": {\"loss\": Infinity}}", 400, "body"));
        c.add(post("NaN metric as a string", report, "{\"metrics\": {\"loss\": \"NaN\"}}", 400, "metrics.loss"));
        c.add(post("non-numeric metric", report, "{\"metrics\": {\"loss\": \"low\"}}", 400, "metrics.loss"));
        c.add(post("boolean metric", report, "{\"metrics\": {\"loss\": true}}", 400, "metrics.loss"));
        c.add(post("huge number", report, "{\"metrics\": {\"loss\": 1e999}}", 400, "metrics.loss"));
        c.add(post("no metrics in a report", report, "{\"step\": 1}", 400, "metrics"));
        c.add(post("metrics as a list", report, "{\"metrics\": [1]}", 400, "metrics"));
        c.add(post("negative step", report, "{\"metrics\": {\"loss\": 1}, \"step\": -1}", 400, "step"));
        c.add(post("unknown report field", report, "{\"metrics\": {\"loss\": 1}, \"epoch\": 1}", 400, "epoch"));
        c.add(post("report without the study's metric", report, "{\"metrics\": {\"los\": 1}}", 400, "metrics.loss"));
        c.add(post(
                "completion without the study's metric",
                "/api/v1/studies/%s/trials/0/complete",
                "{\"metrics\": {\"val_loss\": 1}}",
                400,
                "metrics.loss"));
        // Unknown ids
        c.add(new Case("unknown study", "GET", "/api/v1/studies/nope", null, null, 404, "nope"));
        c.add(post("ask on an unknown study", "/api/v1/studies/nope/ask", "{}", 404, "nope"));
        c.add(new Case("unknown trial", "GET", "/api/v1/studies/%s/trials/99", null, null, 404, "trial 99"));
        c.add(post(
                "report on an unknown trial",
                "/api/v1/studies/%s/trials/99/reports",
                "{\"metrics\": {\"loss\": 1}}",
                404,
                "trial 99"));
        c.add(new Case("trial id not a number", "GET", "/api/v1/studies/%s/trials/abc", null, null, 400, "trialId"));
        c.add(new Case(
                "unknown status filter",
                "GET",
                "/api/v1/studies/%s/trials?status=SLEEPING",
                null,
                null,
                400,
                "status"));
        c.add(new Case("page size too large", "GET", "/api/v1/studies?limit=5000", null, null, 400, "limit"));
        c.add(new Case(
                "forged page token", "GET", "/api/v1/studies/%s/trials?pageToken=!!!", null, null, 400, "pageToken"));
        // Illegal transitions
        c.add(post(
                "report on a completed trial",
                "/api/v1/studies/%s/trials/1/reports",
                "{\"metrics\": {\"loss\": 1}}",
                409,
                "COMPLETED"));
        c.add(post("complete twice", "/api/v1/studies/%s/trials/1/complete", "{}", 409, "COMPLETED"));
        c.add(post("fail a completed trial", "/api/v1/studies/%s/trials/1/fail", "{}", 409, "COMPLETED"));
        c.add(post("heartbeat of a completed trial", "/api/v1/studies/%s/trials/1/heartbeat", "", 409, "COMPLETED"));
        c.add(post(
                "add a trial outside the space",
                "/api/v1/studies/%s/trials",
                "{\"config\": {\"x\": 7}}",
                400,
                "config.x"));
        c.add(post(
                "add a trial without config",
                "/api/v1/studies/%s/trials",
                "{\"metrics\": {\"loss\": 1}}",
                400,
                "config"));
        // Bodies
        c.add(post("not JSON", "/api/v1/studies", "{space: oops", 400, "body"));
        c.add(post("truncated JSON", "/api/v1/studies", "{\"space\": {", 400, "body"));
        c.add(new Case("text/plain body", "POST", "/api/v1/studies", "hello", "text/plain", 415, "text/plain"));
        c.add(post("oversized body", "/api/v1/studies", "{\"name\": \"" + "x".repeat(70_000) + "\"}", 413, "65536"));
        c.add(new Case("wrong method", "PUT", "/api/v1/studies/%s", "{}", "application/json", 405, "PUT"));
        // Bounded fields: every string has a length limit checked before the database sees it.
        String trial0 = "/api/v1/studies/%s/trials/0";
        c.add(post(
                "worker id of 201 characters",
                "/api/v1/studies/%s/ask",
                "{\"workerId\": \"" + "w".repeat(201) + "\"}",
                400,
                "workerId"));
        c.add(post(
                "study name of 201 characters",
                studies,
                study(", \"name\": \"" + "n".repeat(201) + "\""),
                400,
                "name"));
        c.add(post(
                "project of 65 characters",
                studies,
                study(", \"project\": \"" + "p".repeat(65) + "\""),
                400,
                "project"));
        c.add(post(
                "method name of 101 characters",
                studies,
                study(", \"method\": \"" + "m".repeat(101) + "\""),
                400,
                "method"));
        c.add(post(
                "fail reason of 2001 characters",
                trial0 + "/fail",
                "{\"reason\": \"" + "r".repeat(2001) + "\"}",
                400,
                "reason"));
        c.add(post(
                "skip reason of 2001 characters",
                trial0 + "/skip",
                "{\"reason\": \"" + "r".repeat(2001) + "\"}",
                400,
                "reason"));
        c.add(post(
                "link url of 2001 characters",
                trial0 + "/links",
                "{\"url\": \"https://x/" + "u".repeat(2001) + "\"}",
                400,
                "url"));
        c.add(post(
                "link name of 201 characters",
                trial0 + "/links",
                "{\"url\": \"https://x\", \"name\": \"" + "n".repeat(201) + "\"}",
                400,
                "name"));
        c.add(new Case(
                "metadata key of 201 characters",
                "PUT",
                trial0 + "/metadata",
                "{\"" + "k".repeat(201) + "\": 1}",
                "application/json",
                400,
                "kkkk"));
        c.add(new Case(
                "study metadata key of 201 characters",
                "PUT",
                "/api/v1/studies/%s/metadata",
                "{\"" + "k".repeat(201) + "\": 1}",
                "application/json",
                400,
                "longer than 200"));
        c.add(new Case(
                "metadata value with NUL",
                "PUT",
                trial0 + "/metadata",
                "{\"k\": \"a\\u0000b\"}",
                "application/json",
                400,
                "k"));
        c.add(new Case(
                "log upload with NUL",
                "PUT",
                trial0 + "/logs",
                "{\"stdout\": \"a\\u0000b\"}",
                "application/json",
                400,
                "stdout"));
        c.add(post(
                "metric name of 201 characters",
                report,
                "{\"metrics\": {\"" + "l".repeat(201) + "\": 1}}",
                400,
                "metrics.llll"));
        c.add(post("study name with NUL", studies, study(", \"name\": \"a\\u0000b\""), 400, "name"));
        c.add(post(
                "points to evaluate over 10000",
                studies,
                study(", \"pointsToEvaluate\": [" + "{},".repeat(10_000) + "{}]"),
                400,
                "pointsToEvaluate"));
        c.add(post("nesting deeper than 32", studies, "[".repeat(40) + "]".repeat(40), 400, "body"));
        c.add(new Case(
                "nested metadata deeper than 32",
                "PUT",
                trial0 + "/metadata",
                "{\"k\": " + "[".repeat(40) + "]".repeat(40) + "}",
                "application/json",
                400,
                "nesting depth"));
        c.add(post("number of 500 digits", report, "{\"metrics\": {\"loss\": " + "9".repeat(500) + "}}", 400, "body"));
        c.add(post(
                "step beyond a long",
                report,
                "{\"metrics\": {\"loss\": 1}, \"step\": 99999999999999999999}",
                400,
                "step"));
        c.add(new Case(
                "study id of 300 characters",
                "GET",
                "/api/v1/studies/" + "s".repeat(300),
                null,
                null,
                404,
                "does not exist"));
        // A NUL in the path (%00) is refused by Tomcat itself with a plain 400, before any handler.
        c.add(new Case("query value with a NUL", "GET", "/api/v1/studies?project=a%00b", null, null, 400, "project"));
        c.add(new Case(
                "query value of 1001 characters",
                "GET",
                "/api/v1/studies?project=" + "p".repeat(1001),
                null,
                null,
                400,
                "project"));
        c.add(new Case(
                "trial id beyond a long",
                "GET",
                "/api/v1/studies/%s/trials/99999999999999999999",
                null,
                null,
                400,
                "trialId"));
        c.add(new Case(
                "event cursor not a number",
                "GET",
                "/api/v1/studies/%s/events?afterSeq=x",
                null,
                null,
                400,
                "afterSeq"));
        // The ask's Idempotency-Key header: 1 to 200 printable ASCII characters, naming one ask.
        // (A control character such as DEL is refused by Tomcat itself with a plain 400, before any handler.)
        String ask = "/api/v1/studies/%s/ask";
        for (String[] key : new String[][] {
            {"empty", ""},
            {"of 201 characters", "k".repeat(201)},
            {"with a space", "a b"},
            {"with a tab", "a\tb"},
            {"with a non-ASCII character", "cl\u00e9"}
        }) {
            c.add(new Case(
                    "Idempotency-Key " + key[0],
                    "POST",
                    ask,
                    "{\"workerId\": \"w\"}",
                    "application/json",
                    400,
                    "Idempotency-Key",
                    Map.of("Idempotency-Key", key[1])));
        }
        for (String ending : List.of("complete", "fail")) {
            c.add(new Case(
                    "Idempotency-Key of a " + ending + ", with a space",
                    "POST",
                    "/api/v1/studies/%s/trials/0/" + ending,
                    "{}",
                    "application/json",
                    400,
                    "Idempotency-Key",
                    Map.of("Idempotency-Key", "a b")));
        }
        c.add(new Case(
                "Idempotency-Key of a batch ask, empty",
                "POST",
                ask,
                "{\"count\": 2}",
                "application/json",
                400,
                "Idempotency-Key",
                Map.of("Idempotency-Key", "")));
        c.add(new Case(
                "Idempotency-Key of another worker's ask",
                "POST",
                ask,
                "{\"workerId\": \"other\"}",
                "application/json",
                422,
                "Idempotency-Key running-key was sent by an ask of worker w",
                Map.of("Idempotency-Key", "running-key")));
        c.add(new Case(
                "Idempotency-Key of an ask whose trial completed",
                "POST",
                ask,
                "{\"workerId\": \"w\"}",
                "application/json",
                409,
                "no longer runs",
                Map.of("Idempotency-Key", "ended-key")));
        return c.stream().map(Arguments::of);
    }

    static HttpRequest.Builder headers(HttpRequest.Builder b, Case c) {
        c.headers().forEach(b::header);
        return b;
    }

    /**
     * The case sent over a plain socket, its header values as ISO-8859-1 bytes: Java's HTTP client refuses
     * to send some of them (DEL) and may turn others into something else.
     */
    Api.Response raw(Case c, String path) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            byte[] body = c.body() == null ? new byte[0] : c.body().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder(c.method() + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: close\r\nContent-Length: " + body.length + "\r\n");
            if (c.contentType() != null) {
                head.append("Content-Type: ").append(c.contentType()).append("\r\n");
            }
            c.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("\r\n");
            var out = socket.getOutputStream();
            out.write(head.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int status = Integer.parseInt(answer.substring(9, 12));
            String headers = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
            String contentType = headers.lines()
                    .filter(l -> l.startsWith("content-type:"))
                    .map(l -> l.substring("content-type:".length()).trim())
                    .findFirst()
                    .orElse("");
            String payload = answer.substring(answer.indexOf("\r\n\r\n") + 4);
            if (headers.contains("transfer-encoding: chunked")) {
                payload = payload.substring(payload.indexOf("\r\n") + 2, payload.lastIndexOf("}") + 1);
            }
            return new Api.Response(status, contentType, payload);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    long rows() {
        return jdbc.queryForObject(
                "select (select count(*) from study) + (select count(*) from trial) + (select count(*) from report) + (select count(*) from study_event)",
                Long.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersProblemJsonAndWritesNothing(Case c) {
        long before = rows();
        String path = c.path().contains("%s") ? String.format(c.path(), study) : c.path();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        HttpRequest.BodyPublisher body =
                c.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(c.body());
        if (c.contentType() != null) {
            b.header("Content-Type", c.contentType());
        }
        Api.Response r = c.headers().values().stream().anyMatch(v -> v.chars().anyMatch(ch -> ch > 0x7E))
                ? raw(c, path)
                : api.send(headers(b, c).method(c.method(), body).build());
        assertThat(r.status()).as(r.body()).isEqualTo(c.status());
        assertThat(r.contentType()).as(r.body()).startsWith("application/problem+json");
        Map<String, Object> problem = r.json();
        assertThat(problem).containsKeys("type", "title", "status", "detail");
        assertThat(((Number) problem.get("status")).intValue()).isEqualTo(c.status());
        String named = c.status() == 400
                ? String.valueOf(problem.get("errors")) + problem.get("detail")
                : String.valueOf(problem.get("detail"));
        assertThat(named).as(r.body()).contains(c.mentions());
        if (c.headers().containsKey("Idempotency-Key")) {
            assertThat(String.valueOf(problem.get("errors")))
                    .as("the problem names the header")
                    .contains("field=Idempotency-Key");
        }
        assertThat(rows()).as("nothing written").isEqualTo(before);
    }
}
