package dev.attune.study;

import static dev.attune.study.StudyTest.NONE;
import static dev.attune.study.StudyTest.T0;
import static dev.attune.study.StudyTest.loss;
import static dev.attune.study.StudyTest.study;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.trial.Decision;
import dev.attune.trial.TrialStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * An ask's {@code Idempotency-Key}: a retry of an ask whose answer was lost gets the trials the ask handed
 * out, recording nothing, on any replica that replays the log; and a repeated completion or failure of a
 * trial that already ended that way is a retry too.
 */
class IdempotentAskTest {
    /** The study's whole log, as the commands recorded it. */
    final List<StudyEvent> log = new ArrayList<>();

    <A> A rec(Study.Outcome<A> outcome) {
        log.addAll(outcome.events());
        return outcome.answer();
    }

    /** Finds endings in {@link #log}, as the service finds them in the stored log. */
    final Study.Endings endings = (trialId, status) -> log.reversed().stream()
            .filter(e -> e instanceof StudyEvent.TrialCompleted c
                            && c.trialId() == trialId
                            && status == TrialStatus.COMPLETED
                    || e instanceof StudyEvent.TrialFailed f && f.trialId() == trialId && status == TrialStatus.FAILED)
            .findFirst();

    static Study.Ask.Run run(Study.Outcome<Study.Ask> ask) {
        return (Study.Ask.Run) ask.answer();
    }

    @Test
    void aRetryWithTheKeyAnswersTheSameTrialAndRecordsNothing() {
        Study s = study("RandomSearch", Map.of());
        Study.Ask.Run first = (Study.Ask.Run) rec(s.ask("w", "key-1", T0));
        long seq = s.seq();
        Study.Outcome<Study.Ask> retry = s.ask("w", "key-1", T0);
        assertThat(retry.events()).isEmpty();
        assertThat(s.seq()).isEqualTo(seq);
        Study.Ask.Run again = run(retry);
        assertThat(again.replayed()).isTrue();
        assertThat(first.replayed()).isFalse();
        assertThat(again.trialId()).isEqualTo(first.trialId());
        assertThat(again.config()).isEqualTo(first.config());
        assertThat(s.nextTrialId()).as("no second trial").isEqualTo(1);
        assertThat(s.running()).isEqualTo(1);
        Study.Ask.Run other = run(s.ask("w", "key-2", T0));
        assertThat(other.trialId()).as("a new key is a new ask").isEqualTo(1);
        assertThat(other.replayed()).isFalse();
    }

    @Test
    void theSameKeyFromAnotherWorkerIsRefusedAndRecordsNothing() {
        Study s = study("RandomSearch", Map.of());
        rec(s.ask("w1", "k", T0));
        long seq = s.seq();
        assertThatThrownBy(() -> s.ask("w2", "k", T0))
                .isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.kind())
                        .isEqualTo(ConflictException.Kind.IDEMPOTENCY_KEY_MISMATCH))
                .hasMessageContaining("worker w1")
                .hasMessageContaining("worker w2");
        assertThatThrownBy(() -> s.ask(null, "k", T0)).hasMessageContaining("no workerId");
        assertThat(s.seq()).isEqualTo(seq);
        assertThat(s.nextTrialId()).isEqualTo(1);
    }

    @Test
    void theKeyOfATrialThatNoLongerRunsIsRefused() {
        Study s = study("RandomSearch", Map.of());
        long id = ((Study.Ask.Run) rec(s.ask("w", "k", T0))).trialId();
        rec(s.complete(id, loss(1), T0));
        long seq = s.seq();
        assertThatThrownBy(() -> s.ask("w", "k", T0))
                .isInstanceOfSatisfying(ConflictException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ConflictException.Kind.IDEMPOTENCY_KEY_ENDED);
                    assertThat(e.status()).isEqualTo("COMPLETED");
                })
                .hasMessageContaining("trial " + id)
                .hasMessageContaining("no longer runs");
        assertThat(s.seq()).isEqualTo(seq);
    }

    @Test
    void aKeyIsHeldOnlyWhileItsTrialRuns() {
        Study s = study("RandomSearch", Map.of("maxRetries", 0, "maxFailures", 100));
        for (int i = 0; i < 6; i++) {
            rec(s.ask("w", "k" + i, T0));
        }
        rec(s.ask("w", T0));
        assertThat(s.heldIdempotencyKeys()).isEqualTo(6);
        rec(s.complete(0, loss(1), T0));
        rec(s.fail(1, "boom", T0));
        rec(s.markStale(2, "lease expired", T0));
        rec(s.release(3, "shutting down", T0));
        rec(s.skip(4, "skipped", T0));
        rec(s.stopTrial(5, "operator", T0));
        assertThat(s.heldIdempotencyKeys())
                .as("a stop request ends nothing yet")
                .isEqualTo(1);
        assertThat(rec(s.report(5, loss(2), 1L, T0, NONE)).decision()).isEqualTo(Decision.STOP);
        assertThat(s.heldIdempotencyKeys()).isZero();
        for (int i = 0; i < 500; i++) {
            long id = ((Study.Ask.Run) rec(s.ask("w", "many-" + i, T0))).trialId();
            rec(s.complete(id, loss(i), T0));
        }
        assertThat(s.heldIdempotencyKeys())
                .as("no key of a finished trial is held")
                .isZero();
        // Only the last few hundred ended keys are told apart from new ones (AskKeys.ENDED).
        assertThat(run(s.ask("w", "many-0", T0)).replayed()).isFalse();
        assertThatThrownBy(() -> s.ask("w", "many-499", T0)).isInstanceOf(ConflictException.class);
    }

    @Test
    void keysSurviveARebuildFromTheStoredLog() {
        Study s = study("RandomSearch", Map.of());
        long kept = ((Study.Ask.Run) rec(s.ask("w", "kept", T0))).trialId();
        long done = ((Study.Ask.Run) rec(s.ask("w", "done", T0))).trialId();
        rec(s.complete(done, loss(1), T0));
        List<StudyEvent> stored = log.stream()
                .map(EventCodec::encode)
                .map(e -> EventCodec.decode(e.seq(), e.type(), e.trialId(), e.payload()))
                .toList();
        Study copy = Study.replay("s", s.definition(), T0, stored);
        Study.Outcome<Study.Ask> retry = copy.ask("w", "kept", T0);
        assertThat(retry.events()).isEmpty();
        assertThat(run(retry).trialId()).isEqualTo(kept);
        assertThat(run(retry).config()).isEqualTo(s.config(kept));
        assertThatThrownBy(() -> copy.ask("w", "done", T0))
                .isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.kind())
                        .isEqualTo(ConflictException.Kind.IDEMPOTENCY_KEY_ENDED));
        assertThat(copy.heldIdempotencyKeys()).isEqualTo(1);
    }

    @Test
    void aHandOutEventWithoutAKeyStillDecodes() {
        StudyEvent e = EventCodec.decode(
                3,
                EventType.TRIAL_ADDED,
                0L,
                Map.of("config", Map.of("x", 0.5), "memo", Map.of(), "status", "RUNNING", "workerId", "w"));
        assertThat(((StudyEvent.TrialAdded) e).idempotencyKey()).isNull();
        assertThat(((StudyEvent.TrialRun) EventCodec.decode(4, EventType.TRIAL_RUN, 0L, Map.of())).idempotencyKey())
                .isNull();
        assertThat(EventCodec.encode(new StudyEvent.TrialRun(4, 0, "w", null)).payload())
                .as("no key, no field: payloads of asks without a key are as before")
                .doesNotContainKey("idempotencyKey");
    }

    @Test
    void aPendingTrialAndAResumedOneAreReplayedToo() {
        Study s = study("RandomSearch", Map.of());
        long added = rec(s.add(Map.of("x", 0.25), Map.of(), T0));
        Study.Outcome<Study.Ask> ask = s.ask("w", "pending", T0);
        rec(ask);
        assertThat(ask.events()).singleElement().isInstanceOf(StudyEvent.TrialRun.class);
        assertThat(run(s.ask("w", "pending", T0)).trialId()).isEqualTo(added);
        rec(s.release(added, "shutting down", T0));
        Study.Outcome<Study.Ask> resume = s.ask("w2", "resume", T0);
        rec(resume);
        assertThat(resume.events()).singleElement().isInstanceOf(StudyEvent.TrialResumed.class);
        Study.Outcome<Study.Ask> retry = s.ask("w2", "resume", T0);
        assertThat(retry.events()).isEmpty();
        assertThat(run(retry)).isEqualTo(new Study.Ask.Run(added, s.config(added), true, null, true));
        assertThatThrownBy(() -> s.ask("w", "pending", T0))
                .as("the key of the hand-out before the release")
                .isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.kind())
                        .isEqualTo(ConflictException.Kind.IDEMPOTENCY_KEY_ENDED));
    }

    @Test
    void aBatchIsReplayedWholeAndOnlyToAnAskForAsManyTrials() {
        Study s = study("RandomSearch", Map.of());
        Study.Batch batch = rec(s.askBatch("w", 3, "batch", T0));
        assertThat(batch.runs()).hasSize(3);
        Study.Outcome<Study.Batch> retry = s.askBatch("w", 3, "batch", T0);
        assertThat(retry.events()).isEmpty();
        assertThat(retry.answer().replayed()).isTrue();
        assertThat(retry.answer().runs())
                .extracting(Study.Ask.Run::trialId)
                .containsExactlyElementsOf(
                        batch.runs().stream().map(Study.Ask.Run::trialId).toList());
        assertThatThrownBy(() -> s.askBatch("w", 2, "batch", T0))
                .isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.kind())
                        .isEqualTo(ConflictException.Kind.IDEMPOTENCY_KEY_MISMATCH));
        assertThatThrownBy(() -> s.ask("w", "batch", T0)).isInstanceOf(ConflictException.class);
        rec(s.complete(batch.runs().get(1).trialId(), loss(1), T0));
        assertThat(s.heldIdempotencyKeys())
                .as("one trial of the batch ended: its key is done")
                .isZero();
        assertThatThrownBy(() -> s.askBatch("w", 3, "batch", T0))
                .isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.kind())
                        .isEqualTo(ConflictException.Kind.IDEMPOTENCY_KEY_ENDED));
    }

    @Test
    void anAskThatWaitedIsNotRememberedSoItsRetryAsksAgain() {
        Study s = study("RandomSearch", Map.of("maxConcurrentTrials", 1));
        rec(s.ask("w1", "a", T0));
        assertThat(rec(s.ask("w2", "b", T0))).isInstanceOf(Study.Ask.Wait.class);
        rec(s.complete(0, loss(1), T0));
        Study.Ask.Run run = (Study.Ask.Run) rec(s.ask("w2", "b", T0));
        assertThat(run.trialId()).isEqualTo(1);
        assertThat(run.replayed()).isFalse();
    }

    @Test
    void aRepeatedCompletionWithTheSameMetricsIsARetryAndOtherMetricsAreRefused() {
        Study s = study("RandomSearch", Map.of());
        long id = ((Study.Ask.Run) rec(s.ask("w", T0))).trialId();
        rec(s.complete(id, loss(0.5), null, T0, endings));
        long seq = s.seq();
        Study.Outcome<TrialStatus> again = s.complete(id, loss(0.5), null, T0, endings);
        assertThat(again.answer()).isEqualTo(TrialStatus.COMPLETED);
        assertThat(again.events()).isEmpty();
        assertThat(s.seq()).isEqualTo(seq);
        assertThatThrownBy(() -> s.complete(id, loss(0.6), null, T0, endings))
                .isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.kind())
                        .isEqualTo(ConflictException.Kind.ALREADY_FINISHED));
        assertThatThrownBy(() -> s.complete(id, loss(0.5), T0))
                .as("without the log's endings nothing tells a retry")
                .isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> s.fail(id, "late", null, T0, endings))
                .as("a completed trial does not fail")
                .isInstanceOf(ConflictException.class);
    }

    @Test
    void aRepeatedFailureWithTheSameReasonIsARetry() {
        Study s = study("RandomSearch", Map.of("maxRetries", 1));
        long id = ((Study.Ask.Run) rec(s.ask("w", T0))).trialId();
        rec(s.fail(id, "oom", null, T0, endings));
        long seq = s.seq();
        Study.Outcome<TrialStatus> again = s.fail(id, "oom", null, T0, endings);
        assertThat(again.answer()).isEqualTo(TrialStatus.FAILED);
        assertThat(again.events()).as("no second retry trial either").isEmpty();
        assertThat(s.seq()).isEqualTo(seq);
        assertThatThrownBy(() -> s.fail(id, "segfault", null, T0, endings)).isInstanceOf(ConflictException.class);
        long noReason = ((Study.Ask.Run) rec(s.ask("w", T0))).trialId();
        rec(s.fail(noReason, null, null, T0, endings));
        assertThat(s.fail(noReason, null, null, T0, endings).events()).isEmpty();
        assertThat(Optional.of(s.trialStatus(noReason))).contains(TrialStatus.FAILED);
    }

    @Test
    void aCompletionWithAKeyIsRetriedOnlyWithThatKey() {
        Study s = study("RandomSearch", Map.of());
        long id = ((Study.Ask.Run) rec(s.ask("w", T0))).trialId();
        rec(s.complete(id, loss(0.5), "done-x", T0, endings));
        long seq = s.seq();
        assertThat(s.complete(id, loss(0.5), "done-x", T0, endings).events())
                .as("the same request again")
                .isEmpty();
        assertThat(s.seq()).isEqualTo(seq);
        // PyGlove's co-workers: Y's done with the same (empty or equal) metrics is not X's retry
        assertThatThrownBy(() -> s.complete(id, loss(0.5), "done-y", T0, endings))
                .isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.kind())
                        .isEqualTo(ConflictException.Kind.ALREADY_FINISHED));
        assertThatThrownBy(() -> s.complete(id, loss(0.5), null, T0, endings))
                .as("nor is a repeat that names no request")
                .isInstanceOf(ConflictException.class);
        long other = ((Study.Ask.Run) rec(s.ask("w", T0))).trialId();
        rec(s.fail(other, "oom", "fail-x", T0, endings));
        assertThat(s.fail(other, "oom", "fail-x", T0, endings).events()).isEmpty();
        assertThatThrownBy(() -> s.fail(other, "oom", "fail-y", T0, endings)).isInstanceOf(ConflictException.class);
    }

    @Test
    void theEndingsKeySurvivesTheLog() {
        StudyEvent.TrialCompleted done = new StudyEvent.TrialCompleted(9, 3, Map.of("loss", 0.5), "k-1");
        assertThat(roundTrip(done)).isEqualTo(done);
        StudyEvent.TrialFailed failed = new StudyEvent.TrialFailed(10, 4, "oom", "k-2");
        assertThat(roundTrip(failed)).isEqualTo(failed);
        StudyEvent.TrialCompleted keyless = new StudyEvent.TrialCompleted(11, 5, Map.of(), null);
        assertThat(roundTrip(keyless)).isEqualTo(keyless);
    }

    private static StudyEvent roundTrip(StudyEvent e) {
        var encoded = EventCodec.encode(e);
        return EventCodec.decode(encoded.seq(), encoded.type(), encoded.trialId(), encoded.payload());
    }
}
