package dev.attune.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The worker's client sends its token and waits out a 429 for its Retry-After instead of giving up. */
class ServerClientTest {
    @Test
    void sendsTheTokenAndRetriesARateLimitedRequestAfterRetryAfter() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<String> auth = new CopyOnWriteArrayList<>();
        List<Long> at = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/methods", exchange -> {
            auth.add(exchange.getRequestHeaders().getFirst("Authorization"));
            at.add(System.nanoTime());
            boolean limited = calls.incrementAndGet() == 1;
            byte[] body = (limited ? "{\"status\":429}" : "{\"items\":[]}").getBytes(StandardCharsets.UTF_8);
            if (limited) {
                exchange.getResponseHeaders().add("Retry-After", "1");
            }
            exchange.sendResponseHeaders(limited ? 429 : 200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            ServerClient client = new ServerClient(
                    "http://127.0.0.1:" + server.getAddress().getPort(),
                    "att_secret",
                    Duration.ofSeconds(1),
                    new Log());
            ServerClient.Answer answer = client.get("/api/v1/methods");
            assertThat(answer.status()).isEqualTo(200);
            assertThat(calls.get()).isEqualTo(2);
            assertThat(auth).containsOnly("Bearer att_secret");
            assertThat(Duration.ofNanos(at.get(1) - at.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        } finally {
            server.stop(0);
        }
    }
}
