package dev.attune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bench load} against a stub server that refuses every other write with 429: the refusals are
 * counted apart from the served requests, each refused request is sent again after its Retry-After, and
 * every trial still runs its reports.
 */
class LoadBenchTest {
    final AtomicInteger writes = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();

    @Test
    @SuppressWarnings("unchecked")
    void refusalsAreCountedApartAndRetriedAfterRetryAfter() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new LoadBench())
                    .execute(
                            "--url",
                            "http://127.0.0.1:" + server.getAddress().getPort(),
                            "--clients",
                            "1",
                            "--trials",
                            "4",
                            "--warmup",
                            "0",
                            "--reports",
                            "3");
        } finally {
            System.setOut(original);
            server.stop(0);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(text).isZero();
        Map<String, Object> summary = JsonMapper.builder()
                .build()
                .readValue(
                        text.lines()
                                .filter(l -> l.startsWith("{"))
                                .reduce((a, b) -> b)
                                .orElseThrow(),
                        Map.class);
        int askRefused = ((Number) summary.get("askRefused429")).intValue();
        int reportRefused = ((Number) summary.get("reportRefused429")).intValue();
        int completeRefused = ((Number) summary.get("completeRefused429")).intValue();
        // 4 trials x (1 ask + 3 reports + 1 complete) served, and as many refused before them.
        assertThat(askRefused + reportRefused + completeRefused).as(text).isEqualTo(refused.get());
        assertThat(refused.get()).isEqualTo(20);
        assertThat(reportRefused).isEqualTo(12);
        assertThat(((Number) summary.get("reportErrors")).intValue()).isZero();
        assertThat(text).contains("429s");
    }

    void answer(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        ex.getRequestBody().readAllBytes();
        if (path.equals("/api/v1/studies")) {
            send(ex, 201, "{\"id\":\"s1\"}");
        } else if (path.startsWith("/api/v1/studies/s1/") && writes.incrementAndGet() % 2 == 1) {
            refused.incrementAndGet();
            ex.getResponseHeaders().add("Retry-After", "0");
            send(ex, 429, "{\"title\":\"Overloaded\"}");
        } else if (path.endsWith("/ask")) {
            send(ex, 200, "{\"status\":\"RUN\",\"trial\":{\"id\":7,\"config\":{\"x\":0.5}}}");
        } else if (path.startsWith("/api/v1/studies/s1/")) {
            send(ex, 200, "{\"decision\":\"CONTINUE\"}");
        } else {
            send(ex, 404, "{}");
        }
    }

    static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }
}
