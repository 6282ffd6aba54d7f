package dev.attune.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for tests: real requests to a running server, JSON in and out. */
public final class Api {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public Api(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    public record Response(int status, String contentType, String body) {
        @SuppressWarnings("unchecked")
        public Map<String, Object> json() {
            return JSON.readValue(body, Map.class);
        }

        public Object get(String path) {
            Object v = json();
            for (String key : path.split("\\.")) {
                v = key.matches("\\d+") ? ((List<?>) v).get(Integer.parseInt(key)) : ((Map<?, ?>) v).get(key);
            }
            return v;
        }

        public String string(String path) {
            return String.valueOf(get(path));
        }
    }

    public static String json(Object value) {
        return JSON.writeValueAsString(value);
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET().build());
    }

    public Response delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE().build());
    }

    public Response post(String path, Object body) {
        return postRaw(path, body == null ? "" : json(body), "application/json");
    }

    public Response postRaw(String path, String body, String contentType) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b.build());
    }

    public Response send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(
                    r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (Exception e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed", e);
        }
    }

    /** Creates a study and returns its id. */
    public String createStudy(Map<String, Object> definition) {
        Response r = post("/api/v1/studies", definition);
        if (r.status() != 201) {
            throw new AssertionError("create failed: " + r.status() + " " + r.body());
        }
        return r.string("id");
    }
}
