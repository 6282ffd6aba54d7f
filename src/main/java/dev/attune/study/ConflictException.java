package dev.attune.study;

/**
 * An operation that is illegal in the current state of a study or trial.
 *
 * @see Kind for the distinct problem types clients may tell apart
 */
public final class ConflictException extends RuntimeException {
    /** Which conflict; each has its own problem type so that clients can ignore the benign ones. */
    public enum Kind {
        /** The trial's status does not allow the operation (e.g. a report on a STOPPED trial). */
        ILLEGAL_TRANSITION("illegal-transition"),
        /** The trial already ended this way: a co-worker or a retry got there first. */
        ALREADY_FINISHED("trial-already-finished"),
        /** A report at a level the trial already has, with different metrics. */
        REPORT_CONFLICT("report-conflict"),
        /** The study no longer takes new trials. */
        STUDY_NOT_ACTIVE("study-not-active"),
        /** A change of a study setting that is fixed once the study exists (its space, metrics, method, …). */
        FIXED_SETTING("fixed-setting");

        private final String slug;

        Kind(String slug) {
            this.slug = slug;
        }

        public String slug() {
            return slug;
        }
    }

    private final Kind kind;
    private final String status;

    public ConflictException(Kind kind, String status, String message) {
        super(message);
        this.kind = kind;
        this.status = status;
    }

    public Kind kind() {
        return kind;
    }

    /** The current status of the trial or study, for the problem body. */
    public String status() {
        return status;
    }
}
