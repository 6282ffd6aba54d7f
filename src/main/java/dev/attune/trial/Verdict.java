package dev.attune.trial;

/**
 * A decision with the reason a person can read, e.g. which rung and cutoff led to a stop.
 *
 * @param completes for a STOP: the trial ran its whole course (it reached the maximum resource), so it
 *     ends COMPLETED rather than STOPPED; the worker is told STOP either way
 */
public record Verdict(Decision decision, String reason, boolean completes) {
    public Verdict(Decision decision, String reason) {
        this(decision, reason, false);
    }

    public static Verdict proceed() {
        return new Verdict(Decision.CONTINUE, "");
    }

    public static Verdict proceed(String reason) {
        return new Verdict(Decision.CONTINUE, reason);
    }

    public static Verdict stop(String reason) {
        return new Verdict(Decision.STOP, reason);
    }

    /** STOP because the trial is finished: it reached the maximum resource. */
    public static Verdict complete(String reason) {
        return new Verdict(Decision.STOP, reason, true);
    }

    public static Verdict pause(String reason) {
        return new Verdict(Decision.PAUSE, reason);
    }

    /** The status this decision leaves a running trial in. */
    public TrialStatus trialStatus() {
        return switch (decision) {
            case CONTINUE -> TrialStatus.RUNNING;
            case STOP -> completes ? TrialStatus.COMPLETED : TrialStatus.STOPPED;
            case PAUSE -> TrialStatus.PAUSED;
        };
    }
}
