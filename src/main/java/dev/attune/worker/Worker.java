package dev.attune.worker;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker agent: {@code parallel} slots, each asking the study for a trial and running it, until the
 * study answers DONE. On shutdown it stops asking, ends its running trials' processes and fails those
 * trials so the scheduler knows at once (rather than after their leases).
 */
public final class Worker {
    private final ServerClient server;
    private WorkerOptions options;
    private final String studyId;
    private final String workerId;
    private final Log log = new Log();
    private final Set<TrialRun> running = ConcurrentHashMap.newKeySet();
    private final AtomicInteger finished = new AtomicInteger();
    private volatile boolean stopping;
    private final List<Thread> slots = new java.util.concurrent.CopyOnWriteArrayList<>();

    Worker(String server, String token, String studyId, String workerId, WorkerOptions options) {
        this.server = new ServerClient(server, token, java.time.Duration.ofSeconds(30), log);
        this.options = options;
        this.studyId = studyId;
        this.workerId = workerId;
    }

    /** Runs until the study is done or the worker is shut down; returns the number of trials it ran. */
    public int run() throws InterruptedException {
        ServerClient.Answer study = server.get("/api/v1/studies/" + studyId);
        if (study.status() != 200) {
            log.warn("study " + studyId + ": " + study.status() + " "
                    + study.body().get("detail"));
            return 0;
        }
        options = options.withDeleteCheckpoints(Boolean.TRUE.equals(study.body().get("deleteCheckpoints")));
        for (int i = 0; i < options.parallel(); i++) {
            int slot = i;
            slots.add(Thread.ofPlatform().name("slot-" + i).start(() -> loop(slot)));
        }
        for (Thread t : slots) {
            t.join();
        }
        log.info("worker done: " + finished.get() + " trial run(s)");
        return finished.get();
    }

    @SuppressWarnings("unchecked")
    private void loop(int slot) {
        try {
            while (!stopping) {
                dropCheckpoints();
                ServerClient.Answer ask =
                        server.post("/api/v1/studies/" + studyId + "/ask", Map.of("workerId", workerId + "/" + slot));
                if (ask.status() != 200) {
                    log.warn("ask refused: " + ask.status() + " " + ask.body().get("detail"));
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
                if (stopping) {
                    Object id = ((Map<String, Object>) ask.body().get("trial")).get("id");
                    server.post(
                            "/api/v1/studies/" + studyId + "/trials/" + id + "/fail",
                            Map.of("reason", "worker " + workerId + " shut down"));
                    return;
                }
                TrialRun run = new TrialRun(server, options, log, studyId, workerId, (Map<String, Object>)
                        ask.body().get("trial"));
                running.add(run);
                try {
                    run.run();
                } finally {
                    running.remove(run);
                }
                finished.incrementAndGet();
                log.info("progress: " + running.size() + " running, " + finished.get() + " done" + best());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.io.IOException e) {
            log.warn("slot " + slot + " cannot start its command: " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private String best() throws InterruptedException {
        ServerClient.Answer a = server.get("/api/v1/studies/" + studyId + "/best");
        if (a.status() == 200 && a.body().get("trial") instanceof Map<?, ?> t) {
            return ", best so far: trial " + t.get("id") + " " + t.get("metrics");
        }
        return "";
    }

    /** Deletes local checkpoints the server says to drop (speculative removal), unless their trial runs here. */
    @SuppressWarnings("unchecked")
    private void dropCheckpoints() throws InterruptedException {
        ServerClient.Answer a = server.get("/api/v1/studies/" + studyId + "/checkpoints");
        if (a.status() != 200 || !(a.body().get("remove") instanceof List<?> ids)) {
            return;
        }
        Set<Long> busy = new java.util.HashSet<>();
        running.forEach(r -> busy.add(r.trialId()));
        for (Object id : ids) {
            long trialId = ((Number) id).longValue();
            java.nio.file.Path dir = options.checkpointRoot()
                    .resolve(studyId)
                    .resolve("trial-" + trialId)
                    .resolve("checkpoint");
            if (!busy.contains(trialId) && java.nio.file.Files.exists(dir)) {
                try {
                    TrialRun.deleteTree(dir);
                    log.info("removed the checkpoint of paused trial " + trialId + " (checkpoint budget)");
                } catch (java.io.IOException e) {
                    log.warn("could not remove " + dir + ": " + e.getMessage());
                }
            }
        }
    }

    /** Stops asking, ends running processes, and waits while the slots fail their trials. */
    public void shutdown() {
        stopping = true;
        running.forEach(TrialRun::abandon);
        for (Thread slot : slots) {
            try {
                slot.join(options.grace().plusSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
