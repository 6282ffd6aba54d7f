package dev.attune.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The packaged server started as a real process (as a user runs it), on a free port. */
public final class ServerProcess implements AutoCloseable {
    private final Process process;
    public final int port;
    public final Path log;

    private ServerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static ServerProcess start(String name, Map<String, String> env, String... args) throws IOException {
        return start(name, Path.of("."), env, args);
    }

    /**
     * Starts the server with {@code workDir} as its working directory, where the embedded default database
     * ({@code ./data}) then lives.
     */
    public static ServerProcess start(String name, Path workDir, Map<String, String> env, String... args)
            throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        String jar = Path.of(jar()).toAbsolutePath().toString();
        Path log = Files.createTempFile("attune-" + name + "-", ".log");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-jar", jar));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("PORT", Integer.toString(port));
        pb.directory(workDir.toFile());
        ServerProcess p = new ServerProcess(pb.start(), port, log);
        try {
            p.awaitHealthy(Duration.ofSeconds(90));
        } catch (RuntimeException | IOException e) {
            // A server that never became healthy must not outlive the test (it holds a port and CPU).
            p.process.destroyForcibly();
            throw e;
        }
        return p;
    }

    void awaitHealthy(Duration timeout) throws IOException {
        Instant deadline = Instant.now().plus(timeout);
        Api api = new Api(port);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited: " + Files.readString(log));
            }
            try {
                if (api.get("/actuator/health").body().contains("\"UP\"")) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("server not healthy after " + timeout + ": " + Files.readString(log));
    }

    /** The java executable the tests run on (a JDK >= 21 chosen by the toolchain). */
    public static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    public static String jar() {
        return System.getProperty("attune.jar", "target/attune.jar");
    }

    /** SIGKILL: no shutdown hooks, no flushing, as a crashed machine. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            kill();
        }
    }
}
