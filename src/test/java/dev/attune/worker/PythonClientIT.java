package dev.attune.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the Python client's own tests (Debian's python3, standard library only) against a real server,
 * with authentication off and on (the client then takes its token from ATTUNE_TOKEN).
 */
class PythonClientIT {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "authentication {0}")
    @ValueSource(strings = {"off", "on"})
    void pythonClientTestsPass(String auth) throws Exception {
        String admin = "python-it-admin-token";
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "DB_URL", "jdbc:h2:file:" + dir.resolve("db/attune") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE"));
        if (auth.equals("on")) {
            env.put("ATTUNE_ADMIN_TOKEN", admin);
        }
        try (ServerProcess server = ServerProcess.start("python-client", env)) {
            Path log = dir.resolve("unittest.log");
            ProcessBuilder pb = new ProcessBuilder(
                            "/usr/bin/python3", "-m", "unittest", "discover", "-v", "-s", "clients/python/tests")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().put("ATTUNE_URL", "http://127.0.0.1:" + server.port);
            if (auth.equals("on")) {
                // A writer of the default project: the tests create studies, ask and report.
                dev.attune.support.Api.Response token = new dev.attune.support.Api(server.port, admin)
                        .post("/api/v1/projects/default/tokens", Map.of("name", "python", "role", "writer"));
                assertThat(token.status()).as(token.body()).isEqualTo(201);
                pb.environment().put("ATTUNE_TOKEN", token.string("token"));
            } else {
                pb.environment().remove("ATTUNE_TOKEN");
            }
            pb.environment()
                    .put(
                            "PYTHONPATH",
                            Path.of("clients/python").toAbsolutePath().toString());
            Process p = pb.start();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String output = Files.readString(log);
            assertThat(p.exitValue()).as(output).isZero();
            assertThat(output).contains("Ran 10 tests").contains("OK");
        }
    }
}
