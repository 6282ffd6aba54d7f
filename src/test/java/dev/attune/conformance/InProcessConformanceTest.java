package dev.attune.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.scheduler.MethodRegistry;
import dev.attune.scheduler.Suggestion;
import dev.attune.study.EventType;
import dev.attune.study.StudyDefinition;
import dev.attune.study.StudyDefinitionParser;
import dev.attune.study.StudyEngine;
import dev.attune.study.StudyEvent;
import dev.attune.trial.TrialStatus;
import dev.attune.trial.Verdict;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays Syne Tune's recorded decision streams through Attune's schedulers in process, driving the
 * study engine exactly as the service does, and requires the same decision at every step.
 */
class InProcessConformanceTest {
    static final StudyDefinitionParser PARSER = new StudyDefinitionParser(MethodRegistry.standard());

    /** Drives one stream; returns the number of decisions compared. */
    static int replayExactly(Stream stream) {
        StudyDefinition definition = PARSER.parse(stream.definition(), 0);
        StudyEngine engine = new StudyEngine(definition);
        int compared = 0;
        for (int i = 0; i < stream.events().size(); i++) {
            Map<String, Object> e = stream.events().get(i);
            @SuppressWarnings("unchecked")
            Map<String, Object> expect = (Map<String, Object>) e.get("expect");
            String at = stream.file() + " event " + i + " " + e;
            switch ((String) e.get("type")) {
                case "suggest" -> {
                    Suggestion s = engine.scheduler().suggest(engine.nextTrialId());
                    if (expect == null) {
                        apply(engine, s);
                        continue;
                    }
                    long expectedId = ((Number) expect.get("trial_id")).longValue();
                    @SuppressWarnings("unchecked")
                    Map<String, Object> expectedConfig = (Map<String, Object>) expect.get("config");
                    if (expect.get("action").equals("start")) {
                        assertThat(s).as(at).isInstanceOf(Suggestion.Start.class);
                        Suggestion.Start start = (Suggestion.Start) s;
                        Object source = expect.get("checkpoint_trial_id");
                        assertThat(start.checkpointTrialId())
                                .as(at)
                                .isEqualTo(source == null ? null : ((Number) source).longValue());
                        assertThat(engine.nextTrialId()).as(at).isEqualTo(expectedId);
                        if (stream.maxAttr() != null) {
                            assertThat(((Number) start.config().get(stream.maxAttr())).longValue())
                                    .as(at)
                                    .isEqualTo(((Number) expectedConfig.get(stream.maxAttr())).longValue());
                        }
                        engine.apply(StudyEvent.trialAdded(
                                engine.seq() + 1,
                                expectedId,
                                start.config(),
                                start.memo(),
                                TrialStatus.RUNNING,
                                start.checkpointTrialId()));
                    } else {
                        assertThat(s).as(at).isInstanceOf(Suggestion.Resume.class);
                        Suggestion.Resume resume = (Suggestion.Resume) s;
                        assertThat(resume.trialId()).as(at).isEqualTo(expectedId);
                        if (stream.maxAttr() != null) {
                            assertThat(((Number) resume.config().get(stream.maxAttr())).longValue())
                                    .as(at)
                                    .isEqualTo(((Number) expectedConfig.get(stream.maxAttr())).longValue());
                        }
                        engine.apply(new StudyEvent(
                                engine.seq() + 1,
                                EventType.TRIAL_RESUMED,
                                expectedId,
                                Map.of("config", resume.config())));
                    }
                    compared++;
                }
                case "result" -> {
                    long id = ((Number) e.get("trial_id")).longValue();
                    Map<String, Double> metrics = numbers(e.get("result"));
                    Long level = metrics.containsKey(definition.resource().attr())
                            ? metrics.get(definition.resource().attr()).longValue()
                            : null;
                    Verdict v = engine.report(engine.seq() + 1, id, metrics, level, x -> x);
                    if (expect != null) {
                        assertThat(v.decision().name())
                                .as(at + " → " + v.reason())
                                .isEqualTo(expect.get("decision"));
                        compared++;
                    }
                }
                case "complete" -> {
                    long id = ((Number) e.get("trial_id")).longValue();
                    // Syne Tune's tuner completes a trial that ran to its end; under stopping-type ASHA it has
                    // already answered STOP at the last level, which counts as the same end.
                    dev.attune.trial.TrialStatus status = engine.trialStatus(id);
                    assertThat(status)
                            .as(at)
                            .isIn(dev.attune.trial.TrialStatus.RUNNING, dev.attune.trial.TrialStatus.STOPPED);
                    if (status == dev.attune.trial.TrialStatus.RUNNING) {
                        engine.apply(new StudyEvent(
                                engine.seq() + 1, EventType.TRIAL_COMPLETED, id, Map.of("metrics", Map.of())));
                    }
                    if (expect != null) {
                        compared++;
                    }
                }
                default -> throw new IllegalStateException(at);
            }
        }
        return compared;
    }

    /** Applies a suggestion the way the service stores it. */
    static void apply(StudyEngine engine, Suggestion s) {
        switch (s) {
            case Suggestion.Start start -> {
                engine.apply(StudyEvent.trialAdded(
                        engine.seq() + 1,
                        engine.nextTrialId(),
                        start.config(),
                        start.memo(),
                        TrialStatus.RUNNING,
                        start.checkpointTrialId()));
            }
            case Suggestion.Resume resume ->
                engine.apply(new StudyEvent(
                        engine.seq() + 1,
                        EventType.TRIAL_RESUMED,
                        resume.trialId(),
                        Map.of("config", resume.config())));
            default -> throw new AssertionError("nothing to run: " + s);
        }
    }

    static Map<String, Double> numbers(Object json) {
        Map<String, Double> m = new LinkedHashMap<>();
        ((Map<?, ?>) json).forEach((k, v) -> {
            if (v instanceof Number n) {
                m.put((String) k, n.doubleValue());
            }
        });
        return m;
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "asha_stopping.stream.json",
                "asha_promotion.stream.json",
                "median_stopping.stream.json",
                "sync_hyperband.stream.json",
                "pbt.stream.json",
                "moasha.stream.json"
            })
    void reproducesSyneTuneExactly(String file) {
        Stream stream = Stream.load(file);
        int compared = replayExactly(stream);
        assertThat(compared).isEqualTo((int)
                stream.events().stream().filter(e -> e.containsKey("expect")).count());
    }

    @ParameterizedTest
    @ValueSource(strings = {"asha_stopping_small.json"})
    void streamsWithoutExpectationsRun(String file) {
        replayExactly(Stream.load(file));
    }
}
