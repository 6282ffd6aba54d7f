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
    private final String token;

    public Api(int port) {
        this(port, null);
    }

    /** A client that sends {@code Authorization: Bearer token} with every request (none when null). */
    public Api(int port, String token) {
        this.base = "http://127.0.0.1:" + port;
        this.token = token;
    }

    private HttpRequest.Builder to(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }

    /** Any method, with a JSON body (none when null). */
    public Response call(String method, String path, String body) {
        HttpRequest.Builder b = to(path);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        }
        return send(b.build());
    }

    public record Response(int status, String contentType, String body, java.net.http.HttpHeaders headers) {
        public Response(int status, String contentType, String body) {
            this(status, contentType, body, java.net.http.HttpHeaders.of(Map.of(), (a, b) -> true));
        }

        /** The first value of a response header, or null. */
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

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
        return send(to(path).GET().build());
    }

    public Response delete(String path) {
        return send(to(path).DELETE().build());
    }

    public Response post(String path, Object body) {
        return postRaw(path, body == null ? "" : json(body), "application/json");
    }

    /** A POST with a JSON body (none when null) and these request headers. */
    public Response post(String path, Object body, Map<String, String> headers) {
        HttpRequest.Builder b = to(path).POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : json(body)))
                .header("Content-Type", "application/json");
        headers.forEach(b::header);
        return send(b.build());
    }

    /** A PATCH with a JSON body of the given content type (application/merge-patch+json or application/json). */
    public Response patch(String path, Object body, String contentType) {
        return send(to(path).method("PATCH", HttpRequest.BodyPublishers.ofString(json(body)))
                .header("Content-Type", contentType)
                .build());
    }

    public Response postRaw(String path, String body, String contentType) {
        HttpRequest.Builder b = to(path).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b.build());
    }

    public Response send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(
                    r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r.headers());
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
