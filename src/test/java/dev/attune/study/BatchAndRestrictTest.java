package dev.attune.study;

import static dev.attune.study.StudyTest.NONE;
import static dev.attune.study.StudyTest.PARSER;
import static dev.attune.study.StudyTest.T0;
import static dev.attune.study.StudyTest.loss;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.space.InvalidInputException;
import dev.attune.study.StudyEvent.TrialAdded;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Batch asks, synchronous scheduling and restricted configurations over the plain-Java aggregate, with
 * the scheduler families they meet (BO with pending trials, ASHA, SyncHyperband), and each checked to be a
 * fold of the log: a study replayed from the events answers the next ask as the original does.
 */
class BatchAndRestrictTest {

    static Map<String, Object> json(String method, Map<String, Object> extra) {
        Map<String, Object> json = new LinkedHashMap<>();
        Map<String, Object> space = new LinkedHashMap<>();
        space.put("x", Map.of("type", "uniform", "lower", 0, "upper", 1));
        space.put("y", Map.of("type", "uniform", "lower", 0, "upper", 1));
        space.put("epochs", 9);
        json.put("space", space);
        json.put("metrics", List.of(Map.of("name", "loss")));
        json.put("method", method);
        json.put("seed", 11);
        if (!method.equals("RandomSearch") && !method.startsWith("Bayes")) {
            json.put("resource", Map.of("attr", "epoch", "maxAttr", "epochs"));
        }
        json.putAll(extra);
        return json;
    }

    static Study study(String method, Map<String, Object> extra) {
        return Study.create("s", PARSER.parse(json(method, extra), 7), T0);
    }

    static Study replayed(Study s, List<StudyEvent> log) {
        return Study.replay("s", s.definition(), T0, log);
    }

    static double f(Map<String, Object> c) {
        double x = ((Number) c.get("x")).doubleValue();
        double y = ((Number) c.get("y")).doubleValue();
        return (x - 0.3) * (x - 0.3) + (y - 0.7) * (y - 0.7);
    }

    /** Runs {@code n} trials one after another to completion; returns the log. */
    static List<StudyEvent> complete(Study s, int n, List<StudyEvent> log) {
        for (int i = 0; i < n; i++) {
            Study.Outcome<Study.Ask> a = s.ask("w", T0);
            log.addAll(a.events());
            Study.Ask.Run run = (Study.Ask.Run) a.answer();
            log.addAll(s.complete(run.trialId(), loss(f(run.config())), T0).events());
        }
        return log;
    }

    @Test
    void aBatchOfBayesianOptimizationFantasizesItsEarlierTrialsAsSequentialAsksWould() {
        Map<String, Object> bo = Map.of("options", Map.of("numInitRandom", 2));
        Study batched = study("BayesianOptimization", bo);
        Study sequential = study("BayesianOptimization", bo);
        complete(batched, 5, new ArrayList<>());
        complete(sequential, 5, new ArrayList<>());

        Study.Outcome<Study.Batch> batch = batched.askBatch("w", 4, T0);

        assertThat(batch.answer().runs()).hasSize(4);
        assertThat(batch.answer().stoppedBy()).isNull();
        assertThat(batch.events()).hasSize(4).allMatch(e -> e instanceof TrialAdded);
        List<Map<String, Object>> one = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            one.add(((Study.Ask.Run) sequential.ask("w", T0).answer()).config());
        }
        assertThat(batch.answer().runs().stream().map(Study.Ask.Run::config).toList())
                .as("each later pick sees the earlier ones as pending (fantasized) evaluations")
                .isEqualTo(one);
        Set<Map<String, Object>> distinct = new HashSet<>(one);
        assertThat(distinct).as("fantasies push the picks apart").hasSize(4);
    }

    @Test
    void aBatchStopsAtTheFirstAnswerThatIsNotARunAndSaysWhy() {
        Study s = study("RandomSearch", Map.of("maxConcurrentTrials", 3));
        Study.Outcome<Study.Batch> batch = s.askBatch("w", 5, T0);
        assertThat(batch.answer().runs()).hasSize(3);
        assertThat(batch.answer().stoppedBy()).isInstanceOf(Study.Ask.Wait.class);
        assertThat(((Study.Ask.Wait) batch.answer().stoppedBy()).reason()).contains("maxConcurrentTrials (3)");

        Study capped = study("RandomSearch", Map.of("stoppingCriterion", Map.of("maxNumTrialsStarted", 2)));
        Study.Outcome<Study.Batch> b = capped.askBatch("w", 5, T0);
        assertThat(b.answer().runs()).hasSize(2);
        assertThat(b.answer().stoppedBy()).isInstanceOf(Study.Ask.Done.class);
    }

    @Test
    void aBatchOfAshaHandsOutNewTrialsAndIsAFoldOfTheLog() {
        Study s = study("ASHA", Map.of());
        List<StudyEvent> log = new ArrayList<>();
        Study.Outcome<Study.Batch> batch = s.askBatch("w", 6, T0);
        log.addAll(batch.events());
        assertThat(batch.answer().runs()).extracting(Study.Ask.Run::trialId).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        for (Study.Ask.Run run : batch.answer().runs()) {
            log.addAll(s.report(run.trialId(), Map.of("loss", f(run.config()), "epoch", 1.0), 1L, T0, NONE)
                    .events());
        }
        Study copy = replayed(s, log);
        assertThat(((Study.Ask.Run) copy.ask("w", T0).answer()).config())
                .isEqualTo(((Study.Ask.Run) s.ask("w", T0).answer()).config());
    }

    @Test
    void synchronousSchedulingStartsTheNextBatchOnlyWhenTheWholeBatchFinished() {
        // maxFailures: the failed trial below must not end the study (Syne Tune's default ends it at one failure)
        Study s = study(
                "RandomSearch", Map.of("maxConcurrentTrials", 3, "asynchronousScheduling", false, "maxFailures", 5));
        List<StudyEvent> log = new ArrayList<>();
        Study.Outcome<Study.Batch> first = s.askBatch("w", 3, T0);
        log.addAll(first.events());
        assertThat(first.answer().runs()).hasSize(3);
        log.addAll(s.complete(0, loss(1), T0).events());

        Study.Outcome<Study.Ask> between = s.ask("w", T0);
        assertThat(between.answer()).isInstanceOf(Study.Ask.Wait.class);
        assertThat(((Study.Ask.Wait) between.answer()).reason()).contains("asynchronousScheduling is false");
        assertThat(between.events()).isEmpty();
        assertThat(replayed(s, log).ask("w", T0).answer())
                .as("a replica replaying the log also waits")
                .isInstanceOf(Study.Ask.Wait.class);

        log.addAll(s.fail(1, "oom", T0).events());
        log.addAll(s.complete(2, loss(2), T0).events());
        Study.Outcome<Study.Batch> second = s.askBatch("w", 5, T0);
        assertThat(second.answer().runs()).extracting(Study.Ask.Run::trialId).containsExactly(3L, 4L, 5L);

        // the same study with asynchronous scheduling starts a trial as soon as one finishes
        Study async = study("RandomSearch", Map.of("maxConcurrentTrials", 3));
        async.askBatch("w", 3, T0);
        async.complete(0, loss(1), T0);
        assertThat(async.ask("w", T0).answer()).isInstanceOf(Study.Ask.Run.class);
    }

    @Test
    void synchronousSchedulingLetsSingleAsksFillTheBatch() {
        Study s = study("RandomSearch", Map.of("maxConcurrentTrials", 2, "asynchronousScheduling", false));
        StudyTest.run(s);
        s.complete(0, loss(1), T0);
        assertThat(s.ask("w", T0).answer())
                .as("the batch of 2 is not full yet: a worker that asks later still gets its trial")
                .isInstanceOf(Study.Ask.Run.class);
        assertThat(s.ask("w", T0).answer()).isInstanceOf(Study.Ask.Wait.class);
    }

    @Test
    void synchronousSchedulingNeedsABatchSize() {
        assertThatThrownBy(() -> PARSER.parse(json("RandomSearch", Map.of("asynchronousScheduling", false)), 1))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("maxConcurrentTrials");
    }

    static List<Map<String, Object>> allowed() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (double x : new double[] {0.1, 0.3, 0.5, 0.9}) {
            list.add(Map.of("x", x, "y", 1 - x));
        }
        return list;
    }

    @ParameterizedTest
    @ValueSource(strings = {"RandomSearch", "BayesianOptimization", "ASHA", "SyncHyperband"})
    void restrictedStudiesSuggestOnlyListedConfigsEachOnceThenEnd(String method) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("restrictConfigurations", allowed());
        extra.put("options", method.startsWith("Bayes") ? Map.of("numInitRandom", 1) : Map.of());
        Study s = study(method, extra);
        Set<Map<String, Object>> seen = new HashSet<>();
        Set<Map<String, Object>> listed = new HashSet<>();
        for (Map<String, Object> c : s.definition().restrictConfigurations()) {
            listed.add(withoutResource(c));
        }
        for (int i = 0; i < 4; i++) {
            Study.Ask a = s.ask("w", T0).answer();
            assertThat(a).as("ask %d", i).isInstanceOf(Study.Ask.Run.class);
            Study.Ask.Run run = (Study.Ask.Run) a;
            assertThat(listed).contains(withoutResource(run.config()));
            assertThat(seen.add(withoutResource(run.config())))
                    .as("no config twice")
                    .isTrue();
            if (s.definition().resource() == null) {
                s.complete(run.trialId(), loss(f(run.config())), T0);
            }
        }
        assertThat(seen).isEqualTo(listed);
        Study.Ask fifth = s.ask("w", T0).answer();
        assertThat(fifth).isNotInstanceOf(Study.Ask.Run.class);
    }

    /** A config without the resource target a multi-fidelity scheduler writes into it. */
    static Map<String, Object> withoutResource(Map<String, Object> config) {
        Map<String, Object> c = new LinkedHashMap<>(config);
        c.remove("epochs");
        return c;
    }

    @Test
    void restrictedBayesianOptimizationPicksTheListedConfigWithTheBestAcquisition() {
        List<Map<String, Object>> list = new ArrayList<>(allowed());
        list.add(Map.of("x", 0.31, "y", 0.69)); // next to the optimum
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("restrictConfigurations", list);
        extra.put("options", Map.of("numInitRandom", 3));
        extra.put("pointsToEvaluate", List.of());
        Study s = study("BayesianOptimization", extra);
        complete(s, 3, new ArrayList<>());
        // the configs near the optimum are left or taken; the model's pick is one of the listed ones
        Study.Ask.Run run = (Study.Ask.Run) s.ask("w", T0).answer();
        assertThat(s.definition().restrictConfigurations()).contains(run.config());
    }

    @Test
    void restrictConfigurationsAreCheckedAgainstTheSpaceAndTheMethod() {
        List<Map<String, Object>> bad =
                List.of(Map.of("x", 0.5, "y", 0.5), Map.of("x", 7.0, "y", 0.5), Map.of("x", 0.1));
        assertThatThrownBy(() -> PARSER.parse(json("RandomSearch", Map.of("restrictConfigurations", bad)), 1))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors())
                        .extracting(dev.attune.space.FieldError::field)
                        .containsExactly("restrictConfigurations[1].x", "restrictConfigurations[2].y"));
        assertThatThrownBy(() -> PARSER.parse(json("REA", Map.of("restrictConfigurations", allowed())), 1))
                .isInstanceOfSatisfying(
                        InvalidInputException.class,
                        e -> assertThat(e.errors().getFirst().field()).isEqualTo("restrictConfigurations"));
        assertThatThrownBy(() -> PARSER.parse(json("RandomSearch", Map.of("restrictConfigurations", List.of())), 1))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("restrictConfigurations");
        assertThatThrownBy(() -> PARSER.parse(json("RandomSearch", Map.of("restrictConfigurations", List.of(3))), 1))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("restrictConfigurations[0]");
        // the definition keeps the list, so a stored study reads back the same
        StudyDefinition d = PARSER.parse(json("RandomSearch", Map.of("restrictConfigurations", allowed())), 1);
        assertThat(PARSER.parse(d.toJson(), 2).toJson()).isEqualTo(d.toJson());
        assertThat(d.toJson().get("restrictConfigurations")).isEqualTo(d.restrictConfigurations());
    }
}
