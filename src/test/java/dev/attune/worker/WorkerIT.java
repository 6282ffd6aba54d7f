package dev.attune.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Api;
import dev.attune.support.ServerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker agent end to end with real processes: a server, workers started as `java -jar attune.jar
 * worker`, and a Python training script that checkpoints and resumes.
 */
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
class WorkerIT {
    @TempDir
    static Path dir;

    static ServerProcess server;
    static Path script;

    /** With authentication on: the tests' token (a writer) and the workers' (sent as ATTUNE_TOKEN); else null. */
    static String apiToken;

    static String workerToken;

    @BeforeAll
    void start() throws IOException {
        apiToken = null;
        workerToken = null;
        startServer(Map.of());
    }

    static void startServer(Map<String, String> env) throws IOException {
        script = dir.resolve("train_curve.py");
        try (InputStream in = WorkerIT.class.getResourceAsStream("/scripts/train_curve.py")) {
            Files.copy(in, script);
        }
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("DB_URL", "jdbc:h2:file:" + dir.resolve("db/attune") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE");
        server = ServerProcess.start("worker-it", all, "--attune.reaper-interval-ms=300");
    }

    static Api api() {
        return new Api(server.port, apiToken);
    }

    @org.junit.jupiter.api.AfterAll
    static void stop() throws InterruptedException {
        server.close();
    }

    static String study(Api api, String method, Map<String, Object> options, Map<String, Object> extra) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put(
                "space",
                new LinkedHashMap<>(Map.of("x", Map.of("type", "uniform", "lower", 0, "upper", 1), "epochs", 9)));
        d.put("metrics", List.of(Map.of("name", "loss")));
        d.put("method", method);
        d.put("options", options);
        d.put("resource", Map.of("attr", "epoch", "maxAttr", "epochs"));
        d.put("seed", 4);
        d.putAll(extra);
        return api.createStudy(d);
    }

    static Process worker(String study, int parallel, Path checkpoints, String... scriptArgs) throws IOException {
        return worker(study, parallel, checkpoints, script, Map.of(), scriptArgs);
    }

    static Process worker(
            String study, int parallel, Path checkpoints, Path script, Map<String, String> env, String... scriptArgs)
            throws IOException {
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
                checkpoints.toString(),
                "--heartbeat-seconds",
                "1",
                "--grace-seconds",
                "2"));
        cmd.addAll(List.of("--", "/usr/bin/python3", script.toString()));
        cmd.addAll(List.of(scriptArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("worker-" + study + ".log").toFile());
        pb.environment().putAll(env);
        if (workerToken != null) {
            pb.environment().put("ATTUNE_TOKEN", workerToken);
        }
        return pb.start();
    }

    /** How many trials under {@code studyDir} have written a checkpoint (train_curve.py's state.json). */
    static long checkpointsWritten(Path studyDir) throws IOException {
        if (!Files.isDirectory(studyDir)) {
            return 0;
        }
        try (var trials = Files.list(studyDir)) {
            return trials.filter(t -> Files.exists(t.resolve("checkpoint/state.json")))
                    .count();
        }
    }

    /** Training processes still alive whose checkpoints live under {@code root}. */
    static long trainingProcesses(Path root) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(script.toString())
                        && p.info().commandLine().orElse("").contains(root.toString()))
                .count();
    }

    @Test
    @SuppressWarnings("unchecked")
    void promotionAshaPausesAndResumesTrialsFromTheirCheckpoints() throws Exception {
        Api api = api();
        String study = study(
                api,
                "ASHA",
                Map.of("type", "promotion"),
                Map.of("stoppingCriterion", Map.of("maxNumTrialsStarted", 9), "maxConcurrentTrials", 3));
        Path checkpoints = dir.resolve("ck-promotion");
        Process w = worker(study, 3, checkpoints);
        assertThat(w.waitFor(180, TimeUnit.SECONDS))
                .as(Files.readString(dir.resolve("worker-" + study + ".log")))
                .isTrue();
        assertThat(w.exitValue()).isZero();
        assertThat(trainingProcesses(checkpoints))
                .as("no training process outlives its trial")
                .isZero();

        List<Map<String, Object>> trials = (List<Map<String, Object>>)
                api.get("/api/v1/studies/" + study + "/trials?limit=100").get("items");
        assertThat(trials).hasSize(9);
        int resumedRuns = 0;
        for (Map<String, Object> t : trials) {
            long id = ((Number) t.get("id")).longValue();
            List<Map<String, Object>> reports = (List<Map<String, Object>>)
                    api.get("/api/v1/studies/" + study + "/trials/" + id).get("reports");
            List<Integer> epochs = reports.stream()
                    .map(r -> ((Number) ((Map<String, Object>) r.get("metrics")).get("epoch")).intValue())
                    .toList();
            // Epochs continue across pauses: 1, 2, 3, … with no epoch trained twice.
            for (int i = 0; i < epochs.size(); i++) {
                assertThat(epochs.get(i)).as("trial %d epochs %s", id, epochs).isEqualTo(i + 1);
            }
            List<String> runs = Files.readAllLines(
                    checkpoints.resolve(study).resolve("trial-" + id).resolve("checkpoint/runs.txt"));
            for (String r : runs.subList(1, runs.size())) {
                assertThat(Integer.parseInt(r.trim()))
                        .as("a resumed run starts after its checkpoint")
                        .isGreaterThan(1);
                resumedRuns++;
            }
        }
        assertThat(resumedRuns).as("some paused trials were resumed").isPositive();
        assertThat(trials).extracting(t -> t.get("status")).contains("PAUSED");
        assertThat(api.get("/api/v1/studies/" + study + "/trials/0/logs").string("stdout"))
                .contains("[tune-metric]: ");
    }

    /**
     * A real scikit-learn training script (digits, partial_fit per epoch, a checkpoint per epoch) under
     * promotion-type ASHA with 3 slots; it imports Attune's Reporter where Syne Tune is not installed.
     */
    @Test
    @SuppressWarnings("unchecked")
    void digitsUnderPromotionAshaWithThreeSlots() throws Exception {
        Path digits = dir.resolve("train_digits.py");
        try (InputStream in = WorkerIT.class.getResourceAsStream("/scripts/train_digits.py")) {
            Files.copy(in, digits);
        }
        Api api = api();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put(
                "space",
                new LinkedHashMap<>(Map.of(
                        "alpha", Map.of("type", "loguniform", "lower", 1e-6, "upper", 1e-1),
                        "eta0", Map.of("type", "loguniform", "lower", 1e-3, "upper", 1),
                        "epochs", 9)));
        d.put("metrics", List.of(Map.of("name", "val_error")));
        d.put("method", "ASHA");
        d.put("options", Map.of("type", "promotion"));
        d.put("resource", Map.of("attr", "epoch", "maxAttr", "epochs"));
        d.put("seed", 5);
        d.put("maxConcurrentTrials", 3);
        d.put("stoppingCriterion", Map.of("maxNumTrialsStarted", 9));
        String study = api.createStudy(d);
        Path checkpoints = dir.resolve("ck-digits");
        Process w = worker(
                study,
                3,
                checkpoints,
                digits,
                Map.of("PYTHONPATH", Path.of("clients/python").toAbsolutePath().toString()));
        assertThat(w.waitFor(300, TimeUnit.SECONDS))
                .as(Files.readString(dir.resolve("worker-" + study + ".log")))
                .isTrue();
        assertThat(w.exitValue()).isZero();
        assertThat(trainingProcesses(checkpoints)).isZero();
        List<Map<String, Object>> trials = (List<Map<String, Object>>)
                api.get("/api/v1/studies/" + study + "/trials?limit=100").get("items");
        assertThat(trials).hasSize(9).noneMatch(t -> "FAILED".equals(t.get("status")));
        int resumed = 0;
        for (Map<String, Object> t : trials) {
            long id = ((Number) t.get("id")).longValue();
            Path marker = checkpoints.resolve(study).resolve("trial-" + id).resolve("checkpoint/resumed.txt");
            if (Files.exists(marker)) {
                for (String line : Files.readAllLines(marker)) {
                    assertThat(Integer.parseInt(line.trim()))
                            .as("resumed after its checkpoint")
                            .isGreaterThan(1);
                    resumed++;
                }
            }
            List<Map<String, Object>> reports = (List<Map<String, Object>>)
                    api.get("/api/v1/studies/" + study + "/trials/" + id).get("reports");
            for (int i = 0; i < reports.size(); i++) {
                Map<String, Object> m = (Map<String, Object>) reports.get(i).get("metrics");
                assertThat(((Number) m.get("epoch")).intValue()).isEqualTo(i + 1);
                assertThat(((Number) m.get("val_error")).doubleValue()).isBetween(0.0, 1.0);
                assertThat(m).containsKey("st_worker_time");
            }
        }
        assertThat(resumed).as("paused trials resumed from their checkpoints").isPositive();
        assertThat(((Number) api.get("/api/v1/studies/" + study + "/best").get("trial.metrics.val_error"))
                        .doubleValue())
                .isLessThan(0.2);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aKilledWorkersTrialsGoStaleAndANewWorkerFinishesTheStudy() throws Exception {
        Api api = api();
        String study = study(
                api,
                "RandomSearch",
                Map.of(),
                Map.of(
                        "stoppingCriterion",
                        Map.of("maxNumTrialsStarted", 6),
                        "leaseSeconds",
                        2,
                        "maxFailures",
                        10, // the killed worker's trials go stale, which counts as failing; the default (1) would end
                        // the study
                        "deleteCheckpoints",
                        true));
        Path checkpoints = dir.resolve("ck-kill");
        Process first = worker(study, 2, checkpoints);
        for (int i = 0;
                i < 200 && ((Number) api.get("/api/v1/studies/" + study).get("trialCounts.RUNNING")).intValue() < 2;
                i++) {
            Thread.sleep(25);
        }
        first.destroyForcibly();
        first.waitFor();
        String status = "";
        for (int i = 0;
                i < 100 && ((Number) api.get("/api/v1/studies/" + study).get("trialCounts.STALE")).intValue() < 1;
                i++) {
            Thread.sleep(100);
        }
        assertThat(((Number) api.get("/api/v1/studies/" + study).get("trialCounts.STALE")).intValue())
                .isPositive();
        Process second = worker(study, 2, checkpoints);
        assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).isZero();
        Map<String, Object> s = api.get("/api/v1/studies/" + study).json();
        status = (String) s.get("status");
        assertThat(status).isEqualTo("DONE");
        Map<String, Object> counts = (Map<String, Object>) s.get("trialCounts");
        assertThat(((Number) counts.get("COMPLETED")).intValue() + ((Number) counts.get("STALE")).intValue())
                .isEqualTo(6);
        // deleteCheckpoints: the second worker removed the checkpoints of the trials it completed.
        List<Map<String, Object>> completed = (List<Map<String, Object>>)
                api.get("/api/v1/studies/" + study + "/trials?status=COMPLETED").get("items");
        assertThat(completed).isNotEmpty();
        for (Map<String, Object> t : completed) {
            assertThat(checkpoints
                            .resolve(study)
                            .resolve("trial-" + t.get("id"))
                            .resolve("checkpoint"))
                    .doesNotExist();
        }
    }

    @Test
    void aFailingScriptFailsItsTrialWithTheTailOfStderr() throws Exception {
        Api api = api();
        String study =
                study(api, "RandomSearch", Map.of(), Map.of("stoppingCriterion", Map.of("maxNumTrialsStarted", 2)));
        Path checkpoints = dir.resolve("ck-fail");
        // --fail_above -1: every x is out of range, so each run exits with an error.
        Process w = worker(study, 1, checkpoints, "--fail_above", "-1");
        assertThat(w.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(w.exitValue()).as("every trial failed: exit 1").isEqualTo(1);
        assertThat(trainingProcesses(checkpoints)).isZero();
        Api.Response trial = api.get("/api/v1/studies/" + study + "/trials/0");
        assertThat(trial.string("status")).isEqualTo("FAILED");
        assertThat(trial.string("statusReason")).contains("exit code 1").contains("out of range");
        assertThat(api.get("/api/v1/studies/" + study + "/trials/0/logs").string("stderr"))
                .contains("out of range");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aWorkerShutDownWithSigtermPausesItsTrialsAndTheNextWorkerResumesThem() throws Exception {
        Api api = api();
        String study =
                study(api, "RandomSearch", Map.of(), Map.of("stoppingCriterion", Map.of("maxNumTrialsStarted", 4)));
        Path checkpoints = dir.resolve("ck-sigterm");
        // --epochs is the study's 9; each epoch sleeps 50 ms, so trials are running when SIGTERM comes.
        Process w = worker(study, 2, checkpoints);
        // Both slots' trials running and past their first checkpoint.
        for (int i = 0;
                i < 400
                        && (((Number) api.get("/api/v1/studies/" + study).get("trialCounts.RUNNING")).intValue() < 2
                                || checkpointsWritten(checkpoints.resolve(study)) < 2);
                i++) {
            Thread.sleep(25);
        }
        w.destroy(); // SIGTERM
        assertThat(w.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(w.exitValue()).as("not finished: not 0").isNotZero();
        assertThat(trainingProcesses(checkpoints)).isZero();
        Map<String, Object> counts =
                (Map<String, Object>) api.get("/api/v1/studies/" + study).get("trialCounts");
        assertThat(((Number) counts.get("RUNNING")).intValue())
                .as("no trial left running for its lease to expire")
                .isZero();
        List<Map<String, Object>> paused = (List<Map<String, Object>>)
                api.get("/api/v1/studies/" + study + "/trials?status=PAUSED").get("items");
        assertThat(paused).isNotEmpty().allSatisfy(t -> assertThat((String) t.get("statusReason"))
                .contains("shut down"));
        // A trial that had just started when SIGTERM came has no checkpoint: it fails instead.
        List<Map<String, Object>> failed = (List<Map<String, Object>>)
                api.get("/api/v1/studies/" + study + "/trials?status=FAILED").get("items");
        for (Map<String, Object> t : failed) {
            assertThat((String) t.get("statusReason")).contains("shut down");
            assertThat(checkpoints
                            .resolve(study)
                            .resolve("trial-" + t.get("id"))
                            .resolve("checkpoint/state.json"))
                    .doesNotExist();
        }

        Process next = worker(study, 2, checkpoints);
        assertThat(next.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(next.exitValue()).isZero();
        for (Map<String, Object> t : paused) {
            List<String> runs = Files.readAllLines(
                    checkpoints.resolve(study).resolve("trial-" + t.get("id")).resolve("checkpoint/runs.txt"));
            assertThat(runs)
                    .as("trial %s resumed after its checkpoint", t.get("id"))
                    .hasSizeGreaterThan(1);
            assertThat(Integer.parseInt(runs.getLast().trim())).isGreaterThan(1);
        }
        assertThat(Files.readString(dir.resolve("worker-" + study + ".log")))
                .contains("progress: trial")
                .contains("(resumed)");
    }

    /** Runs {@code java -jar attune.jar ARGS…}; answers its exit code and output. */
    static Map.Entry<Integer, String> jar(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ServerProcess.java(), "-jar", ServerProcess.jar()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (workerToken != null) {
            pb.environment().put("ATTUNE_TOKEN", workerToken);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(out).isTrue();
        return Map.entry(p.exitValue(), out);
    }

    @Test
    void helpPrintsTheCommandsAndTheWorkersOptionsWithoutStartingAServer() throws Exception {
        Map.Entry<Integer, String> help = jar("--help");
        assertThat(help.getKey()).isZero();
        assertThat(help.getValue()).contains("worker").contains("bench").doesNotContain("Started AttuneApplication");
        Map.Entry<Integer, String> worker = jar("worker", "--help");
        assertThat(worker.getKey()).isZero();
        assertThat(worker.getValue())
                .contains("--gpus")
                .contains("--checkpoint-root")
                .contains("Examples:");
    }

    @Test
    void exitCodesSayWhatHappened() throws Exception {
        String server = "http://127.0.0.1:" + WorkerIT.server.port;
        assertThat(jar("worker", "--server", server, "--study", "no-such-study", "--", "true")
                        .getKey())
                .as("unknown study")
                .isEqualTo(3);
        String study =
                study(api(), "RandomSearch", Map.of(), Map.of("stoppingCriterion", Map.of("maxNumTrialsStarted", 3)));
        Map.Entry<Integer, String> missing =
                jar("worker", "--server", server, "--study", study, "--", "/no/such/trainer", "--flag");
        assertThat(missing.getKey()).as(missing.getValue()).isEqualTo(6);
        Api.Response trial = api().get("/api/v1/studies/" + study + "/trials/0");
        assertThat(trial.string("status"))
                .as("failed at once, not left RUNNING")
                .isEqualTo("FAILED");
        assertThat(trial.string("statusReason")).contains("cannot start /no/such/trainer");
        assertThat(jar("worker", "--server", server, "--study", study).getKey())
                .as("no command and no entryPoint")
                .isEqualTo(7);
    }
}
