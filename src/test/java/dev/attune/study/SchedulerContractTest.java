package dev.attune.study;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.scheduler.MethodRegistry;
import dev.attune.scheduler.MethodSpec;
import dev.attune.scheduler.SearcherChoice;
import dev.attune.trial.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every registered method must do, checked for each one over several seeds: suggestions stay in
 * the space; the same seed and history give the same suggestions and decisions; a study rebuilt from
 * its event log at any point decides and suggests exactly as the uninterrupted one; failures are
 * tolerated. A new method is covered by registering it. All checks are deterministic.
 */
class SchedulerContractTest {
    static final MethodRegistry METHODS = MethodRegistry.standard();

    /** Hyperband types run under ASHA as {@code ASHA:type}, with the options the type needs. */
    static final List<String> TYPES = List.of(
            "ASHA:cost_promotion", "ASHA:rush_stopping", "ASHA:rush_promotion", "MOBSTER:dyhpo", "RUSH:promotion");

    /**
     * Syne Tune's multi-fidelity GP models on the methods that take them, as {@code method~model}: a
     * {@code gpResourceKernel}, or {@code gp_independent} for {@code model}.
     */
    static final List<String> MODELS = List.of(
            "MOBSTER~exp-decay-sum",
            "MOBSTER~exp-decay-combined",
            "MOBSTER~exp-decay-delta1",
            "MOBSTER~freeze-thaw",
            "MOBSTER~gp_independent",
            "HyperTune~gp_independent",
            "HyperTune~exp-decay-sum",
            "SyncMOBSTER~gp_independent",
            "DyHPO~exp-decay-sum");

    /**
     * Attune's own acquisition option on the schedulers and models it combines with, as {@code
     * method~option=value,…} (under {@code ASHA+bayesopt} the options go to the searcher).
     */
    static final List<String> OPTION_VARIANTS = List.of(
            "MOBSTER~rungSurvival=per-epoch",
            "MOBSTER~rungSurvival=probability,reductionFactor=2",
            "MOBSTER:promotion~rungSurvival=per-epoch",
            "MOBSTER~rungSurvival=per-epoch,gpResourceKernel=exp-decay-sum",
            "MOBSTER~rungSurvival=probability,model=gp_independent",
            "ASHA+bayesopt~rungSurvival=per-epoch");

    static final StudyDefinitionParser PARSER = new StudyDefinitionParser(METHODS);

    static Stream<Arguments> methodsAndSeeds() {
        List<Arguments> args = new ArrayList<>();
        for (MethodSpec m : METHODS.all()) {
            for (long seed = 1; seed <= 4; seed++) {
                args.add(Arguments.of(m.name(), seed));
            }
        }
        for (String type : TYPES) {
            for (long seed = 1; seed <= 2; seed++) {
                args.add(Arguments.of(type, seed));
            }
        }
        for (String combination : SearcherCombinations.ALL) {
            for (long seed = 1; seed <= 2; seed++) {
                args.add(Arguments.of(combination, seed));
            }
        }
        for (String model : MODELS) {
            for (long seed = 1; seed <= 2; seed++) {
                args.add(Arguments.of(model, seed));
            }
        }
        for (String variant : OPTION_VARIANTS) {
            for (long seed = 1; seed <= 2; seed++) {
                args.add(Arguments.of(variant, seed));
            }
        }
        return args.stream();
    }

    /** The options the contract gives a method or searcher with these options. */
    static Map<String, Object> contractOptions(List<dev.attune.searcher.OptionSpec> specs) {
        Map<String, Object> options = new LinkedHashMap<>();
        for (var option : specs) {
            switch (option.name()) {
                // ConstrainedBayesianOptimization takes either; the list of two exercises one GP per constraint
                case "constraintMetric" -> {
                    if (specs.stream().noneMatch(s -> s.name().equals("constraintMetrics"))) {
                        options.put("constraintMetric", "constraint");
                    }
                }
                case "costMetric" -> options.put("costMetric", "cost");
                case "constraintMetrics" -> options.put("constraintMetrics", List.of("constraint", "constraint2"));
                // smaller budgets for the model-based methods keep the suite fast; the code paths are the same
                case "numInitCandidates" -> options.put("numInitCandidates", 40);
                case "optMaxiter" -> options.put("optMaxiter", 10);
                case "numFantasySamples" -> options.put("numFantasySamples", 4);
                case "numCandidates" -> options.put("numCandidates", 24);
                case "numLocalCandidates" -> options.put("numLocalCandidates", 16);
                case "fevalAcq" -> options.put("fevalAcq", 40);
                // and exercise subsampling and refit skipping, which replay must reproduce too
                case "maxSizeDataForModel" -> options.put("maxSizeDataForModel", 60);
                case "optSkipInitLength" -> options.put("optSkipInitLength", 30);
                case "optSkipPeriod" -> options.put("optSkipPeriod", 4);
                // a small population, so that evolution (not only its random start) runs within the budget
                case "populationSize" -> options.put("populationSize", 8);
                default -> {}
            }
        }
        return options;
    }

    /** Two earlier tasks of 12 random configs of the contract's space, with every metric of the study. */
    static List<Map<String, Object>> transferEvaluations(List<?> metrics, long seed) {
        java.util.Random random = new java.util.Random(seed);
        List<Map<String, Object>> tasks = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            List<Map<String, Object>> evaluations = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                Map<String, Object> config = new LinkedHashMap<>();
                config.put("x", -5 + 15 * random.nextDouble());
                config.put("lr", Math.pow(10, -4 + 4 * random.nextDouble()));
                config.put("n", 1 + random.nextInt(6));
                config.put("act", List.of("relu", "tanh", "gelu").get(random.nextInt(3)));
                Map<String, Object> values = new LinkedHashMap<>();
                for (Object m : metrics) {
                    values.put((String) ((Map<?, ?>) m).get("name"), random.nextGaussian());
                }
                evaluations.add(Map.of("config", config, "metrics", values));
            }
            tasks.add(Map.of("task", "t" + t, "evaluations", evaluations));
        }
        return tasks;
    }

    static StudyDefinition definition(String method, long seed) {
        Map<String, Object> space = new LinkedHashMap<>();
        space.put("x", Map.of("type", "uniform", "lower", -5, "upper", 10));
        space.put("lr", Map.of("type", "loguniform", "lower", 1e-4, "upper", 1));
        space.put("n", Map.of("type", "randint", "lower", 1, "upper", 6));
        space.put("act", Map.of("type", "choice", "categories", List.of("relu", "tanh", "gelu")));
        space.put("epochs", 9);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("space", space);
        String model = method.contains("~") ? method.substring(method.indexOf('~') + 1) : null;
        method = model == null ? method : method.substring(0, method.indexOf('~'));
        String type = method.contains(":") ? method.substring(method.indexOf(':') + 1) : null;
        method = type == null ? method : method.substring(0, method.indexOf(':'));
        String searcher = method.contains("+") ? method.substring(method.indexOf('+') + 1) : null;
        method = searcher == null ? method : method.substring(0, method.indexOf('+'));
        MethodSpec spec = METHODS.find(method).orElseThrow();
        // Multi-objective methods get two metrics (the driver reports both), one of them maximized.
        json.put(
                "metrics",
                spec.multiObjective()
                        ? List.of(Map.of("name", "loss"), Map.of("name", "cost", "mode", "max"))
                        : List.of(Map.of("name", "loss")));
        json.put("method", method);
        json.put("seed", seed);
        json.put("maxFailures", 1000); // the driver fails trials now and then; keep the study running
        Map<String, Object> options = searcher == null ? contractOptions(spec.options()) : new LinkedHashMap<>();
        if (searcher != null) {
            SearcherChoice choice = SearcherChoice.valueOf(searcher.toUpperCase(java.util.Locale.ROOT));
            options.put("searcher", searcher);
            options.put("searchOptions", contractOptions(choice.options));
        }
        if (type != null) {
            options.put("type", type);
            switch (type) {
                case "cost_promotion" -> options.put("costAttr", "cost");
                case "rush_stopping", "rush_promotion" -> options.put("numThresholdCandidates", 3);
                case "dyhpo" -> options.put("rungIncrement", 2); // DyHPO's linear rungs
                default -> {}
            }
        }
        if (model != null && model.contains("=")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> into = searcher == null ? options : (Map<String, Object>) options.get("searchOptions");
            for (String pair : model.split(",")) {
                String value = pair.substring(pair.indexOf('=') + 1);
                into.put(pair.substring(0, pair.indexOf('=')), value.matches("\\d+") ? Integer.parseInt(value) : value);
            }
        } else if (model != null) {
            options.put(model.equals("gp_independent") ? "model" : "gpResourceKernel", model);
        }
        if (method.equals("HyperTune")) {
            options.put("brackets", 3); // exercises Hyper-Tune's adaptive bracket distribution
        }
        if (method.equals("LinearScalarizedScheduler")) {
            options.put("baseMethod", "REA"); // a base method with state of its own, fed the scalarized metric
            options.put("scalarizationWeights", List.of(1, 0.5));
        }
        if (!options.isEmpty()) {
            json.put("options", options);
        }
        // Every method gets earlier tasks' evaluations: transfer methods need them, the rest must ignore them.
        json.put("transferEvaluations", transferEvaluations((List<?>) json.get("metrics"), seed));
        if (spec.multiFidelity()) {
            json.put("resource", Map.of("attr", "epoch", "maxAttr", "epochs"));
        }
        return PARSER.parse(json, seed);
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("methodsAndSeeds")
    void suggestionsStayInTheSpace(String method, long seed) {
        EngineDriver d = new EngineDriver(definition(method, seed), 4, seed).run(400);
        assertThat(d.configs).as("%s made no suggestion", method).isNotEmpty();
        dev.attune.trial.Resource resource = d.engine.definition().resource();
        for (Map<String, Object> config : d.configs) {
            Map<String, Object> rest = new LinkedHashMap<>(config);
            if (resource != null && resource.maxAttr() != null) {
                // Pause-and-resume methods put the trial's resource target there, as Syne Tune does.
                assertThat(((Number) rest.get(resource.maxAttr())).longValue()).isBetween(1L, resource.max());
                rest.put(
                        resource.maxAttr(),
                        d.engine.definition().space().domain(resource.maxAttr()).midpoint());
            }
            assertThat(d.engine.definition().space().validate(rest, "config")).isEqualTo(rest);
        }
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("methodsAndSeeds")
    void sameSeedAndHistoryGiveTheSameRun(String method, long seed) {
        EngineDriver a = new EngineDriver(definition(method, seed), 4, seed).run(400);
        EngineDriver b = new EngineDriver(definition(method, seed), 4, seed).run(400);
        assertThat(b.log).isEqualTo(a.log);
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("methodsAndSeeds")
    void replayFromTheLogReproducesDecisionsAndSuggestions(String method, long seed) {
        EngineDriver original = new EngineDriver(definition(method, seed), 4, seed).run(400);
        List<Integer> cuts = new ArrayList<>(original.suggestions.keySet());
        for (int k = 0; k < cuts.size(); k += Math.max(1, cuts.size() / 12)) {
            int cut = cuts.get(k);
            Study replayed = Study.create("driven", definition(method, seed), EngineDriver.START);
            for (StudyEvent e : original.log.subList(0, cut)) {
                Verdict computed = replayed.apply(e);
                if (e instanceof StudyEvent.Reported r) {
                    assertThat(computed).as("%s event %d", method, e.seq()).isEqualTo(r.verdict());
                }
            }
            Study.Outcome<Study.Ask> again = replayed.ask("driver", original.askedAt(cut));
            assertThat(again).as("%s ask after %d events", method, cut).isEqualTo(original.suggestions.get(cut));
        }
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("methodsAndSeeds")
    void failuresAreTolerated(String method, long seed) {
        EngineDriver d = new EngineDriver(definition(method, seed), 4, seed).run(600);
        long failed =
                d.log.stream().filter(e -> e instanceof StudyEvent.TrialFailed).count();
        assertThat(failed).as("the driver fails some trials").isPositive();
        assertThat(d.engine.count(dev.attune.trial.TrialStatus.FAILED)).isEqualTo(failed);
    }
}
