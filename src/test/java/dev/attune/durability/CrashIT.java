package dev.attune.durability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import dev.attune.support.PostgresSupport;
import dev.attune.support.ServerProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing acknowledged is lost when the server process dies: 8 clients drive an ASHA study, the server
 * is killed with SIGKILL under load (no shutdown hook, no flush) and restarted on the same data, three
 * times; then every trial an ask handed out, every report answered 200 (with the decision it answered)
 * and every completion answered 200 must be stored. On the embedded default (H2 in {@code ./data} of the
 * working directory, the URL a user gets without configuring anything) and on PostgreSQL.
 */
class CrashIT {
    static final int CLIENTS = 8;
    static final int EPOCHS = 9;
    static final int KILLS = 3;

    @TempDir
    Path dir;

    record Ack(long trialId, long epoch, String decision) {}

    /** What the clients were told, over all runs of the server. */
    static final class Acknowledged {
        final Set<Long> trials = ConcurrentHashMap.newKeySet();
        final Set<Ack> reports = ConcurrentHashMap.newKeySet();
        final Set<Long> completed = ConcurrentHashMap.newKeySet();
        final List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
    }

    @Test
    void theEmbeddedDefaultKeepsEveryAcknowledgedWriteThroughKills() throws Exception {
        // No DB_URL: the default H2 file database under ./data of the server's working directory.
        crashAndCheck(Map.of(), "h2");
    }

    @Test
    @EnabledIf("dev.attune.support.PostgresSupport#enabled")
    void postgresKeepsEveryAcknowledgedWriteThroughKills() throws Exception {
        crashAndCheck(
                Map.of(
                        "DB_URL", PostgresSupport.url(),
                        "DB_USER", PostgresSupport.user(),
                        "DB_PASSWORD", PostgresSupport.password()),
                "pg");
    }

    static Map<String, Object> definition() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", "crash");
        d.put(
                "space",
                new LinkedHashMap<>(Map.of("x", Map.of("type", "uniform", "lower", 0, "upper", 1), "epochs", EPOCHS)));
        d.put("metrics", List.of(Map.of("name", "loss")));
        d.put("method", "ASHA");
        d.put("resource", Map.of("attr", "epoch", "maxAttr", "epochs"));
        d.put("seed", 5);
        return d;
    }

    void crashAndCheck(Map<String, String> env, String name) throws Exception {
        Acknowledged acked = new Acknowledged();
        String study = null;
        for (int kill = 0; kill < KILLS; kill++) {
            ServerProcess server = ServerProcess.start("crash-" + name + "-" + kill, dir, env);
            try {
                Api api = new Api(server.port);
                if (study == null) {
                    study = api.createStudy(definition());
                }
                int before = acked.reports.size();
                AtomicBoolean stop = new AtomicBoolean();
                ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
                List<Future<?>> clients = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    String worker = "client-" + kill + "-" + c;
                    String base = "/api/v1/studies/" + study;
                    clients.add(pool.submit(() -> drive(api, base, worker, acked, stop)));
                }
                // Kill under load: once this run has acknowledged a few hundred reports.
                for (int i = 0; i < 600 && acked.reports.size() - before < 300; i++) {
                    Thread.sleep(50);
                }
                server.kill();
                stop.set(true);
                for (Future<?> f : clients) {
                    f.get(60, TimeUnit.SECONDS);
                }
                pool.shutdown();
                assertThat(acked.reports.size() - before)
                        .as("run %d acknowledged reports before the kill", kill)
                        .isGreaterThan(50);
            } finally {
                server.kill();
            }
        }
        assertThat(acked.unexpected).isEmpty();
        assertThat(acked.completed).as("completions were acknowledged").isNotEmpty();
        try (ServerProcess server = ServerProcess.start("crash-" + name + "-check", dir, env)) {
            check(new Api(server.port), "/api/v1/studies/" + study, acked);
        }
    }

    /** One client's ask / report / complete loop until the server goes away. */
    static Void drive(Api api, String base, String worker, Acknowledged acked, AtomicBoolean stop) {
        try {
            while (!stop.get()) {
                Api.Response ask = api.post(base + "/ask", Map.of("workerId", worker));
                if (ask.status() != 200) {
                    acked.unexpected.add("ask " + ask.status() + " " + ask.body());
                    return null;
                }
                if (!ask.string("status").equals("RUN")) {
                    Thread.sleep(10);
                    continue;
                }
                long id = ((Number) ask.get("trial.id")).longValue();
                acked.trials.add(id);
                double x = ((Number) ask.get("trial.config.x")).doubleValue();
                String decision = "CONTINUE";
                // Up to the last rung but one, then complete: so that completions are acknowledged too.
                for (int epoch = 1; epoch < EPOCHS && decision.equals("CONTINUE"); epoch++) {
                    Api.Response r = api.post(
                            base + "/trials/" + id + "/reports",
                            Map.of("metrics", Map.of("epoch", epoch, "loss", (x - 0.3) * (x - 0.3) + 1.0 / epoch)));
                    if (r.status() != 200) {
                        acked.unexpected.add("report " + r.status() + " " + r.body());
                        return null;
                    }
                    decision = r.string("decision");
                    acked.reports.add(new Ack(id, epoch, decision));
                }
                if (decision.equals("CONTINUE")) {
                    Api.Response done = api.post(base + "/trials/" + id + "/complete", null);
                    if (done.status() != 200) {
                        acked.unexpected.add("complete " + done.status() + " " + done.body());
                        return null;
                    }
                    acked.completed.add(id);
                }
            }
        } catch (IllegalStateException serverGone) {
            // the kill: whatever was not answered was not acknowledged
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    static void check(Api api, String base, Acknowledged acked) {
        int lostTrials = 0;
        int lostReports = 0;
        int lostCompletions = 0;
        List<String> lost = new ArrayList<>();
        for (long id : acked.trials) {
            Api.Response t = api.get(base + "/trials/" + id);
            if (t.status() != 200) {
                lostTrials++;
                lost.add("trial " + id + ": " + t.status());
                continue;
            }
            List<Map<String, Object>> reports = (List<Map<String, Object>>) t.get("reports");
            for (Ack ack : acked.reports) {
                if (ack.trialId() != id) {
                    continue;
                }
                List<Map<String, Object>> stored = reports.stream()
                        .filter(r -> ((Number) ((Map<String, Object>) r.get("metrics")).get("epoch")).longValue()
                                == ack.epoch())
                        .toList();
                if (stored.size() != 1
                        || !ack.decision().equals(stored.getFirst().get("decision"))) {
                    lostReports++;
                    lost.add(ack + " stored as " + stored);
                }
            }
            if (acked.completed.contains(id) && !"COMPLETED".equals(t.string("status"))) {
                lostCompletions++;
                lost.add("trial " + id + " completed but " + t.string("status"));
            }
        }
        System.out.printf(
                "CrashIT: %d trials, %d reports, %d completions acknowledged; lost: %d trials, %d reports, %d"
                        + " completions%n",
                acked.trials.size(),
                acked.reports.size(),
                acked.completed.size(),
                lostTrials,
                lostReports,
                lostCompletions);
        assertThat(lost)
                .as(
                        "%d of %d trials, %d of %d reports, %d of %d completions lost",
                        lostTrials,
                        acked.trials.size(),
                        lostReports,
                        acked.reports.size(),
                        lostCompletions,
                        acked.completed.size())
                .isEmpty();
    }
}
