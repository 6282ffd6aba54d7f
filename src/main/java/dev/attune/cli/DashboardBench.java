package dev.attune.cli;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fills a study through the real write path (parallel workers: ask → reports → complete, ASHA deciding)
 * and measures the dashboard on it: each query endpoint's latency, the CSV export, the first pushed
 * event, and — when {@code /usr/bin/chromium} exists — the study page's time to first meaningful paint
 * (navigation start to the first view drawn with its data, as the page records it in
 * {@code body[data-paint-ms]}).
 *
 * <p>Run: {@code java -jar target/attune.jar bench dashboard --url http://127.0.0.1:8080 --trials 100000};
 * {@code --study ID} measures an existing study without filling.
 */
@Command(name = "dashboard", mixinStandardHelpOptions = true, description = "Fill a large study, time the dashboard")
public class DashboardBench implements java.util.concurrent.Callable<Integer> {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "server (default ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--trials", defaultValue = "100000", description = "trials to run (default ${DEFAULT-VALUE})")
    int trials;

    @Option(names = "--clients", defaultValue = "16", description = "concurrent workers (default ${DEFAULT-VALUE})")
    int clients;

    @Option(
            names = "--repeat",
            defaultValue = "10",
            description = "timed requests per endpoint (default ${DEFAULT-VALUE})")
    int repeat;

    @Option(names = "--study", description = "measure this existing study instead of filling a new one")
    String study;

    @Option(
            names = "--chromium",
            defaultValue = "/usr/bin/chromium",
            description = "browser for the paint time; skipped when absent (default ${DEFAULT-VALUE})")
    Path chromium;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Override
    public Integer call() throws Exception {
        if (study == null) {
            study = createStudy();
            fill();
        }
        Map<String, Object> summary = getJson("/api/v1/studies/" + study + "/summary");
        long total = ((Number) summary.get("trials")).longValue();
        long best = ((Number) summary.getOrDefault("bestTrialId", 0)).longValue();
        long lastSeq = ((Number) summary.get("lastSeq")).longValue();
        System.out.printf(Locale.ROOT, "study %s: %d trials, %d events%n", study, total, lastSeq);
        String s = "/api/v1/studies/" + study;
        Map<String, String> endpoints = new LinkedHashMap<>();
        endpoints.put("summaries (studies list)", "/api/v1/summaries");
        endpoints.put("summary", s + "/summary");
        endpoints.put("series/best", s + "/series/best");
        endpoints.put("series/curves", s + "/series/curves");
        endpoints.put("trial-table, first page", s + "/trial-table");
        endpoints.put("trial-table, by value, offset 50000", s + "/trial-table?sort=value&order=asc&offset=50000");
        endpoints.put("trial-table, STOPPED only", s + "/trial-table?status=STOPPED");
        endpoints.put("params", s + "/params");
        endpoints.put("importance", s + "/importance");
        endpoints.put("workers", s + "/workers");
        endpoints.put("trial events", s + "/trials/" + best + "/events");
        endpoints.put("trial (existing API)", s + "/trials/" + best);
        // "first" is the first request's time: for the answers kept until the study changes (series/best,
        // importance), the cost of computing them; the timed requests after the warm-up hit what was kept.
        System.out.printf(
                Locale.ROOT,
                "%-40s %9s %9s %9s %9s %10s%n",
                "endpoint",
                "first ms",
                "p50 ms",
                "p90 ms",
                "max ms",
                "bytes");
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("trials", total);
        for (Map.Entry<String, String> e : endpoints.entrySet()) {
            double[] ms = new double[repeat];
            double first = 0;
            long bytes = 0;
            for (int i = -2; i < repeat; i++) { // two untimed warm-up requests
                long t0 = System.nanoTime();
                HttpResponse<String> r = get(e.getValue());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException(e.getValue() + " answered " + r.statusCode() + ": " + r.body());
                }
                if (i >= 0) {
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                } else if (i == -2) {
                    first = (System.nanoTime() - t0) / 1e6;
                }
                bytes = r.body().length();
            }
            Arrays.sort(ms);
            double p50 = ms[(repeat - 1) / 2];
            System.out.printf(
                    Locale.ROOT,
                    "%-40s %9.1f %9.1f %9.1f %9.1f %10d%n",
                    e.getKey(),
                    first,
                    p50,
                    ms[(int) Math.ceil(0.9 * repeat) - 1],
                    ms[repeat - 1],
                    bytes);
            result.put(e.getKey(), Math.round(p50 * 10) / 10.0);
        }
        long t0 = System.nanoTime();
        HttpResponse<InputStream> csv = http.send(
                HttpRequest.newBuilder(URI.create(url + s + "/export.csv")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        long rows = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(csv.body(), StandardCharsets.UTF_8))) {
            while (in.readLine() != null) {
                rows++;
            }
        }
        double csvMs = (System.nanoTime() - t0) / 1e6;
        System.out.printf(Locale.ROOT, "%-40s %9.1f ms for %d rows%n", "export.csv (whole study)", csvMs, rows - 1);
        result.put("export.csv ms", Math.round(csvMs));
        result.put("export.csv rows", rows - 1);
        double sse = firstEvents(s, Math.max(0, lastSeq - 100));
        System.out.printf(Locale.ROOT, "%-40s %9.1f ms%n", "stream: open + 100 events", sse);
        result.put("stream 100 events ms", Math.round(sse * 10) / 10.0);
        if (Files.isExecutable(chromium)) {
            for (String view : List.of("", "/curves", "/params", "/trials")) {
                long paint = paint(s.replace("/api/v1", "") + view);
                System.out.printf(
                        Locale.ROOT,
                        "%-40s %9d ms%n",
                        "first meaningful paint " + (view.isEmpty() ? "/" : view),
                        paint);
                result.put("paint " + (view.isEmpty() ? "overview" : view.substring(1)) + " ms", paint);
            }
        } else {
            System.out.println("no " + chromium + ": paint time not measured");
        }
        System.out.println(JSON.writeValueAsString(result));
        return 0;
    }

    /**
     * Opens the page in headless Chromium and asks it, over the DevTools protocol, for the paint time
     * the page recorded; a fresh profile each time, so nothing is cached.
     */
    @SuppressWarnings("unchecked")
    private long paint(String path) throws Exception {
        Path profile = Files.createTempDirectory("attune-bench-chromium");
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process p = new ProcessBuilder(
                        chromium.toString(),
                        "--headless=new",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--window-size=1400,1000",
                        "--user-data-dir=" + profile,
                        "--remote-debugging-port=" + port,
                        "--remote-allow-origins=*",
                        url + path)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            String socketUrl = null;
            while (socketUrl == null && System.nanoTime() < deadline) {
                try {
                    List<Map<String, Object>> targets = JSON.readValue(
                            http.send(
                                            HttpRequest.newBuilder(
                                                            URI.create("http://127.0.0.1:" + port + "/json/list"))
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .body(),
                            List.class);
                    socketUrl = targets.stream()
                            .filter(t -> "page".equals(t.get("type")))
                            .map(t -> (String) t.get("webSocketDebuggerUrl"))
                            .findFirst()
                            .orElse(null);
                } catch (java.io.IOException e) {
                    Thread.sleep(100); // not listening yet
                }
            }
            if (socketUrl == null) {
                throw new IllegalStateException("Chromium's DevTools did not answer");
            }
            java.util.concurrent.LinkedBlockingQueue<String> answers = new java.util.concurrent.LinkedBlockingQueue<>();
            java.net.http.WebSocket ws = http.newWebSocketBuilder()
                    .buildAsync(URI.create(socketUrl), new java.net.http.WebSocket.Listener() {
                        private final StringBuilder text = new StringBuilder();

                        @Override
                        public java.util.concurrent.CompletionStage<?> onText(
                                java.net.http.WebSocket socket, CharSequence data, boolean last) {
                            text.append(data);
                            if (last) {
                                answers.add(text.toString());
                                text.setLength(0);
                            }
                            socket.request(1);
                            return null;
                        }
                    })
                    .get(10, TimeUnit.SECONDS);
            try {
                for (int id = 1; System.nanoTime() < deadline; id++) {
                    ws.sendText(
                                    JSON.writeValueAsString(Map.of(
                                            "id",
                                            id,
                                            "method",
                                            "Runtime.evaluate",
                                            "params",
                                            Map.of(
                                                    "expression",
                                                    "document.body ? (document.body.dataset.paintMs || '') : ''",
                                                    "returnByValue",
                                                    true))),
                                    true)
                            .get(5, TimeUnit.SECONDS);
                    String answer = answers.poll(5, TimeUnit.SECONDS);
                    Matcher m = answer == null
                            ? null
                            : Pattern.compile("\"value\":\"(\\d+)\"").matcher(answer);
                    if (m != null && m.find()) {
                        return Long.parseLong(m.group(1));
                    }
                    Thread.sleep(100);
                }
                throw new IllegalStateException("the page at " + path + " recorded no paint time within 60 s");
            } finally {
                ws.abort();
            }
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(f -> f.toFile().delete());
            }
        }
    }

    private double firstEvents(String s, long after) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<InputStream> r = http.send(
                HttpRequest.newBuilder(URI.create(url + s + "/stream?afterSeq=" + after))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        int seen = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line; seen < 100 && (line = in.readLine()) != null; ) {
                if (line.startsWith("id:")) {
                    seen++;
                }
            }
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    private String createStudy() throws Exception {
        Map<String, Object> space = new LinkedHashMap<>();
        space.put("x", Map.of("type", "uniform", "lower", 0, "upper", 1));
        space.put("lr", Map.of("type", "loguniform", "lower", 1e-5, "upper", 1e-1));
        space.put("layers", Map.of("type", "randint", "lower", 1, "upper", 4));
        space.put("act", Map.of("type", "choice", "categories", List.of("relu", "tanh")));
        space.put("epochs", 9);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", "bench-dashboard-" + trials);
        d.put("space", space);
        d.put("metrics", List.of(Map.of("name", "loss")));
        d.put("method", "ASHA");
        d.put("resource", Map.of("attr", "epoch", "maxAttr", "epochs"));
        d.put("stoppingCriterion", Map.of("maxNumTrialsStarted", trials));
        d.put("allowDuplicates", true);
        HttpResponse<String> r = post("/api/v1/studies", d);
        if (r.statusCode() != 201) {
            throw new IllegalStateException("could not create a study: " + r.statusCode() + " " + r.body());
        }
        return (String) JSON.readValue(r.body(), Map.class).get("id");
    }

    /** Workers ask until DONE; a curve is (x − 0.3)² + |log10 lr + 3| / 10 + 1 / epoch. */
    @SuppressWarnings("unchecked")
    private void fill() throws Exception {
        long t0 = System.nanoTime();
        AtomicInteger done = new AtomicInteger();
        AtomicLong reports = new AtomicLong();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                String worker = "bench-" + c;
                futures.add(pool.submit(() -> {
                    String base = "/api/v1/studies/" + study;
                    while (true) {
                        Map<String, Object> ask = JSON.readValue(
                                post(base + "/ask", Map.of("workerId", worker)).body(), Map.class);
                        if ("DONE".equals(ask.get("status"))) {
                            return null;
                        }
                        if (!"RUN".equals(ask.get("status"))) {
                            Thread.sleep(20);
                            continue;
                        }
                        Map<String, Object> trial = (Map<String, Object>) ask.get("trial");
                        Map<String, Object> config = (Map<String, Object>) trial.get("config");
                        long id = ((Number) trial.get("id")).longValue();
                        double x = ((Number) config.get("x")).doubleValue();
                        double lr = ((Number) config.get("lr")).doubleValue();
                        double base0 = (x - 0.3) * (x - 0.3) + Math.abs(Math.log10(lr) + 3) / 10;
                        String decision = "CONTINUE";
                        for (int epoch = 1; epoch <= 9 && decision.equals("CONTINUE"); epoch++) {
                            HttpResponse<String> r = post(
                                    base + "/trials/" + id + "/reports",
                                    Map.of("metrics", Map.of("epoch", epoch, "loss", base0 + 1.0 / epoch)));
                            reports.incrementAndGet();
                            decision =
                                    (String) JSON.readValue(r.body(), Map.class).get("decision");
                        }
                        if ("CONTINUE".equals(decision)) {
                            post(base + "/trials/" + id + "/complete", Map.of());
                        }
                        int n = done.incrementAndGet();
                        if (n % 5000 == 0) {
                            System.out.printf(
                                    Locale.ROOT,
                                    "  %d trials, %d reports, %.0f s%n",
                                    n,
                                    reports.get(),
                                    (System.nanoTime() - t0) / 1e9);
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        System.out.printf(
                Locale.ROOT,
                "filled %d trials with %d reports in %.0f s (%d workers through ask/report/complete)%n",
                done.get(),
                reports.get(),
                (System.nanoTime() - t0) / 1e9,
                clients);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> getJson(String path) throws Exception {
        return JSON.readValue(get(path).body(), Map.class);
    }

    private HttpResponse<String> post(String path, Object body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
