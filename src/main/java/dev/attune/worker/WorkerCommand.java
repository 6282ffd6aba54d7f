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
        description =
                "Runs a study's trials with COMMAND: java -jar attune.jar worker --server URL --study ID -- COMMAND ARGS…")
public class WorkerCommand implements Callable<Integer> {
    @Option(names = "--server", required = true, description = "Attune's base URL, e.g. http://localhost:8080")
    String server;

    @Option(names = "--study", required = true, description = "the study's id")
    String study;

    @Option(names = "--parallel", defaultValue = "1", description = "trials run at once (default ${DEFAULT-VALUE})")
    int parallel;

    @Option(
            names = "--checkpoint-root",
            defaultValue = "attune-checkpoints",
            description = "where trial directories live (default ${DEFAULT-VALUE})")
    Path checkpointRoot;

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
            names = "--grace-seconds",
            defaultValue = "10",
            description = "SIGTERM to SIGKILL on STOP/PAUSE (default ${DEFAULT-VALUE})")
    int graceSeconds;

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "the training command and its arguments")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        String id = workerId != null
                ? workerId
                : InetAddress.getLocalHost().getHostName() + "/"
                        + ProcessHandle.current().pid();
        Worker worker = new Worker(
                server,
                token,
                study,
                id,
                new WorkerOptions(
                        command,
                        checkpointRoot.toAbsolutePath(),
                        configJson,
                        Duration.ofSeconds(heartbeatSeconds),
                        Duration.ofSeconds(graceSeconds),
                        parallel,
                        false));
        Thread hook = new Thread(worker::shutdown);
        Runtime.getRuntime().addShutdownHook(hook);
        worker.run();
        return 0;
    }
}
