package dev.attune.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Installs the Python client as a user does ({@code pip install clients/python} into a fresh venv, offline:
 * Debian's python3 with its setuptools and wheel) and runs the client's own test suite from that install
 * against a real server, with authentication off and on (the client then takes a writer's token from
 * ATTUNE_TOKEN).
 */
class PythonClientIT {
    private static final Path CLIENT = Path.of("clients/python").toAbsolutePath();

    /** Fewer would mean a test file was not found. */
    private static final int MIN_TESTS = 50;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "authentication {0}")
    @ValueSource(strings = {"off", "on"})
    void pythonClientTestsPassAgainstARealServer(String auth) throws Exception {
        Path python = install();
        String admin = "python-it-admin-token";
        Map<String, String> env = new HashMap<>(Map.of(
                "DB_URL", "jdbc:h2:file:" + dir.resolve("db/attune") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE"));
        if (auth.equals("on")) {
            env.put("ATTUNE_ADMIN_TOKEN", admin);
        }
        try (ServerProcess server = ServerProcess.start("python-client", env)) {
            Map<String, String> testEnv = new HashMap<>(Map.of("ATTUNE_URL", "http://127.0.0.1:" + server.port));
            if (auth.equals("on")) {
                // A writer of the default project: the tests create studies, ask and report.
                dev.attune.support.Api.Response token = new dev.attune.support.Api(server.port, admin)
                        .post("/api/v1/projects/default/tokens", Map.of("name", "python", "role", "writer"));
                assertThat(token.status()).as(token.body()).isEqualTo(201);
                testEnv.put("ATTUNE_TOKEN", token.string("token"));
            }
            String output = run(
                    testEnv,
                    python.toString(),
                    "-m",
                    "unittest",
                    "discover",
                    "-v",
                    "-s",
                    CLIENT.resolve("tests").toString());
            Matcher ran = Pattern.compile("Ran (\\d+) tests").matcher(output);
            assertThat(ran.find()).as(output).isTrue();
            assertThat(Integer.parseInt(ran.group(1))).as(output).isGreaterThanOrEqualTo(MIN_TESTS);
            List<String> skipped =
                    output.lines().filter(l -> l.contains(" ... skipped")).toList();
            if (auth.equals("on")) {
                assertThat(skipped).as(output).isEmpty();
            } else {
                // Only the tests of authentication itself may skip; everything else ran against the server.
                assertThat(skipped).as(output).isNotEmpty().allMatch(l -> l.contains("needs authentication on"));
            }
        }
    }

    /** A venv with the client installed from a copy of clients/python; answers its python. */
    private Path install() throws Exception {
        Path source = dir.resolve("attune-client-src");
        copy(CLIENT, source);
        Path venv = dir.resolve("venv");
        // Debian's setuptools and wheel come from the system's site-packages: no index is needed.
        run(Map.of(), "/usr/bin/python3", "-m", "venv", "--system-site-packages", venv.toString());
        Path python = venv.resolve("bin/python");
        run(
                Map.of("PIP_CONFIG_FILE", "/dev/null"),
                python.toString(),
                "-m",
                "pip",
                "install",
                "--no-index",
                "--no-build-isolation",
                source.toString());
        String where = run(Map.of(), python.toString(), "-c", "import attune_client; print(attune_client.__file__)");
        assertThat(where.strip()).startsWith(venv.toString()).contains("site-packages");
        return python;
    }

    /** Runs a command in {@code dir} (not the repository: the client is imported from its install). */
    private String run(Map<String, String> env, String... command) throws Exception {
        Path log = Files.createTempFile(dir, "run-", ".log");
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().remove("ATTUNE_TOKEN");
        pb.environment().remove("ATTUNE_URL");
        pb.environment().remove("PYTHONPATH");
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS))
                .as(String.join(" ", command))
                .isTrue();
        String output = Files.readString(log);
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + output).isZero();
        return output;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path rel = from.relativize(f);
                if (rel.toString().contains("__pycache__")
                        || rel.toString().contains(".egg-info")
                        || rel.startsWith("build")) {
                    continue;
                }
                Path target = to.resolve(rel.toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }
}
