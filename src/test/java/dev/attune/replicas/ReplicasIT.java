package dev.attune.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.scheduler.MethodRegistry;
import dev.attune.study.EventCodec;
import dev.attune.study.EventType;
import dev.attune.study.Study;
import dev.attune.study.StudyDefinitionParser;
import dev.attune.support.Api;
import dev.attune.support.PostgresSupport;
import dev.attune.support.ServerProcess;
import dev.attune.trial.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Two server processes on one PostgreSQL serve one study to 8 clients spread over both; in the second
 * run one replica is killed with SIGKILL midway and its clients move to the other. Checked from the
 * outside: trial ids have no gaps or doubles, the concurrency limit held, every acknowledged report is
 * stored exactly once, and the stored decisions equal a single-replica replay of the event log.
 */
@EnabledIf("dev.attune.support.PostgresSupport#enabled")
class ReplicasIT {
    static final int TRIALS = 60;
    static final int EPOCHS = 9;

    record Ack(long trialId, long epoch, String decision) {}

    static Map<String, String> env() {
        return Map.of(
                "DB_URL", PostgresSupport.url(),
                "DB_USER", PostgresSupport.user(),
                "DB_PASSWORD", PostgresSupport.password());
    }

    static Map<String, Object> definition(Integer maxConcurrent) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", "replicas");
        d.put(
                "space",
                new LinkedHashMap<>(Map.of("x", Map.of("type", "uniform", "lower", 0, "upper", 1), "epochs", EPOCHS)));
        d.put("metrics", List.of(Map.of("name", "loss")));
        d.put("method", "ASHA");
        d.put("resource", Map.of("attr", "epoch", "maxAttr", "epochs"));
        d.put("seed", 11);
        d.put("stoppingCriterion", Map.of("maxNumTrialsStarted", TRIALS));
        if (maxConcurrent != null) {
            d.put("maxConcurrentTrials", maxConcurrent);
        }
        return d;
    }

    @Test
    void twoReplicasServeOneStudyAsOne() throws Exception {
        try (ServerProcess a = ServerProcess.start("a", env());
                ServerProcess b = ServerProcess.start("b", env())) {
            run(a, b, 4, false);
        }
    }

    @Test
    void aReplicaKilledMidwayLosesNothingAcknowledged() throws Exception {
        try (ServerProcess a = ServerProcess.start("a", env());
                ServerProcess b = ServerProcess.start("b", env())) {
            run(a, b, null, true);
        }
    }

    /**
     * The same run with authentication on: the study is made with a writer token, the 8 clients use a
     * worker token, every event names that token, and a token revoked through one replica is refused at
     * once by the other.
     */
    @Test
    @SuppressWarnings("unchecked")
    void twoReplicasWithAuthenticationOn() throws Exception {
        String admin = "replicas-admin-token";
        Map<String, String> env = new HashMap<>(env());
        env.put("ATTUNE_ADMIN_TOKEN", admin);
        // The 8 clients share one token and poll every 10 ms on WAIT, faster than the default limit allows
        // a real fleet; the limit itself is tested in RateLimitTest.
        env.put("ATTUNE_RATE_LIMIT", "0");
        try (ServerProcess a = ServerProcess.start("a", env);
                ServerProcess b = ServerProcess.start("b", env)) {
            Api adminA = new Api(a.port, admin);
            String project = "replicas-" + System.nanoTime();
            assertThat(adminA.post("/api/v1/projects", Map.of("name", project)).status())
                    .isEqualTo(201);
            Api.Response writer =
                    adminA.post("/api/v1/projects/" + project + "/tokens", Map.of("name", "ci", "role", "writer"));
            Api.Response worker =
                    adminA.post("/api/v1/projects/" + project + "/tokens", Map.of("name", "workers", "role", "worker"));
            String study = run(a, b, 4, false, writer.string("token"), worker.string("token"));

            Api workerB = new Api(b.port, worker.string("token"));
            List<Map<String, Object>> events =
                    (List<Map<String, Object>>) workerB.get("/api/v1/studies/" + study + "/events?limit=1000")
                            .get("items");
            assertThat(events).isNotEmpty();
            assertThat(events.stream().map(e -> e.get("actor")).distinct())
                    .allMatch(actor -> actor.equals(worker.string("id")) || actor.equals(writer.string("id")))
                    .contains(worker.string("id"));

            assertThat(workerB.get("/api/v1/studies/" + study).status()).isEqualTo(200);
            assertThat(adminA.delete("/api/v1/projects/" + project + "/tokens/" + worker.string("id"))
                            .status())
                    .isEqualTo(204);
            assertThat(workerB.get("/api/v1/studies/" + study).status()).isEqualTo(401);
            assertThat(new Api(b.port).get("/api/v1/studies").status()).isEqualTo(401);
        }
    }

    /** Sends a request to the client's replica; when it is unreachable, moves to the other for good. */
    static final AtomicInteger FAILOVERS = new AtomicInteger();

    static final class Client {
        private final List<Api> replicas;
        private int current;

        Client(List<Api> replicas, int first) {
            this.replicas = replicas;
            this.current = first;
        }

        Api.Response post(String path, Object body) {
            for (int attempt = 0; attempt < 4; attempt++) {
                try {
                    return replicas.get(current).post(path, body);
                } catch (IllegalStateException unreachable) {
                    FAILOVERS.incrementAndGet();
                    current = (current + 1) % replicas.size();
                }
            }
            throw new IllegalStateException("no replica answers " + path);
        }
    }

    void run(ServerProcess a, ServerProcess b, Integer maxConcurrent, boolean killB) throws Exception {
        run(a, b, maxConcurrent, killB, null, null);
    }

    /** Runs the study to its end from 8 clients; with tokens (else none), the writer's creates it. */
    @SuppressWarnings("unchecked")
    String run(
            ServerProcess a,
            ServerProcess b,
            Integer maxConcurrent,
            boolean killB,
            String writerToken,
            String workerToken)
            throws Exception {
        FAILOVERS.set(0);
        List<Api> replicas = List.of(new Api(a.port, workerToken), new Api(b.port, workerToken));
        String study = new Api(a.port, writerToken).createStudy(definition(maxConcurrent));
        String base = "/api/v1/studies/" + study;
        Set<Long> handedOut = ConcurrentHashMap.newKeySet();
        Set<Ack> acks = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            int first = c % 2;
            clients.add(pool.submit(() -> {
                Client client = new Client(replicas, first);
                for (int attempt = 0; attempt < 5000; attempt++) {
                    Api.Response ask = client.post(base + "/ask", Map.of("workerId", "client-" + first));
                    assertThat(ask.status()).as(ask.body()).isEqualTo(200);
                    if (ask.string("status").equals("DONE")) {
                        return null;
                    }
                    if (ask.string("status").equals("WAIT")) {
                        Thread.sleep(10);
                        continue;
                    }
                    long id = ((Number) ask.get("trial.id")).longValue();
                    if (!handedOut.add(id)) {
                        duplicates.incrementAndGet();
                    }
                    double x = ((Number) ask.get("trial.config.x")).doubleValue();
                    String decision = "CONTINUE";
                    for (int epoch = 1; epoch <= EPOCHS && decision.equals("CONTINUE"); epoch++) {
                        Api.Response r = client.post(
                                base + "/trials/" + id + "/reports",
                                Map.of("metrics", Map.of("epoch", epoch, "loss", (x - 0.4) * (x - 0.4) + 1.0 / epoch)));
                        assertThat(r.status()).as(r.body()).isEqualTo(200);
                        decision = r.string("decision");
                        acks.add(new Ack(id, epoch, decision));
                    }
                    if (decision.equals("CONTINUE")) {
                        Api.Response done = client.post(base + "/trials/" + id + "/complete", null);
                        assertThat(done.status()).as(done.body()).isIn(200, 409);
                    }
                }
                throw new AssertionError("client never saw DONE");
            }));
        }
        if (killB) {
            for (int i = 0; i < 3000 && handedOut.size() < TRIALS / 3; i++) {
                Thread.sleep(10);
            }
            b.kill();
        }
        for (Future<?> f : clients) {
            f.get(180, TimeUnit.SECONDS);
        }
        pool.shutdown();
        // Without a kill nobody moves; with one, the killed replica's clients moved to the other.
        assertThat(FAILOVERS.get() > 0).isEqualTo(killB);
        Api api = replicas.get(0);

        // Trial ids: 0..N-1 exactly once each, and every handed-out trial is stored.
        assertThat(duplicates.get()).isZero();
        Api.Response page = api.get(base + "/trials?limit=1000");
        List<Map<String, Object>> trials = (List<Map<String, Object>>) page.get("items");
        List<Long> ids =
                trials.stream().map(t -> ((Number) t.get("id")).longValue()).toList();
        assertThat(ids).hasSize(TRIALS);
        for (long i = 0; i < TRIALS; i++) {
            assertThat(ids.get((int) i)).isEqualTo(i);
        }
        assertThat(ids).containsAll(handedOut);

        // Every acknowledged report is stored exactly once, with the decision the client got.
        Map<Long, List<Map<String, Object>>> reports = new HashMap<>();
        for (long id : handedOut) {
            reports.put(id, (List<Map<String, Object>>)
                    api.get(base + "/trials/" + id).get("reports"));
        }
        for (Ack ack : acks) {
            List<Map<String, Object>> stored = reports.get(ack.trialId()).stream()
                    .filter(r ->
                            ((Number) ((Map<String, Object>) r.get("metrics")).get("epoch")).longValue() == ack.epoch())
                    .toList();
            assertThat(stored)
                    .as("trial %d epoch %d", ack.trialId(), ack.epoch())
                    .hasSize(1);
            assertThat(stored.getFirst().get("decision")).isEqualTo(ack.decision());
        }

        // The log: the limit held, and a single-replica replay makes the same decisions.
        List<Map<String, Object>> events = new ArrayList<>();
        long after = 0;
        while (true) {
            List<Map<String, Object>> batch = (List<Map<String, Object>>)
                    api.get(base + "/events?limit=1000&afterSeq=" + after).get("items");
            if (batch.isEmpty()) {
                break;
            }
            events.addAll(batch);
            after = ((Number) batch.getLast().get("seq")).longValue();
        }
        Map<String, Object> definition = definition(maxConcurrent);
        Study replay = Study.create(
                "replay", new StudyDefinitionParser(MethodRegistry.standard()).parse(definition, 0), Instant.EPOCH);
        int running = 0;
        int maxRunning = 0;
        int decisions = 0;
        for (Map<String, Object> e : events) {
            EventType type = EventType.valueOf((String) e.get("type"));
            Long trialId = e.get("trialId") == null ? null : ((Number) e.get("trialId")).longValue();
            Verdict v = replay.apply(EventCodec.decode(
                    ((Number) e.get("seq")).longValue(), type, trialId, (Map<String, Object>) e.get("payload")));
            Map<String, Object> payload = (Map<String, Object>) e.get("payload");
            switch (type) {
                case TRIAL_ADDED, TRIAL_RUN, TRIAL_RESUMED -> running++;
                case TRIAL_COMPLETED, TRIAL_FAILED, TRIAL_SKIPPED -> running--;
                case REPORT -> {
                    if (!"CONTINUE".equals(payload.get("decision"))) {
                        running--;
                    }
                    assertThat(v.decision().name()).as("event %s", e.get("seq")).isEqualTo(payload.get("decision"));
                    decisions++;
                }
                default -> {}
            }
            maxRunning = Math.max(maxRunning, running);
        }
        assertThat(decisions).isGreaterThanOrEqualTo(acks.size());
        if (maxConcurrent != null) {
            assertThat(maxRunning).isLessThanOrEqualTo(maxConcurrent);
        }
        return study;
    }
}
