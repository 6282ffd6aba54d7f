package dev.attune.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the Python client's own tests (Debian's python3, standard library only) against a real server. */
class PythonClientIT {
    @TempDir
    Path dir;

    @Test
    void pythonClientTestsPass() throws Exception {
        try (ServerProcess server = ServerProcess.start(
                "python-client",
                Map.of(
                        "DB_URL",
                        "jdbc:h2:file:" + dir.resolve("db/attune") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE"))) {
            Path log = dir.resolve("unittest.log");
            ProcessBuilder pb = new ProcessBuilder(
                            "/usr/bin/python3", "-m", "unittest", "discover", "-v", "-s", "clients/python/tests")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().put("ATTUNE_URL", "http://127.0.0.1:" + server.port);
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
