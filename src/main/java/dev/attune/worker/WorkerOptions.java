package dev.attune.worker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How a worker runs: the command, where checkpoints live and whether they travel through the server's
 * checkpoint store, its GPUs, and its timings.
 *
 * @param uploadCheckpoints false when every worker sees the same {@code checkpointRoot} (a shared volume)
 * @param gpus the GPU ids trials may use (empty: none given, CUDA_VISIBLE_DEVICES is left alone)
 * @param gpusPerTrial how many of them each trial gets
 * @param logInterval how often a running trial's output is sent to the server
 */
record WorkerOptions(
        List<String> command,
        Path checkpointRoot,
        boolean configJson,
        Duration heartbeat,
        Duration grace,
        int parallel,
        boolean deleteCheckpoints,
        boolean uploadCheckpoints,
        List<String> gpus,
        int gpusPerTrial,
        Duration logInterval) {

    WorkerOptions withDeleteCheckpoints(boolean delete) {
        return new WorkerOptions(
                command,
                checkpointRoot,
                configJson,
                heartbeat,
                grace,
                parallel,
                delete,
                uploadCheckpoints,
                gpus,
                gpusPerTrial,
                logInterval);
    }

    WorkerOptions withCommand(List<String> entryPoint) {
        return new WorkerOptions(
                entryPoint,
                checkpointRoot,
                configJson,
                heartbeat,
                grace,
                parallel,
                deleteCheckpoints,
                uploadCheckpoints,
                gpus,
                gpusPerTrial,
                logInterval);
    }

    WorkerOptions withGpus(int perTrial, int slots) {
        return new WorkerOptions(
                command,
                checkpointRoot,
                configJson,
                heartbeat,
                grace,
                slots,
                deleteCheckpoints,
                uploadCheckpoints,
                gpus,
                perTrial,
                logInterval);
    }

    /** Where a trial's files live: its checkpoint directory, config file and output logs. */
    Path trialDir(String studyId, long trialId) {
        return checkpointRoot.resolve(studyId).resolve("trial-" + trialId);
    }

    Path checkpointDir(String studyId, long trialId) {
        return trialDir(studyId, trialId).resolve("checkpoint");
    }
}
