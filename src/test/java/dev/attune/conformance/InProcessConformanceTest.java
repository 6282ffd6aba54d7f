package dev.attune.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.scheduler.MethodRegistry;
import dev.attune.study.Study;
import dev.attune.study.StudyDefinition;
import dev.attune.study.StudyDefinitionParser;
import dev.attune.trial.TrialStatus;
import dev.attune.trial.Verdict;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays Syne Tune's recorded decision streams through Attune's schedulers in process, driving the
 * study engine exactly as the service does, and requires the same decision at every step.
 */
class InProcessConformanceTest {
    static final StudyDefinitionParser PARSER = new StudyDefinitionParser(MethodRegistry.standard());

    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    /** Drives one stream through the study's commands; returns the number of decisions compared. */
    static int replayExactly(Stream stream) {
        StudyDefinition definition = PARSER.parse(stream.definition(), 0);
        Study study = Study.create("conformance", definition, START);
        int compared = 0;
        for (int i = 0; i < stream.events().size(); i++) {
            Map<String, Object> e = stream.events().get(i);
            @SuppressWarnings("unchecked")
            Map<String, Object> expect = (Map<String, Object>) e.get("expect");
            String at = stream.file() + " event " + i + " " + e;
            switch ((String) e.get("type")) {
                case "suggest" -> {
                    Study.Ask ask = study.ask("conformance", START).answer();
                    assertThat(ask).as(at).isInstanceOf(Study.Ask.Run.class);
                    Study.Ask.Run run = (Study.Ask.Run) ask;
                    if (expect == null) {
                        continue;
                    }
                    assertThat(run.trialId()).as(at).isEqualTo(((Number) expect.get("trial_id")).longValue());
                    assertThat(run.resumed())
                            .as(at)
                            .isEqualTo(!expect.get("action").equals("start"));
                    if (!run.resumed()) {
                        Object source = expect.get("checkpoint_trial_id");
                        assertThat(run.checkpointTrialId())
                                .as(at)
                                .isEqualTo(source == null ? null : ((Number) source).longValue());
                    }
                    if (stream.maxAttr() != null) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> expectedConfig = (Map<String, Object>) expect.get("config");
                        assertThat(((Number) run.config().get(stream.maxAttr())).longValue())
                                .as(at)
                                .isEqualTo(((Number) expectedConfig.get(stream.maxAttr())).longValue());
                    }
                    compared++;
                }
                case "result" -> {
                    long id = ((Number) e.get("trial_id")).longValue();
                    Map<String, Double> metrics = numbers(e.get("result"));
                    Verdict v = study.report(id, metrics, null, START, (t, l) -> Optional.empty())
                            .answer();
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
                    TrialStatus status = study.trialStatus(id);
                    assertThat(status).as(at).isIn(TrialStatus.RUNNING, TrialStatus.STOPPED, TrialStatus.COMPLETED);
                    if (status == TrialStatus.RUNNING) {
                        study.complete(id, Map.of(), START);
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
