package dev.attune.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The answers that are not about the input: a genuine fault is a 500 problem whose correlation id is in
 * the log line, an unreachable database a 503 with Retry-After, and an oversized body a 413 that a
 * client sending its whole body before reading (as Python's urllib and requests do) can read.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.datasource.url=jdbc:h2:mem:faults;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
            "attune.max-request-bytes=1048576"
        })
@Import(ServerFaultsTest.Failing.class)
@ExtendWith(OutputCaptureExtension.class)
class ServerFaultsTest {
    static final int TWENTY_MIB = 20 * 1024 * 1024;

    @LocalServerPort
    int port;

    @TempDir
    Path dir;

    @RestController
    static class Failing {
        @GetMapping("/test/fault")
        String fault() {
            throw new IllegalStateException("a bug");
        }

        @GetMapping("/test/database-down")
        String databaseDown() {
            throw new CannotCreateTransactionException(
                    "Could not open JPA EntityManager", new SQLException("Connection refused", "08001"));
        }
    }

    @Test
    void aGenuineFaultAnswersProblemJsonWithTheCorrelationIdOfItsLogLine(CapturedOutput output) {
        Api.Response r = new Api(port).get("/test/fault");
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.contentType()).startsWith("application/problem+json");
        String id = r.string("correlationId");
        assertThat(id).matches("[0-9a-f]{16}");
        assertThat(r.string("detail")).contains(id);
        assertThat(output.getOut() + output.getErr())
                .contains("correlationId=" + id)
                .contains("a bug");
    }

    @Test
    void anUnreachableDatabaseAnswers503WithRetryAfter() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var response = http.send(
                java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create("http://127.0.0.1:" + port + "/test/database-down"))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(response.body()).contains("database-unavailable");
    }

    /** Writes the whole request, then reads: a server that closes before reading makes the write fail. */
    @Test
    void a20MibBodyGetsA413TheClientCanRead() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/v1/studies HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + TWENTY_MIB + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) ' ');
            for (int sent = 0; sent < TWENTY_MIB; sent += chunk.length) {
                out.write(chunk);
            }
            out.flush();
            String answer = readAnswer(s.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 413").contains("payload-too-large");
        }
    }

    /** A chunked body has no length to refuse up front: the 413 comes while reading, the rest is swallowed. */
    @Test
    void a20MibChunkedBodyGetsA413TheClientCanRead() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/v1/studies HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) ' ');
            byte[] header = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int sent = 0; sent < TWENTY_MIB; sent += chunk.length) {
                out.write(header);
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readAnswer(s.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 413").contains("payload-too-large");
        }
    }

    static String readAnswer(InputStream in) throws java.io.IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] b = new byte[8192];
        for (int n; (n = in.read(b)) > 0; ) {
            got.write(b, 0, n);
            if (got.toString(StandardCharsets.UTF_8).contains("}")) {
                break;
            }
        }
        return got.toString(StandardCharsets.UTF_8);
    }

    static boolean python() {
        return Files.isExecutable(Path.of("/usr/bin/python3"));
    }

    @Test
    @EnabledIf("python")
    void pythonsUrllibReadsThe413Of20Mib() throws Exception {
        Path script = dir.resolve("big.py");
        Files.writeString(script, """
                import sys, urllib.request, urllib.error
                body = b" " * (20 * 1024 * 1024)
                req = urllib.request.Request(sys.argv[1], data=body, headers={"Content-Type": "application/json"})
                try:
                    urllib.request.urlopen(req, timeout=60)
                    print("no error")
                except urllib.error.HTTPError as e:
                    print(e.code, e.headers.get("Content-Type"), e.read().decode())
                except Exception as e:
                    print("failed", repr(e))
                """);
        Process p = new ProcessBuilder(
                        "/usr/bin/python3", script.toString(), "http://127.0.0.1:" + port + "/api/v1/studies")
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(out).startsWith("413 application/problem+json").contains("payload-too-large");
    }
}
