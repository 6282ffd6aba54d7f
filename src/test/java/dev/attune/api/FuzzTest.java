package dev.attune.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;

/**
 * Seeded fuzzing of every operation of the served OpenAPI: valid requests mutated (a leaf replaced by an
 * evil value, keys dropped or added, bodies broken, path ids and query values replaced, content types
 * changed), sent over HTTP to a real server. No answer may be a 5xx. Deterministic: the seed is fixed, and
 * each failure prints its request number and request so it can be replayed.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=jdbc:h2:mem:fuzz;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH",
            // an event stream ends at once after its first poll, so that each fuzzed stream request is answered
            "attune.stream.max-seconds=0"
        })
class FuzzTest {
    static final long SEED = 20261130L;
    static final int REQUESTS = 3_200;
    static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    record Operation(String method, String path, boolean hasBody) {}

    /** A valid body for every operation that takes one; the test fails when the spec grows a new one. */
    Map<String, Object> validBody(Operation op, String study) {
        String key = op.method() + " " + op.path();
        return switch (key) {
            case "POST /api/v1/studies" -> studyDefinition();
            case "POST /api/v1/studies/import" ->
                Map.of(
                        "format",
                        "attune-study-export",
                        "version",
                        1,
                        "definition",
                        studyDefinition(),
                        "events",
                        List.of(Map.of(
                                "seq",
                                1,
                                "type",
                                "TRIAL_ADDED",
                                "trialId",
                                0,
                                "payload",
                                Map.of(
                                        "config",
                                        Map.of("x", 0.5, "epochs", 9),
                                        "memo",
                                        Map.of(),
                                        "status",
                                        "PENDING"))));
            case "POST /api/v1/studies/{studyId}/ask" -> Map.of("workerId", "fuzz", "count", 2);
            case "POST /api/v1/studies/{studyId}/trials/{trialId}/reports" ->
                Map.of("metrics", Map.of("epoch", 1, "loss", 0.5), "step", 1);
            case "POST /api/v1/studies/{studyId}/trials/{trialId}/complete" -> Map.of("metrics", Map.of("loss", 0.4));
            case "POST /api/v1/studies/{studyId}/trials/{trialId}/fail",
                    "POST /api/v1/studies/{studyId}/trials/{trialId}/skip",
                    "POST /api/v1/studies/{studyId}/trials/{trialId}/release",
                    "POST /api/v1/studies/{studyId}/trials/{trialId}/stop",
                    "POST /api/v1/studies/{studyId}/trials/{trialId}/pause" -> Map.of("reason", "oom");
            case "POST /api/v1/studies/{studyId}/trials/{trialId}/resume" -> Map.of();
            case "POST /api/v1/studies/{studyId}/stop" -> Map.of("stopRunningTrials", true);
            case "PATCH /api/v1/studies/{studyId}" ->
                Map.of(
                        "stoppingCriterion",
                        Map.of("maxNumTrialsStarted", 2000, "maxCost", 50),
                        "maxConcurrentTrials",
                        40,
                        "name",
                        "fuzz-renamed",
                        "metadata",
                        Map.of("owner", "fuzz"));
            case "POST /api/v1/studies/{studyId}/trials/{trialId}/checkpoint/upload" ->
                Map.of("sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "size", 0);
            case "POST /api/v1/studies/{studyId}/trials/{trialId}/checkpoint" ->
                Map.of(
                        "present",
                        true,
                        "sha256",
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                        "size",
                        0);
            case "POST /api/v1/studies/{studyId}/trials" ->
                Map.of("config", Map.of("x", 0.3, "epochs", 9), "metrics", Map.of("loss", 1.0, "epoch", 9));
            case "PUT /api/v1/studies/{studyId}/metadata", "PUT /api/v1/studies/{studyId}/trials/{trialId}/metadata" ->
                Map.of("k", "v", "n", List.of(1, 2, Map.of("a", true)));
            case "POST /api/v1/studies/{studyId}/trials/{trialId}/links" ->
                Map.of("url", "https://example.org/run", "name", "run");
            case "PUT /api/v1/studies/{studyId}/trials/{trialId}/logs" -> Map.of("stdout", "epoch 1", "stderr", "");
            case "POST /api/v1/projects" -> Map.of("name", "fuzz-project");
            case "POST /api/v1/projects/{name}/tokens" ->
                Map.of("name", "ci", "role", "worker", "expiresAt", "2099-01-01T00:00:00Z");
            case "POST /api/v1/studies/{studyId}/webhooks" ->
                // port 9 (discard) on the loopback: deliveries fail fast and reach nothing outside the test
                Map.of(
                        "url", "http://127.0.0.1:9/hook",
                        "eventTypes", List.of("trial.completed", "study.done"),
                        "secret", "fuzz-secret-0123456789");
            case "POST /api/v1/whatif" ->
                Map.of("studyId", study, "method", "ASHA", "options", Map.of("reductionFactor", 2));
            default -> throw new AssertionError("no valid body for " + key + ": add one to the fuzz test");
        };
    }

    static Map<String, Object> studyDefinition() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", "fuzz");
        d.put(
                "space",
                new LinkedHashMap<>(Map.of("x", Map.of("type", "uniform", "lower", 0, "upper", 1), "epochs", 9)));
        d.put("metrics", List.of(Map.of("name", "loss", "mode", "min")));
        d.put("method", "ASHA");
        d.put("resource", Map.of("attr", "epoch", "maxAttr", "epochs"));
        d.put("stoppingCriterion", Map.of("maxNumTrialsStarted", 1000));
        d.put("maxConcurrentTrials", 50);
        return d;
    }

    @Test
    @SuppressWarnings("unchecked")
    void mutatedRequestsToEveryOperationNeverAnswer5xx() {
        Api api = new Api(port);
        Map<String, Object> spec = api.get("/v3/api-docs").json();
        List<Operation> ops = new ArrayList<>();
        ((Map<String, Map<String, Object>>) spec.get("paths"))
                .forEach((path, item) -> item.forEach((method, op) -> {
                    if (op instanceof Map<?, ?> o) {
                        ops.add(new Operation(method.toUpperCase(), path, o.containsKey("requestBody")));
                    }
                }));
        assertThat(ops).hasSizeGreaterThan(20);

        SplittableRandom random = new SplittableRandom(SEED);
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        String study = null;
        for (int i = 0; i < REQUESTS; i++) {
            if (i % 150 == 0) {
                study = freshStudy(api); // trials run out, and some mutations stop it
            }
            Operation op = ops.get(i % ops.size());
            // Deleting or stopping the shared study would turn what follows into 404s and DONEs.
            boolean ends = op.method().equals("DELETE") || op.path().endsWith("/stop");
            HttpRequest request = mutated(op, ends ? api.createStudy(studyDefinition()) : study, random);
            Api.Response r;
            try {
                r = api.send(request);
            } catch (IllegalStateException e) {
                // Tomcat refuses a request line over its 8 KiB header limit with a 400 and closes at once,
                // which a client still sending may see as a reset: not an answer of the application.
                if (request.uri().toString().length() > 8 * 1024) {
                    statuses.merge(-1, 1, Integer::sum);
                } else {
                    failures.add(
                            "#" + i + " " + request.method() + " " + request.uri() + ": no answer " + e.getCause());
                }
                continue;
            }
            statuses.merge(r.status(), 1, Integer::sum);
            if (r.status() >= 500) {
                failures.add("#" + i + " " + request.method() + " " + request.uri() + " " + LAST_BODY.get() + " -> "
                        + r.status() + " " + r.body());
            }
        }
        System.out.println("FuzzTest: seed " + SEED + ", " + REQUESTS + " requests over " + ops.size()
                + " operations, answers by status (-1: connection reset on a URL over 8 KiB) " + statuses);
        assertThat(failures).as("5xx answers (seed %d)", SEED).isEmpty();
        // The mutations reach the validation and the services, not only the parser.
        assertThat(statuses.getOrDefault(200, 0)).isGreaterThan(REQUESTS / 20);
        assertThat(statuses.getOrDefault(400, 0)).isGreaterThan(REQUESTS / 5);
    }

    private static final ThreadLocal<String> LAST_BODY = new ThreadLocal<>();

    String freshStudy(Api api) {
        String id = api.createStudy(studyDefinition());
        for (int t = 0; t < 5; t++) {
            api.post("/api/v1/studies/" + id + "/ask", Map.of("workerId", "seed"));
        }
        return id;
    }

    HttpRequest mutated(Operation op, String study, SplittableRandom random) {
        String studyId = random.nextInt(6) == 0 ? evilPathValue(random) : study;
        String trialId = random.nextInt(6) == 0 ? evilPathValue(random) : Integer.toString(random.nextInt(7));
        String path = op.path()
                .replace("{studyId}", studyId)
                .replace("{trialId}", trialId)
                .replace("{webhookId}", random.nextInt(6) == 0 ? evilPathValue(random) : "wh_unknown")
                .replace("{name}", random.nextInt(6) == 0 ? evilPathValue(random) : "default")
                .replace("{id}", random.nextInt(6) == 0 ? evilPathValue(random) : Integer.toString(random.nextInt(3)));
        StringBuilder query = new StringBuilder();
        if (random.nextInt(4) == 0) {
            String[] names = {"limit", "afterSeq", "status", "pageToken", "project", "unknown"};
            query.append('?')
                    .append(names[random.nextInt(names.length)])
                    .append('=')
                    .append(URLEncoder.encode(String.valueOf(evilValue(random)), StandardCharsets.UTF_8));
        }
        String body = null;
        if (op.hasBody() || random.nextInt(8) == 0) {
            body = op.hasBody() ? mutateBody(validBody(op, study), random) : "{}";
        }
        LAST_BODY.set(body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "…" : body);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path + query));
        String[] types = {
            "application/json",
            "application/json",
            "application/json",
            "application/json",
            "application/json",
            "application/json",
            "text/plain",
            null
        };
        String type = types[random.nextInt(types.length)];
        if (type != null && body != null) {
            b.header("Content-Type", type);
        }
        return b.method(
                        op.method(),
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    static String evilPathValue(SplittableRandom random) {
        String[] values = {
            "-1",
            "99999999999999999999",
            "0.5",
            "abc",
            "x".repeat(300),
            "%F0%9F%98%80",
            "%20",
            "9223372036854775807",
            "..",
            "a%2Fb"
        };
        return values[random.nextInt(values.length)];
    }

    static Object evilValue(SplittableRandom random) {
        return deepCopy(evilLiteral(random));
    }

    static Object evilLiteral(SplittableRandom random) {
        return switch (random.nextInt(22)) {
            case 0 -> "w".repeat(201);
            case 1 -> "r".repeat(2001);
            case 2 -> "s".repeat(70_000);
            case 3 -> "a\u0000b";
            case 4 -> "\uD83D\uDE00 ünï";
            case 5 -> "";
            case 6 -> -1;
            case 7 -> Long.MAX_VALUE;
            case 8 -> new java.math.BigInteger("99999999999999999999999");
            case 9 -> 1e308;
            case 10 -> -0.5;
            case 11 -> true;
            case 12 -> List.of();
            case 13 -> Map.of();
            case 14 -> nested(40);
            case 15 -> java.util.Collections.nCopies(10_001, 1);
            case 16 -> Map.of("k".repeat(201), 1);
            case 17 -> "NaN";
            case 18 -> 0;
            case 19 -> Integer.MIN_VALUE;
            case 20 -> List.of(Map.of("x", 2), "y");
            default -> "1e999";
        };
    }

    static Object nested(int depth) {
        Object v = 1;
        for (int i = 0; i < depth; i++) {
            v = List.of(v);
        }
        return v;
    }

    /** One to three mutations of a valid body, or a body broken at the byte level. */
    @SuppressWarnings("unchecked")
    static String mutateBody(Map<String, Object> valid, SplittableRandom random) {
        int kind = random.nextInt(10);
        if (kind == 0) {
            String[] broken = {"", "null", "[]", "42", "\"s\"", "{", "{\"a\":", "{\"a\" 1}", "\u0000", "{}}"};
            return broken[random.nextInt(broken.length)];
        }
        if (kind == 1) {
            return JSON.writeValueAsString(valid).replace("1", "NaN").replace("0.", "Infinity");
        }
        Object body = deepCopy(valid);
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            body = mutateTree(body, random);
        }
        return JSON.writeValueAsString(body);
    }

    @SuppressWarnings("unchecked")
    static Object deepCopy(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> c = new LinkedHashMap<>();
            m.forEach((k, x) -> c.put((String) k, deepCopy(x)));
            return c;
        }
        if (v instanceof List<?> l) {
            List<Object> c = new ArrayList<>();
            l.forEach(x -> c.add(deepCopy(x)));
            return c;
        }
        return v;
    }

    /** Replaces, drops or adds at a random place of the tree; returns the (possibly new) root. */
    @SuppressWarnings("unchecked")
    static Object mutateTree(Object node, SplittableRandom random) {
        if (node instanceof Map<?, ?> m && !m.isEmpty() && random.nextInt(3) != 0) {
            Map<String, Object> map = (Map<String, Object>) m;
            List<String> keys = new ArrayList<>(map.keySet());
            String key = keys.get(random.nextInt(keys.size()));
            switch (random.nextInt(5)) {
                case 0 -> map.remove(key);
                case 1 -> map.put(random.nextBoolean() ? "unknownField" : key + "x", evilValue(random));
                default -> map.put(key, mutateTree(map.get(key), random));
            }
            return map;
        }
        if (node instanceof List<?> l && !l.isEmpty() && random.nextInt(3) != 0) {
            List<Object> list = (List<Object>) l;
            int i = random.nextInt(list.size());
            list.set(i, mutateTree(list.get(i), random));
            return list;
        }
        return evilValue(random);
    }
}
