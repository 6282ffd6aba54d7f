package dev.attune.worker;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A worker agent: {@code parallel} slots, each asking the study for a trial and running it, until the
 * study answers DONE. On shutdown it stops asking and ends its running trials' processes; a trial that
 * left a checkpoint is given back (paused, the next worker resumes it), the others fail so the scheduler
 * knows at once. Its exit code says how it ended ({@link ExitCode}).
 */
public final class Worker {
    private final ServerClient server;
    private WorkerOptions options;
    private final String studyId;
    private final String workerId;
    private final Log log = new Log();
    private final Set<TrialRun> running = ConcurrentHashMap.newKeySet();
    private final Map<Long, TrialRun.Outcome> lastOutcome = new ConcurrentHashMap<>();
    private final AtomicInteger resumes = new AtomicInteger();
    private final AtomicReference<ExitCode> fatal = new AtomicReference<>();
    private final Duration checkpointWait;
    private volatile boolean stopping;
    private volatile String metric;
    private final List<Thread> slots = new CopyOnWriteArrayList<>();
    private CheckpointSync checkpoints;
    private GpuPool gpus;

    Worker(String server, String token, String studyId, String workerId, WorkerOptions options) {
        this(server, token, studyId, workerId, options, Duration.ofMinutes(5), Duration.ofSeconds(60));
    }

    Worker(
            String server,
            String token,
            String studyId,
            String workerId,
            WorkerOptions options,
            Duration serverPatience,
            Duration checkpointWait) {
        this.server = new ServerClient(server, token, Duration.ofSeconds(30), serverPatience, log);
        this.options = options;
        this.studyId = studyId;
        this.workerId = workerId;
        this.checkpointWait = checkpointWait;
    }

    /** Runs until the study is done, the worker is shut down, or it cannot go on; answers how it ended. */
    @SuppressWarnings("unchecked")
    public ExitCode run() throws InterruptedException {
        try {
            ServerClient.Answer study = server.get("/api/v1/studies/" + studyId);
            if (study.status() != 200) {
                log.warn("study " + studyId + ": " + study.status() + " "
                        + study.body().get("detail"));
                return study.status() == 401 || study.status() == 403 ? ExitCode.REFUSED : ExitCode.UNKNOWN_STUDY;
            }
            Map<String, Object> s = study.body();
            if (!configure(s)) {
                return ExitCode.NO_COMMAND;
            }
            for (int i = 0; i < options.parallel(); i++) {
                int slot = i;
                slots.add(Thread.ofPlatform().name("slot-" + i).start(() -> loop(slot)));
            }
            for (Thread t : slots) {
                t.join();
            }
        } catch (ServerClient.Unreachable e) {
            log.warn(e.getMessage());
            return ExitCode.SERVER_UNREACHABLE;
        }
        ExitCode code = exitCode();
        if (code == ExitCode.FINISHED || code == ExitCode.ALL_TRIALS_FAILED) {
            finalCleanUp();
        }
        log.info("worker done (exit " + code.status() + " " + code + "): " + summary());
        return code;
    }

    /** Takes the study's settings: its metric, deleteCheckpoints, its entry point and GPUs per trial. */
    @SuppressWarnings("unchecked")
    private boolean configure(Map<String, Object> study) {
        List<Map<String, Object>> metrics = (List<Map<String, Object>>) study.get("metrics");
        metric = metrics == null || metrics.isEmpty()
                ? null
                : (String) metrics.getFirst().get("name");
        options = options.withDeleteCheckpoints(Boolean.TRUE.equals(study.get("deleteCheckpoints")));
        if (options.command().isEmpty()) {
            if (!(study.get("entryPoint") instanceof List<?> entryPoint) || entryPoint.isEmpty()) {
                log.warn("no command given and study " + studyId + " records no entryPoint");
                return false;
            }
            options = options.withCommand((List<String>) entryPoint);
            log.info("running the study's entry point: " + String.join(" ", options.command()));
        }
        int perTrial = study.get("numGpusPerTrial") instanceof Number n ? n.intValue() : 1;
        gpus = new GpuPool(options.gpus(), perTrial);
        if (!gpus.isEmpty()) {
            int parallel = options.parallel() > 0 ? Math.min(options.parallel(), gpus.slots()) : gpus.slots();
            options = options.withGpus(perTrial, parallel);
            log.info("GPUs " + String.join(",", options.gpus()) + ", " + perTrial + " per trial: " + parallel
                    + " trial(s) at once");
        } else if (options.parallel() <= 0) {
            options = options.withGpus(perTrial, 1);
        }
        checkpoints = new CheckpointSync(
                server, studyId, log, options.uploadCheckpoints(), checkpointWait, "PBT".equals(study.get("method")));
        return true;
    }

    private ExitCode exitCode() {
        if (fatal.get() != null) {
            return fatal.get();
        }
        if (stopping) {
            return ExitCode.SHUT_DOWN;
        }
        boolean ran = !lastOutcome.isEmpty();
        boolean allFailed = ran
                && lastOutcome.values().stream()
                        .allMatch(o -> o == TrialRun.Outcome.FAILED || o == TrialRun.Outcome.CANNOT_START);
        return allFailed ? ExitCode.ALL_TRIALS_FAILED : ExitCode.FINISHED;
    }

    @SuppressWarnings("unchecked")
    private void loop(int slot) {
        try {
            while (!stopping) {
                dropCheckpoints();
                ServerClient.Answer ask =
                        server.ask("/api/v1/studies/" + studyId + "/ask", Map.of("workerId", workerId + "/" + slot));
                if (ask.status() != 200) {
                    log.warn("ask refused: " + ask.status() + " " + ask.body().get("detail"));
                    fatal.compareAndSet(
                            null,
                            ask.status() == 401 || ask.status() == 403 ? ExitCode.REFUSED : ExitCode.UNKNOWN_STUDY);
                    return;
                }
                String status = (String) ask.body().get("status");
                if ("DONE".equals(status)) {
                    return;
                }
                if ("WAIT".equals(status)) {
                    Thread.sleep(((Number) ask.body().getOrDefault("retryAfterMs", 500)).longValue());
                    continue;
                }
                Map<String, Object> trial = (Map<String, Object>) ask.body().get("trial");
                if (stopping) {
                    // Handed out as the worker stops: give it back untouched for the next worker.
                    server.post(
                            "/api/v1/studies/" + studyId + "/trials/" + trial.get("id") + "/release",
                            Map.of("reason", "worker " + workerId + " shut down before starting it"));
                    return;
                }
                runTrial(new TrialRun(server, options, log, studyId, workerId, trial, checkpoints, gpus));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ServerClient.Unreachable e) {
            log.warn(e.getMessage());
            fatal.compareAndSet(null, ExitCode.SERVER_UNREACHABLE);
            stopping = true;
        } catch (IOException e) {
            log.warn("slot " + slot + ": " + e.getMessage());
        }
    }

    private void runTrial(TrialRun run) throws IOException, InterruptedException {
        running.add(run);
        TrialRun.Outcome outcome;
        try {
            outcome = run.run();
        } finally {
            running.remove(run);
        }
        lastOutcome.put(run.trialId(), outcome);
        if (run.resumed()) {
            resumes.incrementAndGet();
        }
        if (outcome == TrialRun.Outcome.CANNOT_START) {
            // Every other trial would fail the same way: stop here and say so.
            fatal.compareAndSet(null, ExitCode.COMMAND_NOT_FOUND);
            stopping = true;
            return;
        }
        log.info("progress: trial " + run.trialId() + (run.resumed() ? " (resumed)" : "") + " "
                + outcome.name().toLowerCase(java.util.Locale.ROOT) + " | " + summary() + best());
    }

    /** Trials, not process runs: each counted once, by how its last run here ended. */
    String summary() {
        Map<TrialRun.Outcome, Long> by = new java.util.EnumMap<>(TrialRun.Outcome.class);
        lastOutcome.values().forEach(o -> by.merge(o, 1L, Long::sum));
        long done = by.getOrDefault(TrialRun.Outcome.COMPLETED, 0L)
                + by.getOrDefault(TrialRun.Outcome.STOPPED, 0L)
                + by.getOrDefault(TrialRun.Outcome.FAILED, 0L)
                + by.getOrDefault(TrialRun.Outcome.ABANDONED, 0L)
                + by.getOrDefault(TrialRun.Outcome.CANNOT_START, 0L);
        long paused = by.getOrDefault(TrialRun.Outcome.PAUSED, 0L) + by.getOrDefault(TrialRun.Outcome.RELEASED, 0L);
        return "trials here: " + running.size() + " running, " + done + " done ("
                + by.getOrDefault(TrialRun.Outcome.COMPLETED, 0L) + " completed, "
                + by.getOrDefault(TrialRun.Outcome.STOPPED, 0L) + " stopped, "
                + (by.getOrDefault(TrialRun.Outcome.FAILED, 0L) + by.getOrDefault(TrialRun.Outcome.ABANDONED, 0L))
                + " failed), " + paused + " paused, " + resumes.get() + " resume(s)";
    }

    private String best() throws InterruptedException {
        if (metric == null) {
            return "";
        }
        ServerClient.Answer a = server.get("/api/v1/studies/" + studyId + "/best");
        if (a.status() == 200
                && a.body().get("trial") instanceof Map<?, ?> t
                && t.get("metrics") instanceof Map<?, ?> m
                && m.get(metric) instanceof Number v) {
            return " | best " + metric + " " + plain(v.doubleValue()) + " (trial " + t.get("id") + ")";
        }
        return "";
    }

    /** A number as people write it: six significant digits, never in E-notation. */
    static String plain(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }

    /**
     * The end of the study, as Syne Tune's {@code stop_all}: with {@code deleteCheckpoints}, the checkpoints
     * left under this worker's root go (the server's store empties itself when the study is DONE). Only
     * once the study is DONE: while it is STOPPING other workers may still run trials from a shared root.
     */
    private void finalCleanUp() throws InterruptedException {
        if (!options.deleteCheckpoints()) {
            return;
        }
        ServerClient.Answer s = server.get("/api/v1/studies/" + studyId);
        if (s.status() != 200 || !"DONE".equals(s.body().get("status"))) {
            log.info("study " + studyId + " is not DONE yet: its checkpoints stay for the workers still running");
            return;
        }
        Path root = options.checkpointRoot().resolve(studyId);
        if (!Files.isDirectory(root)) {
            return;
        }
        int removed = 0;
        try (var trials = Files.list(root)) {
            for (Path trial : trials.toList()) {
                if (Files.isDirectory(trial.resolve("checkpoint"))) {
                    TrialRun.deleteTree(trial.resolve("checkpoint"));
                    removed++;
                }
                Files.deleteIfExists(trial.resolve(CheckpointSync.MARKER));
            }
        } catch (IOException e) {
            log.warn("final clean-up of " + root + ": " + e.getMessage());
        }
        log.info("study " + studyId + " is DONE: removed " + removed + " checkpoint(s) left under " + root);
    }

    /** Deletes local checkpoints the server says to drop (speculative removal), unless their trial runs here. */
    @SuppressWarnings("unchecked")
    private void dropCheckpoints() throws InterruptedException {
        ServerClient.Answer a = server.get("/api/v1/studies/" + studyId + "/checkpoints");
        if (a.status() != 200 || !(a.body().get("remove") instanceof List<?> ids)) {
            return;
        }
        Set<Long> busy = new HashSet<>();
        running.forEach(r -> busy.add(r.trialId()));
        for (Object id : ids) {
            long trialId = ((Number) id).longValue();
            Path dir = options.checkpointDir(studyId, trialId);
            if (!busy.contains(trialId) && Files.exists(dir)) {
                try {
                    TrialRun.deleteTree(dir);
                    Files.deleteIfExists(options.trialDir(studyId, trialId).resolve(CheckpointSync.MARKER));
                    log.info("removed the checkpoint of paused trial " + trialId + " (checkpoint budget)");
                } catch (IOException e) {
                    log.warn("could not remove " + dir + ": " + e.getMessage());
                }
            }
        }
    }

    /** Stops asking, ends running processes, and waits while the slots give back or fail their trials. */
    public void shutdown() {
        stopping = true;
        running.forEach(TrialRun::abandon);
        for (Thread slot : slots) {
            try {
                slot.join(options.grace().plusSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
