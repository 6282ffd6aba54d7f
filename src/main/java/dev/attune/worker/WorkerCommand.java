package dev.attune.worker;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "worker",
        mixinStandardHelpOptions = true,
        usageHelpWidth = 110,
        description = {
            "Runs a study's trials with COMMAND, as Syne Tune's local backend does: the config as --name value"
                    + " arguments, --st_checkpoint_dir, and each '[tune-metric]: {json}' line of its output as a"
                    + " report. Without COMMAND it runs the study's entryPoint.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  One machine, four trials at once:",
            "    java -jar attune.jar worker --server http://tuner:8080 --study S --parallel 4 -- python3 train.py",
            "  A second machine on the same study (checkpoints travel through the server's store):",
            "    java -jar attune.jar worker --server http://tuner:8080 --study S --checkpoint-root /scratch/ck",
            "  Four GPUs, one trial per GPU (CUDA_VISIBLE_DEVICES=0, 1, 2, 3; --parallel defaults to 4):",
            "    java -jar attune.jar worker --server http://tuner:8080 --study S --gpus 0,1,2,3 -- python3 train.py",
            "  All machines share /nfs/ck, so nothing needs uploading:",
            "    java -jar attune.jar worker --server URL --study S --checkpoint-root /nfs/ck --no-checkpoint-upload",
            "",
            "Exit codes: 0 the study finished; 1 every trial this worker ran failed; 2 bad arguments; 3 unknown"
                    + " study; 4 token refused; 5 server unreachable for --server-patience-seconds; 6 the command"
                    + " cannot be started; 7 no command and no entryPoint; 8 shut down before the study finished"
                    + " (143 when ended by SIGTERM: trials with a checkpoint are paused for the next worker)."
        })
public class WorkerCommand implements Callable<Integer> {
    @Option(names = "--server", required = true, description = "Attune's base URL, e.g. http://localhost:8080")
    String server;

    @Option(names = "--study", required = true, description = "the study's id")
    String study;

    @Option(
            names = "--parallel",
            defaultValue = "0",
            description = "trials run at once (default: the GPU slots with --gpus, else 1)")
    int parallel;

    @Option(
            names = "--checkpoint-root",
            defaultValue = "attune-checkpoints",
            description = "where trial directories live (default ${DEFAULT-VALUE})")
    Path checkpointRoot;

    @Option(
            names = "--no-checkpoint-upload",
            description = "do not move checkpoints through the server's store: every worker shares --checkpoint-root")
    boolean noCheckpointUpload;

    @Option(
            names = "--checkpoint-wait-seconds",
            defaultValue = "60",
            description = "how long to wait for another worker's checkpoint upload before starting without it"
                    + " (default ${DEFAULT-VALUE})")
    int checkpointWaitSeconds;

    @Option(
            names = "--gpus",
            description = "GPU ids for trials, e.g. 0,1,2,3, or 'all' (from nvidia-smi -L); each trial gets the"
                    + " study's numGpusPerTrial of them in CUDA_VISIBLE_DEVICES")
    String gpus;

    @Option(
            names = "--config-json",
            description = "pass the config as a JSON file (--st_config_json_filename) instead of --name value")
    boolean configJson;

    @Option(
            names = "--token",
            defaultValue = "${env:ATTUNE_TOKEN}",
            description = "bearer token for the server (default: the ATTUNE_TOKEN environment variable)")
    String token;

    @Option(names = "--worker-id", description = "name in the server's records (default host/pid)")
    String workerId;

    @Option(
            names = "--heartbeat-seconds",
            defaultValue = "10",
            description = "heartbeat period (default ${DEFAULT-VALUE})")
    int heartbeatSeconds;

    @Option(
            names = "--log-interval-seconds",
            defaultValue = "2",
            description = "how often a running trial's output is sent to the server (default ${DEFAULT-VALUE})")
    int logIntervalSeconds;

    @Option(
            names = "--grace-seconds",
            defaultValue = "10",
            description = "SIGTERM to SIGKILL on STOP/PAUSE (default ${DEFAULT-VALUE})")
    int graceSeconds;

    @Option(
            names = "--server-patience-seconds",
            defaultValue = "300",
            description = "give up (exit 5) when the server stays unreachable this long (default ${DEFAULT-VALUE})")
    int serverPatienceSeconds;

    @Parameters(
            arity = "0..*",
            paramLabel = "COMMAND",
            description = "the training command and its arguments (default: the study's entryPoint)")
    List<String> command = List.of();

    @Override
    public Integer call() throws Exception {
        String id = workerId != null
                ? workerId
                : InetAddress.getLocalHost().getHostName() + "/"
                        + ProcessHandle.current().pid();
        List<String> gpuIds;
        try {
            gpuIds = GpuPool.parse(gpus);
        } catch (java.io.IOException e) {
            System.err.println("--gpus " + gpus + ": " + e.getMessage());
            return 2;
        }
        Worker worker = new Worker(
                server,
                token,
                study,
                id,
                new WorkerOptions(
                        command == null ? List.of() : List.copyOf(command),
                        checkpointRoot.toAbsolutePath(),
                        configJson,
                        Duration.ofSeconds(heartbeatSeconds),
                        Duration.ofSeconds(graceSeconds),
                        parallel,
                        false,
                        !noCheckpointUpload,
                        gpuIds,
                        1,
                        Duration.ofSeconds(Math.max(1, logIntervalSeconds))),
                Duration.ofSeconds(serverPatienceSeconds),
                Duration.ofSeconds(checkpointWaitSeconds));
        Thread hook = new Thread(worker::shutdown);
        Runtime.getRuntime().addShutdownHook(hook);
        return worker.run().status();
    }
}
