package dev.attune.worker;

/**
 * What the worker's exit status says. Only {@link #FINISHED} is 0; picocli answers 2 for bad arguments,
 * and a worker ended by SIGTERM exits as the JVM does for it (143) after pausing or failing its trials.
 */
public enum ExitCode {
    /** The study answered DONE: nothing more to run. */
    FINISHED(0),
    /** The study finished but every trial this worker ran failed. */
    ALL_TRIALS_FAILED(1),
    /** The server does not know the study. */
    UNKNOWN_STUDY(3),
    /** The server refused the worker's token (401) or its role (403). */
    REFUSED(4),
    /** The server did not answer within the worker's patience. */
    SERVER_UNREACHABLE(5),
    /** The training command could not be started (not found, not executable). */
    COMMAND_NOT_FOUND(6),
    /** No command was given and the study records no entry point. */
    NO_COMMAND(7),
    /** The worker was shut down before the study finished. */
    SHUT_DOWN(8);

    private final int status;

    ExitCode(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }
}
