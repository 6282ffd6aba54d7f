package dev.attune.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;

/**
 * Drives N concurrent clients through ask → reports → complete against a running server and prints
 * throughput and latency percentiles per operation.
 *
 * <p>With {@code --prefill} the study first gets that many completed trials (added in batches by
 * parallel clients, not measured), so runs at different study sizes show whether a report's cost
 * depends on the number of trials.
 *
 * <p>A {@code 429} (the server's admission bound, ADR 0007) is counted apart from the served requests and
 * the request is sent again after the answer's {@code Retry-After} seconds (capped by
 * {@code --max-retry-after-ms}), as a well-behaved client would; the latency quantiles are those of the
 * served requests, so a run shows whether excess load meets refusals or growing latency.
 *
 * <p>Next to throughput it prints the servers' CPU time in the measured phase per report, read from each
 * server's own {@code process.cpu.time} metric, so that runs on a shared machine compare by cost.
 */
@Command(name = "load", mixinStandardHelpOptions = true, description = "HTTP load: ask → reports → complete")
public class LoadBench implements java.util.concurrent.Callable<Integer> {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Option(
            names = "--url",
            split = ",",
            defaultValue = "http://127.0.0.1:8080",
            description =
                    "server base URL, or several separated by commas: client i uses the (i mod n)-th (default ${DEFAULT-VALUE})")
    List<String> urls;

    @Option(
            names = "--token",
            defaultValue = "${env:ATTUNE_TOKEN}",
            description = "bearer token (a writer's) for a server with authentication on (default: $ATTUNE_TOKEN)")
    String token;

    /** The number of the client this thread acts for; it picks the client's server. */
    private static final ThreadLocal<Integer> CLIENT = ThreadLocal.withInitial(() -> 0);

    @Option(names = "--clients", defaultValue = "16", description = "concurrent clients (default ${DEFAULT-VALUE})")
    int clients;

    @Option(
            names = "--trials",
            defaultValue = "400",
            description = "trials to run, measured (default ${DEFAULT-VALUE})")
    int trials;

    @Option(names = "--reports", defaultValue = "10", description = "reports per trial (default ${DEFAULT-VALUE})")
    int reports;

    @Option(
            names = "--prefill",
            defaultValue = "0",
            description = "completed trials added before measuring (default ${DEFAULT-VALUE})")
    int prefill;

    @Option(
            names = "--warmup",
            defaultValue = "100",
            description = "trials run before measuring, to warm the JIT (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(
            names = "--studies",
            defaultValue = "1",
            description = "studies the clients spread over (default ${DEFAULT-VALUE})")
    int studies;

    @Option(
            names = "--baseline",
            description = "send every report to the server's one-INSERT baseline endpoint instead (the server must"
                    + " run with SPRING_PROFILES_ACTIVE=bench): the cost floor of a write on the same stack")
    boolean baseline;

    @Option(
            names = "--max-retry-after-ms",
            defaultValue = "5000",
            description =
                    "longest wait honoured for a 429's Retry-After before sending again (default ${DEFAULT-VALUE})")
    long maxRetryAfterMs;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Override
    public Integer call() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < studies; i++) {
            ids.add(createStudy());
        }
        String study = ids.getFirst();
        if (prefill > 0) {
            long t0 = System.nanoTime();
            Recorder unmeasured = new Recorder();
            parallel(
                    prefill,
                    i -> send(
                            unmeasured,
                            "prefill",
                            "/api/v1/studies/" + study + "/trials",
                            Map.of("config", Map.of("x", (i % 1000) / 1000.0), "metrics", Map.of("loss", i * 1e-3))));
            System.out.printf(Locale.ROOT, "prefilled %d trials in %.1f s%n", prefill, (System.nanoTime() - t0) / 1e9);
        }
        Recorder warm = new Recorder();
        runTrials(ids, warmup, warm);
        Recorder rec = new Recorder();
        double cpu0 = serverCpuSeconds();
        long t0 = System.nanoTime();
        runTrials(ids, trials, rec);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = serverCpuSeconds() - cpu0;
        print(rec, seconds, study, cpu);
        return 0;
    }

    /**
     * The CPU time the servers' processes have used, summed over {@code --url}s, from their own
     * {@code process.cpu.time} (actuator metrics); NaN when a server does not publish it.
     */
    @SuppressWarnings("unchecked")
    double serverCpuSeconds() {
        double total = 0;
        for (String url : urls) {
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create(url + "/actuator/metrics/process.cpu.time"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                Map<String, Object> m = JSON.readValue(r.body(), Map.class);
                double value = ((Number) ((List<Map<String, Object>>) m.get("measurements"))
                                .getFirst()
                                .get("value"))
                        .doubleValue();
                total += "ns".equals(m.get("baseUnit")) ? value / 1e9 : value;
            } catch (Exception e) {
                return Double.NaN;
            }
        }
        return total;
    }

    private String createStudy() throws Exception {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", "bench-load");
        d.put("space", Map.of("x", Map.of("type", "uniform", "lower", 0, "upper", 1)));
        d.put("metrics", List.of(Map.of("name", "loss")));
        d.put("allowDuplicates", true);
        HttpResponse<String> r = post("/api/v1/studies", d);
        if (r.statusCode() != 201) {
            throw new IllegalStateException("could not create a study: " + r.statusCode() + " " + r.body());
        }
        return (String) JSON.readValue(r.body(), Map.class).get("id");
    }

    interface Task {
        void run(int i) throws Exception;
    }

    private void parallel(int count, Task task) throws Exception {
        AtomicInteger next = new AtomicInteger();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                futures.add(pool.submit(() -> {
                    CLIENT.set(client);
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        task.run(i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void runTrials(List<String> ids, int count, Recorder rec) throws Exception {
        if (baseline) {
            // The same clients and report bodies, each report one INSERT and nothing else.
            parallel(count, i -> {
                for (int step = 1; step <= reports; step++) {
                    send(rec, "report", "/bench/baseline", Map.of("metrics", Map.of("loss", 1.0 / step), "step", step));
                }
            });
            return;
        }
        parallel(count, i -> {
            String base = "/api/v1/studies/" + ids.get(i % ids.size());
            HttpResponse<String> ask = send(
                    rec,
                    "ask",
                    base + "/ask",
                    Map.of("workerId", "bench-" + Thread.currentThread().threadId()));
            Map<String, Object> trial =
                    (Map<String, Object>) JSON.readValue(ask.body(), Map.class).get("trial");
            long id = ((Number) trial.get("id")).longValue();
            double x = ((Number) ((Map<String, Object>) trial.get("config")).get("x")).doubleValue();
            for (int step = 1; step <= reports; step++) {
                send(
                        rec,
                        "report",
                        base + "/trials/" + id + "/reports",
                        Map.of("metrics", Map.of("loss", (x - 0.3) * (x - 0.3) + 1.0 / step), "step", step));
            }
            send(rec, "complete", base + "/trials/" + id + "/complete", Map.of());
        });
    }

    /**
     * Sends until the answer is not a 429, waiting each 429's {@code Retry-After} (seconds; 1 when absent
     * or unreadable; at most {@code --max-retry-after-ms}); records the refusals and the served answer.
     */
    private HttpResponse<String> send(Recorder rec, String op, String path, Object body) throws Exception {
        while (true) {
            long t = System.nanoTime();
            HttpResponse<String> r = post(path, body);
            if (r.statusCode() != 429) {
                rec.add(op, t, r);
                return r;
            }
            rec.refused(op, t);
            long waitMs = 1000;
            try {
                waitMs = Long.parseLong(r.headers()
                                .firstValue("Retry-After")
                                .orElse("1")
                                .trim())
                        * 1000;
            } catch (NumberFormatException httpDate) {
                // an HTTP-date: wait the default second
            }
            Thread.sleep(Math.min(Math.max(waitMs, 0), maxRetryAfterMs));
        }
    }

    private HttpResponse<String> post(String path, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(urls.get(CLIENT.get() % urls.size()) + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void print(Recorder rec, double seconds, String study, double serverCpu) {
        System.out.printf(
                Locale.ROOT,
                "study %s (+%d more), %d clients, %d trials x %d reports, prefill %d, %.1f s%n",
                study,
                studies - 1,
                clients,
                trials,
                reports,
                prefill,
                seconds);
        System.out.printf(
                Locale.ROOT,
                "%-9s %8s %10s %9s %9s %9s %7s %7s %11s%n",
                "op",
                "count",
                "per s",
                "p50 ms",
                "p99 ms",
                "max ms",
                "errors",
                "429s",
                "429 max ms");
        Map<String, Object> summary = new LinkedHashMap<>();
        for (String op : List.of("ask", "report", "complete")) {
            Recorder.Stats s = rec.stats(op);
            System.out.printf(
                    Locale.ROOT,
                    "%-9s %8d %10.1f %9.2f %9.2f %9.2f %7d %7d %11.2f%n",
                    op,
                    s.count(),
                    s.count() / seconds,
                    s.p50(),
                    s.p99(),
                    s.max(),
                    s.errors(),
                    s.refused(),
                    s.refusedMax());
            summary.put(op + "PerSecond", Math.round(s.count() / seconds * 10) / 10.0);
            summary.put(op + "P50Ms", Math.round(s.p50() * 100) / 100.0);
            summary.put(op + "P99Ms", Math.round(s.p99() * 100) / 100.0);
            summary.put(op + "Errors", s.errors());
            summary.put(op + "Refused429", s.refused());
        }
        long reportCount = rec.stats("report").count();
        // All the server's work in the measured phase (asks, completes, GC) charged to the reports.
        double cpuMsPerReport = reportCount == 0 ? Double.NaN : serverCpu * 1000 / reportCount;
        System.out.printf(
                Locale.ROOT,
                "server CPU %.1f s in the measured phase = %.2f ms per report (asks and completes included),"
                        + " %.0f reports per CPU-second%n",
                serverCpu,
                cpuMsPerReport,
                1000 / cpuMsPerReport);
        summary.put("serverCpuSeconds", Double.isNaN(serverCpu) ? null : Math.round(serverCpu * 100) / 100.0);
        summary.put(
                "serverCpuMsPerReport",
                Double.isNaN(cpuMsPerReport) ? null : Math.round(cpuMsPerReport * 1000) / 1000.0);
        summary.put("baseline", baseline);
        summary.put("clients", clients);
        summary.put("servers", urls.size());
        summary.put("studies", studies);
        summary.put("trials", trials);
        summary.put("prefill", prefill);
        System.out.println(JSON.writeValueAsString(summary));
    }
}
