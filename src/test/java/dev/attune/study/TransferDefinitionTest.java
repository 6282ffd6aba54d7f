package dev.attune.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.scheduler.MethodRegistry;
import dev.attune.searcher.TransferTask;
import dev.attune.space.FieldError;
import dev.attune.space.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code transferEvaluations} and {@code transferFrom} in a study definition: checks, limits, round trip. */
class TransferDefinitionTest {
    static final StudyDefinitionParser PARSER = new StudyDefinitionParser(MethodRegistry.standard());

    static Map<String, Object> definition(String method, Object transfer) {
        Map<String, Object> space = new LinkedHashMap<>();
        space.put("lr", Map.of("type", "loguniform", "lower", 1e-4, "upper", 1));
        space.put("layers", Map.of("type", "randint", "lower", 1, "upper", 4));
        space.put("act", Map.of("type", "choice", "categories", List.of("relu", "tanh")));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("space", space);
        json.put("metrics", List.of(Map.of("name", "loss")));
        json.put("method", method);
        if (transfer != null) {
            json.put("transferEvaluations", transfer);
        }
        return json;
    }

    static Map<String, Object> evaluation(double lr, long layers, String act, Object loss) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("loss", loss);
        return Map.of("config", Map.of("lr", lr, "layers", layers, "act", act), "metrics", metrics);
    }

    static List<Map<String, Object>> tasks() {
        return List.of(
                Map.of(
                        "task",
                        "t1",
                        "evaluations",
                        List.of(evaluation(0.01, 2, "relu", 0.5), evaluation(0.1, 3, "tanh", 0.7))),
                Map.of("task", "t2", "evaluations", List.of(evaluation(0.001, 1, "relu", 0.2))));
    }

    static List<String> fields(Map<String, Object> json) {
        try {
            PARSER.parse(json, 1);
        } catch (InvalidInputException e) {
            return e.errors().stream().map(FieldError::field).toList();
        }
        throw new AssertionError("expected the definition to be refused");
    }

    @Test
    void readsTasksAndRoundTripsThroughToJson() {
        StudyDefinition d = PARSER.parse(definition("ZeroShotTransfer", tasks()), 1);
        assertThat(d.transfer()).extracting(TransferTask::task).containsExactly("t1", "t2");
        assertThat(d.transfer().getFirst().evaluations().get(1).config())
                .containsEntry("layers", 3L)
                .containsEntry("act", "tanh");
        assertThat(d.transfer().get(1).evaluations().getFirst().metrics()).containsEntry("loss", 0.2);
        StudyDefinition again = PARSER.parse(d.toJson(), 2);
        assertThat(again.transfer()).isEqualTo(d.transfer());
        assertThat(again.toJson()).isEqualTo(d.toJson());
        // a study without transfer data writes neither field
        assertThat(PARSER.parse(definition("RandomSearch", null), 1).toJson())
                .doesNotContainKeys("transferEvaluations", "transferFrom");
    }

    @Test
    void badConfigsAndMetricsAreNamedByTheirPath() {
        List<Map<String, Object>> bad = new ArrayList<>(tasks());
        bad.add(Map.of(
                "task",
                "t3",
                "evaluations",
                List.of(
                        evaluation(0.01, 2, "relu", 0.1),
                        evaluation(5.0, 2, "relu", 0.1), // lr outside its range
                        evaluation(0.01, 2, "sigmoid", 0.1), // not a category
                        evaluation(0.01, 2, "relu", Double.NaN),
                        evaluation(0.01, 2, "relu", "low"),
                        Map.of("config", Map.of("lr", 0.01, "act", "relu"), "metrics", Map.of("loss", 1)),
                        Map.of("config", Map.of("lr", 0.01, "layers", 1, "act", "relu"), "metrics", Map.of()),
                        Map.of(
                                "config",
                                Map.of("lr", 0.01, "layers", 1, "act", "relu"),
                                "metrics",
                                Map.of("loss", 1, "acc", 2)))));
        assertThat(fields(definition("ZeroShotTransfer", bad)))
                .containsExactlyInAnyOrder(
                        "transferEvaluations[2].evaluations[1].config.lr",
                        "transferEvaluations[2].evaluations[2].config.act",
                        "transferEvaluations[2].evaluations[3].metrics.loss",
                        "transferEvaluations[2].evaluations[4].metrics.loss",
                        "transferEvaluations[2].evaluations[5].config.layers",
                        "transferEvaluations[2].evaluations[6].metrics.loss",
                        "transferEvaluations[2].evaluations[7].metrics.acc");
    }

    @Test
    void shapesNamesAndSizesAreChecked() {
        assertThat(fields(definition("RandomSearch", "all"))).containsExactly("transferEvaluations");
        assertThat(fields(definition("RandomSearch", List.of(Map.of("task", "t", "evaluations", List.of())))))
                .containsExactly("transferEvaluations[0].evaluations");
        assertThat(fields(definition("RandomSearch", List.of(tasks().getFirst(), tasks().getFirst()))))
                .containsExactly("transferEvaluations[1].task");
        assertThat(fields(definition("RandomSearch", List.of(Map.of("evaluations", List.of(), "extra", 1)))))
                .contains("transferEvaluations[0].task", "transferEvaluations[0].extra");
        List<Object> many = new ArrayList<>();
        for (int i = 0; i <= TransferEvaluations.MAX_TASKS; i++) {
            many.add(Map.of("task", "t" + i, "evaluations", List.of(evaluation(0.01, 1, "relu", 1))));
        }
        assertThat(fields(definition("RandomSearch", many))).containsExactly("transferEvaluations");
        List<Object> long1 = new ArrayList<>();
        for (int i = 0; i <= TransferEvaluations.MAX_PER_TASK; i++) {
            long1.add(evaluation(0.01, 1, "relu", i));
        }
        assertThat(fields(definition("RandomSearch", List.of(Map.of("task", "t", "evaluations", long1)))))
                .containsExactly("transferEvaluations[0].evaluations");
        List<Object> total = new ArrayList<>();
        for (int t = 0; t * TransferEvaluations.MAX_PER_TASK <= TransferEvaluations.MAX_TOTAL; t++) {
            total.add(Map.of("task", "t" + t, "evaluations", long1.subList(0, TransferEvaluations.MAX_PER_TASK)));
        }
        assertThat(fields(definition("RandomSearch", total))).containsExactly("transferEvaluations");
    }

    @Test
    void transferMethodsNeedTransferDataAndOthersIgnoreIt() {
        for (String method : List.of("ZeroShotTransfer", "BoundingBox")) {
            assertThatThrownBy(() -> PARSER.parse(definition(method, null), 1))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors())
                            .extracting(FieldError::field)
                            .containsExactly("transferEvaluations"));
        }
        assertThat(PARSER.parse(definition("BayesianOptimization", tasks()), 1).transfer())
                .hasSize(2);
    }

    @Test
    void boundingBoxNamesMissingTransferDataBeforeAMissingResource() {
        Map<String, Object> bad = definition("BoundingBox", null);
        bad.put("options", Map.of("baseMethod", "ASHA"));
        assertThatThrownBy(() -> PARSER.parse(bad, 1))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field)
                        .containsExactly("transferEvaluations"));
        Map<String, Object> noResource = definition("BoundingBox", tasks());
        noResource.put("options", Map.of("baseMethod", "ASHA"));
        assertThatThrownBy(() -> PARSER.parse(noResource, 1))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field)
                        .containsExactly("resource"));
    }

    @Test
    void transferFromMustHaveBeenResolvedIntoTasksOfTheSameName() {
        Map<String, Object> json = definition("ZeroShotTransfer", tasks());
        json.put("transferFrom", List.of("t2", "nope"));
        assertThat(fields(json)).containsExactly("transferFrom[1]");
        json.put("transferFrom", List.of("t2"));
        StudyDefinition d = PARSER.parse(json, 1);
        assertThat(d.transferFrom()).containsExactly("t2");
        assertThat(PARSER.parse(d.toJson(), 1).transferFrom()).containsExactly("t2");
    }

    @Test
    void transferDataCannotChangeByPatch() {
        StudyDefinition d = PARSER.parse(definition("ZeroShotTransfer", tasks()), 1);
        assertThatThrownBy(() -> PARSER.change(d, Map.of("transferEvaluations", List.of(tasks().get(1)))))
                .isInstanceOf(ConflictException.class);
        assertThat(PARSER.change(d, Map.of("name", "renamed")).transfer()).isEqualTo(d.transfer());
    }
}
