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
        FIXED_SETTING("fixed-setting"),
        /**
         * An ask's {@code Idempotency-Key} names an earlier ask that differs from it (another worker's, or
         * one that got more trials than this one asks for): answered 422, not 409.
         */
        IDEMPOTENCY_KEY_MISMATCH("idempotency-key-mismatch", "Idempotency-Key"),
        /** An ask's {@code Idempotency-Key} names an earlier ask whose trials no longer run. */
        IDEMPOTENCY_KEY_ENDED("idempotency-key-trial-ended", "Idempotency-Key");

        private final String slug;
        private final String field;

        Kind(String slug) {
            this(slug, null);
        }

        Kind(String slug, String field) {
            this.slug = slug;
            this.field = field;
        }

        public String slug() {
            return slug;
        }

        /** The request field (or header) the conflict is about, or null. */
        public String field() {
            return field;
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
