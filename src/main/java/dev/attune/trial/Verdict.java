package dev.attune.trial;

/** A decision with the reason a person can read, e.g. which rung and cutoff led to a stop. */
public record Verdict(Decision decision, String reason) {
    public static Verdict proceed() {
        return new Verdict(Decision.CONTINUE, "");
    }

    public static Verdict proceed(String reason) {
        return new Verdict(Decision.CONTINUE, reason);
    }

    public static Verdict stop(String reason) {
        return new Verdict(Decision.STOP, reason);
    }

    public static Verdict pause(String reason) {
        return new Verdict(Decision.PAUSE, reason);
    }
}
