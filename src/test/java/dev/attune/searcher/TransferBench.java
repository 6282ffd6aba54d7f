package dev.attune.searcher;

import dev.attune.math.SeededRandom;
import dev.attune.space.FloatDomain;
import dev.attune.space.SearchSpace;
import dev.attune.trial.Metric;
import dev.attune.trial.Mode;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Transfer benchmark in plain Java (no HTTP): a family of shifted and scaled Hartmann3 tasks, 5 earlier
 * tasks of 50 random evaluations each, a new task of 20 sequential evaluations; final regret (in units of
 * the unscaled Hartmann3) of copula Thompson sampling and of GP BayesianOptimization's transfer kernel
 * ({@code transferLearningModel}) against RandomSearch and plain GP BayesianOptimization.
 * Run: {@code java -cp target/test-classes:target/classes:<deps> dev.attune.searcher.TransferBench [seeds]}.
 */
public final class TransferBench {
    static final double[] ALPHA = {1.0, 1.2, 3.0, 3.2};
    static final double[][] A = {{3.0, 10, 30}, {0.1, 10, 35}, {3.0, 10, 30}, {0.1, 10, 35}};
    static final double[][] P = {
        {0.3689, 0.1170, 0.2673}, {0.4699, 0.4387, 0.7470}, {0.1091, 0.8732, 0.5547}, {0.0381, 0.5743, 0.8828}
    };
    static final double MIN = -3.86278214782076;
    static final SearchSpace CUBE = cube();

    static SearchSpace cube() {
        Map<String, dev.attune.space.Domain> d = new LinkedHashMap<>();
        for (String n : List.of("x0", "x1", "x2")) {
            d.put(n, new FloatDomain(0, 1, false));
        }
        return new SearchSpace(d);
    }

    static double hartmann3(double[] x) {
        double s = 0;
        for (int i = 0; i < 4; i++) {
            double e = 0;
            for (int j = 0; j < 3; j++) {
                e += A[i][j] * (x[j] - P[i][j]) * (x[j] - P[i][j]);
            }
            s -= ALPHA[i] * Math.exp(-e);
        }
        return s;
    }

    /** Task t of the family: Hartmann3 moved by a shift in [−0.1, 0.1]³, scaled by e^N(0,1), offset by N(0, 10²). */
    record Task(double[] shift, double scale, double offset) {
        double value(Map<String, Object> c) {
            double[] x = new double[3];
            for (int j = 0; j < 3; j++) {
                x[j] = ((Number) c.get("x" + j)).doubleValue() - shift[j];
            }
            return scale * hartmann3(x) + offset;
        }

        double regret(double value) {
            return (value - offset) / scale - MIN;
        }
    }

    static Task task(long seed, int t) {
        SplittableRandom r = SeededRandom.of(seed, "hartmann-family", t);
        double[] shift = new double[3];
        for (int j = 0; j < 3; j++) {
            shift[j] = 0.2 * (r.nextDouble() - 0.5);
        }
        return new Task(shift, Math.exp(r.nextGaussian()), 10 * r.nextGaussian());
    }

    static List<TransferTask> earlier(long seed, int tasks, int evaluations) {
        List<TransferTask> list = new ArrayList<>();
        for (int t = 1; t <= tasks; t++) {
            Task task = task(seed, t);
            SplittableRandom r = SeededRandom.of(seed, "hartmann-earlier", t);
            List<TransferTask.Evaluation> evals = new ArrayList<>();
            for (int e = 0; e < evaluations; e++) {
                Map<String, Object> c = CUBE.sample(r);
                evals.add(new TransferTask.Evaluation(c, Map.of("y", task.value(c))));
            }
            list.add(new TransferTask("t" + t, evals));
        }
        return list;
    }

    static SearcherContext context(long seed, List<TransferTask> transfer, List<OptionSpec> specs) {
        return context(seed, transfer, specs, Map.of());
    }

    static SearcherContext context(
            long seed, List<TransferTask> transfer, List<OptionSpec> specs, Map<String, Object> options) {
        return new SearcherContext(
                CUBE,
                List.of(new Metric("y", Mode.MIN)),
                seed,
                List.of(),
                false,
                Options.parse(options, specs),
                null,
                null,
                transfer);
    }

    /** Regret after each of {@code n} sequential evaluations on the task. */
    static double[] run(Searcher s, Task task, int n) {
        double best = Double.POSITIVE_INFINITY;
        double[] regret = new double[n];
        for (int i = 0; i < n; i++) {
            s.pendingWork().ifPresent(Runnable::run);
            Proposal p = s.propose(i).orElseThrow();
            s.onTrialAdded(i, p.config(), p.memo());
            double v = task.value(p.config());
            s.onComplete(i, Map.of("y", v));
            best = Math.min(best, v);
            regret[i] = task.regret(best);
        }
        return regret;
    }

    public static void main(String[] args) {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int budget = 20;
        Map<String, Function<Long, Searcher>> methods = new LinkedHashMap<>();
        methods.put(
                "QuantileBasedSurrogateSearcher (CTS)",
                seed -> new QuantileBasedSurrogateSearcher(context(
                        seed,
                        earlier(seed, 5, 50),
                        QuantileBasedSurrogateSearcher.OPTIONS,
                        Map.of("newTaskModel", "none"))));
        methods.put(
                "QuantileBasedSurrogateSearcher (CGP)",
                seed -> new QuantileBasedSurrogateSearcher(context(
                        seed,
                        earlier(seed, 5, 50),
                        QuantileBasedSurrogateSearcher.OPTIONS,
                        Map.of("newTaskModel", "gp"))));
        methods.put("RandomSearch", seed -> new RandomSearcher(context(seed, List.of(), List.of())));
        methods.put(
                "BayesianOptimization",
                seed -> new BayesianOptimizationSearcher(
                        context(seed, List.of(), BayesianOptimizationSearcher.PLAIN_OPTIONS),
                        BayesianOptimizationSearcher.Kind.PLAIN));
        for (String model : List.of("matern52_product", "matern52_same")) {
            methods.put(
                    "BayesianOptimization (" + model + ")",
                    seed -> new BayesianOptimizationSearcher(
                            context(
                                    seed,
                                    earlier(seed, 5, 50),
                                    BayesianOptimizationSearcher.PLAIN_OPTIONS,
                                    Map.of("transferLearningModel", model)),
                            BayesianOptimizationSearcher.Kind.PLAIN));
        }
        var bean = ManagementFactory.getThreadMXBean();
        System.out.printf(
                Locale.ROOT,
                "%-38s %10s %10s %10s %10s %10s %12s%n",
                "method",
                "mean@5",
                "mean@10",
                "mean@20",
                "median@20",
                "worst@20",
                "cpu s/run");
        for (var m : methods.entrySet()) {
            double[] regrets = new double[seeds];
            double at5 = 0;
            double at10 = 0;
            long cpu0 = bean.getCurrentThreadCpuTime();
            for (int s = 0; s < seeds; s++) {
                long seed = s + 1;
                double[] curve = run(m.getValue().apply(seed), task(seed, 0), budget);
                regrets[s] = curve[budget - 1];
                at5 += curve[4] / seeds;
                at10 += curve[9] / seeds;
            }
            double cpu = (bean.getCurrentThreadCpuTime() - cpu0) / 1e9 / seeds;
            double[] sorted = regrets.clone();
            java.util.Arrays.sort(sorted);
            System.out.printf(
                    Locale.ROOT,
                    "%-38s %10.4f %10.4f %10.4f %10.4f %10.4f %12.2f%n",
                    m.getKey(),
                    at5,
                    at10,
                    java.util.Arrays.stream(regrets).average().orElseThrow(),
                    (sorted[(seeds - 1) / 2] + sorted[seeds / 2]) / 2,
                    sorted[seeds - 1],
                    cpu);
            System.out.println("  per seed: "
                    + java.util.Arrays.toString(java.util.Arrays.stream(regrets)
                            .map(v -> Math.round(v * 1e4) / 1e4)
                            .toArray()));
        }
    }
}
