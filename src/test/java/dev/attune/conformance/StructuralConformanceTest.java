package dev.attune.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.scheduler.MethodRegistry;
import dev.attune.study.Study;
import dev.attune.study.StudyDefinition;
import dev.attune.study.StudyDefinitionParser;
import dev.attune.study.StudyEvent;
import dev.attune.trial.Decision;
import dev.attune.trial.TrialStatus;
import dev.attune.trial.Verdict;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Streams whose decisions depend on random draws (Hyperband's bracket per trial) are compared by
 * structure: the same learning curves go in, results of trials Attune already ended are skipped (the
 * tuner sends none after STOP), and the outcome must have Syne Tune's shape.
 */
class StructuralConformanceTest {
    static final StudyDefinitionParser PARSER = new StudyDefinitionParser(MethodRegistry.standard());

    @Test
    void asynchronousHyperbandStopsOnlyAtTheRungsOfEachTrialsBracket() {
        Stream stream = Stream.load("asha_brackets.stream.json");
        StudyDefinition definition = PARSER.parse(stream.definition(), 0);
        Study engine = Study.create("conformance", definition, InProcessConformanceTest.START);
        Map<Long, Integer> bracket = new HashMap<>();
        Map<Long, Long> stoppedAt = new HashMap<>();
        int syneStops = 0;
        int starts = 0;
        List<Long> levels = List.of(1L, 3L, 9L);
        for (Map<String, Object> e : stream.events()) {
            switch ((String) e.get("type")) {
                case "suggest" -> {
                    StudyEvent.TrialAdded added =
                            engine.ask("conformance", InProcessConformanceTest.START).events().stream()
                                    .filter(StudyEvent.TrialAdded.class::isInstance)
                                    .map(StudyEvent.TrialAdded.class::cast)
                                    .findFirst()
                                    .orElseThrow();
                    bracket.put(added.trialId(), ((Number) added.memo().get("bracket")).intValue());
                    starts++;
                }
                case "result" -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> expect = (Map<String, Object>) e.get("expect");
                    if ("STOP".equals(expect.get("decision"))) {
                        syneStops++;
                    }
                    long id = ((Number) e.get("trial_id")).longValue();
                    if (engine.trialStatus(id) != TrialStatus.RUNNING) {
                        continue;
                    }
                    Map<String, Double> metrics = InProcessConformanceTest.numbers(e.get("result"));
                    long level = metrics.get("epoch").longValue();
                    Verdict v = engine.report(
                                    id, metrics, null, InProcessConformanceTest.START, (t, l) -> Optional.empty())
                            .answer();
                    if (v.decision() == Decision.STOP) {
                        stoppedAt.put(id, level);
                    }
                }
                default -> {}
            }
        }
        assertThat(starts).isEqualTo(30);
        assertThat(bracket.values()).as("several brackets drawn").contains(0, 1);
        stoppedAt.forEach((id, level) -> {
            if (level < 27) {
                // Bracket s skips the s lowest rungs: it can only stop a trial at a rung it has.
                assertThat(levels.indexOf(level))
                        .as("trial %d of bracket %d stopped at %d", id, bracket.get(id), level)
                        .isGreaterThanOrEqualTo(bracket.get(id));
            }
        });
        assertThat(stoppedAt).as("stops").isNotEmpty();
        assertThat(syneStops).isPositive();
    }
}
