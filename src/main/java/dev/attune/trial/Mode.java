package dev.attune.trial;

/** Whether a metric is to be minimized or maximized. */
public enum Mode {
    MIN,
    MAX;

    /** True when {@code a} is strictly better than {@code b}. */
    public boolean better(double a, double b) {
        return this == MIN ? a < b : a > b;
    }

    /** The value turned so that smaller is better. */
    public double toMin(double value) {
        return this == MIN ? value : -value;
    }
}
