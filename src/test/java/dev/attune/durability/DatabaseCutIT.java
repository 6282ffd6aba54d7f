package dev.attune.durability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import dev.attune.support.PostgresSupport;
import dev.attune.support.ServerProcess;
import dev.attune.support.TcpProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The database connection of one write batch is cut at a chosen point, not at a random moment, while 12
 * clients drive one ASHA study (so that several reports are flat-combined into each batch). The server
 * reaches PostgreSQL through a {@link TcpProxy} that reads the statements and cuts the connection of the
 * first transaction that inserted at least three reports:
 *
 * <ol>
 *   <li>in the middle of the batch: the reports are sent, the cut comes before its events are;
 *   <li>before its {@code COMMIT} reaches the database (it rolls back);
 *   <li>after its {@code COMMIT} reached the database and before the answer reaches the server: the batch
 *       is stored though every request in it is answered 503 (the commit's outcome is unknown to the
 *       server), and the clients' retries must find it rather than store it twice.
 * </ol>
 *
 * <p>Each time the requests of the cut batch are answered 503 problem+json with Retry-After within a few
 * seconds (never 500, never a hang) and the server serves again on its own. Afterwards every acknowledged
 * trial, report (with the decision the client was given) and completion is stored exactly once, no trial
 * went to two clients, the stored rows agree with the event log (a report row per REPORT event, a trial row
 * per TRIAL_ADDED event, each trial's report count, the study's last sequence number), and every stored
 * trial was acknowledged to a client: each ask carries an {@code Idempotency-Key}, the same on its retries,
 * so an ask whose commit outcome was unknown is answered, on retry, the trial it handed out (issue 16)
 * rather than a second one that leaves the first RUNNING until its lease runs out. A completion retried
 * after such a cut is answered 200, as a retry.
 */
@EnabledIf("dev.attune.support.PostgresSupport#enabled")
class DatabaseCutIT {
    static final int CLIENTS = 12;

    final CrashIT.Acknowledged acked = new CrashIT.Acknowledged();
    final Set<Long> handedOut = ConcurrentHashMap.newKeySet();
    final AtomicInteger duplicates = new AtomicInteger();
    final AtomicReference<Phase> phase = new AtomicReference<>(new Phase("load"));
    final List<String> bad503s = java.util.Collections.synchronizedList(new ArrayList<>());
    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    int port;

    /** 503s met while one cut was armed, by operation. */
    static final class Phase {
        final String name;
        final Map<String, AtomicInteger> unavailable = new ConcurrentHashMap<>();
        final AtomicInteger slowestMs = new AtomicInteger();

        Phase(String name) {
            this.name = name;
        }

        int count(String op) {
            return unavailable.getOrDefault(op, new AtomicInteger()).get();
        }

        @Override
        public String toString() {
            return name + " " + unavailable + " slowest " + slowestMs + " ms";
        }
    }

    @Test
    void aBatchCutAtAChosenStatementAnswers503AndLosesOrDuplicatesNothing() throws Exception {
        URI target = URI.create(PostgresSupport.url().substring("jdbc:".length()));
        try (TcpProxy proxy = new TcpProxy(target.getHost(), target.getPort() < 0 ? 5432 : target.getPort())) {
            // Unencrypted, so that the proxy can read the statements.
            String url = "jdbc:postgresql://127.0.0.1:" + proxy.port() + target.getRawPath() + "?"
                    + (target.getRawQuery() == null ? "" : target.getRawQuery() + "&") + "sslmode=disable";
            Map<String, String> env =
                    Map.of("DB_URL", url, "DB_USER", PostgresSupport.user(), "DB_PASSWORD", PostgresSupport.password());
            try (ServerProcess server = ServerProcess.start("db-cut", env)) {
                port = server.port;
                run(proxy, new Api(server.port));
            }
        }
    }

    void run(TcpProxy proxy, Api api) throws Exception {
        String study = api.createStudy(CrashIT.definition());
        String base = "/api/v1/studies/" + study;
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            String worker = "client-" + c;
            clients.add(pool.submit(() -> drive(base, worker, stop)));
        }
        DatabaseFaultIT.awaitReports(acked, 60, 60);

        List<Phase> phases = new ArrayList<>();
        Map<String, Integer> batchSizes = new LinkedHashMap<>();
        Map<String, String> ops = new LinkedHashMap<>();
        // op: the requests whose statement (after, at least times) makes a batch the one cut
        record Scenario(String name, String op, String after, int times, String at, TcpProxy.When when) {}
        for (Scenario s : List.of(
                new Scenario(
                        "mid-batch",
                        "report",
                        "INSERT INTO report ",
                        3,
                        "INSERT INTO study_event",
                        TcpProxy.When.BEFORE_SENDING),
                new Scenario(
                        "before-commit", "report", "INSERT INTO report ", 3, "COMMIT", TcpProxy.When.BEFORE_SENDING),
                new Scenario(
                        "commit-outcome-unknown",
                        "report",
                        "INSERT INTO report ",
                        3,
                        "COMMIT",
                        TcpProxy.When.BEFORE_ANSWER),
                // An ask that handed out a new trial, committed, its answer lost (issue 16).
                new Scenario(
                        "ask-commit-outcome-unknown",
                        "ask",
                        "INSERT INTO trial ",
                        1,
                        "COMMIT",
                        TcpProxy.When.BEFORE_ANSWER))) {
            Phase p = new Phase(s.name());
            phase.set(p);
            phases.add(p);
            TcpProxy.Cut cut = proxy.arm(s.after(), s.times(), s.at(), s.when());
            assertThat(cut.awaitFired(Duration.ofSeconds(20)))
                    .as("%s: a batch with %d or more %ss was cut", s.name(), s.times(), s.op())
                    .isTrue();
            ops.put(s.name(), s.op());
            batchSizes.put(s.name(), cut.executedInCutTransaction());
            if (s.when() == TcpProxy.When.BEFORE_ANSWER) {
                // PostgreSQL committed the batch (its CommandComplete says so); the server never heard.
                assertThat(cut.awaitDroppedAnswer(Duration.ofSeconds(10)))
                        .as("the answer to the COMMIT kept from the server")
                        .contains("COMMIT");
            }
            // The server serves again by itself; by then the cut batch's answers have all come.
            DatabaseFaultIT.awaitReports(acked, acked.reports.size() + 40, 30);
        }
        phase.set(new Phase("after"));
        stop.set(true);
        for (Future<?> f : clients) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        System.out.printf(
                "DatabaseCutIT: %d trials, %d reports, %d completions acknowledged; cut batches of %s reports; 503s:"
                        + " %s%n",
                acked.trials.size(), acked.reports.size(), acked.completed.size(), batchSizes, phases);
        assertThat(acked.unexpected).as("answers other than success or 503").isEmpty();
        assertThat(bad503s)
                .as("503s without Retry-After or problem+json, or slower than 5 s")
                .isEmpty();
        for (Phase p : phases) {
            // Every request of the cut batch is answered 503 (each was one request); a 500 would be unexpected.
            assertThat(p.count(ops.get(p.name)))
                    .as("%s: %ss of the cut batch answered 503", p.name, ops.get(p.name))
                    .isGreaterThanOrEqualTo(batchSizes.get(p.name));
        }
        assertThat(duplicates.get()).as("trials handed out twice").isZero();
        CrashIT.check(api, base, acked);
        checkStore(study);

        Api.Response ask = api.post(base + "/ask", Map.of("workerId", "after"));
        assertThat(ask.status()).as("serves after the cuts: %s", ask.body()).isEqualTo(200);
    }

    /**
     * The stored rows agree with the log, and every stored trial went to a client: an ask whose commit
     * outcome was unknown was retried with its key and answered the trial it had handed out.
     */
    void checkStore(String study) throws Exception {
        try (Connection c = DriverManager.getConnection(
                PostgresSupport.url(), PostgresSupport.user(), PostgresSupport.password())) {
            long reportRows = count(c, "SELECT count(*) FROM report WHERE study_id = ?", study);
            long reportEvents =
                    count(c, "SELECT count(*) FROM study_event WHERE study_id = ? AND type = 'REPORT'", study);
            long trialRows = count(c, "SELECT count(*) FROM trial WHERE study_id = ?", study);
            long trialEvents =
                    count(c, "SELECT count(*) FROM study_event WHERE study_id = ? AND type = 'TRIAL_ADDED'", study);
            long events = count(c, "SELECT count(*) FROM study_event WHERE study_id = ?", study);
            long maxSeq = count(c, "SELECT coalesce(max(seq), 0) FROM study_event WHERE study_id = ?", study);
            long lastSeq = count(c, "SELECT last_seq FROM study WHERE id = ?", study);
            long wrongCounts = count(
                    c,
                    "SELECT count(*) FROM trial t WHERE t.study_id = ? AND t.report_count <> (SELECT count(*) FROM"
                            + " report r WHERE r.study_id = t.study_id AND r.trial_id = t.trial_id)",
                    study);
            long maxTrial = count(c, "SELECT coalesce(max(trial_id), 0) FROM trial WHERE study_id = ?", study);
            long nextTrial = count(c, "SELECT next_trial_id FROM study WHERE id = ?", study);
            assertThat(reportRows).as("report rows = REPORT events").isEqualTo(reportEvents);
            assertThat(trialRows).as("trial rows = TRIAL_ADDED events").isEqualTo(trialEvents);
            assertThat(maxSeq).as("the log has no gap").isEqualTo(events);
            assertThat(lastSeq).as("the study's last_seq").isEqualTo(maxSeq);
            assertThat(wrongCounts)
                    .as("trials whose report_count differs from their reports")
                    .isZero();
            assertThat(nextTrial).as("next_trial_id beyond every trial").isGreaterThan(maxTrial);

            Set<Long> stored = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT trial_id FROM trial WHERE study_id = ?")) {
                ps.setString(1, study);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        stored.add(rs.getLong(1));
                    }
                }
            }
            stored.removeAll(acked.trials);
            System.out.printf(
                    "DatabaseCutIT: %d trial rows, %d report rows, %d events; trials no client heard of: %s%n",
                    trialRows, reportRows, events, stored);
            assertThat(stored)
                    .as("trials no client heard of (orphans of asks retried after a cut)")
                    .isEmpty();
        }
    }

    static long count(Connection c, String sql, String study) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, study);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    Api.Response post(String op, String path, Object body, AtomicBoolean stop) throws Exception {
        return post(op, path, body, Map.of(), stop);
    }

    /**
     * Posts with these headers until the answer is not a 503, checking each 503; null when stopped before
     * a first attempt. A request answered 503 is retried even once stopped (for up to a minute): its commit
     * outcome may be unknown, and only its retry tells the client what was stored.
     */
    Api.Response post(String op, String path, Object body, Map<String, String> headers, AtomicBoolean stop)
            throws Exception {
        long retryUntil = Long.MAX_VALUE;
        while (!stop.get() || System.nanoTime() < retryUntil) {
            long started = System.nanoTime();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : Api.json(body)));
            headers.forEach(request::header);
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 503) {
                return new Api.Response(
                        r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
            }
            int ms = (int) TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            Phase p = phase.get();
            p.unavailable.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
            p.slowestMs.accumulateAndGet(ms, Math::max);
            if (r.headers().firstValue("Retry-After").isEmpty()
                    || !r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")
                    || ms > 5000) {
                bad503s.add(op + " in " + p.name + " after " + ms + " ms: "
                        + r.headers().map() + " " + r.body());
            }
            if (retryUntil == Long.MAX_VALUE) {
                retryUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            }
            Thread.sleep(100);
        }
        return null;
    }

    /** One client's ask / report / complete loop; ASHA's STOP ends a trial early. */
    Void drive(String base, String worker, AtomicBoolean stop) {
        try {
            while (!stop.get()) {
                // One key per logical ask, the same on each of its retries.
                Map<String, String> key =
                        Map.of("Idempotency-Key", UUID.randomUUID().toString());
                Api.Response ask = post("ask", base + "/ask", Map.of("workerId", worker), key, stop);
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
                for (int epoch = 1; epoch < CrashIT.EPOCHS && decision.equals("CONTINUE"); epoch++) {
                    Api.Response r = post(
                            "report",
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
                    Api.Response done = post("complete", base + "/trials/" + id + "/complete", null, stop);
                    if (done == null) {
                        return null;
                    }
                    // A completion whose commit outcome was unknown, retried, is answered 200 too.
                    if (done.status() != 200) {
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
