package dev.attune.webhooks;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.json.JsonMapper;

/**
 * A webhook receiver run by a test: a real HTTP server on the loopback that checks each request's
 * signature the way docs/webhooks.md tells receivers to (its own HMAC code, not the server's), answers
 * 500 to the first {@code failFirst} requests and 204 to the rest, and keeps every request it got.
 */
final class WebhookReceiver implements AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One request as received, and what the receiver answered. */
    record Received(
            String deliveryId,
            String eventHeader,
            String timestamp,
            boolean signatureValid,
            Map<String, Object> body,
            int answered) {
        String type() {
            return (String) body.get("type");
        }
    }

    private final HttpServer server;
    private final String secret;
    private final AtomicInteger toFail;
    private final List<Received> received = new ArrayList<>();

    WebhookReceiver(String secret, int failFirst) throws IOException {
        this.secret = secret;
        this.toFail = new AtomicInteger(failFirst);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String signature = exchange.getRequestHeaders().getFirst("Attune-Signature");
            int status = toFail.getAndDecrement() > 0 ? 500 : 204;
            @SuppressWarnings("unchecked")
            Map<String, Object> json = JSON.readValue(body, Map.class);
            synchronized (received) {
                received.add(new Received(
                        exchange.getRequestHeaders().getFirst("Attune-Delivery"),
                        exchange.getRequestHeaders().getFirst("Attune-Event"),
                        exchange.getRequestHeaders().getFirst("Attune-Timestamp"),
                        verify(signature, body),
                        json,
                        status));
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** The requests answered with 2xx. */
    List<Received> accepted() {
        return received().stream().filter(r -> r.answered() < 300).toList();
    }

    /** What a receiver does: HMAC-SHA256 of the raw body with the shared secret, compared in constant time. */
    private boolean verify(String header, byte[] body) {
        if (header == null || !header.startsWith("sha256=")) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] expected = mac.doFinal(body);
            byte[] given = HexFormat.of().parseHex(header.substring("sha256=".length()));
            return MessageDigest.isEqual(expected, given);
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
