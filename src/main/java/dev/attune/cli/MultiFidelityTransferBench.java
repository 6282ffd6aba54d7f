package dev.attune.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bench quality --transfer --multi-fidelity}: the transfer benchmark's task family (shifted and scaled
 * Hartmann3, {@link TransferBench#family}) seen through learning curves. A config is x0, x1, x2 and a speed
 * (log-uniform in [0.05, 1]); at epoch e its value is task(x) + a · {@value #CURVE} · exp(−speed · e), a
 * the task's scale, so a slow config pays up to about a · 0.5 even at the last epoch. The earlier tasks'
 * {@value TransferBench#EARLIER_EVALS} random configs each enter {@code transferEvaluations} with their
 * final-epoch value; the new task gets a budget of {@code --budget} (default {@value #DEFAULT_BUDGET}) full
 * trials × {@code --epochs} epochs, one worker, every trial reporting each epoch and obeying the decision.
 * Regret is (the best value seen at the last epoch − the task's minimum) / a: values of trials stopped
 * early do not count, since their curve has not come down yet. No Optuna row: its TPE has no transfer
 * and no multi-fidelity counterpart here.
 */
final class MultiFidelityTransferBench {
    static final double CURVE = 2;
    static final int DEFAULT_BUDGET = 20;
    static final double SPEED_LOWER = 0.05;
    static final double SPEED_UPPER = 1;
    static final String FUNCTION = "hartmann3-mf-transfer";
    static final List<String> DEFAULT_METHODS = List.of("ASHA", "ASHACTS", "RUSH");
    /** The BoundingBox row added to the defaults: ASHA on the shrunk space. */
    static final String BOUNDING_BOX_LABEL = "BoundingBox(ASHA)";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final QualityBench bench;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    MultiFidelityTransferBench(QualityBench bench) {
        this.bench = bench;
    }

    /** The value of config (x, speed) of {@code task} observed at {@code epoch}. */
    static double value(TransferBench.Task task, double[] x, double speed, int epoch) {
        return task.value(x) + task.scale() * CURVE * Math.exp(-speed * epoch);
    }

    /** The earlier tasks' random configs with their values at the last of {@code epochs} epochs. */
    static List<Map<String, Object>> transferEvaluations(List<TransferBench.Task> family, long seed, int epochs) {
        SplittableRandom random = new SplittableRandom(seed * 104729 + 5);
        List<Map<String, Object>> tasks = new ArrayList<>();
        for (int k = 0; k < TransferBench.EARLIER_TASKS; k++) {
            List<Map<String, Object>> evaluations = new ArrayList<>();
            for (int i = 0; i < TransferBench.EARLIER_EVALS; i++) {
                double[] x = {random.nextDouble(), random.nextDouble(), random.nextDouble()};
                double speed =
                        Math.exp(Math.log(SPEED_LOWER) + Math.log(SPEED_UPPER / SPEED_LOWER) * random.nextDouble());
                Map<String, Object> config = new LinkedHashMap<>();
                for (int j = 0; j < 3; j++) {
                    config.put("x" + j, x[j]);
                }
                config.put("speed", speed);
                config.put("epochs", epochs);
                evaluations.add(
                        Map.of("config", config, "metrics", Map.of("y", value(family.get(k), x, speed, epochs))));
            }
            tasks.add(Map.of("task", "task" + k, "evaluations", evaluations));
        }
        return tasks;
    }

    /**
     * The epochs spent on the new task and the best value reached at the last epoch: only a trial that
     * reports epoch {@code epochs} counts toward the regret.
     */
    static final class Progress {
        private final int epochs;
        private final int budgetEpochs;
        private int used;
        private double bestFinal = Double.POSITIVE_INFINITY;

        Progress(int epochs, int budgetTrials) {
            this.epochs = epochs;
            this.budgetEpochs = budgetTrials * epochs;
        }

        boolean hasBudget() {
            return used < budgetEpochs;
        }

        /** One reported epoch; spends one epoch of the budget. */
        void observe(int epoch, double y) {
            if (!hasBudget()) {
                throw new IllegalStateException("the budget of " + budgetEpochs + " epochs is spent");
            }
            used++;
            if (epoch >= epochs) {
                bestFinal = Math.min(bestFinal, y);
            }
        }

        int used() {
            return used;
        }

        /** (best final value − the task's minimum) / scale; infinite when no trial reached the last epoch. */
        double regret(TransferBench.Task task) {
            return (bestFinal - task.minimum()) / task.scale();
        }
    }

    Integer run() throws Exception {
        int budget = bench.budget != null ? bench.budget : DEFAULT_BUDGET;
        Map<String, String> rows = new LinkedHashMap<>(); // label -> method and options
        for (String method : bench.methods != null ? bench.methods : DEFAULT_METHODS) {
            rows.put(method, method);
        }
        if (bench.methods == null) {
            rows.put(BOUNDING_BOX_LABEL, "BoundingBox {\"baseMethod\":\"asha\"}");
        }
        rows.putAll(bench.variants);
        Set<String> known = knownMethods();
        List<QualityBench.Run> runs = new ArrayList<>();
        for (Map.Entry<String, String> row : rows.entrySet()) {
            String method = row.getValue().split(" ", 2)[0];
            if (!known.contains(method.toLowerCase(Locale.ROOT))) {
                System.out.println(
                        "(skipped " + row.getKey() + ": the server does not know the method " + method + ")");
                continue;
            }
            for (long seed = bench.firstSeed; seed < bench.firstSeed + bench.seeds; seed++) {
                List<TransferBench.Task> family = TransferBench.family(seed);
                runs.add(run(
                        family.get(TransferBench.EARLIER_TASKS),
                        transferEvaluations(family, seed, bench.epochs),
                        row.getKey(),
                        row.getValue(),
                        seed,
                        budget));
            }
        }
        System.out.printf(
                "transfer, multi-fidelity: %d earlier tasks × %d random configs (final values), new task %d full trials × %d epochs, one worker; regret of the best last-epoch value / scale%n",
                TransferBench.EARLIER_TASKS, TransferBench.EARLIER_EVALS, budget, bench.epochs);
        bench.print(runs, "regret", List.of(FUNCTION));
        return 0;
    }

    @SuppressWarnings("unchecked")
    private Set<String> knownMethods() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(bench.url + "/api/v1/methods"))
                .GET()
                .build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 400) {
            throw new IllegalStateException("GET /api/v1/methods answered " + r.statusCode() + ": " + r.body());
        }
        Set<String> names = new TreeSet<>();
        for (Object m : (List<?>) JSON.readValue(r.body(), Map.class).get("items")) {
            names.add(((String) ((Map<String, Object>) m).get("name")).toLowerCase(Locale.ROOT));
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    private QualityBench.Run run(
            TransferBench.Task task,
            List<Map<String, Object>> transfer,
            String label,
            String methodAndOptions,
            long seed,
            int budget)
            throws Exception {
        String[] parts = methodAndOptions.split(" ", 2);
        Map<String, Object> space = new LinkedHashMap<>();
        for (int j = 0; j < 3; j++) {
            space.put("x" + j, Map.of("type", "uniform", "lower", 0, "upper", 1));
        }
        space.put("speed", Map.of("type", "loguniform", "lower", SPEED_LOWER, "upper", SPEED_UPPER));
        space.put("epochs", bench.epochs);
        Map<String, Object> study = bench.study(FUNCTION, space, parts[0], seed);
        if (parts.length > 1) {
            study.put("options", JSON.readValue(parts[1], Map.class));
        }
        study.put("resource", Map.of("attr", "epoch", "maxAttr", "epochs"));
        study.put("transferEvaluations", transfer);
        String base = "/api/v1/studies/" + bench.create(study);
        Progress progress = new Progress(bench.epochs, budget);
        QualityBench.Driven driven = bench.driveOneWorker(base, new QualityBench.Epochs() {
            @Override
            public boolean hasBudget() {
                return progress.hasBudget();
            }

            @Override
            public double run(Map<?, ?> config, int epoch) {
                double[] x = new double[3];
                for (int j = 0; j < 3; j++) {
                    x[j] = ((Number) config.get("x" + j)).doubleValue();
                }
                double y = value(task, x, ((Number) config.get("speed")).doubleValue(), epoch);
                progress.observe(epoch, y);
                return y;
            }
        });
        return new QualityBench.Run(
                FUNCTION,
                label,
                seed,
                progress.regret(task),
                driven.asks(),
                QualityBench.trialsByLastEpoch(driven.lastEpoch()));
    }
}
