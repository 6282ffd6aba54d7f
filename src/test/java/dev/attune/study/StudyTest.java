package dev.attune.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.scheduler.MethodRegistry;
import dev.attune.space.InvalidInputException;
import dev.attune.study.StudyEvent.CheckpointsRemoved;
import dev.attune.study.StudyEvent.Reported;
import dev.attune.study.StudyEvent.StudyStatusChanged;
import dev.attune.study.StudyEvent.TrialAdded;
import dev.attune.study.StudyEvent.TrialRun;
import dev.attune.study.StudyEvent.TrialStale;
import dev.attune.trial.Decision;
import dev.attune.trial.TrialStatus;
import dev.attune.trial.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The study protocol's rules, over the plain-Java aggregate: no Spring, no database. Each rule is
 * checked on the commands' answers and on the events they record, and the fuzzed protocol run at the end
 * checks that a study replayed from any prefix of its log is in the state the original was in then.
 */
class StudyTest {
    static final StudyDefinitionParser PARSER = new StudyDefinitionParser(MethodRegistry.standard());
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final Study.ReportHistory NONE = (trial, level) -> Optional.empty();

    static Map<String, Object> json(String method, Map<String, Object> extra) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("space", Map.of("x", Map.of("type", "uniform", "lower", 0, "upper", 1), "epochs", 9));
        json.put("metrics", List.of(Map.of("name", "loss")));
        json.put("method", method);
        if (MethodRegistry.standard().find(method).orElseThrow().multiFidelity()) {
            json.put("resource", Map.of("attr", "epoch", "maxAttr", "epochs"));
        }
        json.putAll(extra);
        return json;
    }

    static Study study(String method, Map<String, Object> extra) {
        return Study.create("s", PARSER.parse(json(method, extra), 7), T0);
    }

    static long run(Study s) {
        return ((Study.Ask.Run) s.ask("w", T0).answer()).trialId();
    }

    static Map<String, Double> loss(double v) {
        return Map.of("loss", v);
    }

    @Test
    void everyCommandNumbersItsEventsAfterTheLast() {
        Study s = study("RandomSearch", Map.of());
        Study.Outcome<Study.Ask> a = s.ask("w", T0);
        assertThat(a.events()).singleElement().isInstanceOf(TrialAdded.class);
        assertThat(a.events().getFirst().seq()).isEqualTo(1);
        Study.Outcome<Verdict> r = s.report(0, loss(1), 1L, T0, NONE);
        assertThat(r.events()).singleElement().isInstanceOf(Reported.class);
        assertThat(r.events().getFirst().seq()).isEqualTo(2);
        assertThat(s.seq()).isEqualTo(2);
        assertThat(run(s)).as("trial ids count from 0 without gaps").isEqualTo(1);
    }

    @Test
    void maxConcurrentTrialsMakesAsksWaitUntilOneEnds() {
        Study s = study("RandomSearch", Map.of("maxConcurrentTrials", 2));
        run(s);
        run(s);
        Study.Outcome<Study.Ask> third = s.ask("w", T0);
        assertThat(third.answer()).isInstanceOf(Study.Ask.Wait.class);
        assertThat(((Study.Ask.Wait) third.answer()).reason()).contains("maxConcurrentTrials (2)");
        assertThat(third.events()).isEmpty();
        s.complete(0, loss(1), T0);
        assertThat(run(s)).isEqualTo(2);
    }

    @Test
    void anAskWaitsWhileTheRunningTrialsMayReachTheCompletionLimit() {
        Study s = study(
                "RandomSearch", Map.of("stoppingCriterion", Map.of("maxNumTrialsCompleted", 2), "maxFailures", 2));
        run(s);
        run(s);
        assertThat(s.ask("w", T0).answer()).isInstanceOf(Study.Ask.Wait.class);
        s.fail(0, "boom", T0);
        assertThat(run(s)).as("a failure does not count towards completions").isEqualTo(2);
        s.complete(1, loss(1), T0);
        s.complete(2, loss(2), T0);
        assertThat(s.status()).isEqualTo(StudyStatus.DONE);
        assertThat(s.statusReason()).contains("maxNumTrialsCompleted reached (2)");
    }

    @Test
    void aFailedTrialIsRetriedUpToMaxRetriesAndTheRetryIsHandedOutFirst() {
        Study s = study("RandomSearch", Map.of("maxRetries", 1));
        run(s);
        Study.Outcome<TrialStatus> failed = s.fail(0, "oom", T0);
        assertThat(failed.events()).hasSize(2);
        TrialAdded retry = (TrialAdded) failed.events().get(1);
        assertThat(retry.trialId()).isEqualTo(1);
        assertThat(retry.retryOf()).isEqualTo(0);
        assertThat(retry.status()).isEqualTo(TrialStatus.PENDING);
        assertThat(retry.config()).isEqualTo(s.config(0));
        Study.Outcome<Study.Ask> ask = s.ask("w2", T0);
        assertThat(ask.events())
                .singleElement()
                .isEqualTo(new TrialRun(ask.events().getFirst().seq(), 1, "w2", null));
        assertThat(s.retries(1)).isEqualTo(1);
        Study.Outcome<TrialStatus> again = s.fail(1, "oom", T0);
        assertThat(again.events()).as("the retry was the last").noneMatch(TrialAdded.class::isInstance);
        assertThat(s.statusReason())
                .as("by default (1 + maxRetries failures) a config that failed through its retries ends the study")
                .isEqualTo("maxFailures reached (2 trials failed or went stale)");
    }

    @Test
    void aReleasedTrialIsPausedAndTheNextAskResumesItBeforeAnythingElse() {
        Study s = study("RandomSearch", Map.of());
        long first = run(s);
        s.report(first, loss(0.5), 1L, T0, NONE);
        List<StudyEvent> log = new ArrayList<>();
        Study.Outcome<TrialStatus> released = s.release(first, "worker w shut down", T0);
        log.addAll(released.events());
        assertThat(released.answer()).isEqualTo(TrialStatus.PAUSED);
        assertThat(released.events()).singleElement().isInstanceOf(StudyEvent.TrialReleased.class);
        assertThat(s.trialStatus(first)).isEqualTo(TrialStatus.PAUSED);
        assertThat(s.running()).isZero();
        assertThatThrownBy(() -> s.release(first, "again", T0))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("PAUSED");
        Study.Outcome<Study.Ask> ask = s.ask("w2", T0);
        assertThat(ask.answer()).isEqualTo(new Study.Ask.Run(first, s.config(first), true, null));
        assertThat(ask.events()).singleElement().isInstanceOf(StudyEvent.TrialResumed.class);
        assertThat(s.trialStatus(first)).isEqualTo(TrialStatus.RUNNING);
        assertThat(s.firstReleased()).isNull();
        // The resumed trial goes on where it was: the scheduler never saw it leave.
        assertThat(s.report(first, Map.of("loss", 0.4, "epoch", 2.0), null, T0, NONE)
                        .answer()
                        .decision())
                .isNotNull();
        assertThat(((Study.Ask.Run) s.ask("w3", T0).answer()).trialId()).isNotEqualTo(first);
    }

    @Test
    void aStaleTrialIsAFailureThatIsRetriedAndOnlyARunningTrialGoesStale() {
        Study s = study("RandomSearch", Map.of("maxRetries", 2));
        run(s);
        Study.Outcome<Boolean> stale = s.markStale(0, "lease expired", T0);
        assertThat(stale.answer()).isTrue();
        assertThat(stale.events().getFirst()).isInstanceOf(TrialStale.class);
        assertThat(stale.events().get(1)).isInstanceOf(TrialAdded.class);
        assertThat(s.trialStatus(0)).isEqualTo(TrialStatus.STALE);
        Study.Outcome<Boolean> twice = s.markStale(0, "lease expired", T0);
        assertThat(twice.answer()).isFalse();
        assertThat(twice.events()).isEmpty();
        assertThatThrownBy(() -> s.report(0, loss(1), 1L, T0, NONE))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("STALE");
    }

    @Test
    void aStoppedStudyAnswersDoneAndIsDoneWhenItsLastTrialEnds() {
        Study s = study("RandomSearch", Map.of());
        run(s);
        Study.Outcome<StudyStatus> stop = s.stop("stopped by a client", T0);
        assertThat(stop.answer()).isEqualTo(StudyStatus.STOPPING);
        assertThat(stop.events())
                .containsExactly(
                        new StudyStatusChanged(2, StudyStatus.STOPPING, "stopped by a client"),
                        new StudyEvent.RunningTrialsStopped(3, "stopped by a client"));
        assertThat(s.ask("w", T0).answer()).isEqualTo(new Study.Ask.Done("stopped by a client"));
        assertThatThrownBy(() -> s.add(Map.of("x", 0.5), Map.of(), T0))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("STOPPING");
        Study.Outcome<TrialStatus> last = s.complete(0, loss(1), T0);
        assertThat(last.events().getLast())
                .isEqualTo(new StudyStatusChanged(5, StudyStatus.DONE, "stopped by a client"));
        assertThat(s.stop("again", T0).events()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "maxNumTrialsStarted",
                "maxNumEvaluations",
                "maxNumTrialsFinished",
                "minMetricValue",
                "maxWallclockTime",
                "maxCost",
                "maxFailures"
            })
    void eachStoppingCriterionEndsTheStudy(String criterion) {
        Map<String, Object> extra = new LinkedHashMap<>();
        switch (criterion) {
            case "minMetricValue" -> extra.put("stoppingCriterion", Map.of("minMetricValue", Map.of("loss", 0.5)));
            case "maxCost" -> extra.put("stoppingCriterion", Map.of("maxCost", 10, "costAttr", "cost"));
            case "maxFailures" -> extra.put("maxFailures", 2);
            default -> extra.put("stoppingCriterion", Map.of(criterion, 2));
        }
        Study s = study("RandomSearch", extra);
        Instant now = T0;
        for (int i = 0; i < 10 && s.status() == StudyStatus.ACTIVE; i++) {
            Study.Ask ask = s.ask("w", now).answer();
            if (!(ask instanceof Study.Ask.Run run)) {
                break;
            }
            now = now.plusSeconds(1);
            if (criterion.equals("maxFailures")) {
                s.fail(run.trialId(), "boom", now);
            } else {
                s.complete(run.trialId(), Map.of("loss", 1.0 - 0.3 * i, "cost", 6.0), now);
            }
        }
        assertThat(s.status()).as(criterion).isEqualTo(StudyStatus.DONE);
        assertThat(s.statusReason()).startsWith(criterion + " reached");
        assertThat(s.ask("w", now).answer()).isInstanceOf(Study.Ask.Done.class);
    }

    @Test
    void wallClockTimeIsReadFromTheCommandsClock() {
        Study s = study("RandomSearch", Map.of("stoppingCriterion", Map.of("maxWallclockTime", 60)));
        assertThat(s.ask("w", T0.plusSeconds(59)).answer()).isInstanceOf(Study.Ask.Run.class);
        Study.Outcome<Study.Ask> late = s.ask("w", T0.plusSeconds(60));
        assertThat(late.answer()).isInstanceOf(Study.Ask.Done.class);
        assertThat(late.events().getFirst()).isInstanceOf(StudyStatusChanged.class);
        assertThat(late.events().getLast())
                .as("the running trial is told to stop")
                .isEqualTo(new StudyEvent.RunningTrialsStopped(3, "maxWallclockTime reached (60.0 s)"));
    }

    @Test
    void aRepeatedReportGetsItsDecisionAgainAndRecordsNothing() {
        Study s = study("ASHA", Map.of());
        run(s);
        Verdict first =
                s.report(0, Map.of("epoch", 1.0, "loss", 0.5), null, T0, NONE).answer();
        Study.ReportHistory history =
                (trial, level) -> Optional.of(new Study.EarlierReport(Map.of("epoch", 1.0, "loss", 0.5), first));
        long seq = s.seq();
        Study.Outcome<Verdict> again = s.report(0, Map.of("epoch", 1.0, "loss", 0.5), null, T0, history);
        assertThat(again.answer()).isEqualTo(first);
        assertThat(again.events()).isEmpty();
        assertThat(s.seq()).isEqualTo(seq);
        assertThatThrownBy(() -> s.report(0, Map.of("epoch", 1.0, "loss", 0.6), null, T0, history))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("different report at level 1");
    }

    @Test
    void refusedCommandsRecordNothingAndChangeNothing() {
        Study s = study("ASHA", Map.of());
        run(s);
        long seq = s.seq();
        assertThatThrownBy(() -> s.report(5, Map.of("epoch", 1.0, "loss", 1.0), null, T0, NONE))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> s.report(0, Map.of("loss", 1.0), null, T0, NONE))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("resource level");
        assertThatThrownBy(() -> s.report(0, Map.of("epoch", 1.5, "loss", 1.0), null, T0, NONE))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> s.report(0, Map.of("epoch", 1.0), null, T0, NONE))
                .as("multi-fidelity methods need the study's metric")
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> s.add(Map.of("x", 7.0), Map.of(), T0)).isInstanceOf(InvalidInputException.class);
        s.complete(0, Map.of(), T0);
        seq = s.seq();
        assertThatThrownBy(() -> s.complete(0, Map.of(), T0))
                .isInstanceOf(ConflictException.class)
                .extracting(e -> ((ConflictException) e).kind())
                .isEqualTo(ConflictException.Kind.ALREADY_FINISHED);
        assertThatThrownBy(() -> s.fail(0, "late", T0))
                .isInstanceOf(ConflictException.class)
                .extracting(e -> ((ConflictException) e).kind())
                .isEqualTo(ConflictException.Kind.ILLEGAL_TRANSITION);
        assertThat(s.seq()).isEqualTo(seq);
        assertThat(s.trialStatus(0)).isEqualTo(TrialStatus.COMPLETED);
    }

    @Test
    void everyMethodRefusesMetricsWithoutTheStudysMetric() {
        Study s = study("RandomSearch", Map.of());
        run(s);
        assertThatThrownBy(() -> s.report(0, Map.of("los", 0.3), 1L, T0, NONE))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("metrics.loss");
        assertThatThrownBy(() -> s.complete(0, Map.of("los", 0.3), T0))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("metrics.loss");
        assertThatThrownBy(() -> s.add(Map.of("x", 0.5), Map.of("los", 0.3), T0))
                .isInstanceOf(InvalidInputException.class);
        assertThat(s.seq()).as("nothing recorded").isEqualTo(1);
        assertThat(s.complete(0, Map.of(), T0).answer())
                .as("a completion without metrics is fine")
                .isEqualTo(TrialStatus.COMPLETED);
    }

    @Test
    void retriesDoNotCountAgainstMaxNumTrialsStarted() {
        Study s = study("RandomSearch", Map.of("maxRetries", 1, "stoppingCriterion", Map.of("maxNumTrialsStarted", 2)));
        run(s);
        s.fail(0, "oom", T0);
        assertThat(s.status()).isEqualTo(StudyStatus.ACTIVE);
        assertThat(run(s)).as("the retry runs").isEqualTo(1);
        assertThat(run(s)).as("and a second trial still starts").isEqualTo(2);
        assertThat(s.started()).isEqualTo(2);
        assertThat(s.status()).isEqualTo(StudyStatus.STOPPING);
    }

    @Test
    void aClientAddedTrialIsHandedOutBeforeTheSchedulersOwn() {
        Study s = study("RandomSearch", Map.of());
        long added = s.add(Map.of("x", 0.25), Map.of(), T0).answer();
        long evaluated = s.add(Map.of("x", 0.75), loss(0.1), T0).answer();
        assertThat(s.trialStatus(evaluated)).isEqualTo(TrialStatus.COMPLETED);
        Study.Ask.Run run = (Study.Ask.Run) s.ask("w", T0).answer();
        assertThat(run.trialId()).isEqualTo(added);
        assertThat(run.config()).containsEntry("x", 0.25);
        assertThat(run.resumed()).isFalse();
    }

    @Test
    void speculativeCheckpointRemovalIsDecidedOnceAndRecorded() {
        Study s = study("ASHA", Map.of("options", Map.of("type", "promotion", "maxNumCheckpoints", 2)));
        List<CheckpointsRemoved> removals = new ArrayList<>();
        Instant now = T0;
        for (int i = 0; i < 12; i++) {
            Study.Outcome<Study.Ask> ask = s.ask("w", now);
            ask.events().stream()
                    .filter(CheckpointsRemoved.class::isInstance)
                    .forEach(e -> removals.add((CheckpointsRemoved) e));
            if (ask.answer() instanceof Study.Ask.Run run) {
                long epoch = ((Number) run.config().get("epochs")).longValue();
                Study.Outcome<Verdict> r = s.report(
                        run.trialId(), Map.of("epoch", (double) epoch, "loss", 1.0 + (i % 5)), null, now, NONE);
                r.events().stream()
                        .filter(CheckpointsRemoved.class::isInstance)
                        .forEach(e -> removals.add((CheckpointsRemoved) e));
            }
            now = now.plusSeconds(1);
        }
        assertThat(removals).as("more paused trials than the checkpoint budget").isNotEmpty();
        List<Long> removed =
                removals.stream().flatMap(e -> e.trialIds().stream()).toList();
        // A removed checkpoint stays removed until its trial is resumed (and retrains from scratch).
        assertThat(removed).containsAll(s.checkpointsToRemove());
        assertThat(s.checkpointsToRemove()).isNotEmpty();
        for (long id : s.checkpointsToRemove()) {
            assertThat(s.trialStatus(id)).isEqualTo(TrialStatus.PAUSED);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Replay at every cut point of a fuzzed protocol run

    /** What a client or the service can read of a study. */
    record State(
            long seq,
            StudyStatus status,
            String reason,
            long nextTrialId,
            List<TrialStatus> trials,
            List<Integer> retries,
            List<Double> best,
            Long firstPending,
            List<Long> checkpoints) {
        static State of(Study s) {
            List<TrialStatus> trials = new ArrayList<>();
            List<Integer> retries = new ArrayList<>();
            List<Double> best = new ArrayList<>();
            for (long i = 0; i < s.nextTrialId(); i++) {
                trials.add(s.trialStatus(i));
                retries.add(s.retries(i));
                best.add(s.bestObjective(i));
            }
            return new State(
                    s.seq(),
                    s.status(),
                    s.statusReason(),
                    s.nextTrialId(),
                    trials,
                    retries,
                    best,
                    s.firstPending(),
                    s.checkpointsToRemove());
        }
    }

    /** One step of the fuzzed run: the command's name, its clock, its outcome (or refusal), the state after. */
    record Step(int logSize, Instant at, String command, Object outcome, State after) {}

    /** Runs random commands, as many clients would, against a study with every protocol rule switched on. */
    static List<Step> fuzz(Study s, List<StudyEvent> log, long seed, int steps) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Step> trace = new ArrayList<>();
        Map<Long, Integer> epochs = new LinkedHashMap<>();
        Instant now = T0;
        for (int i = 0; i < steps; i++) {
            now = now.plusSeconds(random.nextInt(3));
            int before = log.size();
            List<Long> running = new ArrayList<>();
            for (long t = 0; t < s.nextTrialId(); t++) {
                if (s.trialStatus(t) == TrialStatus.RUNNING) {
                    running.add(t);
                }
            }
            int pick = random.nextInt(100);
            long trial = running.isEmpty()
                    ? random.nextLong(Math.max(1, s.nextTrialId() + 1))
                    : running.get(random.nextInt(running.size()));
            String command;
            Object outcome;
            try {
                Study.Outcome<?> o;
                if (pick < 30) {
                    command = "ask";
                    o = s.ask("w" + random.nextInt(3), now);
                } else if (pick < 75) {
                    command = "report " + trial;
                    int epoch = epochs.merge(trial, 1, Integer::sum);
                    o = s.report(
                            trial,
                            Map.of("epoch", (double) epoch, "loss", random.nextDouble() + 1.0 / epoch),
                            null,
                            now,
                            NONE);
                } else if (pick < 85) {
                    command = "complete " + trial;
                    o = s.complete(trial, loss(random.nextDouble()), now);
                } else if (pick < 91) {
                    command = "fail " + trial;
                    o = s.fail(trial, "boom", now);
                } else if (pick < 94) {
                    command = "skip " + trial;
                    o = s.skip(trial, null, now);
                } else if (pick < 96) {
                    command = "stale " + trial;
                    o = s.markStale(trial, "lease", now);
                } else if (pick < 97) {
                    command = "release " + trial;
                    o = s.release(trial, "worker shut down", now);
                } else if (pick < 99 || i < steps * 9 / 10) {
                    command = "add";
                    o = s.add(Map.of("x", random.nextDouble()), random.nextBoolean() ? loss(0.5) : Map.of(), now);
                } else {
                    command = "stop";
                    o = s.stop("stopped", now);
                }
                log.addAll(o.events());
                outcome = o;
            } catch (ConflictException | NotFoundException | InvalidInputException e) {
                command = "refused";
                outcome = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            trace.add(new Step(before, now, command, outcome, State.of(s)));
        }
        return trace;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void aStudyReplayedFromAnyPrefixOfItsLogIsInTheOriginalsState(long seed) {
        Map<String, Object> rules = Map.of(
                "maxConcurrentTrials",
                3,
                "maxRetries",
                1,
                "maxFailures",
                60,
                "stoppingCriterion",
                Map.of("maxNumTrialsStarted", 80),
                "options",
                Map.of("type", "promotion", "maxNumCheckpoints", 3));
        StudyDefinition definition = PARSER.parse(json("ASHA", rules), seed);
        Study original = Study.create("s", definition, T0);
        List<StudyEvent> log = new ArrayList<>();
        List<Step> trace = fuzz(original, log, seed, 600);
        assertThat(log).as("the run did something").hasSizeGreaterThan(100);
        assertThat(log)
                .as("the rules the run exercises")
                .anyMatch(TrialStale.class::isInstance)
                .anyMatch(e -> e instanceof TrialAdded a && a.retryOf() != null)
                .anyMatch(e -> e instanceof Reported r && r.verdict().decision() == Decision.PAUSE)
                .anyMatch(e -> e instanceof StudyEvent.TrialResumed)
                .anyMatch(CheckpointsRemoved.class::isInstance);
        assertThat(trace.stream().map(Step::command).distinct())
                .contains("ask", "refused")
                .anyMatch(c -> c.startsWith("report"))
                .anyMatch(c -> c.startsWith("fail"));
        for (int k = 0; k < trace.size(); k += 7) {
            Step step = trace.get(k);
            Study replayed = Study.replay("s", definition, T0, log.subList(0, step.logSize()));
            State expected = k == 0
                    ? State.of(Study.create("s", definition, T0))
                    : trace.get(k - 1).after();
            assertThat(State.of(replayed)).as("state before step %d", k).isEqualTo(expected);
        }
        // And the whole log, event by event, decides every report as the original did.
        Study replayed = Study.create("s", definition, T0);
        for (StudyEvent e : log) {
            Verdict computed = replayed.apply(e);
            if (e instanceof Reported r) {
                assertThat(computed).as("event %d", e.seq()).isEqualTo(r.verdict());
            }
        }
        assertThat(State.of(replayed)).isEqualTo(trace.getLast().after());
    }

    @Test
    void theNextCommandAfterAReplayAnswersAsTheOriginalDid() {
        StudyDefinition definition =
                PARSER.parse(json("ASHA", Map.of("maxConcurrentTrials", 3, "maxRetries", 1, "maxFailures", 1000)), 11);
        Study original = Study.create("s", definition, T0);
        List<StudyEvent> log = new ArrayList<>();
        List<Step> trace = fuzz(original, log, 11, 300);
        int asks = 0;
        for (Step step : trace) {
            if (!step.command().equals("ask")) {
                continue;
            }
            Study replayed = Study.replay("s", definition, T0, log.subList(0, step.logSize()));
            assertThat(replayed.ask("w-any", step.at()).answer())
                    .as("ask at log size %d", step.logSize())
                    .isEqualTo(((Study.Outcome<?>) step.outcome()).answer());
            asks++;
        }
        assertThat(asks).isGreaterThan(50);
    }

    @Test
    void aTrialThatReachedItsDecisionKeepsItInTheCounts() {
        Study s = study("ASHA", Map.of());
        long a = run(s);
        Verdict v =
                s.report(a, Map.of("epoch", 9.0, "loss", 0.1), null, T0, NONE).answer();
        assertThat(v.decision()).isEqualTo(Decision.STOP);
        assertThat(s.count(TrialStatus.COMPLETED))
                .as("a trial that reached the maximum resource completed")
                .isEqualTo(1);
        assertThat(s.finished()).isEqualTo(1);
        assertThat(s.running()).isZero();
    }
}
