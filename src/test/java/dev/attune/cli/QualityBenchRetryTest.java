package dev.attune.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bench's client resends a request whose answer was lost, with the ask's Idempotency-Key unchanged, and
 * gives up after {@link QualityBench#ATTEMPTS}. A real HTTP server drops the connection without answering.
 */
class QualityBenchRetryTest {
    private HttpServer server;

    /** Drops the first {@code drops} requests' connections unanswered, then answers {"ok": n}. */
    QualityBench benchAgainst(int drops, List<String> keys, AtomicInteger requests) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            int n = requests.incrementAndGet();
            keys.add(String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key")));
            exchange.getRequestBody().readAllBytes();
            if (n <= drops) {
                exchange.close(); // no status line: the client's answer is lost
                return;
            }
            byte[] body = ("{\"ok\": " + n + "}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        QualityBench bench = new QualityBench();
        bench.url = "http://127.0.0.1:" + server.getAddress().getPort();
        return bench;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aLostAnswerIsAskedForAgainUnderTheSameIdempotencyKey() throws Exception {
        List<String> keys = new CopyOnWriteArrayList<>();
        AtomicInteger requests = new AtomicInteger();
        QualityBench bench = benchAgainst(2, keys, requests);
        Map<String, Object> answer = bench.post("/api/v1/studies/s/ask", Map.of("workerId", "bench"));
        assertThat(answer).containsEntry("ok", 3);
        assertThat(requests).hasValue(3);
        assertThat(keys).hasSize(3).doesNotContain("null");
        assertThat(keys.stream().distinct()).hasSize(1);
    }

    @Test
    void aStudysCreationIsNotResent() throws Exception {
        List<String> keys = new CopyOnWriteArrayList<>();
        AtomicInteger requests = new AtomicInteger();
        QualityBench bench = benchAgainst(1, keys, requests);
        assertThatThrownBy(() -> bench.create(Map.of("name", "s"))).isInstanceOf(IOException.class);
        assertThat(requests).hasValue(1);
    }

    @Test
    void aReportIsResentWithoutAKeyAndTheBenchGivesUpAfterItsAttempts() throws Exception {
        List<String> keys = new CopyOnWriteArrayList<>();
        AtomicInteger requests = new AtomicInteger();
        QualityBench bench = benchAgainst(QualityBench.ATTEMPTS, keys, requests);
        assertThatThrownBy(() -> bench.post("/api/v1/studies/s/trials/0/reports", Map.of("metrics", Map.of("y", 1))))
                .isInstanceOf(IOException.class);
        assertThat(requests).hasValue(QualityBench.ATTEMPTS);
        assertThat(keys).containsOnly("null");
    }
}
