package dev.attune.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.study.StudyEvent;
import dev.attune.study.StudyStatus;
import dev.attune.trial.TrialStatus;
import dev.attune.trial.Verdict;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which webhook events each study event announces. */
class WebhookEventTest {
    @Test
    void eachEndOfATrialAndTheStudysEndAnnounceTheirEvent() {
        assertThat(WebhookEvent.of(new StudyEvent.TrialCompleted(5, 1, Map.of("loss", 1.0), null), 4))
                .containsExactly(WebhookEvent.TRIAL_COMPLETED);
        assertThat(WebhookEvent.of(new StudyEvent.TrialFailed(5, 1, "oom", null), 4))
                .containsExactly(WebhookEvent.TRIAL_FAILED);
        assertThat(WebhookEvent.of(new StudyEvent.TrialStale(5, 1, "lease expired"), 4))
                .containsExactly(WebhookEvent.TRIAL_STALE);
        assertThat(WebhookEvent.of(new StudyEvent.StudyStatusChanged(5, StudyStatus.DONE, "budget"), 4))
                .containsExactly(WebhookEvent.STUDY_DONE);
    }

    @Test
    void aNewBestIsTheEventThatLastImprovedTheStudysBest() {
        assertThat(WebhookEvent.of(new StudyEvent.TrialCompleted(5, 1, Map.of("loss", 1.0), null), 5))
                .containsExactly(WebhookEvent.TRIAL_COMPLETED, WebhookEvent.STUDY_NEW_BEST);
        StudyEvent.Reported report = new StudyEvent.Reported(7, 2, Map.of("loss", 0.5), Verdict.proceed(), 1L, null);
        assertThat(WebhookEvent.of(report, 7)).containsExactly(WebhookEvent.STUDY_NEW_BEST);
        assertThat(WebhookEvent.of(report, 6)).isEmpty();
    }

    @Test
    void otherEventsAnnounceNothing() {
        assertThat(WebhookEvent.of(new StudyEvent.StudyStatusChanged(5, StudyStatus.STOPPING, "budget"), 5))
                .isEmpty();
        assertThat(WebhookEvent.of(new StudyEvent.TrialSkipped(5, 1, "skip"), 5))
                .isEmpty();
        assertThat(WebhookEvent.of(
                        new StudyEvent.TrialAdded(5, 1, Map.of(), Map.of(), TrialStatus.RUNNING, null, null, "w", null),
                        5))
                .isEmpty();
    }

    @Test
    void wireNamesRoundTrip() {
        for (WebhookEvent e : WebhookEvent.values()) {
            assertThat(WebhookEvent.byWireName(e.wireName())).contains(e);
        }
        assertThat(WebhookEvent.byWireName("TRIAL_COMPLETED")).isEmpty();
    }
}
