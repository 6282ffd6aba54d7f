package dev.attune.service;

import dev.attune.study.StudyEvent;
import dev.attune.study.StudyEvent.Reported;
import dev.attune.study.StudyEvent.StudyStatusChanged;
import dev.attune.study.StudyEvent.TrialCompleted;
import dev.attune.study.StudyEvent.TrialFailed;
import dev.attune.study.StudyEvent.TrialStale;
import dev.attune.study.StudyStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What a webhook can subscribe to, by its name on the wire; each is read off one study event. */
public enum WebhookEvent {
    TRIAL_COMPLETED("trial.completed"),
    TRIAL_FAILED("trial.failed"),
    TRIAL_STALE("trial.stale"),
    STUDY_DONE("study.done"),
    /** A report or completion improved the study's best objective (the trial {@code /best} answers). */
    STUDY_NEW_BEST("study.new_best");

    private final String wireName;

    WebhookEvent(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<WebhookEvent> byWireName(String name) {
        return Arrays.stream(values()).filter(e -> e.wireName.equals(name)).findFirst();
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(WebhookEvent::wireName).toList();
    }

    /**
     * The webhook events one study event announces, given the event that last improved the study's best
     * (a fold of the log, so every replica and every replay agrees).
     */
    static List<WebhookEvent> of(StudyEvent event, long bestSeq) {
        List<WebhookEvent> out = new ArrayList<>(2);
        if (event instanceof TrialCompleted) {
            out.add(TRIAL_COMPLETED);
        } else if (event instanceof TrialFailed) {
            out.add(TRIAL_FAILED);
        } else if (event instanceof TrialStale) {
            out.add(TRIAL_STALE);
        } else if (event instanceof StudyStatusChanged e && e.status() == StudyStatus.DONE) {
            out.add(STUDY_DONE);
        }
        if ((event instanceof TrialCompleted || event instanceof Reported) && event.seq() == bestSeq) {
            out.add(STUDY_NEW_BEST);
        }
        return out;
    }
}
