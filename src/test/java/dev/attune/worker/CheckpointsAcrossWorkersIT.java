package dev.attune.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import dev.attune.support.ServerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints that follow their trial, end to end with real processes: a server with a checkpoint store,
 * two workers whose checkpoint roots are different directories (two machines), and a Python training
 * script ({@code train_verified.py}) that fails unless it continues from the checkpoint of the trial it
 * was promised. Under promotion ASHA a worker is shut down (SIGTERM) and another on the other "machine"
 * resumes its trials; under PBT two workers run together and clone each other's trials. This class uses
 * the directory store; {@link S3CheckpointsAcrossWorkersIT} the same tests through S3.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckpointsAcrossWorkersIT {
    @TempDir
    static Path dir;

    ServerProcess server;
    Path script;
    Path runLog;

    @BeforeAll
    void start() throws Exception {
        startServer(List.of("--attune.checkpoints.dir=" + dir.resolve("store")));
    }

    void startServer(List<String> storeArgs) throws IOException {
        script = dir.resolve("train_verified.py");
        try (InputStream in = getClass().getResourceAsStream("/scripts/train_verified.py")) {
            Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        runLog = dir.resolve("runs.txt");
        List<String> args = new ArrayList<>(storeArgs);
        args.add("--attune.reaper-interval-ms=300");
        server = ServerProcess.start(
                "checkpoints-it",
                Map.of(
                        "DB_URL",
                        "jdbc:h2:file:" + dir.resolve("db/attune") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE"),
                args.toArray(String[]::new));
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
    }

    Api api() {
        return new Api(server.port);
    }

    String study(String method, Map<String, Object> options, Map<String, Object> extra) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put(
                "space",
                new LinkedHashMap<>(Map.of(
                        "x", Map.of("type", "uniform", "lower", 0, "upper", 1),
                        "learning-rate", Map.of("type", "uniform", "lower", 0.01, "upper", 0.2),
                        "epochs", 9)));
        d.put("metrics", List.of(Map.of("name", "loss")));
        d.put("method", method);
        d.put("options", options);
        d.put("resource", Map.of("attr", "epoch", "maxAttr", "epochs"));
        d.put("seed", 11);
        d.put("entryPoint", List.of("/usr/bin/python3", script.toString()));
        d.putAll(extra);
        return api().createStudy(d);
    }

    /** A worker on "machine" {@code root}; the command comes from the study's entry point. */
    Process worker(String study, Path root, int parallel, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                ServerProcess.java(),
                "-jar",
                ServerProcess.jar(),
                "worker",
                "--server",
                "http://127.0.0.1:" + server.port,
                "--study",
                study,
                "--parallel",
                Integer.toString(parallel),
                "--checkpoint-root",
                root.toString(),
                "--heartbeat-seconds",
                "1",
                "--grace-seconds",
                "2",
                "--log-interval-seconds",
                "1"));
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("worker-" + root.getFileName() + ".log").toFile()));
        pb.environment().put("ATTUNE_TEST_RUN_LOG", runLog.toString());
        pb.environment().put("ATTUNE_TEST_GPU_LOG", dir.resolve("gpus.txt").toString());
        return pb.start();
    }

    record Run(long trial, int startEpoch, Long from, String root) {}

    /** The runs of this study's trials, in the order they started. */
    List<Run> runs(String study) throws IOException {
        List<Run> runs = new ArrayList<>();
        if (!Files.exists(runLog)) {
            return runs;
        }
        for (String line : Files.readAllLines(runLog)) {
            String[] all = line.trim().split(" ", 5);
            if (!all[0].equals(study)) {
                continue;
            }
            String[] f = java.util.Arrays.copyOfRange(all, 1, 5);
            runs.add(new Run(
                    Long.parseLong(f[0]),
                    Integer.parseInt(f[1]),
                    f[2].equals("None") ? null : Long.parseLong(f[2]),
                    f[3]));
        }
        return runs;
    }

    String logs() throws IOException {
        StringBuilder all = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(p -> p.getFileName().toString().startsWith("worker-"))
                    .toList()) {
                all.append("== ").append(p.getFileName()).append('\n').append(Files.readString(p));
            }
        }
        return all.toString();
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> trials(String study) {
        return (List<Map<String, Object>>)
                api().get("/api/v1/studies/" + study + "/trials?limit=100").get("items");
    }

    @SuppressWarnings("unchecked")
    List<Integer> epochs(String study, Object trialId) {
        List<Map<String, Object>> reports = (List<Map<String, Object>>)
                api().get("/api/v1/studies/" + study + "/trials/" + trialId).get("reports");
        return reports.stream()
                .map(r -> ((Number) ((Map<String, Object>) r.get("metrics")).get("epoch")).intValue())
                .toList();
    }

    long count(String study, String status) {
        return ((Number) api().get("/api/v1/studies/" + study).get("trialCounts." + status)).longValue();
    }

    @Test
    void promotionAshaTrialsPausedOnOneMachineResumeOnAnotherFromTheirCheckpoints() throws Exception {
        String study = study(
                "ASHA",
                Map.of("type", "promotion"),
                Map.of("stoppingCriterion", Map.of("maxNumTrialsStarted", 8), "maxConcurrentTrials", 2));
        Path rootA = dir.resolve("machine-a-asha");
        Path rootB = dir.resolve("machine-b-asha");
        Process a = worker(study, rootA, 2);
        for (int i = 0; i < 1200 && count(study, "PAUSED") < 2; i++) {
            Thread.sleep(50);
        }
        assertThat(count(study, "PAUSED")).as(logs()).isGreaterThanOrEqualTo(2);
        a.destroy(); // SIGTERM: its running trials are given back with their checkpoints
        assertThat(a.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(count(study, "RUNNING"))
                .as("nothing left running for a lease to expire")
                .isZero();

        Process b = worker(study, rootB, 2);
        assertThat(b.waitFor(300, TimeUnit.SECONDS)).as(logs()).isTrue();
        assertThat(b.exitValue()).as(logs()).isZero();

        Map<String, Object> s = api().get("/api/v1/studies/" + study).json();
        assertThat(s.get("status")).isEqualTo("DONE");
        assertThat(((Number) s.get("trialsResumedWithoutCheckpoint")).intValue())
                .isZero();
        List<Map<String, Object>> trials = trials(study);
        assertThat(trials).hasSize(8).noneMatch(t -> "FAILED".equals(t.get("status")));
        for (Map<String, Object> t : trials) {
            List<Integer> epochs = epochs(study, t.get("id"));
            for (int i = 0; i < epochs.size(); i++) {
                assertThat(epochs.get(i))
                        .as("trial %s epochs %s", t.get("id"), epochs)
                        .isEqualTo(i + 1);
            }
        }
        // Trials that ran on machine A and were resumed on machine B, from the epoch after A's checkpoint.
        Map<Long, String> firstRoot = new HashMap<>();
        int crossMachineResumes = 0;
        for (Run r : runs(study)) {
            String before = firstRoot.putIfAbsent(r.trial(), r.root());
            if (before != null) {
                assertThat(r.from()).as("a resumed run has its own checkpoint").isEqualTo(r.trial());
                assertThat(r.startEpoch()).isGreaterThan(1);
                if (before.equals(rootA.toString()) && r.root().equals(rootB.toString())) {
                    crossMachineResumes++;
                }
            }
        }
        assertThat(crossMachineResumes).as(logs()).isPositive();
        assertThat(logs()).contains("(resumed)").contains("checkpoint downloaded from the store");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> reports = (List<Map<String, Object>>)
                api().get("/api/v1/studies/" + study + "/trials/0").get("reports");
        assertThat(reports).isNotEmpty().allSatisfy(r -> assertThat((Map<String, Object>) r.get("metrics"))
                .containsKeys("st_worker_timestamp", "st_worker_time", "st_worker_iter"));
        assertThat(((Map<String, Object>) reports.getFirst().get("metrics")).get("st_worker_iter"))
                .isEqualTo(0.0);
    }

    @Test
    void pbtClonesContinueFromCheckpointsWrittenOnTheOtherMachine() throws Exception {
        String study = study(
                "PBT",
                Map.of("populationSize", 4, "perturbationInterval", 2.0),
                Map.of("stoppingCriterion", Map.of("maxNumTrialsStarted", 12)));
        Path rootA = dir.resolve("machine-a-pbt");
        Path rootB = dir.resolve("machine-b-pbt");
        Process a = worker(study, rootA, 2);
        Process b = worker(study, rootB, 2);
        assertThat(a.waitFor(300, TimeUnit.SECONDS)).as(logs()).isTrue();
        assertThat(b.waitFor(300, TimeUnit.SECONDS)).as(logs()).isTrue();
        assertThat(a.exitValue()).as(logs()).isZero();
        assertThat(b.exitValue()).as(logs()).isZero();

        Map<String, Object> s = api().get("/api/v1/studies/" + study).json();
        assertThat(((Number) s.get("trialsResumedWithoutCheckpoint")).intValue())
                .isZero();
        List<Map<String, Object>> trials = trials(study);
        assertThat(trials).noneMatch(t -> "FAILED".equals(t.get("status")));
        Map<Long, String> rootOf = new HashMap<>();
        int clones = 0;
        int crossMachineClones = 0;
        for (Run r : runs(study)) {
            if (r.from() != null && r.from() != r.trial()) {
                clones++;
                assertThat(r.startEpoch())
                        .as("a clone continues after its source's epochs")
                        .isGreaterThan(1);
                // The clone's first report follows its source's checkpoint epoch (none when the source had
                // trained every epoch already).
                List<Integer> epochs = epochs(study, r.trial());
                if (r.startEpoch() <= 9) {
                    assertThat(epochs).as("clone %d", r.trial()).first().isEqualTo(r.startEpoch());
                } else {
                    assertThat(epochs).isEmpty();
                }
                if (rootOf.containsKey(r.from()) && !rootOf.get(r.from()).equals(r.root())) {
                    crossMachineClones++;
                }
            }
            rootOf.put(r.trial(), r.root());
        }
        assertThat(clones).as(logs()).isPositive();
        assertThat(crossMachineClones)
                .as("clones of trials that ran on the other machine\n" + logs())
                .isPositive();
    }

    /**
     * {@code --gpus 0,1,2} with no GPU on the machine: each trial's script prints the CUDA_VISIBLE_DEVICES
     * it got and logs when it held it; no two trials that ran at the same time had the same GPU, and
     * {@code --parallel} defaulted to the three GPU slots.
     */
    @Test
    void eachRunningTrialHasItsOwnGpu() throws Exception {
        String study = study("RandomSearch", Map.of(), Map.of("stoppingCriterion", Map.of("maxNumTrialsStarted", 9)));
        Process w = worker(study, dir.resolve("machine-gpu"), 0, "--gpus", "0,1,2");
        assertThat(w.waitFor(180, TimeUnit.SECONDS)).as(logs()).isTrue();
        assertThat(w.exitValue()).as(logs()).isZero();
        record Held(long trial, String gpus, double from, double to) {}
        List<Held> held = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("gpus.txt"))) {
            String[] f = line.split(" ");
            if (f[0].equals(study)) {
                held.add(new Held(Long.parseLong(f[1]), f[2], Double.parseDouble(f[3]), Double.parseDouble(f[4])));
            }
        }
        assertThat(held).hasSize(9);
        assertThat(held).extracting(Held::gpus).allMatch(g -> g.matches("[012]"));
        int overlapping = 0;
        for (Held a : held) {
            for (Held b : held) {
                if (a.trial() < b.trial() && a.from() < b.to() && b.from() < a.to()) {
                    overlapping++;
                    assertThat(a.gpus())
                            .as("trials %d and %d ran together", a.trial(), b.trial())
                            .isNotEqualTo(b.gpus());
                }
            }
        }
        assertThat(overlapping)
                .as("trials ran at once: --parallel defaulted to the GPU slots")
                .isPositive();
        assertThat(api().get("/api/v1/studies/" + study + "/trials/0/logs").string("stdout"))
                .contains("CUDA_VISIBLE_DEVICES=");
    }

    /** A running trial's output is readable through the API, and streams, before the trial ends. */
    @Test
    void aRunningTrialsLogsAreReadableBeforeItEnds() throws Exception {
        String study = study("RandomSearch", Map.of(), Map.of("stoppingCriterion", Map.of("maxNumTrialsStarted", 1)));
        Process w = worker(
                study,
                dir.resolve("machine-logs"),
                1,
                "--",
                "/usr/bin/python3",
                script.toString(),
                "--epoch-seconds",
                "0.6");
        String stdout = "";
        String status = "";
        for (int i = 0; i < 200 && !stdout.contains("\"epoch\": 2"); i++) {
            Thread.sleep(100);
            Api.Response logs = api().get("/api/v1/studies/" + study + "/trials/0/logs");
            if (logs.status() == 200) {
                stdout = logs.string("stdout");
                status = api().get("/api/v1/studies/" + study + "/trials/0").string("status");
            }
        }
        assertThat(stdout).contains("[tune-metric]: ").contains("\"epoch\": 2");
        assertThat(status).as("read while the trial ran").isEqualTo("RUNNING");
        java.net.http.HttpResponse<java.io.InputStream> sse = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + server.port
                                        + "/api/v1/studies/" + study + "/trials/0/logs?follow=true"))
                                .header("Accept", "text/event-stream")
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        assertThat(sse.statusCode()).isEqualTo(200);
        assertThat(sse.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(sse.body()))) {
            String first = "";
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith("data:")) {
                    first = line;
                    break;
                }
            }
            assertThat(first).contains("tune-metric").contains("\"status\":\"RUNNING\"");
        }
        assertThat(w.waitFor(60, TimeUnit.SECONDS)).as(logs()).isTrue();
        assertThat(w.exitValue()).isZero();
    }

    /** A failed trial's retry ({@code maxRetries}) continues from the failed trial's checkpoint. */
    @Test
    void aRetryContinuesFromTheFailedTrialsCheckpoint() throws Exception {
        String study = study(
                "RandomSearch",
                Map.of(),
                Map.of("maxRetries", 1, "stoppingCriterion", Map.of("maxNumTrialsCompleted", 1)));
        Process w = worker(
                study,
                dir.resolve("machine-retry"),
                1,
                "--",
                "/usr/bin/python3",
                script.toString(),
                "--fail-at-epoch",
                "3");
        assertThat(w.waitFor(120, TimeUnit.SECONDS)).as(logs()).isTrue();
        assertThat(w.exitValue()).as(logs()).isZero();
        Api.Response failed = api().get("/api/v1/studies/" + study + "/trials/0");
        assertThat(failed.string("status")).isEqualTo("FAILED");
        Api.Response retry = api().get("/api/v1/studies/" + study + "/trials/1");
        assertThat(retry.get("retryOf")).isEqualTo(0);
        assertThat(retry.string("status")).isEqualTo("COMPLETED");
        assertThat(epochs(study, 1))
                .as("the retry starts after the failed trial's checkpoint")
                .startsWith(4);
        assertThat(runs(study))
                .contains(new Run(1, 4, 0L, dir.resolve("machine-retry").toString()));
    }
}
