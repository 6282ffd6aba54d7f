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

/**
 * The worker's client sends its token, waits out a rate-limited or overloaded (429) or database-less (503)
 * server for its Retry-After, and takes other answers as answers.
 */
class ServerClientTest {
    static HttpServer scripted(List<Integer> statuses, AtomicInteger calls) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            int i = calls.getAndIncrement();
            int status = i < statuses.size() ? statuses.get(i) : 200;
            byte[] body = (status == 200 ? "{\"ok\":true}" : "{\"detail\":\"busy\"}").getBytes(StandardCharsets.UTF_8);
            if (status == 429 || status == 503) {
                exchange.getResponseHeaders().add("Retry-After", "1");
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    @Test
    void retries429And503ThenReturnsTheAnswer() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpServer server = scripted(List.of(429, 503), calls);
        try {
            ServerClient client = new ServerClient(
                    "http://127.0.0.1:" + server.getAddress().getPort(), null, Duration.ofMillis(50), new Log());
            ServerClient.Answer a = client.get("/x");
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.body()).containsEntry("ok", true);
            assertThat(calls.get()).isEqualTo(3);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anAskSendsOneIdempotencyKeyOnAllItsRetriesAndTheNextAskANewOne() throws Exception {
        List<Integer> statuses = List.of(503, 503, 200, 503, 200);
        AtomicInteger calls = new AtomicInteger();
        List<String> keys = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            keys.add(String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key")));
            int i = calls.getAndIncrement();
            int status = i < statuses.size() ? statuses.get(i) : 200;
            byte[] body = "{\"status\":\"WAIT\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            ServerClient client = new ServerClient(
                    "http://127.0.0.1:" + server.getAddress().getPort(), null, Duration.ofMillis(20), new Log());
            assertThat(client.ask("/ask", java.util.Map.of("workerId", "w")).status())
                    .isEqualTo(200);
            assertThat(client.ask("/ask", java.util.Map.of("workerId", "w")).status())
                    .isEqualTo(200);
            assertThat(keys).hasSize(5);
            assertThat(keys.subList(0, 3)).as("one ask and its two retries").containsOnly(keys.getFirst());
            assertThat(keys.subList(3, 5)).containsOnly(keys.get(3));
            assertThat(keys.get(3)).as("the next ask").isNotEqualTo(keys.getFirst());
            assertThat(keys.getFirst()).matches("[!-~]{1,200}");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anAskWhoseKeyOutlivedItsTrialAsksAgainWithANewKey() throws Exception {
        List<String> keys = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            keys.add(String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key")));
            boolean first = keys.size() == 1;
            byte[] body = (first
                            ? "{\"type\":\"https://attune.dev/problems/idempotency-key-trial-ended\"}"
                            : "{\"status\":\"RUN\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(first ? 409 : 200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            ServerClient client = new ServerClient(
                    "http://127.0.0.1:" + server.getAddress().getPort(), null, Duration.ofMillis(20), new Log());
            ServerClient.Answer a = client.ask("/ask", java.util.Map.of("workerId", "w"));
            assertThat(a.status()).isEqualTo(200);
            assertThat(keys).hasSize(2);
            assertThat(keys.get(1)).isNotEqualTo(keys.get(0));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anotherClientErrorIsAnAnswer() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpServer server = scripted(List.of(409), calls);
        try {
            ServerClient client = new ServerClient(
                    "http://127.0.0.1:" + server.getAddress().getPort(), null, Duration.ofMillis(50), new Log());
            assertThat(client.get("/x").status()).isEqualTo(409);
            assertThat(calls.get()).isEqualTo(1);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void retryAfterIsHonouredUpToTheCap() {
        ServerClient client = new ServerClient("http://x", null, Duration.ofSeconds(5), new Log());
        assertThat(client.retryAfterMillis("2", 200)).isEqualTo(2000);
        assertThat(client.retryAfterMillis("60", 200)).isEqualTo(5000);
        assertThat(client.retryAfterMillis(null, 400)).isEqualTo(400);
        assertThat(client.retryAfterMillis("Wed, 21 Oct 2015 07:28:00 GMT", 400))
                .isEqualTo(400);
    }

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
