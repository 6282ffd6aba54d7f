package dev.attune.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs one handed-out trial as a process, as Syne Tune's local backend does: the config as
 * {@code --name value} arguments (or a JSON file), {@code --st_checkpoint_dir}, and each
 * {@code [tune-metric]: {json}} line of its standard output turned into a report (with the fields Syne
 * Tune's {@code Reporter} adds, where the script did not). The checkpoint directory is the script's to
 * create: it exists only when there is a checkpoint to resume from (fetched first from this machine or
 * the server's store when the trial is resumed, cloned or retried). The server's answer is obeyed: STOP
 * and PAUSE end the process (SIGTERM, then SIGKILL after the grace period); the checkpoint it left goes to
 * the store. Its output goes to the server while it runs.
 */
final class TrialRun {
    static final String METRIC_PREFIX = "[tune-metric]: ";
    static final int STDERR_TAIL_LINES = 40;

    enum Outcome {
        COMPLETED,
        FAILED,
        STOPPED,
        PAUSED,
        /** The worker shut down and gave the trial back with its checkpoint: the next ask resumes it. */
        RELEASED,
        /** The worker shut down and failed the trial: it had no checkpoint to resume from. */
        ABANDONED,
        /** The command could not be started; the trial failed at once. */
        CANNOT_START
    }

    private final ServerClient server;
    private final WorkerOptions options;
    private final Log log;
    private final String studyId;
    private final long trialId;
    private final Map<String, Object> config;
    private final Long sourceTrialId;
    private final Long retryOf;
    private final boolean resumed;
    /** No report yet: a resumed trial like this was given back before it ran, so no checkpoint is owed. */
    private final boolean neverReported;

    private final String workerId;
    private final CheckpointSync checkpoints;
    private final GpuPool gpuPool;
    private volatile String decision = "CONTINUE";
    private volatile Process process;
    private volatile String startFailure;
    /** The trial whose checkpoint was placed in this one's directory before it started, if any. */
    private Long checkpointFrom;

    private int reportsThisRun;
    private long startedNanos;

    TrialRun(
            ServerClient server,
            WorkerOptions options,
            Log log,
            String studyId,
            String workerId,
            Map<String, Object> trial,
            CheckpointSync checkpoints,
            GpuPool gpuPool) {
        this.workerId = workerId;
        this.server = server;
        this.options = options;
        this.log = log;
        this.studyId = studyId;
        this.checkpoints = checkpoints;
        this.gpuPool = gpuPool;
        this.trialId = ((Number) trial.get("id")).longValue();
        @SuppressWarnings("unchecked")
        Map<String, Object> c = (Map<String, Object>) trial.get("config");
        this.config = c;
        this.sourceTrialId = trial.get("checkpointTrialId") instanceof Number n ? n.longValue() : null;
        this.retryOf = trial.get("retryOf") instanceof Number n ? n.longValue() : null;
        this.resumed = Boolean.TRUE.equals(trial.get("resumed"));
        this.neverReported = !(trial.get("metrics") instanceof Map<?, ?> m) || m.isEmpty();
    }

    long trialId() {
        return trialId;
    }

    boolean resumed() {
        return resumed;
    }

    String startFailure() {
        return startFailure;
    }

    Path trialDir() {
        return options.trialDir(studyId, trialId);
    }

    Path checkpointDir() {
        return options.checkpointDir(studyId, trialId);
    }

    List<String> command() throws IOException {
        List<String> cmd = new ArrayList<>(options.command());
        if (options.configJson()) {
            Path file = trialDir().resolve("config.json");
            Files.writeString(file, ServerClient.json(config));
            cmd.add("--st_config_json_filename");
            cmd.add(file.toString());
        } else {
            config.forEach((name, value) -> {
                cmd.add("--" + name);
                cmd.add(argument(value));
            });
        }
        cmd.add("--st_checkpoint_dir");
        cmd.add(checkpointDir().toString());
        return cmd;
    }

    /** Python's str() for scalars, as Syne Tune passes them; JSON for lists and objects. */
    static String argument(Object value) {
        return switch (value) {
            case Boolean b -> b ? "True" : "False";
            case Map<?, ?> m -> ServerClient.json(m);
            case List<?> l -> ServerClient.json(l);
            default -> String.valueOf(value);
        };
    }

    Outcome run() throws IOException, InterruptedException {
        Files.createDirectories(trialDir());
        prepareCheckpoint();
        List<String> gpus = gpuPool.acquire();
        Outcome outcome;
        try {
            outcome = execute(gpus);
        } finally {
            gpuPool.release(gpus);
        }
        uploadLogs();
        return finish(outcome);
    }

    /**
     * A resumed trial continues from its own checkpoint, a PBT clone from its source's, a retry from the
     * failed trial's: fetched here from this machine or the store. When none exists anywhere the trial
     * starts from scratch and the server is told (Syne Tune's trials_resumed_without_checkpoint).
     */
    private void prepareCheckpoint() throws IOException, InterruptedException {
        Long from = sourceTrialId != null ? sourceTrialId : resumed ? Long.valueOf(trialId) : retryOf;
        if (from == null) {
            return;
        }
        boolean owed = !(resumed && neverReported && from == trialId);
        boolean found;
        try {
            found = checkpoints.fetch(from, options.trialDir(studyId, from), checkpointDir(), owed);
        } catch (IOException e) {
            log.warn("trial " + trialId + ": could not fetch trial " + from + "'s checkpoint: " + e.getMessage());
            found = false;
        }
        if (found) {
            checkpointFrom = from;
        } else if (owed) {
            log.warn("trial " + trialId + ": no checkpoint of trial " + from + " found; it starts from scratch");
            server.post(path("/checkpoint/missing"), null);
        }
    }

    /** After the run: the checkpoint goes to the store, or is deleted when the study says so. */
    private Outcome finish(Outcome outcome) throws IOException, InterruptedException {
        switch (outcome) {
            case ABANDONED -> {
                if (CheckpointSync.hasFiles(checkpointDir())) {
                    checkpoints.upload(trialId, trialDir(), checkpointDir());
                    server.post(path("/release"), Map.of("reason", "worker " + workerId + " shut down"));
                    log.info("trial " + trialId + " paused: the worker is shutting down; its checkpoint waits for"
                            + " the next worker");
                    return Outcome.RELEASED;
                }
                server.post(path("/fail"), Map.of("reason", "worker " + workerId + " shut down"));
                log.info("trial " + trialId + " failed: the worker is shutting down and it has no checkpoint");
                return outcome;
            }
            case COMPLETED, STOPPED -> {
                if (options.deleteCheckpoints()) {
                    deleteTree(checkpointDir());
                    Files.deleteIfExists(trialDir().resolve(CheckpointSync.MARKER));
                    if (checkpoints.enabled()) {
                        server.delete(path("/checkpoint"));
                    }
                } else {
                    checkpoints.upload(trialId, trialDir(), checkpointDir());
                }
            }
            case PAUSED, FAILED -> checkpoints.upload(trialId, trialDir(), checkpointDir());
            case RELEASED, CANNOT_START -> {
                // nothing ran, or done above
            }
        }
        return outcome;
    }

    /** Sends the tails of stdout and stderr, served at GET …/trials/{id}/logs. */
    private void uploadLogs() throws InterruptedException {
        server.put(
                path("/logs"),
                Map.of(
                        "stdout",
                        tail(trialDir().resolve("stdout.log")),
                        "stderr",
                        tail(trialDir().resolve("stderr.log"))));
    }

    static String tail(Path file) {
        try {
            String s = Files.exists(file) ? Files.readString(file) : "";
            // The server refuses NUL characters (PostgreSQL cannot store them); a binary byte in the
            // output should not cost the whole tail.
            s = s.replace('\0', '\uFFFD');
            return s.length() <= 32_768 ? s : s.substring(s.length() - 32_768);
        } catch (IOException e) {
            return "";
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private Outcome execute(List<String> gpus) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command());
        pb.environment().put("ATTUNE_STUDY_ID", studyId);
        pb.environment().put("ATTUNE_TRIAL_ID", Long.toString(trialId));
        pb.environment().put("ATTUNE_CHECKPOINT_DIR", checkpointDir().toString());
        pb.environment().put("ST_CHECKPOINT_DIR", checkpointDir().toString());
        pb.environment().put("PYTHONUNBUFFERED", "1");
        if (checkpointFrom != null) {
            pb.environment().put("ATTUNE_CHECKPOINT_FROM", Long.toString(checkpointFrom));
        }
        if (!gpus.isEmpty()) {
            pb.environment().put("CUDA_VISIBLE_DEVICES", String.join(",", gpus));
        }
        try {
            process = pb.start();
        } catch (IOException e) {
            startFailure = "cannot start " + options.command().getFirst() + ": " + e.getMessage();
            server.post(path("/fail"), Map.of("reason", clip(startFailure)));
            log.warn("trial " + trialId + " failed: " + startFailure);
            return Outcome.CANNOT_START;
        }
        startedNanos = System.nanoTime();
        log.info("trial " + trialId + (resumed ? " resumed" : " started") + " (pid " + process.pid() + ")"
                + (sourceTrialId == null ? "" : " from trial " + sourceTrialId + "'s checkpoint")
                + (retryOf == null ? "" : ", retrying trial " + retryOf)
                + (gpus.isEmpty() ? "" : ", GPUs " + String.join(",", gpus)));
        Deque<String> stderrTail = new ArrayDeque<>();
        Thread errors = Thread.ofVirtual()
                .start(() -> pump(process.getErrorStream(), trialDir().resolve("stderr.log"), line -> {
                    synchronized (stderrTail) {
                        stderrTail.addLast(line);
                        if (stderrTail.size() > STDERR_TAIL_LINES) {
                            stderrTail.removeFirst();
                        }
                    }
                }));
        Thread beats = Thread.ofVirtual().start(this::heartbeats);
        Thread logs = Thread.ofVirtual().start(this::streamLogs);
        pump(process.getInputStream(), trialDir().resolve("stdout.log"), this::onLine);
        int exit = process.waitFor();
        beats.interrupt();
        logs.interrupt();
        errors.join(Duration.ofSeconds(5));
        if (decision.equals("ABANDONED")) {
            return Outcome.ABANDONED;
        }
        if (!decision.equals("CONTINUE")) {
            log.info("trial " + trialId + " ended by the server: " + decision);
            return decision.equals("PAUSE") ? Outcome.PAUSED : Outcome.STOPPED;
        }
        if (exit == 0) {
            ServerClient.Answer a = server.post(path("/complete"), Map.of());
            log.info("trial " + trialId + " completed" + (a.status() == 200 ? "" : " (server: " + a.status() + ")"));
            return Outcome.COMPLETED;
        }
        String tail;
        synchronized (stderrTail) {
            tail = String.join("\n", stderrTail);
        }
        String reason = "exit code " + exit + (tail.isEmpty() ? "" : ":\n" + tail);
        server.post(path("/fail"), Map.of("reason", clip(reason)));
        log.warn("trial " + trialId + " failed with exit code " + exit);
        return Outcome.FAILED;
    }

    /** A reason as the server takes it: no NUL characters, at most its last 1900 characters. */
    private static String clip(String reason) {
        String r = reason.replace('\0', '\uFFFD');
        return r.length() > 1900 ? r.substring(r.length() - 1900) : r;
    }

    /** The output so far goes to the server every log interval while the process runs. */
    private void streamLogs() {
        try {
            while (true) {
                Thread.sleep(options.logInterval().toMillis());
                uploadLogs();
            }
        } catch (InterruptedException done) {
            // the process ended; run() sends the final tails
        } catch (RuntimeException e) {
            log.warn("trial " + trialId + ": live logs stopped: " + e.getMessage());
        }
    }

    private String path(String suffix) {
        return "/api/v1/studies/" + studyId + "/trials/" + trialId + suffix;
    }

    private void onLine(String line) {
        int at = line.indexOf(METRIC_PREFIX);
        if (at < 0 || !decision.equals("CONTINUE")) {
            return;
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        try {
            ServerClient.parse(line.substring(at + METRIC_PREFIX.length())).forEach((k, v) -> {
                if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
                    metrics.put(k, v);
                }
            });
        } catch (RuntimeException malformed) {
            log.warn("trial " + trialId + ": ignored a malformed metric line: " + line);
            return;
        }
        addReporterFields(metrics);
        try {
            ServerClient.Answer a = server.post(path("/reports"), Map.of("metrics", metrics));
            String d = a.status() == 200 ? (String) a.body().get("decision") : "STOP";
            if (a.status() != 200) {
                log.warn("trial " + trialId + ": report refused (" + a.status() + " "
                        + a.body().get("detail") + "); stopping it");
            }
            obey(d);
            if (decision.equals("CONTINUE") && checkpoints.snapshots()) {
                checkpoints.upload(trialId, trialDir(), checkpointDir());
            }
        } catch (IOException e) {
            log.warn("trial " + trialId + ": checkpoint snapshot failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The fields Syne Tune's {@code Reporter} adds to every report, for scripts that print their metric lines
     * themselves: {@code st_worker_timestamp} (seconds since the epoch), {@code st_worker_time} (seconds
     * since the process started) and {@code st_worker_iter} (0-based count of this process's reports).
     * A script's own values are kept.
     */
    void addReporterFields(Map<String, Object> metrics) {
        metrics.putIfAbsent("st_worker_timestamp", System.currentTimeMillis() / 1000.0);
        metrics.putIfAbsent("st_worker_time", (System.nanoTime() - startedNanos) / 1e9);
        metrics.putIfAbsent("st_worker_iter", reportsThisRun);
        reportsThisRun++;
    }

    private void heartbeats() {
        try {
            while (true) {
                Thread.sleep(options.heartbeat().toMillis());
                ServerClient.Answer a = server.post(path("/heartbeat"), null);
                if (a.status() == 200) {
                    obey((String) a.body().get("decision"));
                } else if (a.status() == 409) {
                    obey("STOP");
                }
            }
        } catch (InterruptedException done) {
            // the process ended
        }
    }

    /** Ends the process for a STOP or PAUSE: SIGTERM first, SIGKILL after the grace period. */
    private synchronized void obey(String d) {
        if (d == null || d.equals("CONTINUE") || !decision.equals("CONTINUE")) {
            return;
        }
        decision = d;
        terminate();
    }

    /**
     * The worker is shutting down: end the process; {@link #run} then gives the trial back when it left a
     * checkpoint, or fails it.
     */
    synchronized void abandon() {
        if (decision.equals("CONTINUE")) {
            decision = "ABANDONED";
        }
        terminate();
    }

    void terminate() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(options.grace().toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    interface LineHandler {
        void accept(String line);
    }

    private static void pump(InputStream in, Path file, LineHandler handler) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                Writer out = Files.newBufferedWriter(
                        file,
                        StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                out.write(line);
                out.write('\n');
                out.flush();
                handler.accept(line);
            }
        } catch (IOException closed) {
            // the process went away
        }
    }

    static void copyCheckpoint(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
