package dev.attune.cli;

import dev.attune.math.Hypervolume;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;

/**
 * Optimization quality over HTTP: final simple regret and seconds per suggestion of Attune's methods on
 * standard test functions, next to Optuna's TPE run on the same functions by Debian's python3-optuna.
 *
 * <p>Single-fidelity: each run asks, evaluates and completes {@code --evals} trials one after another, so
 * the ask latency includes the model fit. With {@code --multi-fidelity}: the Branin function plus
 * 50·exp(−speed·epoch), speed in [0.05, 1] (log), 27 epochs, a budget of {@code --budget}×27 epochs; a
 * trial reports every epoch and obeys the decision. Regret is the best value seen minus the function's
 * minimum. With {@code --multi-objective}: ZDT1, ZDT2 and DTLZ2 over six inputs, the hypervolume of all
 * results at each function's fixed reference point, next to Optuna's NSGA-II and multi-objective TPE.
 */
@Command(
        name = "quality",
        mixinStandardHelpOptions = true,
        description = "Final regret and seconds per suggestion on test functions, side by side with Optuna's TPE")
public class QualityBench implements Callable<Integer> {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "server (default ${DEFAULT-VALUE})")
    String url;

    @Option(
            names = "--functions",
            split = ",",
            description =
                    "default: branin,hartmann3,hartmann6,rosenbrock4,ackley5 (or mixed: Branin with integer and categorical inputs; wideint: Branin with x2 an integer in [0, 1000]); with --multi-objective zdt1,zdt2,dtlz2; with --multi-fidelity branin-mf (or crossing: curves that cross)")
    List<String> functions;

    @Option(
            names = "--methods",
            split = ",",
            description =
                    "default: BayesianOptimization,KDE,RandomSearch; with --multi-fidelity ASHA, BOHB, MOBSTER, HyperTune, SyncHyperband, SyncBOHB, SyncMOBSTER, DEHB; with --multi-objective MORandomScalarizationBayesOpt, NSGA2, MOREA")
    List<String> methods;

    @Option(
            names = "--options",
            description = "method options as a JSON object, given to every study, e.g. '{\"brackets\": 4}'")
    String options;

    @Option(
            names = "--variant",
            description =
                    "an extra row: LABEL=METHOD OPTIONS_JSON, e.g. 'MOBO tuned=MORandomScalarizationBayesOpt {\"kappa\": 0.2}' (repeatable)")
    Map<String, String> variants = new LinkedHashMap<>();

    @Option(names = "--seeds", defaultValue = "5")
    int seeds;

    @Option(
            names = "--first-seed",
            defaultValue = "1",
            description =
                    "seeds are first-seed … first-seed + seeds − 1, for Attune and Optuna alike (default ${DEFAULT-VALUE}); e.g. held-out seeds for a variant tuned on 1–5")
    long firstSeed;

    @Option(names = "--evals", defaultValue = "100", description = "evaluations per run (default ${DEFAULT-VALUE})")
    int evals;

    @Option(names = "--multi-fidelity", description = "run the multi-fidelity Branin comparison instead")
    boolean multiFidelity;

    @Option(names = "--multi-objective", description = "run ZDT1, ZDT2 and DTLZ2 and compare hypervolumes instead")
    boolean multiObjective;

    @Option(
            names = "--transfer",
            description =
                    "run the transfer benchmark instead (shifted and scaled Hartmann3: 5 earlier tasks × 50, 20 new evaluations); default methods ZeroShotTransfer, BoundingBox, RandomSearch, BayesianOptimization; with --multi-fidelity learning curves over --epochs, methods ASHA, ASHACTS, RUSH, BoundingBox on ASHA (unknown ones skipped)")
    boolean transfer;

    @Option(
            names = "--budget",
            description = "multi-fidelity budget in full trials (default 50; with --transfer --multi-fidelity 20)")
    Integer budget;

    @Option(names = "--epochs", defaultValue = "27")
    int epochs;

    @Option(
            names = "--python",
            defaultValue = "/usr/bin/python3",
            description = "python with optuna, or 'none' to skip Optuna")
    String python;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /**
     * One run's result: its regret, or with --multi-objective its hypervolume; with --multi-fidelity also how
     * many trials ended at each epoch (where the budget went; empty otherwise).
     */
    record Run(
            String function,
            String method,
            long seed,
            double value,
            List<Double> askSeconds,
            Map<Integer, Integer> trialsByLastEpoch) {
        Run(String function, String method, long seed, double value, List<Double> askSeconds) {
            this(function, method, seed, value, askSeconds, Map.of());
        }
    }

    @Override
    public Integer call() throws Exception {
        if (multiObjective) {
            return multiObjective();
        }
        if (transfer) {
            return multiFidelity ? new MultiFidelityTransferBench(this).run() : new TransferBench(this).run();
        }
        if (budget == null) {
            budget = 50;
        }
        List<Run> runs = new ArrayList<>();
        if (functions == null) {
            functions = TestFunctions.ORDER;
        }
        List<String> chosen = methods != null
                ? methods
                : multiFidelity
                        ? List.of(
                                "ASHA",
                                "BOHB",
                                "MOBSTER",
                                "HyperTune",
                                "SyncHyperband",
                                "SyncBOHB",
                                "SyncMOBSTER",
                                "DEHB")
                        : List.of("BayesianOptimization", "KDE", "RandomSearch");
        if (multiFidelity) {
            List<String> mf = functions == TestFunctions.ORDER ? List.of("branin-mf") : functions;
            for (String name : mf) {
                TestFunctions.MultiFidelityFunction f = TestFunctions.MULTI_FIDELITY.get(name);
                if (f == null) {
                    throw new IllegalArgumentException(
                            "unknown multi-fidelity function " + name + "; known: branin-mf, crossing");
                }
                for (String method : chosen) {
                    for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
                        runs.add(multiFidelityRun(f, method, seed));
                    }
                }
            }
            if (mf.contains("branin-mf")) {
                runs.addAll(optuna(List.of(
                        "mf",
                        String.valueOf(seeds),
                        String.valueOf(budget * epochs),
                        String.valueOf(epochs),
                        String.valueOf(firstSeed))));
            }
        } else {
            for (String name : functions) {
                TestFunctions.TestFunction f = TestFunctions.ALL.get(name);
                TestFunctions.MixedFunction mixed = TestFunctions.MIXED.get(name);
                if (f == null && mixed == null) {
                    throw new IllegalArgumentException("unknown function " + name + "; known: " + TestFunctions.ORDER
                            + " and " + TestFunctions.MIXED.keySet());
                }
                for (String method : chosen) {
                    for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
                        runs.add(f != null ? singleRun(f, method, seed) : mixedRun(mixed, method, seed));
                    }
                }
            }
            runs.addAll(optuna(List.of(
                    "single",
                    String.valueOf(seeds),
                    String.valueOf(evals),
                    String.join(",", functions),
                    String.valueOf(firstSeed))));
        }
        print(runs, "regret", TestFunctions.ORDER);
        return 0;
    }

    private Integer multiObjective() throws Exception {
        List<String> names = functions != null ? functions : TestFunctions.MULTI_OBJECTIVE_ORDER;
        List<String> chosen =
                new ArrayList<>(methods != null ? methods : List.of("MORandomScalarizationBayesOpt", "NSGA2", "MOREA"));
        chosen.addAll(variants.keySet());
        List<Run> runs = new ArrayList<>();
        for (String name : names) {
            TestFunctions.MultiObjectiveFunction f = TestFunctions.MULTI_OBJECTIVE.get(name);
            if (f == null) {
                throw new IllegalArgumentException(
                        "unknown function " + name + "; known: " + TestFunctions.MULTI_OBJECTIVE_ORDER);
            }
            for (String method : chosen) {
                for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
                    runs.add(multiObjectiveRun(f, method, seed));
                }
            }
        }
        for (Map<?, ?> m : optunaLines(List.of(
                "mo",
                String.valueOf(seeds),
                String.valueOf(evals),
                String.join(",", names),
                String.valueOf(firstSeed)))) {
            TestFunctions.MultiObjectiveFunction f = TestFunctions.MULTI_OBJECTIVE.get((String) m.get("function"));
            double[][] values = ((List<?>) m.get("values"))
                    .stream()
                            .map(v -> ((List<?>) v)
                                    .stream()
                                            .mapToDouble(x -> ((Number) x).doubleValue())
                                            .toArray())
                            .toArray(double[][]::new);
            runs.add(new Run(
                    f.name(),
                    (String) m.get("method"),
                    ((Number) m.get("seed")).longValue(),
                    Hypervolume.of(values, f.reference()),
                    seconds(m)));
        }
        System.out.println("front hypervolume at the reference points: "
                + names.stream()
                        .map(n -> String.format(
                                Locale.ROOT,
                                "%s %.4f",
                                n,
                                TestFunctions.MULTI_OBJECTIVE.get(n).frontHypervolume()))
                        .toList());
        print(runs, "hypervolume", TestFunctions.MULTI_OBJECTIVE_ORDER);
        return 0;
    }

    /** One study of {@code evals} trials asked and completed one after another; the hypervolume of all results. */
    private Run multiObjectiveRun(TestFunctions.MultiObjectiveFunction f, String method, long seed) throws Exception {
        Map<String, Object> space = new LinkedHashMap<>();
        for (int j = 0; j < f.inputs(); j++) {
            space.put("x" + j, Map.of("type", "uniform", "lower", 0, "upper", 1));
        }
        int objectives = f.reference().length;
        String variant = variants.get(method);
        Map<String, Object> study = study(f.name(), space, variant == null ? method : variant.split(" ", 2)[0], seed);
        if (variant != null && variant.contains(" ")) {
            study.put("options", JSON.readValue(variant.split(" ", 2)[1], Map.class));
        }
        List<Map<String, Object>> metrics = new ArrayList<>();
        for (int k = 0; k < objectives; k++) {
            metrics.add(Map.of("name", "f" + (k + 1), "mode", "min"));
        }
        study.put("metrics", metrics);
        String base = "/api/v1/studies/" + create(study);
        List<double[]> values = new ArrayList<>();
        List<Double> asks = new ArrayList<>();
        for (int i = 0; i < evals; i++) {
            long t0 = System.nanoTime();
            Map<String, Object> answer = post(base + "/ask", Map.of("workerId", "bench"));
            asks.add((System.nanoTime() - t0) / 1e9);
            Map<?, ?> trial = (Map<?, ?>) answer.get("trial");
            if (trial == null) {
                break;
            }
            Map<?, ?> config = (Map<?, ?>) trial.get("config");
            double[] x = new double[f.inputs()];
            for (int j = 0; j < x.length; j++) {
                x[j] = ((Number) config.get("x" + j)).doubleValue();
            }
            double[] y = f.f().apply(x);
            values.add(y);
            Map<String, Object> reported = new LinkedHashMap<>();
            for (int k = 0; k < objectives; k++) {
                reported.put("f" + (k + 1), y[k]);
            }
            post(base + "/trials/" + trial.get("id") + "/complete", Map.of("metrics", reported));
        }
        return new Run(f.name(), method, seed, Hypervolume.of(values.toArray(new double[0][]), f.reference()), asks);
    }

    /** A run on a space with integers and categories. */
    private Run mixedRun(TestFunctions.MixedFunction f, String method, long seed) throws Exception {
        // in name order, as multiFidelityRun: Map.of iterates in an order that changes from one JVM to the next,
        // and the order of the space decides which random draw goes to which hyperparameter
        String base = "/api/v1/studies/" + create(study(f.name(), new TreeMap<>(f.space()), method, seed));
        return oneAfterAnother(base, f.name(), method, seed, f.f(), f.minimum());
    }

    private Run singleRun(TestFunctions.TestFunction f, String method, long seed) throws Exception {
        Map<String, Object> space = new LinkedHashMap<>();
        for (int j = 0; j < f.bounds().length; j++) {
            space.put("x" + j, Map.of("type", "uniform", "lower", f.bounds()[j][0], "upper", f.bounds()[j][1]));
        }
        Map<String, Object> study = study(f.name(), space, method, seed);
        if (f.midpointIsOptimum()) {
            study.put("pointsToEvaluate", List.of());
        }
        String base = "/api/v1/studies/" + create(study);
        return oneAfterAnother(
                base,
                f.name(),
                method,
                seed,
                config -> {
                    double[] x = new double[f.bounds().length];
                    for (int j = 0; j < x.length; j++) {
                        x[j] = ((Number) config.get("x" + j)).doubleValue();
                    }
                    return f.f().applyAsDouble(x);
                },
                f.minimum());
    }

    /**
     * Asks, evaluates and completes {@code --evals} trials of the study at {@code base} one after another;
     * the regret is the best value minus {@code minimum}.
     */
    private Run oneAfterAnother(
            String base,
            String function,
            String method,
            long seed,
            java.util.function.ToDoubleFunction<Map<?, ?>> value,
            double minimum)
            throws Exception {
        double best = Double.POSITIVE_INFINITY;
        List<Double> asks = new ArrayList<>();
        for (int i = 0; i < evals; i++) {
            long t0 = System.nanoTime();
            Map<String, Object> answer = post(base + "/ask", Map.of("workerId", "bench"));
            asks.add((System.nanoTime() - t0) / 1e9);
            Map<?, ?> trial = (Map<?, ?>) answer.get("trial");
            if (trial == null) {
                break;
            }
            double y = value.applyAsDouble((Map<?, ?>) trial.get("config"));
            best = Math.min(best, y);
            post(base + "/trials/" + trial.get("id") + "/complete", Map.of("metrics", Map.of("y", y)));
        }
        return new Run(function, method, seed, best - minimum, asks);
    }

    private Run multiFidelityRun(TestFunctions.MultiFidelityFunction f, String method, long seed) throws Exception {
        Map<String, Object> space = new TreeMap<>(f.space());
        space.put("epochs", epochs);
        Map<String, Object> study = study(f.name(), space, method, seed);
        study.put("resource", Map.of("attr", "epoch", "maxAttr", "epochs"));
        String base = "/api/v1/studies/" + create(study);
        var work = new Epochs() {
            int used;
            double best = Double.POSITIVE_INFINITY;

            @Override
            public boolean hasBudget() {
                return used < budget * epochs;
            }

            @Override
            public double run(Map<?, ?> config, int epoch) {
                used++;
                double y = f.value().apply(config, epoch);
                best = Math.min(best, y);
                return y;
            }
        };
        Driven driven = driveOneWorker(base, work);
        return new Run(
                f.name(),
                method,
                seed,
                work.best - f.minimum().applyAsDouble(epochs),
                driven.asks(),
                trialsByLastEpoch(driven.lastEpoch()));
    }

    /** A multi-fidelity run's function and budget, as its worker sees them. */
    interface Epochs {
        /** Whether another epoch may run. */
        boolean hasBudget();

        /** Runs one epoch of {@code config}, counting it against the budget, and returns the metric. */
        double run(Map<?, ?> config, int epoch);
    }

    /** The seconds of each ask, and the last epoch of each trial (by id). */
    record Driven(List<Double> asks, Map<Object, Integer> lastEpoch) {}

    /**
     * Drives the multi-fidelity study at {@code base} as one worker does: asks, reports each epoch until the
     * decision is not CONTINUE, the trial's epochs end or the budget does (a resumed trial goes on from the
     * epoch it reached), completes a trial that was not stopped, and stops the study when the budget is spent
     * or the server has no trial to give (an answer without a trial that is not WAIT, or 1,000 WAITs).
     */
    Driven driveOneWorker(String base, Epochs work) throws Exception {
        List<Double> asks = new ArrayList<>();
        Map<Object, Integer> lastEpoch = new java.util.HashMap<>();
        int waits = 0;
        while (work.hasBudget()) {
            long t0 = System.nanoTime();
            Map<String, Object> answer = post(base + "/ask", Map.of("workerId", "bench"));
            asks.add((System.nanoTime() - t0) / 1e9);
            Map<?, ?> trial = (Map<?, ?>) answer.get("trial");
            if (trial == null) {
                if ("WAIT".equals(answer.get("status")) && waits++ < 1000) {
                    Thread.sleep(10);
                    continue;
                }
                break;
            }
            Map<?, ?> config = (Map<?, ?>) trial.get("config");
            int target = ((Number) config.get("epochs")).intValue();
            String path = base + "/trials/" + trial.get("id");
            boolean stopped = false;
            for (int epoch = lastEpoch.getOrDefault(trial.get("id"), 0) + 1;
                    epoch <= target && work.hasBudget();
                    epoch++) {
                lastEpoch.put(trial.get("id"), epoch);
                double y = work.run(config, epoch);
                Map<String, Object> decision =
                        post(path + "/reports", Map.of("metrics", Map.of("y", y, "epoch", epoch)));
                if (!"CONTINUE".equals(decision.get("decision"))) {
                    stopped = true;
                    break;
                }
            }
            if (!stopped) { // finished its epochs, or the budget ran out during them: it ends here either way
                post(path + "/complete", Map.of());
            }
        }
        post(base + "/stop", Map.of()); // no trial is left running for the lease reaper to mark stale
        return new Driven(asks, lastEpoch);
    }

    /** How many trials ended at each epoch, from each trial's last epoch. */
    static Map<Integer, Integer> trialsByLastEpoch(Map<Object, Integer> lastEpoch) {
        Map<Integer, Integer> reached = new TreeMap<>();
        lastEpoch.values().forEach(e -> reached.merge(e, 1, Integer::sum));
        return reached;
    }

    /** A study definition minimizing the metric y of {@code function} over {@code space}, with --options. */
    Map<String, Object> study(String function, Map<String, Object> space, String method, long seed) {
        Map<String, Object> study = new LinkedHashMap<>();
        study.put("name", "quality " + function + " " + method + " " + seed);
        study.put("space", space);
        study.put("metrics", List.of(Map.of("name", "y", "mode", "min")));
        study.put("method", method);
        study.put("seed", seed);
        if (options != null) {
            study.put("options", JSON.readValue(options, Map.class));
        }
        return study;
    }

    String create(Map<String, Object> study) throws Exception {
        // sent once: the server cannot tell a resent creation from a second study
        Map<String, Object> created = post("/api/v1/studies", study, 1);
        Object id = created.get("id");
        if (id == null) {
            throw new IllegalStateException("could not create the study: " + created);
        }
        return id.toString();
    }

    /** Attempts per request: a lost answer is retried, a wrong one is not. */
    static final int ATTEMPTS = 3;

    /**
     * POSTs {@code body} and parses the answer. A request whose answer is lost (an {@link IOException}; the
     * JDK's HTTP/1.1 connection pool loses one now and then, "Data received while in pool", JDK-8357639) is
     * sent again, up to {@link #ATTEMPTS} times, as the worker does: each resend is a retry the server
     * recognizes — an ask by its {@code Idempotency-Key}, a report by its level, a completion by its metrics.
     */
    Map<String, Object> post(String path, Object body) throws Exception {
        return post(path, body, ATTEMPTS);
    }

    /** {@link #post(String, Object)} sent at most {@code attempts} times. */
    @SuppressWarnings("unchecked")
    Map<String, Object> post(String path, Object body, int attempts) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (path.endsWith("/ask")) {
            builder.header("Idempotency-Key", UUID.randomUUID().toString());
        }
        HttpRequest request = builder.build();
        HttpResponse<String> r;
        for (int attempt = 1; ; attempt++) {
            try {
                r = http.send(request, HttpResponse.BodyHandlers.ofString());
                break;
            } catch (IOException e) {
                if (attempt >= attempts) {
                    throw e;
                }
                System.err.println("POST " + path + " lost its answer (" + e + "); retry " + attempt);
                Thread.sleep(100L * attempt);
            }
        }
        if (r.statusCode() >= 400) {
            throw new IllegalStateException("POST " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readValue(r.body(), Map.class);
    }

    /** Runs the bundled Optuna script; an empty list (with a note) when python or optuna is missing. */
    private List<Run> optuna(List<String> args) throws Exception {
        List<Run> runs = new ArrayList<>();
        for (Map<?, ?> m : optunaLines(args)) {
            runs.add(new Run(
                    (String) m.get("function"),
                    (String) m.get("method"),
                    ((Number) m.get("seed")).longValue(),
                    ((Number) m.get("regret")).doubleValue(),
                    seconds(m)));
        }
        return runs;
    }

    private static List<Double> seconds(Map<?, ?> line) {
        return ((List<?>) line.get("askSeconds"))
                .stream().map(v -> ((Number) v).doubleValue()).toList();
    }

    /** The JSON lines the bundled Optuna script prints, one per run. */
    private List<Map<?, ?>> optunaLines(List<String> args) throws Exception {
        if (python.equals("none")) {
            return List.of();
        }
        Path script = Files.createTempFile("attune-optuna", ".py");
        try (InputStream in = QualityBench.class.getResourceAsStream("/bench/optuna_bench.py")) {
            Files.write(script, in.readAllBytes());
        }
        List<String> command = new ArrayList<>(List.of(python, script.toString()));
        command.addAll(args);
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        List<Map<?, ?>> lines = new ArrayList<>();
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(JSON.readValue(line, Map.class));
            }
        }
        if (p.waitFor() != 0) {
            System.out.println("(Optuna was not run: " + python + " failed; install python3-optuna)");
        }
        Files.deleteIfExists(script);
        return lines;
    }

    /** The table, grouped by function (in {@code order}) and method, and one JSON line of it. */
    void print(List<Run> runs, String measure, List<String> order) {
        System.out.printf(
                Locale.ROOT,
                "%-12s %-34s %5s %22s %12s %14s%n",
                "function",
                "method",
                "seeds",
                measure + " mean ± sd",
                "s/ask mean",
                "s/ask last 10");
        Map<String, List<Run>> groups = new LinkedHashMap<>();
        runs.forEach(r -> groups.computeIfAbsent(r.function() + "\t" + r.method(), k -> new ArrayList<>())
                .add(r));
        List<Map<String, Object>> summary = new ArrayList<>();
        groups.entrySet().stream()
                .sorted(Map.Entry.comparingByKey((a, b) -> Integer.compare(order(order, a), order(order, b))))
                .forEach(e -> {
                    List<Run> g = e.getValue();
                    double mean = g.stream().mapToDouble(Run::value).average().orElse(Double.NaN);
                    double sd = Math.sqrt(g.stream()
                                    .mapToDouble(r -> (r.value() - mean) * (r.value() - mean))
                                    .sum()
                            / Math.max(1, g.size() - 1));
                    double ask = g.stream()
                            .flatMap(r -> r.askSeconds().stream())
                            .mapToDouble(Double::doubleValue)
                            .average()
                            .orElse(Double.NaN);
                    double last = g.stream()
                            .flatMap(r -> r
                                    .askSeconds()
                                    .subList(
                                            Math.max(0, r.askSeconds().size() - 10),
                                            r.askSeconds().size())
                                    .stream())
                            .mapToDouble(Double::doubleValue)
                            .average()
                            .orElse(Double.NaN);
                    System.out.printf(
                            Locale.ROOT,
                            "%-12s %-34s %5d %12.4f ± %-7.4f %12.4f %14.4f%n",
                            g.getFirst().function(),
                            g.getFirst().method(),
                            g.size(),
                            mean,
                            sd,
                            ask,
                            last);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("function", g.getFirst().function());
                    row.put("method", g.getFirst().method());
                    row.put("seeds", g.size());
                    row.put(measure + "Mean", mean);
                    row.put(measure + "Sd", sd);
                    row.put("askSecondsMean", ask);
                    row.put("askSecondsLast10", last);
                    Map<String, Double> bySeed = new LinkedHashMap<>(); // for paired or rank tests across runs
                    g.forEach(r -> bySeed.put(Long.toString(r.seed()), r.value()));
                    row.put(measure + "BySeed", bySeed);
                    if (g.stream().anyMatch(r -> !r.trialsByLastEpoch().isEmpty())) {
                        // where a multi-fidelity method spent its budget, summed over the seeds
                        Map<Integer, Integer> reached = new TreeMap<>();
                        g.forEach(r ->
                                r.trialsByLastEpoch().forEach((epoch, n) -> reached.merge(epoch, n, Integer::sum)));
                        row.put(
                                "trialsMean",
                                reached.values().stream()
                                                .mapToInt(Integer::intValue)
                                                .sum()
                                        / (double) g.size());
                        row.put("trialsByLastEpoch", reached);
                    }
                    summary.add(row);
                });
        System.out.println(JSON.writeValueAsString(Map.of("bench", "quality", "results", summary)));
    }

    private static int order(List<String> order, String key) {
        int i = order.indexOf(key.substring(0, key.indexOf('\t')));
        return i < 0 ? order.size() : i;
    }
}
