package dev.attune.study;

import static dev.attune.study.StudyTest.NONE;
import static dev.attune.study.StudyTest.PARSER;
import static dev.attune.study.StudyTest.T0;
import static dev.attune.study.StudyTest.json;
import static dev.attune.study.StudyTest.study;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.space.InvalidInputException;
import dev.attune.study.StudyEvent.DefinitionChanged;
import dev.attune.study.StudyEvent.RunningTrialsStopped;
import dev.attune.study.StudyEvent.StudyStatusChanged;
import dev.attune.study.StudyEvent.TrialPauseRequested;
import dev.attune.study.StudyEvent.TrialResumeRequested;
import dev.attune.study.StudyEvent.TrialResumed;
import dev.attune.study.StudyEvent.TrialSkipped;
import dev.attune.study.StudyEvent.TrialStopRequested;
import dev.attune.trial.Decision;
import dev.attune.trial.TrialStatus;
import dev.attune.trial.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The study's life (issue 18): budgets that end running trials, the cap on started trials that only
 * refuses new starts, the operator's stop, pause and resume of one trial, and changing a finished study's
 * budget; each with the scheduler families it touches (promotion ASHA, synchronous Hyperband, PBT, BO with
 * pending trials), and each replayed from its log into the same state.
 */
class StudyLifeTest {

    /** The study, with every command's events kept, so that each test can replay the log at its end. */
    static final class Logged {
        final Study study;
        final List<StudyEvent> log = new ArrayList<>();

        Logged(Study study) {
            this.study = study;
        }

        <A> A run(Study.Outcome<A> outcome) {
            log.addAll(outcome.events());
            return outcome.answer();
        }

        Study.Ask ask() {
            return run(study.ask("w", T0));
        }

        long start() {
            return ((Study.Ask.Run) ask()).trialId();
        }

        Verdict report(long trial, double epoch, double loss) {
            return run(study.report(trial, Map.of("epoch", epoch, "loss", loss), null, T0, NONE));
        }

        Verdict report(long trial, Map<String, Double> metrics, Instant at) {
            return run(study.report(trial, metrics, null, at, NONE));
        }

        /** Replays the log into a fresh study: same state, and every report decided as it was. */
        void replaysToTheSameState() {
            Study replayed = Study.create(
                    study.id(), PARSER.parse(json0, study.definition().seed()), T0);
            for (StudyEvent e : log) {
                StudyEvent decoded = roundTrip(e);
                if (NEW_EVENTS.contains(e.getClass())) {
                    assertThat(decoded).as("codec round trip of %s", e).isEqualTo(e);
                }
                Verdict computed = replayed.apply(decoded);
                if (e instanceof StudyEvent.Reported r) {
                    assertThat(computed).as("replayed decision at %d", e.seq()).isEqualTo(r.verdict());
                }
            }
            assertThat(StudyTest.State.of(replayed)).isEqualTo(StudyTest.State.of(study));
            assertThat(replayed.definition().toJson())
                    .isEqualTo(study.definition().toJson());
        }

        Map<String, Object> json0;
    }

    static final java.util.Set<Class<?>> NEW_EVENTS = java.util.Set.of(
            RunningTrialsStopped.class,
            TrialStopRequested.class,
            TrialPauseRequested.class,
            TrialResumeRequested.class,
            DefinitionChanged.class);

    static StudyEvent roundTrip(StudyEvent e) {
        EventCodec.Stored s = EventCodec.encode(e);
        @SuppressWarnings("unchecked")
        Map<String, Object> payload = (Map<String, Object>) dev.attune.space.Values.canonical(s.payload());
        return EventCodec.decode(s.seq(), s.type(), s.trialId(), payload);
    }

    static Logged logged(String method, Map<String, Object> extra) {
        Map<String, Object> json = json(method, extra);
        Logged l = new Logged(Study.create("s", PARSER.parse(json, 7), T0));
        l.json0 = json;
        return l;
    }

    static long epochsOf(Study.Ask.Run run) {
        return ((Number) run.config().get("epochs")).longValue();
    }

    /**
     * One worker runs the study to its end: each trial handed out reports epoch after epoch up to its
     * target, with a loss that ranks trials by id, until it is told to stop or pause.
     */
    static List<Study.Ask.Run> runToTheEnd(Logged l, int maxAsks) {
        List<Study.Ask.Run> handedOut = new ArrayList<>();
        for (int i = 0; i < maxAsks; i++) {
            Study.Ask ask = l.ask();
            if (ask instanceof Study.Ask.Done) {
                return handedOut;
            }
            Study.Ask.Run run = (Study.Ask.Run) ask;
            handedOut.add(run);
            long from = l.study.highestLevel(run.trialId()) + 1;
            for (long epoch = Math.max(1, from); epoch <= epochsOf(run); epoch++) {
                Verdict v = l.report(run.trialId(), epoch, loss(run.trialId(), epoch));
                if (v.decision() != Decision.CONTINUE) {
                    break;
                }
            }
            if (l.study.trialStatus(run.trialId()) == TrialStatus.RUNNING) {
                l.run(l.study.complete(run.trialId(), Map.of(), T0));
            }
        }
        throw new AssertionError("the study did not end in " + maxAsks + " asks");
    }

    /** Trial 3k+1 is the best of every three, so that rungs promote a known order. */
    static double loss(long trial, long epoch) {
        return 1.0 + (trial % 3 == 1 ? 0 : trial % 5) + 1.0 / epoch;
    }

    // -----------------------------------------------------------------------------------------------
    // 1. Budgets end running trials

    @ParameterizedTest
    @ValueSource(
            strings = {
                "maxWallclockTime",
                "maxCost",
                "maxNumEvaluations",
                "minMetricValue",
                "maxNumTrialsCompleted",
                "maxNumTrialsFinished",
                "maxFailures"
            })
    void aBudgetThatRunsOutStopsEveryRunningTrialAtItsNextReport(String criterion) {
        Logged l = logged("RandomSearch", criterion(criterion, false));
        long a = l.start();
        long b = l.start();
        long c = l.start();
        fire(l, criterion, a);
        assertThat(l.study.status()).isEqualTo(StudyStatus.STOPPING);
        assertThat(l.study.statusReason()).startsWith(criterion + " reached");
        assertThat(l.log).anyMatch(RunningTrialsStopped.class::isInstance);
        for (long t : List.of(b, c)) {
            Verdict v = l.report(t, Map.of("loss", 5.0), T0.plusSeconds(120));
            assertThat(v.decision()).as("trial %d", t).isEqualTo(Decision.STOP);
            assertThat(v.reason()).contains("the study is stopping: " + criterion + " reached");
            assertThat(l.study.trialStatus(t)).isEqualTo(TrialStatus.STOPPED);
        }
        if (l.study.trialStatus(a) == TrialStatus.RUNNING) {
            assertThat(l.report(a, Map.of("loss", 5.0), T0.plusSeconds(120)).decision())
                    .isEqualTo(Decision.STOP);
        }
        assertThat(l.study.status()).as("nothing runs: done").isEqualTo(StudyStatus.DONE);
        assertThat(l.ask()).isInstanceOf(Study.Ask.Done.class);
        l.replaysToTheSameState();
    }

    @ParameterizedTest
    @ValueSource(strings = {"maxWallclockTime", "maxCost", "maxNumEvaluations", "minMetricValue", "maxFailures"})
    void waitTrialCompletionWhenStoppingLetsRunningTrialsFinish(String criterion) {
        Logged l = logged("RandomSearch", criterion(criterion, true));
        long a = l.start();
        long b = l.start();
        fire(l, criterion, a);
        assertThat(l.study.status()).isEqualTo(StudyStatus.STOPPING);
        assertThat(l.log).noneMatch(RunningTrialsStopped.class::isInstance);
        assertThat(l.report(b, Map.of("loss", 5.0), T0.plusSeconds(120)).decision())
                .isEqualTo(Decision.CONTINUE);
        l.run(l.study.complete(b, Map.of("loss", 5.0), T0.plusSeconds(121)));
        if (l.study.trialStatus(a) == TrialStatus.RUNNING) {
            l.run(l.study.complete(a, Map.of("loss", 5.0), T0.plusSeconds(121)));
        }
        assertThat(l.study.status()).isEqualTo(StudyStatus.DONE);
        l.replaysToTheSameState();
    }

    static Map<String, Object> criterion(String criterion, boolean wait) {
        Map<String, Object> extra = new LinkedHashMap<>();
        switch (criterion) {
            case "maxWallclockTime" -> extra.put("stoppingCriterion", Map.of("maxWallclockTime", 60));
            case "maxCost" -> extra.put("stoppingCriterion", Map.of("maxCost", 10, "costAttr", "cost"));
            case "maxNumEvaluations" -> extra.put("stoppingCriterion", Map.of("maxNumEvaluations", 2));
            case "minMetricValue" -> extra.put("stoppingCriterion", Map.of("minMetricValue", Map.of("loss", 0.1)));
            case "maxNumTrialsCompleted" -> extra.put("stoppingCriterion", Map.of("maxNumTrialsCompleted", 5));
            case "maxNumTrialsFinished" -> extra.put("stoppingCriterion", Map.of("maxNumTrialsFinished", 5));
            case "maxFailures" -> {} // Syne Tune's default: the first failed trial
            default -> throw new IllegalArgumentException(criterion);
        }
        if (wait) {
            extra.put("waitTrialCompletionWhenStopping", true);
        }
        return extra;
    }

    /** Makes the criterion fire through trial {@code a} (or trials evaluated elsewhere). */
    static void fire(Logged l, String criterion, long a) {
        switch (criterion) {
            case "maxWallclockTime" -> l.report(a, Map.of("loss", 3.0), T0.plusSeconds(61));
            case "maxCost" -> l.report(a, Map.of("loss", 3.0, "cost", 11.0), T0);
            case "maxNumEvaluations" -> {
                l.report(a, Map.of("loss", 3.0), T0);
                l.report(a, Map.of("loss", 2.0), T0);
            }
            case "minMetricValue" -> l.report(a, Map.of("loss", 0.05), T0);
            case "maxNumTrialsCompleted", "maxNumTrialsFinished" -> {
                // two running trials may still complete, so the limit is reached by trials added with results
                for (int i = 0; i < 5; i++) {
                    l.run(l.study.add(Map.of("x", 0.1 * i), Map.of("loss", 4.0), T0));
                }
            }
            case "maxFailures" -> l.run(l.study.fail(a, "boom", T0));
            default -> throw new IllegalArgumentException(criterion);
        }
    }

    @Test
    void maxFailuresDefaultsToSyneTunesOneAndCountsRetries() {
        assertThat(PARSER.parse(json("RandomSearch", Map.of()), 1).maxFailures())
                .isEqualTo(1);
        assertThat(PARSER.parse(json("RandomSearch", Map.of("maxRetries", 2)), 1)
                        .maxFailures())
                .isEqualTo(3);
        assertThat(PARSER.parse(json("RandomSearch", Map.of("maxFailures", 7)), 1)
                        .maxFailures())
                .isEqualTo(7);
        Study s = study("RandomSearch", Map.of());
        long t = ((Study.Ask.Run) s.ask("w", T0).answer()).trialId();
        s.fail(t, "boom", T0);
        assertThat(s.status()).isEqualTo(StudyStatus.DONE);
        assertThat(s.statusReason()).isEqualTo("maxFailures reached (1 trials failed or went stale)");
    }

    @Test
    void theCapOnStartedTrialsLetsFifoTrialsRunOn() {
        Logged l = logged("RandomSearch", Map.of("stoppingCriterion", Map.of("maxNumTrialsStarted", 2)));
        long a = l.start();
        long b = l.start();
        assertThat(l.study.status()).isEqualTo(StudyStatus.STOPPING);
        assertThat(l.log).noneMatch(RunningTrialsStopped.class::isInstance);
        assertThat(l.report(a, Map.of("loss", 1.0), T0).decision()).isEqualTo(Decision.CONTINUE);
        assertThat(l.ask()).isInstanceOf(Study.Ask.Done.class);
        l.run(l.study.complete(a, Map.of("loss", 1.0), T0));
        l.run(l.study.complete(b, Map.of("loss", 1.0), T0));
        assertThat(l.study.status()).isEqualTo(StudyStatus.DONE);
        l.replaysToTheSameState();
    }

    @Test
    void aPromotionAshaStudyAtItsCapStillPromotes() {
        Logged l = logged(
                "ASHA",
                Map.of("options", Map.of("type", "promotion"), "stoppingCriterion", Map.of("maxNumTrialsStarted", 9)));
        // nine workers take the nine trials the cap allows, then each pauses at the first rung
        List<Long> trials = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            trials.add(l.start());
        }
        assertThat(l.study.status()).isEqualTo(StudyStatus.ACTIVE);
        for (long t : trials) {
            assertThat(l.report(t, 1, loss(t, 1)).decision()).isEqualTo(Decision.PAUSE);
        }
        assertThat(l.study.status())
                .as("paused trials may be promoted: not done")
                .isEqualTo(StudyStatus.ACTIVE);
        List<Study.Ask.Run> afterCap = runToTheEnd(l, 200);
        assertThat(l.study.started()).isEqualTo(9);
        assertThat(afterCap).as("promotions after the cap").hasSizeGreaterThanOrEqualTo(4);
        assertThat(afterCap).allMatch(Study.Ask.Run::resumed);
        assertThat(afterCap).as("promotion to the maximum resource").anyMatch(r -> epochsOf(r) == 9);
        assertThat(l.study.count(TrialStatus.COMPLETED))
                .as("a trial that ran to the maximum resource is COMPLETED")
                .isGreaterThanOrEqualTo(1);
        assertThat(l.study.count(TrialStatus.STOPPED)).isZero();
        assertThat(l.study.status()).isEqualTo(StudyStatus.DONE);
        assertThat(l.study.statusReason()).isEqualTo("maxNumTrialsStarted reached (9)");
        l.replaysToTheSameState();
    }

    @Test
    void aWrapperOverPromotionAshaPromotesAtTheCapToo() {
        // The median stopping rule forwards the pause/resume hooks to its base method (DelegatingScheduler):
        // without them the capped study would end with its paused trials never promoted.
        Logged l = logged(
                "MedianStoppingRule",
                Map.of(
                        "options",
                        Map.of(
                                "baseMethod",
                                "asha",
                                "baseOptions",
                                Map.of("type", "promotion"),
                                "gracePopulation",
                                1000),
                        "stoppingCriterion",
                        Map.of("maxNumTrialsStarted", 9)));
        List<Long> trials = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            trials.add(l.start());
        }
        for (long t : trials) {
            assertThat(l.report(t, 1, loss(t, 1)).decision()).isEqualTo(Decision.PAUSE);
        }
        assertThat(l.study.status())
                .as("paused trials may be promoted: not done")
                .isEqualTo(StudyStatus.ACTIVE);
        List<Study.Ask.Run> afterCap = runToTheEnd(l, 200);
        assertThat(afterCap).as("promotions after the cap").hasSizeGreaterThanOrEqualTo(4);
        assertThat(afterCap).allMatch(Study.Ask.Run::resumed);
        assertThat(l.study.status()).isEqualTo(StudyStatus.DONE);
        l.replaysToTheSameState();
    }

    @Test
    void atTheCapAnAskWaitsWhileARunningTrialMayStillLeadToAPromotion() {
        Logged l = logged(
                "ASHA",
                Map.of("options", Map.of("type", "promotion"), "stoppingCriterion", Map.of("maxNumTrialsStarted", 1)));
        long a = l.start();
        Study.Ask second = l.ask();
        assertThat(second).isInstanceOf(Study.Ask.Wait.class);
        assertThat(((Study.Ask.Wait) second).reason()).contains("maxNumTrialsStarted reached (1)");
        assertThat(l.study.status()).isEqualTo(StudyStatus.ACTIVE);
        assertThat(l.report(a, 1, 2.0).decision()).isEqualTo(Decision.PAUSE);
        assertThat(l.study.status())
                .as("one trial in the rung is never promoted: nothing to hand out")
                .isEqualTo(StudyStatus.DONE);
        l.replaysToTheSameState();
    }

    // -----------------------------------------------------------------------------------------------
    // 2. Operator actions

    @Test
    void stoppingATrialAnswersStopAtItsNextReportSkipsAPendingOneAndEndsAPausedOneAtOnce() {
        Logged l = logged("RandomSearch", Map.of("maxFailures", 5));
        long running = l.start();
        assertThat(l.run(l.study.stopTrial(running, null, T0))).isEqualTo(TrialStatus.RUNNING);
        assertThat(l.log.getLast()).isEqualTo(new TrialStopRequested(l.study.seq(), running, "stopped by an operator"));
        assertThat(l.study.requestedDecision(running)).contains(Verdict.stop("stopped by an operator"));
        assertThat(l.study.stopTrial(running, "again", T0).events())
                .as("asked once")
                .isEmpty();
        Verdict v = l.report(running, Map.of("loss", 1.0), T0);
        assertThat(v).isEqualTo(Verdict.stop("stopped by an operator"));
        assertThat(l.study.trialStatus(running)).isEqualTo(TrialStatus.STOPPED);

        long pending = l.run(l.study.add(Map.of("x", 0.5), Map.of(), T0));
        assertThat(l.run(l.study.stopTrial(pending, "not needed", T0))).isEqualTo(TrialStatus.SKIPPED);
        assertThat(l.log.getLast()).isEqualTo(new TrialSkipped(l.study.seq(), pending, "not needed"));

        long paused = l.start();
        l.run(l.study.pauseTrial(paused, null, T0));
        assertThat(l.report(paused, Map.of("loss", 2.0), T0).decision()).isEqualTo(Decision.PAUSE);
        assertThat(l.run(l.study.stopTrial(paused, "enough", T0))).isEqualTo(TrialStatus.STOPPED);

        assertThatThrownBy(() -> l.study.stopTrial(running, null, T0))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("is STOPPED and cannot be stopped")
                .extracting(e -> ((ConflictException) e).kind())
                .isEqualTo(ConflictException.Kind.ALREADY_FINISHED);
        assertThatThrownBy(() -> l.study.stopTrial(99, null, T0)).isInstanceOf(NotFoundException.class);
        l.replaysToTheSameState();
    }

    @Test
    void aPausedTrialIsResumedByTheNextAskBeforeAnythingElse() {
        Logged l = logged("RandomSearch", Map.of());
        long a = l.start();
        l.run(l.study.pauseTrial(a, "free a GPU", T0));
        assertThat(l.study.requestedDecision(a)).contains(Verdict.pause("free a GPU"));
        assertThat(l.report(a, Map.of("loss", 1.0), T0)).isEqualTo(Verdict.pause("free a GPU"));
        assertThat(l.study.trialStatus(a)).isEqualTo(TrialStatus.PAUSED);
        long pending = l.run(l.study.add(Map.of("x", 0.5), Map.of(), T0));
        assertThat(l.run(l.study.resumeTrial(a, T0))).isEqualTo(TrialStatus.PAUSED);
        assertThat(l.log.getLast()).isEqualTo(new TrialResumeRequested(l.study.seq(), a));
        Study.Ask.Run again = (Study.Ask.Run) l.ask();
        assertThat(again.trialId()).as("before the pending trial").isEqualTo(a);
        assertThat(again.resumed()).isTrue();
        assertThat(((Study.Ask.Run) l.ask()).trialId()).isEqualTo(pending);
        assertThat(l.report(a, Map.of("loss", 0.5), T0).decision()).isEqualTo(Decision.CONTINUE);

        assertThatThrownBy(() -> l.study.resumeTrial(a, T0))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("only a paused trial");
        long added = l.run(l.study.add(Map.of("x", 0.7), Map.of(), T0));
        assertThatThrownBy(() -> l.study.pauseTrial(added, null, T0))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("only a running trial");
        l.run(l.study.pauseTrial(a, null, T0));
        l.report(a, Map.of("loss", 0.4), T0);
        l.run(l.study.stop("enough", false, T0));
        assertThatThrownBy(() -> l.study.resumeTrial(a, T0))
                .isInstanceOf(ConflictException.class)
                .extracting(e -> ((ConflictException) e).kind())
                .isEqualTo(ConflictException.Kind.STUDY_NOT_ACTIVE);
        l.replaysToTheSameState();
    }

    @Test
    void stoppingTheStudyStopsRunningTrialsOnlyWhenAskedOrByDefault() {
        Logged waits = logged("RandomSearch", Map.of("waitTrialCompletionWhenStopping", true));
        long a = waits.start();
        waits.run(waits.study.stop("stopped by a client", null, T0));
        assertThat(waits.report(a, Map.of("loss", 1.0), T0).decision()).isEqualTo(Decision.CONTINUE);
        waits.run(waits.study.stop("stopped by a client", true, T0));
        assertThat(waits.report(a, Map.of("loss", 0.9), T0))
                .isEqualTo(Verdict.stop("the study is stopping: stopped by a client"));
        assertThat(waits.study.status()).isEqualTo(StudyStatus.DONE);
        waits.replaysToTheSameState();

        Logged explicit = logged("RandomSearch", Map.of());
        long b = explicit.start();
        explicit.run(explicit.study.stop("stopped by a client", false, T0));
        assertThat(explicit.report(b, Map.of("loss", 1.0), T0).decision()).isEqualTo(Decision.CONTINUE);
        explicit.replaysToTheSameState();
    }

    @Test
    void promotionAsha_aTrialStoppedWhilePausedAtARungIsNeverPromoted_anOperatorResumeGoesToTheNextRung() {
        Logged l = logged(
                "ASHA",
                Map.of("options", Map.of("type", "promotion"), "stoppingCriterion", Map.of("maxNumTrialsStarted", 12)));
        List<Long> trials = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            trials.add(l.start()); // all asked before any report, so that none is a promotion
        }
        for (long t : trials) {
            assertThat(l.report(t, 1, loss(t, 1)).decision()).isEqualTo(Decision.PAUSE);
        }
        long best = l.study.scheduler().suggestResume().orElseThrow().trialId();
        assertThat(l.run(l.study.stopTrial(best, null, T0))).isEqualTo(TrialStatus.STOPPED);
        assertThat(l.study.scheduler().suggestResume())
                .as("the stopped trial is not promoted")
                .hasValueSatisfying(r -> assertThat(r.trialId()).isNotEqualTo(best));

        long other = trials.stream().filter(t -> t != best).findFirst().orElseThrow();
        l.run(l.study.resumeTrial(other, T0));
        Study.Ask.Run resumed = (Study.Ask.Run) l.ask();
        assertThat(resumed.trialId()).isEqualTo(other);
        assertThat(epochsOf(resumed)).as("resumed to the next rung").isEqualTo(3);

        // pause by hand between rungs, and the resume goes on to the same milestone
        l.run(l.study.pauseTrial(other, null, T0));
        assertThat(l.report(other, 2, loss(other, 2)).decision()).isEqualTo(Decision.PAUSE);
        l.run(l.study.resumeTrial(other, T0));
        Study.Ask.Run again = (Study.Ask.Run) l.ask();
        assertThat(again.trialId()).isEqualTo(other);
        assertThat(epochsOf(again)).isEqualTo(3);
        assertThat(l.report(other, 3, loss(other, 3)).decision()).isEqualTo(Decision.PAUSE);

        runToTheEnd(l, 300);
        assertThat(l.log)
                .as("no resume of the stopped trial")
                .noneMatch(e -> e instanceof TrialResumed r && r.trialId() == best);
        assertThat(l.study.trialStatus(best)).isEqualTo(TrialStatus.STOPPED);
        l.replaysToTheSameState();
    }

    @Test
    void syncHyperband_aStoppedTrialsSlotRanksLastAndThePausedOneKeepsItsSlot() {
        Logged l = logged("SyncHyperband", Map.of("options", Map.of("brackets", 1), "maxConcurrentTrials", 20));
        // bracket 0, rung 0 of a 9-epoch η=3 Hyperband: 9 slots at level 1
        List<Long> trials = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            trials.add(l.start());
        }
        long stopped = trials.get(0);
        long paused = trials.get(1);
        l.run(l.study.stopTrial(stopped, null, T0));
        assertThat(l.report(stopped, 0, 0.01).decision())
                .as("best so far, but stopped")
                .isEqualTo(Decision.STOP);
        l.run(l.study.pauseTrial(paused, null, T0));
        assertThat(l.report(paused, 0, 3.0).decision()).isEqualTo(Decision.PAUSE);
        for (long t : trials.subList(2, 9)) {
            assertThat(l.report(t, 1, loss(t, 1)).decision()).isEqualTo(Decision.PAUSE);
        }
        assertThatThrownBy(() -> l.study.resumeTrial(trials.get(2), T0))
                .as("a trial waiting at a rung is resumed only when the rung promotes it")
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("only when the rung promotes it");
        assertThat(l.study.scheduler().suggestResume())
                .as("the rung waits for the paused trial")
                .isEmpty();
        l.run(l.study.resumeTrial(paused, T0));
        Study.Ask.Run back = (Study.Ask.Run) l.ask();
        assertThat(back.trialId()).isEqualTo(paused);
        assertThat(epochsOf(back)).isEqualTo(1);
        assertThat(l.report(paused, 1, 9.0).decision()).isEqualTo(Decision.PAUSE);
        // the rung is complete: its best three are promoted, and the stopped trial (NaN) is not one of them
        Study.Ask.Run promoted = (Study.Ask.Run) l.ask();
        assertThat(promoted.resumed()).isTrue();
        assertThat(promoted.trialId()).isNotEqualTo(stopped).isNotEqualTo(paused);
        assertThat(epochsOf(promoted)).isEqualTo(3);
        l.replaysToTheSameState();
    }

    @Test
    void syncHyperband_aTrialStoppedWhileWaitingAtARungIsSkippedWhenTheRungPromotesIt() {
        Logged l = logged("SyncHyperband", Map.of("options", Map.of("brackets", 1), "maxConcurrentTrials", 20));
        List<Long> trials = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            trials.add(l.start());
        }
        for (long t : trials.subList(0, 8)) {
            l.report(t, 1, t == 4 ? 0.01 : 2.0 + t);
        }
        l.run(l.study.stopTrial(4, null, T0)); // the best, waiting at the rung
        assertThat(l.study.trialStatus(4)).isEqualTo(TrialStatus.STOPPED);
        l.report(trials.get(8), 1, 50.0);
        Study.Ask.Run first = (Study.Ask.Run) l.ask();
        assertThat(first.trialId()).as("the promotion skips the stopped trial").isEqualTo(0);
        assertThat(first.resumed()).isTrue();
        l.replaysToTheSameState();
    }

    @Test
    void pbt_aPausedTrialLeavesThePopulationAndAStoppedOneEnds() {
        Logged l = logged("PBT", Map.of("options", Map.of("populationSize", 2, "perturbationInterval", 3)));
        long a = l.start();
        long b = l.start();
        assertThat(l.ask()).as("the population is complete").isInstanceOf(Study.Ask.Wait.class);
        l.run(l.study.pauseTrial(a, null, T0));
        assertThat(l.report(a, 1, 1.0).decision()).isEqualTo(Decision.PAUSE);
        Study.Ask.Run c = (Study.Ask.Run) l.ask();
        assertThat(c.resumed()).as("a new member takes the paused one's place").isFalse();
        l.run(l.study.stopTrial(b, null, T0));
        assertThat(l.report(b, 1, 1.0).decision()).isEqualTo(Decision.STOP);
        l.run(l.study.resumeTrial(a, T0));
        Study.Ask.Run back = (Study.Ask.Run) l.ask();
        assertThat(back.trialId()).isEqualTo(a);
        assertThat(l.report(a, 2, 0.9).decision()).isEqualTo(Decision.CONTINUE);
        l.replaysToTheSameState();
    }

    @Test
    void bayesianOptimization_aTrialStoppedByTheStudyIsNoLongerAPendingEvaluation() {
        Map<String, Object> options = Map.of("numInitRandom", 2, "numInitCandidates", 20, "numFantasySamples", 2);
        Map<String, Object> extra = Map.of("options", options, "pointsToEvaluate", List.of());
        List<Map<String, Object>> next = new ArrayList<>();
        for (String variant : List.of("stopped by the study", "skipped", "still running")) {
            Logged l = logged("BayesianOptimization", extra);
            for (int i = 0; i < 3; i++) {
                long t = l.start();
                l.run(l.study.complete(t, Map.of("loss", 1.0 + i), T0));
            }
            long pendingTrial = l.start();
            switch (variant) {
                case "stopped by the study" -> {
                    l.run(l.study.stopTrial(pendingTrial, null, T0));
                    assertThat(l.report(pendingTrial, Map.of("loss", 2.0), T0).decision())
                            .isEqualTo(Decision.STOP);
                }
                case "skipped" -> {
                    l.report(pendingTrial, Map.of("loss", 2.0), T0);
                    l.run(l.study.skip(pendingTrial, null, T0));
                }
                default -> l.report(pendingTrial, Map.of("loss", 2.0), T0);
            }
            next.add(((Study.Ask.Run) l.ask()).config());
            l.replaysToTheSameState();
        }
        assertThat(next.get(0)).as("as if it had never run: not fantasized").isEqualTo(next.get(1));
        assertThat(next.get(2)).as("a running trial is fantasized").isNotEqualTo(next.get(0));
    }

    // -----------------------------------------------------------------------------------------------
    // 3. Changing a study

    @Test
    void aDoneStudyGivenMoreBudgetIsActiveAgainAndGoesOn() {
        Logged l = logged("RandomSearch", Map.of("stoppingCriterion", Map.of("maxNumTrialsCompleted", 2)));
        List<Map<String, Object>> configs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Study.Ask.Run run = (Study.Ask.Run) l.ask();
            configs.add(run.config());
            l.run(l.study.complete(run.trialId(), Map.of("loss", 1.0), T0));
        }
        assertThat(l.study.status()).isEqualTo(StudyStatus.DONE);

        StudyDefinition renamed = PARSER.change(l.study.definition(), Map.of("name", "renamed"));
        assertThat(l.run(l.study.change(renamed, T0)))
                .as("a new name is no new budget")
                .isEqualTo(StudyStatus.DONE);

        StudyDefinition same =
                PARSER.change(l.study.definition(), Map.of("stoppingCriterion", Map.of("maxNumTrialsCompleted", 2)));
        assertThat(l.study.change(same, T0).answer()).isEqualTo(StudyStatus.DONE);

        StudyDefinition more =
                PARSER.change(l.study.definition(), Map.of("stoppingCriterion", Map.of("maxNumTrialsCompleted", 4)));
        Study.Outcome<StudyStatus> changed = l.study.change(more, T0);
        l.log.addAll(changed.events());
        assertThat(changed.answer()).isEqualTo(StudyStatus.ACTIVE);
        assertThat(changed.events()).hasSize(2);
        assertThat(changed.events().get(0)).isInstanceOf(DefinitionChanged.class);
        assertThat(changed.events().get(1)).isEqualTo(new StudyStatusChanged(l.study.seq(), StudyStatus.ACTIVE, null));
        assertThat(l.study.definition().name()).isEqualTo("renamed");
        Study.Ask.Run third = (Study.Ask.Run) l.ask();
        assertThat(third.trialId()).isEqualTo(2);
        assertThat(configs).doesNotContain(third.config());
        l.run(l.study.complete(2, Map.of("loss", 1.0), T0));
        l.run(l.study.complete(l.start(), Map.of("loss", 1.0), T0));
        assertThat(l.study.status()).isEqualTo(StudyStatus.DONE);
        assertThat(l.study.statusReason()).isEqualTo("maxNumTrialsCompleted reached (4)");
        l.replaysToTheSameState();
    }

    @Test
    void aChangeMergesIntoTheCriterionAndRemovesWithNull() {
        StudyDefinition d = PARSER.parse(
                json(
                        "RandomSearch",
                        Map.of(
                                "stoppingCriterion",
                                Map.of("maxCost", 10, "maxNumTrialsStarted", 5),
                                "maxConcurrentTrials",
                                4)),
                1);
        Map<String, Object> patch = new LinkedHashMap<>();
        Map<String, Object> criterion = new LinkedHashMap<>();
        criterion.put("maxCost", null);
        criterion.put("maxNumTrialsCompleted", 3);
        patch.put("stoppingCriterion", criterion);
        patch.put("maxConcurrentTrials", null);
        patch.put("leaseSeconds", 30);
        patch.put("space", d.toJson().get("space")); // unchanged: allowed
        StudyDefinition next = PARSER.change(d, patch);
        assertThat(next.stoppingCriterion().maxCost()).isNull();
        assertThat(next.stoppingCriterion().maxNumTrialsStarted()).isEqualTo(5);
        assertThat(next.stoppingCriterion().maxNumTrialsCompleted()).isEqualTo(3);
        assertThat(next.maxConcurrentTrials()).isNull();
        assertThat(next.leaseSeconds()).isEqualTo(30);
        assertThat(next.space()).isEqualTo(d.space());
        assertThat(d.withSettings(next.settingsJson()).toJson()).isEqualTo(next.toJson());
    }

    @Test
    void changingWhatAStudyIsRefusedWithAConflictAndBadValuesWithTheField() {
        StudyDefinition d = PARSER.parse(json("ASHA", Map.of()), 1);
        assertThatThrownBy(() -> PARSER.change(d, Map.of("method", "RandomSearch")))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("a study's method cannot change")
                .hasMessageContaining("create a new study")
                .extracting(e -> ((ConflictException) e).kind())
                .isEqualTo(ConflictException.Kind.FIXED_SETTING);
        assertThatThrownBy(() ->
                        PARSER.change(d, Map.of("space", Map.of("y", 1), "metrics", List.of(Map.of("name", "acc")))))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("space") // both named, in the order of the (unordered) patch
                .hasMessageContaining("metrics")
                .hasMessageContaining("cannot change");
        assertThatThrownBy(() -> PARSER.change(d, Map.of("stoppingCriterion", Map.of("costAttr", "dollars"))))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("costAttr");
        assertThatThrownBy(() -> PARSER.change(d, Map.of("colour", "red")))
                .isInstanceOf(InvalidInputException.class)
                .satisfies(e -> assertThat(
                                ((InvalidInputException) e).errors().getFirst().field())
                        .isEqualTo("colour"));
        assertThatThrownBy(() -> PARSER.change(d, Map.of("maxConcurrentTrials", 0)))
                .isInstanceOf(InvalidInputException.class)
                .satisfies(e -> assertThat(
                                ((InvalidInputException) e).errors().getFirst().field())
                        .isEqualTo("maxConcurrentTrials"));
        assertThatThrownBy(() -> PARSER.change(d, Map.of("stoppingCriterion", Map.of("maxCost", "lots"))))
                .isInstanceOf(InvalidInputException.class)
                .satisfies(e -> assertThat(
                                ((InvalidInputException) e).errors().getFirst().field())
                        .isEqualTo("stoppingCriterion.maxCost"));
    }

    @Test
    void everyNewEventSurvivesTheCodec() {
        List<StudyEvent> events = List.of(
                new RunningTrialsStopped(1, "maxCost reached (10.0)"),
                new TrialStopRequested(2, 3, "enough"),
                new TrialPauseRequested(3, 4, "free a GPU"),
                new TrialResumeRequested(4, 4),
                new DefinitionChanged(
                        5,
                        Map.of(
                                "name",
                                "n",
                                "stoppingCriterion",
                                Map.of("maxCost", 12.5, "maxNumTrialsStarted", 9L),
                                "maxFailures",
                                3L)),
                new StudyEvent.Reported(
                        6,
                        1,
                        Map.of("epoch", 9.0, "loss", 0.1),
                        Verdict.complete("reached the maximum resource 9"),
                        9L,
                        null));
        for (StudyEvent e : events) {
            assertThat(roundTrip(e)).isEqualTo(e);
        }
    }
}
