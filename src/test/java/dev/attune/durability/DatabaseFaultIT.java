package dev.attune.durability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import dev.attune.support.PostgresSupport;
import dev.attune.support.ServerProcess;
import dev.attune.support.TcpProxy;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The server reaches PostgreSQL through a TCP proxy that the test cuts for five seconds while 8 clients
 * drive an ASHA study: during the cut every answer is a 503 with Retry-After or a success (never a 500,
 * never a hang), readiness goes DOWN and liveness stays UP; after it the server serves again without a
 * restart, every acknowledged trial, report and completion is stored, and no trial went to two clients.
 */
@EnabledIf("dev.attune.support.PostgresSupport#enabled")
class DatabaseFaultIT {
    static final int CLIENTS = 8;
    static final int EPOCHS = 9;

    final Set<Long> handedOut = ConcurrentHashMap.newKeySet();
    final AtomicInteger duplicates = new AtomicInteger();
    final AtomicInteger unavailable = new AtomicInteger();
    final AtomicLong slowest503Ms = new AtomicLong();
    final AtomicInteger missingRetryAfter = new AtomicInteger();

    @Test
    void aCutDatabaseAnswers503AndTheServerRecoversLosingNothing() throws Exception {
        URI target = URI.create(PostgresSupport.url().substring("jdbc:".length()));
        try (TcpProxy proxy = new TcpProxy(target.getHost(), target.getPort() < 0 ? 5432 : target.getPort())) {
            String url = "jdbc:postgresql://127.0.0.1:" + proxy.port() + target.getRawPath()
                    + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
            Map<String, String> env =
                    Map.of("DB_URL", url, "DB_USER", PostgresSupport.user(), "DB_PASSWORD", PostgresSupport.password());
            try (ServerProcess server = ServerProcess.start("db-fault", env)) {
                port = server.port;
                run(proxy, new Api(server.port));
            }
        }
    }

    void run(TcpProxy proxy, Api api) throws Exception {
        String study = api.createStudy(CrashIT.definition());
        String base = "/api/v1/studies/" + study;
        CrashIT.Acknowledged acked = new CrashIT.Acknowledged();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            String worker = "client-" + c;
            clients.add(pool.submit(() -> drive(api, base, worker, acked, stop)));
        }
        awaitReports(acked, 150, 60);

        proxy.cut();
        long cutAt = System.nanoTime();
        boolean readinessDown = false;
        boolean livenessUp = true;
        while (System.nanoTime() - cutAt < TimeUnit.SECONDS.toNanos(5)) {
            Api.Response ready = api.get("/actuator/health/readiness");
            readinessDown |= ready.status() == 503 && ready.body().contains("DOWN");
            livenessUp &= api.get("/actuator/health/liveness").status() == 200;
            Thread.sleep(200);
        }
        int duringCut = acked.reports.size();
        proxy.restore();

        // The server serves again by itself.
        awaitReports(acked, duringCut + 150, 60);
        Api.Response ready = api.get("/actuator/health/readiness");
        stop.set(true);
        for (Future<?> f : clients) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();

        System.out.printf(
                "DatabaseFaultIT: %d reports acknowledged, %d answers 503 (slowest %d ms), readiness DOWN during the"
                        + " cut: %s%n",
                acked.reports.size(), unavailable.get(), slowest503Ms.get(), readinessDown);
        assertThat(acked.unexpected).as("answers other than success or 503").isEmpty();
        assertThat(unavailable.get()).as("the cut was felt").isPositive();
        assertThat(missingRetryAfter.get())
                .as("503s without Retry-After or problem+json")
                .isZero();
        assertThat(slowest503Ms.get())
                .as("a 503 comes quickly, not after a 30 s hang")
                .isLessThan(10_000);
        assertThat(readinessDown).as("readiness DOWN during the cut").isTrue();
        assertThat(livenessUp).as("liveness UP during the cut").isTrue();
        assertThat(ready.status()).as("readiness UP again: %s", ready.body()).isEqualTo(200);
        assertThat(duplicates.get()).as("trials handed out twice").isZero();
        CrashIT.check(api, base, acked);
    }

    static void awaitReports(CrashIT.Acknowledged acked, int count, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (acked.reports.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(acked.reports.size()).as("reports acknowledged").isGreaterThanOrEqualTo(count);
    }

    final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
            .connectTimeout(java.time.Duration.ofSeconds(5))
            .build();
    int port;

    /** Posts until the answer is not a 503; null when stopped meanwhile. */
    Api.Response post(Api api, String path, Object body, AtomicBoolean stop) throws Exception {
        while (!stop.get()) {
            long started = System.nanoTime();
            var r = http.send(
                    java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .header("Content-Type", "application/json")
                            .timeout(java.time.Duration.ofSeconds(60))
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body == null ? "" : Api.json(body)))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 503) {
                return new Api.Response(
                        r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
            }
            unavailable.incrementAndGet();
            slowest503Ms.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), Math::max);
            if (r.headers().firstValue("Retry-After").isEmpty()
                    || !r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
                missingRetryAfter.incrementAndGet();
            }
            Thread.sleep(200);
        }
        return null;
    }

    Void drive(Api api, String base, String worker, CrashIT.Acknowledged acked, AtomicBoolean stop) {
        try {
            while (!stop.get()) {
                Api.Response ask = post(api, base + "/ask", Map.of("workerId", worker), stop);
                if (ask == null) {
                    return null;
                }
                if (ask.status() != 200) {
                    acked.unexpected.add("ask " + ask.status() + " " + ask.body());
                    return null;
                }
                if (!ask.string("status").equals("RUN")) {
                    Thread.sleep(10);
                    continue;
                }
                long id = ((Number) ask.get("trial.id")).longValue();
                if (!handedOut.add(id)) {
                    duplicates.incrementAndGet();
                }
                acked.trials.add(id);
                double x = ((Number) ask.get("trial.config.x")).doubleValue();
                String decision = "CONTINUE";
                // Up to the last rung but one, then complete: so that completions are acknowledged too.
                for (int epoch = 1; epoch < EPOCHS && decision.equals("CONTINUE"); epoch++) {
                    Api.Response r = post(
                            api,
                            base + "/trials/" + id + "/reports",
                            Map.of("metrics", Map.of("epoch", epoch, "loss", (x - 0.3) * (x - 0.3) + 1.0 / epoch)),
                            stop);
                    if (r == null) {
                        return null;
                    }
                    if (r.status() != 200) {
                        acked.unexpected.add("report " + r.status() + " " + r.body());
                        return null;
                    }
                    decision = r.string("decision");
                    acked.reports.add(new CrashIT.Ack(id, epoch, decision));
                }
                if (decision.equals("CONTINUE")) {
                    Api.Response done = post(api, base + "/trials/" + id + "/complete", null, stop);
                    if (done == null) {
                        return null;
                    }
                    // 409 already-finished: a completion that committed as the connection broke, retried.
                    if (done.status() != 200
                            && !(done.status() == 409 && done.body().contains("already"))) {
                        acked.unexpected.add("complete " + done.status() + " " + done.body());
                        return null;
                    }
                    acked.completed.add(id);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            acked.unexpected.add("no answer: " + e);
        }
        return null;
    }
}
