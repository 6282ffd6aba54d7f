package dev.attune.worker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** How a worker runs: the command, where checkpoints live, and its timings. */
record WorkerOptions(
        List<String> command,
        Path checkpointRoot,
        boolean configJson,
        Duration heartbeat,
        Duration grace,
        int parallel,
        boolean deleteCheckpoints) {

    WorkerOptions withDeleteCheckpoints(boolean delete) {
        return new WorkerOptions(command, checkpointRoot, configJson, heartbeat, grace, parallel, delete);
    }
}
