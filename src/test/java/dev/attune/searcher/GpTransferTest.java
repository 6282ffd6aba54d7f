package dev.attune.searcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.math.GaussianProcess;
import dev.attune.math.GpHyperparameters;
import dev.attune.math.Matern52Kernel;
import dev.attune.space.InvalidInputException;
import dev.attune.trial.Metric;
import dev.attune.trial.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.junit.jupiter.api.Test;

/** The GP warm-starting transfer kernel (BayesianOptimization's transferLearningModel). */
class GpTransferTest {
    static final double A = 0.2;
    static final double B = 0.7;

    /** A quadratic bowl with its minimum at (a, b), scaled and shifted in value. */
    static double bowl(Map<String, Object> c, double a, double b, double scale, double shift) {
        double da = ((Number) c.get("a")).doubleValue() - a;
        double db = ((Number) c.get("b")).doubleValue() - b;
        return shift + scale * (da * da + db * db);
    }

    /** {@code tasks} earlier tasks of {@code n} random configs each, minimum near (A, B) up to {@code jitter}. */
    static List<TransferTask> family(long seed, int tasks, int n, double jitter) {
        SplittableRandom random = new SplittableRandom(seed);
        List<TransferTask> out = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            double a = A + jitter * (random.nextDouble() - 0.5);
            double b = B + jitter * (random.nextDouble() - 0.5);
            double scale = 0.5 + 2 * random.nextDouble();
            double shift = 3 * random.nextDouble();
            List<TransferTask.Evaluation> evals = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Map<String, Object> c = Map.of("a", random.nextDouble(), "b", random.nextDouble());
                evals.add(new TransferTask.Evaluation(c, Map.of("y", bowl(c, a, b, scale, shift))));
            }
            out.add(new TransferTask("task" + t, evals));
        }
        return out;
    }

    static SearcherContext context(long seed, Map<String, Object> options, List<TransferTask> transfer) {
        return new SearcherContext(
                ModelBasedSearcherTest.PLANE,
                List.of(new Metric("y", Mode.MIN)),
                seed,
                List.of(),
                false,
                Options.parse(options, BayesianOptimizationSearcher.PLAIN_OPTIONS),
                null,
                null,
                transfer);
    }

    static TransferData data(long seed, List<TransferTask> tasks, String model) {
        Options options =
                Options.parse(Map.of("transferLearningModel", model), BayesianOptimizationSearcher.PLAIN_OPTIONS);
        return TransferData.of(options, tasks, ModelBasedSearcherTest.PLANE, "y", false, seed);
    }

    @Test
    void theKernelOverConfigAndTaskCodeIsPositiveSemidefinite() {
        for (long seed = 1; seed <= 5; seed++) {
            TransferData d = data(seed, family(seed, 3, 12, 0.3), "matern52_product");
            SplittableRandom random = new SplittableRandom(seed);
            List<double[]> xs = new ArrayList<>(List.of(d.inputs()));
            for (int i = 0; i < 6; i++) { // active-task points too
                xs.add(d.active(new double[] {random.nextDouble(), random.nextDouble()}));
            }
            int dim = xs.getFirst().length;
            assertThat(dim).isEqualTo(2 + 4); // config, then 3 earlier tasks and the active one
            double[] ls = new double[3]; // a, b, and the code's shared one
            for (int j = 0; j < ls.length; j++) {
                ls[j] = Math.exp(Math.log(0.02) + random.nextDouble() * Math.log(5000));
            }
            Matern52Kernel k = new Matern52Kernel(0.5 + random.nextDouble(), ls, 2); // config × code
            int n = xs.size();
            DMatrixRMaj cov = new DMatrixRMaj(n, n);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    cov.set(i, j, k.value(xs.get(i), xs.get(j)));
                }
            }
            EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, false, true);
            assertThat(eig.decompose(cov)).isTrue();
            for (int i = 0; i < n; i++) {
                assertThat(eig.getEigenvalue(i).getReal()).as("seed %d", seed).isGreaterThan(-1e-9);
            }
        }
    }

    @Test
    void withoutSpreadOfItsOwnTheNewTaskIsScaledLikeTheEarlierTasksRawValues() {
        // metrics in large units: 1,000 × the family's; the new task's scale back to raw units must be in them
        List<TransferTask> earlier = new ArrayList<>();
        for (TransferTask t : family(4, 3, 20, 0.1)) {
            earlier.add(new TransferTask(
                    t.task(),
                    t.evaluations().stream()
                            .map(e -> new TransferTask.Evaluation(
                                    e.config(), Map.of("y", 1000 * e.metrics().get("y"))))
                            .toList()));
        }
        TransferData d = data(4, earlier, "matern52_product");
        double expected = earlier.stream()
                .mapToDouble(t -> GpModel.scale(t.evaluations().stream()
                        .mapToDouble(e -> e.metrics().get("y"))
                        .toArray()))
                .average()
                .orElseThrow();
        assertThat(d.rawScale()).isCloseTo(expected, org.assertj.core.data.Percentage.withPercentage(1e-9));
        assertThat(d.rawScale()).isGreaterThan(100);
        Options options = Options.parse(Map.of(), BayesianOptimizationSearcher.PLAIN_OPTIONS);
        GpModel model =
                new GpModel("objective", GpModel.Settings.of(options, 4, ModelBasedSearcherTest.PLANE, 0), false, d);
        double[][] x = {
            ModelBasedSearcherTest.PLANE.encode(Map.of("a", 0.3, "b", 0.6)),
            ModelBasedSearcherTest.PLANE.encode(Map.of("a", 0.7, "b", 0.2))
        };
        // one result, and two equal ones: no spread of their own, so the earlier tasks' raw spread is the scale
        for (double[] raw : List.of(new double[] {2500}, new double[] {2500, 2500})) {
            GpModel.Matched m = model.matched(java.util.Arrays.copyOf(x, raw.length), raw);
            assertThat(m.scale()).isEqualTo(d.rawScale());
            for (double v : m.values()) {
                assertThat(m.mean() + m.scale() * v).isCloseTo(2500, org.assertj.core.data.Offset.offset(1e-6));
            }
        }
    }

    @Test
    void earlierTasksIdenticalToTheNewOneMakeThePosteriorConfidentAtTheirOptimum() {
        for (long seed = 1; seed <= 3; seed++) {
            List<TransferTask> same = family(seed, 5, 40, 0);
            TransferData d = data(seed, same, "matern52_product");
            Options options = Options.parse(Map.of(), BayesianOptimizationSearcher.PLAIN_OPTIONS);
            GpModel model = new GpModel(
                    "objective", GpModel.Settings.of(options, seed, ModelBasedSearcherTest.PLANE, 0), false, d);
            assertThat(model.size()).isZero();
            GpModel.Posterior post = model.posterior(List.of(), 0, new SplittableRandom(seed));
            GpHyperparameters h = post.gp().hyperparameters();
            GaussianProcess.Prediction atOptimum =
                    post.gp().predict(ModelBasedSearcherTest.PLANE.encode(Map.of("a", A, "b", B)));
            GaussianProcess.Prediction far =
                    post.gp().predict(ModelBasedSearcherTest.PLANE.encode(Map.of("a", 0.95, "b", 0.05)));
            // the earlier tasks are alike (the same optimum, values scaled and shifted), so the fitted task
            // correlation ρ = u(√2/ℓₜ) of the product kernel is close to 1
            double[] ls = h.kernel().lengthscales();
            double rho = Matern52Kernel.unit(2 / (ls[ls.length - 1] * ls[ls.length - 1]));
            assertThat(rho).as("seed %d", seed).isGreaterThan(0.9);
            // confident: the latent variance at the optimum is a small part of the prior's; with no result of
            // its own the active task keeps at least c·(1 − ρ) of it (its function is √ρ·shared + √(1 − ρ)·own,
            // and only the shared part is seen in the earlier tasks)
            assertThat(atOptimum.variance())
                    .as("seed %d", seed)
                    .isLessThan(0.1 * h.kernel().amplitude())
                    .isGreaterThanOrEqualTo(h.kernel().amplitude() * (1 - rho) * 0.999);
            // and it knows the optimum is good: well below the standardized average 0, far below the corner
            // (the mean there is shrunk toward the prior by the task correlation, so it is not the earlier best)
            double bestEarlier = java.util.Arrays.stream(d.targets()).min().orElseThrow();
            assertThat(atOptimum.means()[0]).as("seed %d", seed).isLessThan(-0.5);
            assertThat(far.means()[0]).isGreaterThan(atOptimum.means()[0] + 1.5);
            // the incumbent before any new observation is the best active-task mean over the earlier configs
            // (shrunk like the mean at the optimum, but well below the standardized average 0)
            assertThat(post.incumbents()[0]).as("seed %d", seed).isLessThan(-0.5);
            assertThat(bestEarlier).isLessThan(post.incumbents()[0]);
        }
    }

    static double distance(Map<String, Object> c) {
        double da = ((Number) c.get("a")).doubleValue() - A;
        double db = ((Number) c.get("b")).doubleValue() - B;
        return Math.sqrt(da * da + db * db);
    }

    /** The first {@code n} configs the searcher proposes on a new task of the family (minimum at (A, B)). */
    static List<Map<String, Object>> firstSuggestions(long seed, String model, int n) {
        List<TransferTask> earlier = family(seed, 5, 50, 0.1);
        Searcher s = new BayesianOptimizationSearcher(
                context(seed, Map.of("transferLearningModel", model), earlier),
                BayesianOptimizationSearcher.Kind.PLAIN);
        return ModelBasedSearcherTest.run(s, n, c -> Map.of("y", bowl(c, A, B, 4, 10)));
    }

    /**
     * The first five suggestions on a new task of the family lie near the earlier tasks' optimum. The first
     * attempt proposed the corner (1, 0) third: the active task's two observations, both near the optimum,
     * were standardized on their own to ±1, and the model extrapolated that steep slope.
     */
    @Test
    void theFitOnTheEarlierTasksAloneRunsOnce() {
        TransferData d = data(3, family(3, 5, 40, 0.2), "matern52_product");
        Options options = Options.parse(Map.of(), BayesianOptimizationSearcher.PLAIN_OPTIONS);
        GpModel model =
                new GpModel("objective", GpModel.Settings.of(options, 3, ModelBasedSearcherTest.PLANE, 0), false, d);
        model.pendingFit().orElseThrow().run(); // k = 0: the earlier tasks alone, as a service runs it off the lock
        assertThat(model.fitsRun()).isEqualTo(1);
        model.add(ModelBasedSearcherTest.PLANE.encode(Map.of("a", 0.3, "b", 0.6)), 1.0);
        model.add(ModelBasedSearcherTest.PLANE.encode(Map.of("a", 0.7, "b", 0.2)), 2.0);
        model.pendingFit().orElseThrow().run(); // k = 2 maps the new task onto the earlier tasks' posterior
        model.posterior(List.of(), 0, new SplittableRandom(3));
        // the mapping's transfer-only posterior reuses the k = 0 fit: one fit per k, none again
        assertThat(model.fitsRun()).isEqualTo(2);
    }

    @Test
    void warmStartedSearcherProposesNearTheEarlierTasksOptimumFirst() {
        for (long seed = 1; seed <= 3; seed++) {
            for (String model : List.of("matern52_product", "matern52_same")) {
                List<Map<String, Object>> first = firstSuggestions(seed, model, 5);
                for (Map<String, Object> c : first) {
                    assertThat(distance(c)).as("seed %d %s %s", seed, model, c).isLessThan(0.15);
                }
            }
            // without transfer the first three are random (the space has no initial configs here)
            List<Map<String, Object>> plain = firstSuggestions(seed, "none", 3);
            assertThat(plain.stream()
                            .mapToDouble(GpTransferTest::distance)
                            .max()
                            .orElseThrow())
                    .as("seed %d", seed)
                    .isGreaterThan(0.15);
        }
    }

    /**
     * On the transfer benchmark's family (shifted, scaled and offset Hartmann3; 5 earlier tasks of 50 random
     * evaluations), matern52_product's regret after 10 evaluations of the new task is below plain BO's on
     * every seed, and less than half of it on average.
     */
    @Test
    void productKernelBeatsPlainBoOnTheHartmannFamily() {
        double transfer = 0;
        double plain = 0;
        for (long seed = 1; seed <= 3; seed++) {
            Searcher warm = new BayesianOptimizationSearcher(
                    TransferBench.context(
                            seed,
                            TransferBench.earlier(seed, 5, 50),
                            BayesianOptimizationSearcher.PLAIN_OPTIONS,
                            Map.of("transferLearningModel", "matern52_product")),
                    BayesianOptimizationSearcher.Kind.PLAIN);
            Searcher bo = new BayesianOptimizationSearcher(
                    TransferBench.context(seed, List.of(), BayesianOptimizationSearcher.PLAIN_OPTIONS),
                    BayesianOptimizationSearcher.Kind.PLAIN);
            double w = TransferBench.run(warm, TransferBench.task(seed, 0), 10)[9];
            double p = TransferBench.run(bo, TransferBench.task(seed, 0), 10)[9];
            assertThat(w).as("seed %d: transfer %f, plain %f", seed, w, p).isLessThan(p);
            transfer += w;
            plain += p;
        }
        assertThat(transfer).isLessThan(0.5 * plain);
    }

    /** Proposals of a searcher on the bowl task, with the given options and earlier tasks. */
    static List<Map<String, Object>> proposals(Map<String, Object> options, List<TransferTask> earlier) {
        Searcher s =
                new BayesianOptimizationSearcher(context(7, options, earlier), BayesianOptimizationSearcher.Kind.PLAIN);
        return ModelBasedSearcherTest.run(s, 8, c -> Map.of("y", bowl(c, A, B, 4, 10)));
    }

    @Test
    void withoutEarlierEvaluationsATransferModelIsPlainBoProposalForProposal() {
        List<Map<String, Object>> plain = proposals(Map.of(), List.of());
        for (String model : List.of("matern52_product", "matern52_same")) {
            assertThat(proposals(Map.of("transferLearningModel", model), List.of()))
                    .as(model)
                    .isEqualTo(plain);
            // earlier tasks without the study's metric transfer nothing either
            List<TransferTask> otherMetric = List.of(new TransferTask(
                    "t", List.of(new TransferTask.Evaluation(Map.of("a", 0.5, "b", 0.5), Map.of("loss", 1.0)))));
            assertThat(proposals(Map.of("transferLearningModel", model), otherMetric))
                    .as(model)
                    .isEqualTo(plain);
        }
    }

    @Test
    void badTransferOptionsAreRefusedNamingTheOption() {
        assertThatThrownBy(() -> Options.parse(
                        Map.of("transferLearningModel", "icm"), BayesianOptimizationSearcher.PLAIN_OPTIONS))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.errors().getFirst().field()).isEqualTo("options.transferLearningModel");
                    assertThat(e.errors().getFirst().message()).contains("matern52_product");
                });
        assertThatThrownBy(() -> Options.parse(
                        Map.of("transferLearningModel", "matern52_product", "transferMaxPoints", 0),
                        BayesianOptimizationSearcher.PLAIN_OPTIONS))
                .isInstanceOfSatisfying(
                        InvalidInputException.class,
                        e -> assertThat(e.errors().getFirst().field()).isEqualTo("options.transferMaxPoints"));
    }

    @Test
    void transferredPointsAreBoundedByTransferMaxPoints() {
        Options options = Options.parse(
                Map.of("transferLearningModel", "matern52_product", "transferMaxPoints", 40),
                BayesianOptimizationSearcher.PLAIN_OPTIONS);
        TransferData d = TransferData.of(options, family(1, 5, 50, 0.1), ModelBasedSearcherTest.PLANE, "y", false, 1);
        assertThat(d.inputs()).hasNumberOfRows(40);
        // the best quarter of all 250 are kept: the kept minimum is the overall minimum (-ish, per task standardized)
        assertThat(java.util.Arrays.stream(d.targets()).min().orElseThrow()).isLessThan(-1.0);
    }
}
