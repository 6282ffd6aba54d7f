package dev.attune.searcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.math.SeededRandom;
import dev.attune.space.InvalidInputException;
import dev.attune.trial.Mode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * CGP ({@code newTaskModel=gp}): the earlier tasks' optimum is near (0.25, 0.7), the new task's is moved
 * far away, so only a model that learns from the new task's own results can find it.
 */
class CopulaGpTest {
    static final QuantileBasedSurrogateSearcherTest.Task SHIFTED =
            new QuantileBasedSurrogateSearcherTest.Task(0.75, 0.2, 3.0, 5.0);

    static QuantileBasedSurrogateSearcher searcher(long seed, String newTaskModel) {
        return new QuantileBasedSurrogateSearcher(QuantileBasedSurrogateSearcherTest.context(
                QuantileBasedSurrogateSearcherTest.PLANE,
                seed,
                Mode.MIN,
                QuantileBasedSurrogateSearcherTest.earlier(seed, 5, 50, false),
                Map.of("numCandidates", 3000, "newTaskModel", newTaskModel)));
    }

    /** Spearman's rank correlation. */
    static double spearman(double[] a, double[] b) {
        double[] ra = ranks(a);
        double[] rb = ranks(b);
        double ma = Arrays.stream(ra).average().orElseThrow();
        double mb = Arrays.stream(rb).average().orElseThrow();
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (ra[i] - ma) * (rb[i] - mb);
            saa += (ra[i] - ma) * (ra[i] - ma);
            sbb += (rb[i] - mb) * (rb[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }

    static double[] ranks(double[] v) {
        Integer[] order = new Integer[v.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (x, y) -> Double.compare(v[x], v[y]));
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[order[i]] = i;
        }
        return r;
    }

    @Test
    void residualGpPredictsTheShiftedTaskBetterThanTheSurrogateAlone() {
        double sum = 0;
        for (long seed = 1; seed <= 4; seed++) {
            var s = searcher(seed, "gp");
            SplittableRandom r = SeededRandom.of(seed, "new-task");
            for (long id = 0; id < 12; id++) {
                Map<String, Object> c = QuantileBasedSurrogateSearcherTest.PLANE.sample(r);
                s.onTrialAdded(id, c, Map.of());
                s.onComplete(id, Map.of("y", SHIFTED.value(c)));
            }
            var m = s.model();
            double[] truth = new double[m.mean().length];
            for (int i = 0; i < truth.length; i++) {
                truth[i] = SHIFTED.value(s.candidate(i));
            }
            double alone = spearman(m.mean(), truth);
            double cgp = spearman(s.residual(m).mean(), truth);
            assertThat(cgp)
                    .as("seed %d: rank correlation with the new task, CGP %.3f vs trees %.3f", seed, cgp, alone)
                    .isGreaterThan(0.0)
                    .isGreaterThan(alone + 0.3);
            sum += cgp;
        }
        assertThat(sum / 4).as("mean rank correlation of CGP with the new task").isGreaterThan(0.3);
    }

    @Test
    void cgpFindsTheShiftedOptimumWhereCtsDoesNot() {
        int cgpWins = 0;
        double cgpSum = 0;
        double ctsSum = 0;
        for (long seed = 1; seed <= 6; seed++) {
            double cts = QuantileBasedSurrogateSearcherTest.best(
                    QuantileBasedSurrogateSearcherTest.run(searcher(seed, "none"), 20, SHIFTED::value), SHIFTED);
            double cgp = QuantileBasedSurrogateSearcherTest.best(
                    QuantileBasedSurrogateSearcherTest.run(searcher(seed, "gp"), 20, SHIFTED::value), SHIFTED);
            if (cgp < cts) {
                cgpWins++;
            }
            assertThat(cgp).as("seed %d: CGP's regret after 20", seed).isLessThan(0.2);
            cgpSum += cgp;
            ctsSum += cts;
        }
        assertThat(cgpWins).isGreaterThanOrEqualTo(5);
        assertThat(cgpSum).as("CGP's total regret against CTS's").isLessThan(ctsSum / 2);
    }

    @Test
    void sameSeedSameProposalsAndSeedsDiffer() {
        List<List<Map<String, Object>>> runs = new ArrayList<>();
        for (long seed : new long[] {3, 3, 4}) {
            runs.add(QuantileBasedSurrogateSearcherTest.run(searcher(seed, "gp"), 12, SHIFTED::value));
        }
        assertThat(runs.get(0)).isEqualTo(runs.get(1));
        assertThat(runs.get(0).subList(4, 12)).isNotEqualTo(runs.get(2).subList(4, 12));
    }

    @Test
    void residualFittedOffTheLockGivesTheProposalsOfAFitUnderIt() {
        var prefitted = searcher(5, "gp");
        var inline = searcher(5, "gp");
        SplittableRandom r = SeededRandom.of(5, "new-task");
        for (long id = 0; id < 8; id++) {
            Map<String, Object> c = QuantileBasedSurrogateSearcherTest.PLANE.sample(r);
            for (var s : List.of(prefitted, inline)) {
                s.onTrialAdded(id, c, Map.of());
                s.onComplete(id, Map.of("y", SHIFTED.value(c)));
            }
            prefitted.pendingWork().ifPresent(Runnable::run);
            assertThat(prefitted.pendingWork())
                    .as("nothing left to fit after the prefit")
                    .isEmpty();
            assertThat(prefitted.propose(100 + id)).isEqualTo(inline.propose(100 + id));
        }
    }

    @Test
    void noneIgnoresTheNewTasksResults() {
        var s = searcher(2, "none");
        Map<String, Object> before = s.propose(50).orElseThrow().config();
        SplittableRandom r = SeededRandom.of(2, "new-task");
        for (long id = 0; id < 10; id++) {
            Map<String, Object> c = QuantileBasedSurrogateSearcherTest.PLANE.sample(r);
            s.onTrialAdded(id, c, Map.of());
            s.onComplete(id, Map.of("y", SHIFTED.value(c)));
        }
        assertThat(s.propose(50).orElseThrow().config()).isEqualTo(before);
    }

    @Test
    void optionsAreValidated() {
        assertThatThrownBy(() -> Options.parse(Map.of("newTaskModel", "mlp"), QuantileBasedSurrogateSearcher.OPTIONS))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("options.newTaskModel");
        assertThatThrownBy(() ->
                        Options.parse(Map.of("newTaskMinObservations", 1), QuantileBasedSurrogateSearcher.OPTIONS))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("options.newTaskMinObservations");
        assertThat(Options.parse(Map.of(), QuantileBasedSurrogateSearcher.OPTIONS)
                        .string("newTaskModel"))
                .isEqualTo(QuantileBasedSurrogateSearcher.DEFAULT_NEW_TASK_MODEL);
    }
}
