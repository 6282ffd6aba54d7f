package dev.attune.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.searcher.RandomSearcher;
import dev.attune.trial.Decision;
import dev.attune.trial.Mode;
import dev.attune.trial.Verdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** DEHB driven by one sequential worker on loss (x − 0.3)² + 1/epoch, x in [0, 1], 27 epochs. */
class DehbTest {
    record Run(long id, int bracket, double x) {}

    final List<Run> started = new ArrayList<>();
    final List<Long> resumedBrackets = new ArrayList<>();
    final Map<Long, Integer> bracketOf = new HashMap<>();
    final Map<Long, Integer> epochOf = new HashMap<>();
    final List<Verdict> endOfSlotInLaterBrackets = new ArrayList<>();

    SyncHyperbandScheduler drive(int trials) {
        MethodContext c = MultiFidelityTest.context(Mode.MIN, Map.of(), SyncHyperbandScheduler.dehbOptions());
        SyncHyperbandScheduler s = new SyncHyperbandScheduler(c, new RandomSearcher(c.searcherContext()), true);
        long next = 0;
        for (int step = 0; step < trials; step++) {
            Suggestion sug = s.suggest(next);
            long id;
            Map<String, Object> config;
            if (sug instanceof Suggestion.Start start) {
                id = next++;
                s.onTrialAdded(id, start.config(), start.memo());
                bracketOf.put(id, ((Number) start.memo().get("bracket")).intValue());
                config = start.config();
                started.add(new Run(id, bracketOf.get(id), ((Number) config.get("x")).doubleValue()));
            } else {
                Suggestion.Resume resume = (Suggestion.Resume) sug;
                id = resume.trialId();
                s.onTrialResumed(id, resume.config());
                resumedBrackets.add((long) bracketOf.get(id));
                config = resume.config();
            }
            double x = ((Number) config.get("x")).doubleValue();
            int target = ((Number) config.get("epochs")).intValue();
            for (int e = epochOf.getOrDefault(id, 0) + 1; e <= target; e++) {
                epochOf.put(id, e);
                Verdict v = s.onReport(id, Map.of("epoch", (double) e, "loss", (x - 0.3) * (x - 0.3) + 1.0 / e));
                if (v.decision() != Decision.CONTINUE) {
                    if (bracketOf.get(id) > 0) {
                        endOfSlotInLaterBrackets.add(v);
                    }
                    break;
                }
            }
        }
        return s;
    }

    @Test
    void onlyTheFirstBracketResumesTrialsAndLaterOnesStopAtTheirLevel() {
        drive(300);
        assertThat(resumedBrackets).isNotEmpty().containsOnly(0L);
        assertThat(started.stream().filter(r -> r.bracket() > 0)).hasSizeGreaterThan(20);
        assertThat(endOfSlotInLaterBrackets).isNotEmpty().allSatisfy(v -> assertThat(v.decision())
                .isEqualTo(Decision.STOP));
    }

    @Test
    void laterBracketsEvolveConfigsTowardsTheOptimum() {
        drive(300);
        double first = started.stream()
                .filter(r -> r.bracket() == 0)
                .mapToDouble(r -> Math.abs(r.x() - 0.3))
                .average()
                .orElseThrow();
        double later = started.stream()
                .filter(r -> r.bracket() > 0)
                .mapToDouble(r -> Math.abs(r.x() - 0.3))
                .average()
                .orElseThrow();
        assertThat(first).as("bracket 0 is random: mean distance near 0.29").isBetween(0.2, 0.4);
        assertThat(later).as("evolved configs").isLessThan(first / 2);
    }

    @Test
    void aSlotKeepsTheBetterOfChildAndTargetAndTiesGoToTheTarget() {
        MethodContext c = MultiFidelityTest.context(Mode.MIN, Map.of(), SyncHyperbandScheduler.dehbOptions());
        DifferentialEvolution de = new DifferentialEvolution(c.space(), 1, 0.5, 0.5, true);
        SyncBracket.Slot first = new SyncBracket.Slot(0, 0, 1, 2, null);
        assertThat(de.onResult(first, 10, Map.of("x", 0.5), 4.0).trialId())
                .as("the first bracket keeps its own trials")
                .isEqualTo(10);
        assertThat(de.onResult(new SyncBracket.Slot(4, 0, 1, 2, null), 20, Map.of("x", 0.6), 5.0)
                        .trialId())
                .as("a worse child loses to its target, the same slot of the latest earlier bracket")
                .isEqualTo(10);
        assertThat(de.onResult(new SyncBracket.Slot(8, 0, 1, 2, null), 30, Map.of("x", 0.7), 4.0)
                        .trialId())
                .as("a tie keeps the target (still trial 10, kept by bracket 4)")
                .isEqualTo(10);
        assertThat(de.onResult(new SyncBracket.Slot(12, 0, 1, 2, null), 40, Map.of("x", 0.3), 3.0)
                        .trialId())
                .as("a better child replaces it")
                .isEqualTo(40);
        assertThat(de.onResult(new SyncBracket.Slot(16, 0, 1, 2, null), 50, Map.of("x", 0.9), Double.NaN)
                        .trialId())
                .as("a failed child never wins")
                .isEqualTo(40);
    }

    @Test
    void laterBracketsRankAndPromoteWhatTheirSlotsKept() {
        drive(400);
        // every trial a later bracket started beyond its first rung had parents promoted from kept slots:
        // with selection, the configs at level 27 are close to the optimum for most of the run
        double top = started.stream()
                .filter(r -> r.bracket() >= 4)
                .mapToDouble(r -> Math.abs(r.x() - 0.3))
                .average()
                .orElseThrow();
        assertThat(top).as("configs started in brackets 4 and later").isLessThan(0.08);
    }

    @Test
    void laterBracketsHaveTheFirstBracketsRungSizesFromTheirOffset() {
        List<long[]> first = List.of(new long[] {27, 1}, new long[] {9, 3}, new long[] {3, 9}, new long[] {1, 27});
        List<List<long[]>> all = SyncHyperbandScheduler.offsets(first, 4);
        assertThat(all).hasSize(4);
        assertThat(all.get(1)).extracting(r -> r[0] + "@" + r[1]).containsExactly("9@3", "3@9", "1@27");
        assertThat(all.get(3)).extracting(r -> r[0] + "@" + r[1]).containsExactly("1@27");
    }

    @Test
    void aConfigProposedBeforeIsDrawnAgainUntilTheSpaceRunsOut() {
        dev.attune.space.SearchSpace small = dev.attune.space.SpaceParser.parse(
                new java.util.LinkedHashMap<>(Map.of(
                        "lr", Map.of("type", "choice", "categories", List.of(0.1, 0.01, 0.001)),
                        "layers", Map.of("type", "randint", "lower", 1, "upper", 20),
                        "epochs", 27)),
                "space");
        MethodContext c = new MethodContext(
                small,
                List.of(new dev.attune.trial.Metric("loss", Mode.MIN)),
                new dev.attune.trial.Resource("epoch", 27L, "epochs"),
                7,
                List.of(),
                false,
                dev.attune.searcher.Options.parse(Map.of(), SyncHyperbandScheduler.dehbOptions()));
        SyncHyperbandScheduler s = new SyncHyperbandScheduler(c, new RandomSearcher(c.searcherContext()), true);
        List<Map<String, Object>> proposed = new ArrayList<>();
        Map<Long, Integer> epochs = new HashMap<>();
        long next = 0;
        for (int step = 0; step < 400 && proposed.size() < 55; step++) {
            Suggestion sug = s.suggest(next);
            long id;
            Map<String, Object> config;
            if (sug instanceof Suggestion.Start start) {
                id = next++;
                config = start.config();
                s.onTrialAdded(id, config, start.memo());
                Map<String, Object> hp = new HashMap<>(config);
                hp.remove("epochs");
                proposed.add(hp);
            } else if (sug instanceof Suggestion.Resume resume) {
                id = resume.trialId();
                config = resume.config();
                s.onTrialResumed(id, config);
            } else {
                break;
            }
            double loss = ((Number) config.get("layers")).doubleValue() * ((Number) config.get("lr")).doubleValue();
            int level = ((Number) config.get("epochs")).intValue();
            for (int e = epochs.getOrDefault(id, 0) + 1; e <= level; e++) {
                epochs.put(id, e);
                if (s.onReport(id, Map.of("epoch", (double) e, "loss", loss + 1.0 / e))
                                .decision()
                        != Decision.CONTINUE) {
                    break;
                }
            }
        }
        // 27 random configs fill the first bracket; the rest are evolved in a space of 3 × 20 = 60 configs
        assertThat(proposed).hasSize(55).doesNotHaveDuplicates();
    }
}
