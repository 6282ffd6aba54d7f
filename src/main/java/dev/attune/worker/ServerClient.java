package dev.attune.worker;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.json.JsonMapper;

/**
 * The worker's view of the server: JSON over HTTP, retried with exponential backoff (capped at the
 * worker's maximum) while the server is unreachable (connection refused, timeouts), overloaded (429) or
 * failing (5xx, e.g. 503 while its database is away), waiting at least what {@code Retry-After} asks
 * (but never longer than the cap); never on another 4xx, which is an answer. A request that has not
 * been answered within the worker's patience throws {@link Unreachable}: retries are bounded.
 */
final class ServerClient {
    record Answer(int status, Map<String, Object> body) {}

    /** The server did not answer within the worker's patience. */
    static final class Unreachable extends RuntimeException {
        Unreachable(String message) {
            super(message);
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;
    private final Duration maxBackoff;
    private final Duration patience;
    private final Log log;

    ServerClient(String server, String token, Duration maxBackoff, Log log) {
        this(server, token, maxBackoff, Duration.ofMinutes(5), log);
    }

    /** @param patience how long one request may go unanswered (retried) before {@link Unreachable} */
    ServerClient(String server, String token, Duration maxBackoff, Duration patience, Log log) {
        this.base = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
        this.token = token;
        this.maxBackoff = maxBackoff;
        this.patience = patience;
        this.log = log;
    }

    String base() {
        return base;
    }

    String token() {
        return token;
    }

    HttpClient http() {
        return http;
    }

    Answer delete(String path) throws InterruptedException {
        return send("DELETE", path, null);
    }

    Answer post(String path, Object body) throws InterruptedException {
        return send("POST", path, body);
    }

    /**
     * An ask ({@code POST …/ask}) with a fresh {@code Idempotency-Key}, the same on each of its retries: a
     * retry after a lost answer (e.g. a 503 whose commit reached the database) gets the trial the ask was
     * handed rather than a second one left running until its lease expires.
     */
    Answer ask(String path, Object body) throws InterruptedException {
        Answer answer = send(
                "POST", path, body, Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        for (int again = 0; again < 3 && keyEnded(answer); again++) {
            // The ask's retries outlasted what it handed out (e.g. the server was away past the trial's
            // lease and the trial went stale): nothing of it runs, so this is a new ask with a new key.
            answer = send(
                    "POST",
                    path,
                    body,
                    Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        }
        return answer;
    }

    private static boolean keyEnded(Answer answer) {
        return answer.status() == 409
                && String.valueOf(answer.body().get("type")).endsWith("/idempotency-key-trial-ended");
    }

    Answer put(String path, Object body) throws InterruptedException {
        return send("PUT", path, body);
    }

    Answer get(String path) throws InterruptedException {
        return send("GET", path, null);
    }

    Answer send(String method, String path, Object body) throws InterruptedException {
        return send(method, path, body, Map.of());
    }

    /** {@link #send(String, String, Object)} with these request headers on every attempt. */
    @SuppressWarnings("unchecked")
    Answer send(String method, String path, Object body, Map<String, String> headers) throws InterruptedException {
        long backoff = 200;
        long deadline = System.nanoTime() + patience.toNanos();
        for (int attempt = 1; ; attempt++) {
            if (attempt > 1 && System.nanoTime() - deadline > 0) {
                throw new Unreachable("no answer from " + base + " on " + path + " for " + patience.toSeconds() + " s ("
                        + (attempt - 1) + " attempts)");
            }
            try {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .method(
                                method,
                                body == null && !method.equals("POST") && !method.equals("PUT")
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(
                                                JSON.writeValueAsString(body == null ? Map.of() : body)));
                if (token != null) {
                    b.header("Authorization", "Bearer " + token);
                }
                headers.forEach(b::header);
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() < 500 && r.statusCode() != 429) {
                    Map<String, Object> json = r.body().isBlank() ? Map.of() : JSON.readValue(r.body(), Map.class);
                    return new Answer(r.statusCode(), json);
                }
                long wait =
                        retryAfterMillis(r.headers().firstValue("Retry-After").orElse(null), backoff);
                log.warn("server answered " + r.statusCode() + " on " + path + "; retry " + attempt + " in " + wait
                        + " ms");
                Thread.sleep(wait);
                backoff = Math.min(maxBackoff.toMillis(), backoff * 2);
                continue;
            } catch (ConnectException | HttpTimeoutException e) {
                log.warn("server unreachable (" + e.getClass().getSimpleName() + ") on " + path + "; retry " + attempt
                        + " in " + backoff + " ms");
            } catch (IOException e) {
                log.warn("request failed (" + e.getMessage() + ") on " + path + "; retry " + attempt + " in " + backoff
                        + " ms");
            }
            Thread.sleep(backoff);
            backoff = Math.min(maxBackoff.toMillis(), backoff * 2);
        }
    }

    /** The wait before the next attempt: the server's {@code Retry-After} seconds if given, capped. */
    long retryAfterMillis(String retryAfter, long backoff) {
        long wait = backoff;
        if (retryAfter != null) {
            try {
                wait = Math.max(backoff, Long.parseLong(retryAfter.trim()) * 1000);
            } catch (NumberFormatException httpDate) {
                // an HTTP date: keep the backoff
            }
        }
        return Math.min(wait, maxBackoff.toMillis());
    }

    static String json(Object value) {
        return JSON.writeValueAsString(value);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(String json) {
        return JSON.readValue(json, Map.class);
    }
}
