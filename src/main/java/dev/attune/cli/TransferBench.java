package dev.attune.cli;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bench quality --transfer}: a family of related tasks, Hartmann3 shifted and scaled, y = a ·
 * hartmann3(clip(x − s)) + b with s uniform in [−0.1, 0.1]³, a log-uniform in [0.5, 2] and b uniform in
 * [−1, 1], drawn per seed. The {@value #EARLIER_TASKS} earlier tasks get {@value #EARLIER_EVALS} random-search
 * evaluations each (drawn here, uniformly, not by a server); every method then gets them as {@code
 * transferEvaluations} (the non-transfer methods ignore them) and {@value #NEW_EVALS} evaluations of the new
 * task. Regret is (best y − the new task's minimum) / a, so that tasks of any scale count alike; Optuna's
 * TPE runs on the same new tasks without the earlier ones.
 */
final class TransferBench {
    static final int EARLIER_TASKS = 5;
    static final int EARLIER_EVALS = 50;
    static final int NEW_EVALS = 20;
    static final List<String> DEFAULT_METHODS =
            List.of("ZeroShotTransfer", "BoundingBox", "RandomSearch", "BayesianOptimization");
    /**
     * Rows added to the default methods: GP Bayesian optimization warm-started by its transfer kernel
     * ({@code transferLearningModel}), next to plain BayesianOptimization.
     */
    static final List<Map.Entry<String, String>> DEFAULT_VARIANTS = List.of(
            Map.entry(
                    "BayesianOptimization(matern52_product)",
                    "BayesianOptimization {\"transferLearningModel\": \"matern52_product\"}"),
            Map.entry(
                    "BayesianOptimization(matern52_same)",
                    "BayesianOptimization {\"transferLearningModel\": \"matern52_same\"}"));

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One task of the family. */
    record Task(double[] shift, double scale, double offset) {
        double value(double[] x) {
            double[] moved = new double[3];
            for (int j = 0; j < 3; j++) {
                moved[j] = Math.min(1, Math.max(0, x[j] - shift[j]));
            }
            return scale * TestFunctions.ALL.get("hartmann3").f().applyAsDouble(moved) + offset;
        }

        double minimum() {
            return scale * TestFunctions.ALL.get("hartmann3").minimum() + offset;
        }
    }

    private final QualityBench bench;

    TransferBench(QualityBench bench) {
        this.bench = bench;
    }

    /** The family of a seed: the earlier tasks, then the new one last. */
    static List<Task> family(long seed) {
        SplittableRandom random = new SplittableRandom(seed * 7919 + 17);
        List<Task> tasks = new ArrayList<>();
        for (int k = 0; k <= EARLIER_TASKS; k++) {
            double[] shift = new double[3];
            for (int j = 0; j < 3; j++) {
                shift[j] = -0.1 + 0.2 * random.nextDouble();
            }
            double scale = Math.exp(Math.log(0.5) + Math.log(4) * random.nextDouble());
            tasks.add(new Task(shift, scale, -1 + 2 * random.nextDouble()));
        }
        return tasks;
    }

    /** The earlier tasks' random-search evaluations as {@code transferEvaluations}. */
    static List<Map<String, Object>> transferEvaluations(List<Task> family, long seed) {
        SplittableRandom random = new SplittableRandom(seed * 104729 + 3);
        List<Map<String, Object>> tasks = new ArrayList<>();
        for (int k = 0; k < EARLIER_TASKS; k++) {
            List<Map<String, Object>> evaluations = new ArrayList<>();
            for (int i = 0; i < EARLIER_EVALS; i++) {
                double[] x = {random.nextDouble(), random.nextDouble(), random.nextDouble()};
                Map<String, Object> config = new LinkedHashMap<>();
                for (int j = 0; j < 3; j++) {
                    config.put("x" + j, x[j]);
                }
                evaluations.add(Map.of(
                        "config", config, "metrics", Map.of("y", family.get(k).value(x))));
            }
            tasks.add(Map.of("task", "task" + k, "evaluations", evaluations));
        }
        return tasks;
    }

    Integer run() throws Exception {
        List<String> chosen = new ArrayList<>(bench.methods != null ? bench.methods : DEFAULT_METHODS);
        if (bench.methods == null) {
            DEFAULT_VARIANTS.forEach(e -> bench.variants.putIfAbsent(e.getKey(), e.getValue()));
        }
        chosen.addAll(bench.variants.keySet());
        List<QualityBench.Run> runs = new ArrayList<>();
        List<Map<String, Object>> optunaTasks = new ArrayList<>();
        for (long seed = bench.firstSeed; seed < bench.firstSeed + bench.seeds; seed++) {
            List<Task> family = family(seed);
            List<Map<String, Object>> transfer = transferEvaluations(family, seed);
            Task task = family.get(EARLIER_TASKS);
            for (String method : chosen) {
                runs.add(run(task, transfer, method, seed));
            }
            optunaTasks.add(Map.of(
                    "seed", seed,
                    "shift", List.of(task.shift()[0], task.shift()[1], task.shift()[2]),
                    "scale", task.scale(),
                    "offset", task.offset()));
        }
        runs.addAll(optuna(optunaTasks));
        System.out.printf(
                "transfer: %d earlier tasks × %d random evaluations, %d evaluations of the new task, regret / scale%n",
                EARLIER_TASKS, EARLIER_EVALS, NEW_EVALS);
        bench.print(runs, "regret", List.of("hartmann3-transfer"));
        return 0;
    }

    @SuppressWarnings("unchecked")
    private QualityBench.Run run(Task task, List<Map<String, Object>> transfer, String label, long seed)
            throws Exception {
        String variant = bench.variants.get(label);
        String method = variant == null ? label : variant.split(" ", 2)[0];
        Map<String, Object> space = new LinkedHashMap<>();
        for (int j = 0; j < 3; j++) {
            space.put("x" + j, Map.of("type", "uniform", "lower", 0, "upper", 1));
        }
        Map<String, Object> study = bench.study("hartmann3-transfer", space, method, seed);
        if (variant != null && variant.contains(" ")) {
            study.put("options", JSON.readValue(variant.split(" ", 2)[1], Map.class));
        }
        study.put("transferEvaluations", transfer);
        String base = "/api/v1/studies/" + bench.create(study);
        double best = Double.POSITIVE_INFINITY;
        List<Double> asks = new ArrayList<>();
        for (int i = 0; i < NEW_EVALS; i++) {
            long t0 = System.nanoTime();
            Map<String, Object> answer = bench.post(base + "/ask", Map.of("workerId", "bench"));
            asks.add((System.nanoTime() - t0) / 1e9);
            Map<?, ?> trial = (Map<?, ?>) answer.get("trial");
            if (trial == null) {
                break;
            }
            Map<?, ?> config = (Map<?, ?>) trial.get("config");
            double[] x = new double[3];
            for (int j = 0; j < 3; j++) {
                x[j] = ((Number) config.get("x" + j)).doubleValue();
            }
            double y = task.value(x);
            best = Math.min(best, y);
            bench.post(base + "/trials/" + trial.get("id") + "/complete", Map.of("metrics", Map.of("y", y)));
        }
        return new QualityBench.Run("hartmann3-transfer", label, seed, (best - task.minimum()) / task.scale(), asks);
    }

    /** Optuna's TPE on the same new tasks; empty (with a note) when python or optuna is missing. */
    private List<QualityBench.Run> optuna(List<Map<String, Object>> tasks) throws Exception {
        if (bench.python.equals("none")) {
            return List.of();
        }
        Path script = Files.createTempFile("attune-optuna-transfer", ".py");
        try (InputStream in = TransferBench.class.getResourceAsStream("/bench/optuna_transfer.py")) {
            Files.write(script, in.readAllBytes());
        }
        Process p = new ProcessBuilder(
                        bench.python, script.toString(), String.valueOf(NEW_EVALS), JSON.writeValueAsString(tasks))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        List<QualityBench.Run> runs = new ArrayList<>();
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                Map<?, ?> m = JSON.readValue(line, Map.class);
                runs.add(new QualityBench.Run(
                        (String) m.get("function"),
                        (String) m.get("method"),
                        ((Number) m.get("seed")).longValue(),
                        ((Number) m.get("regret")).doubleValue(),
                        ((List<?>) m.get("askSeconds"))
                                .stream().map(v -> ((Number) v).doubleValue()).toList()));
            }
        }
        if (p.waitFor() != 0) {
            System.out.println("(Optuna was not run: " + bench.python + " failed; install python3-optuna)");
        }
        Files.deleteIfExists(script);
        return runs;
    }
}
