package dev.attune.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DomainTest {

    private static Domain parse(Object spec) {
        return SpaceParser.parse(Map.of("p", spec), "space").domain("p");
    }

    @Test
    void randintIncludesBothBounds() {
        Domain d = parse(Map.of("type", "randint", "lower", 1, "upper", 3));
        Map<Object, Integer> counts = new HashMap<>();
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 3000; i++) {
            counts.merge(d.sample(r), 1, Integer::sum);
        }
        // Each of 3 values expected 1000 times; below 800 has probability < 1e-10.
        assertThat(counts).containsOnlyKeys(1L, 2L, 3L);
        assertThat(counts.values()).allMatch(c -> c > 800);
    }

    @Test
    void lograndintStaysInsideItsInclusiveBounds() {
        Domain d = parse(Map.of("type", "lograndint", "lower", 1, "upper", 8));
        SplittableRandom r = new SplittableRandom(2);
        java.util.Set<Object> seen = new java.util.HashSet<>();
        for (int i = 0; i < 5000; i++) {
            seen.add(d.sample(r));
        }
        assertThat(seen).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
    }

    @Test
    void midpointRule() {
        assertThat(parse(Map.of("type", "uniform", "lower", 0, "upper", 10)).midpoint())
                .isEqualTo(5.0);
        assertThat((Double) parse(Map.of("type", "loguniform", "lower", 1e-4, "upper", 1))
                        .midpoint())
                .isCloseTo(1e-2, org.assertj.core.data.Offset.offset(1e-12));
        // 2.5 rounds half to even, as Python's round does.
        assertThat(parse(Map.of("type", "randint", "lower", 1, "upper", 4)).midpoint())
                .isEqualTo(2L);
        assertThat(parse(Map.of("type", "lograndint", "lower", 1, "upper", 100)).midpoint())
                .isEqualTo(10L);
        assertThat(parse(Map.of("type", "choice", "categories", List.of("b", "a")))
                        .midpoint())
                .isEqualTo("b");
        assertThat(parse(Map.of("type", "ordinal", "categories", List.of("s", "m", "l"), "kind", "equal"))
                        .midpoint())
                .isEqualTo("m");
        assertThat(parse(Map.of("type", "ordinal", "categories", List.of(1, 2, 10)))
                        .midpoint())
                .isEqualTo(2L);
        assertThat(parse(Map.of("type", "logfinrange", "lower", 8, "upper", 256, "size", 6, "castInt", true))
                        .midpoint())
                .isIn(32L, 64L);
    }

    @Test
    void ordinalDefaultsToNearestNeighbourForIncreasingNumbers() {
        assertThat(((OrdinalDomain) parse(Map.of("type", "ordinal", "categories", List.of(1, 2, 4)))).kind())
                .isEqualTo(OrdinalKind.NN);
        assertThat(((OrdinalDomain) parse(Map.of("type", "ordinal", "categories", List.of(4, 2, 1)))).kind())
                .isEqualTo(OrdinalKind.EQUAL);
        assertThat(((OrdinalDomain) parse(Map.of("type", "ordinal", "categories", List.of("a", "b")))).kind())
                .isEqualTo(OrdinalKind.EQUAL);
        assertThat(((OrdinalDomain) parse(Map.of("type", "logordinal", "categories", List.of(1, 10, 100)))).kind())
                .isEqualTo(OrdinalKind.NN_LOG);
    }

    @Test
    void nearestNeighbourOrdinalFavoursWideGaps() {
        Domain d = parse(Map.of("type", "ordinal", "categories", List.of(0, 1, 10)));
        Map<Object, Integer> counts = new HashMap<>();
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 10_000; i++) {
            counts.merge(d.sample(r), 1, Integer::sum);
        }
        // Interval [-0.5, 14.5]: 10 owns [5.5, 14.5] = 60 %, 0 owns [-0.5, 0.5] ≈ 6.7 %.
        assertThat(counts.get(10L)).isBetween(5500, 6500);
        assertThat(counts.get(0L)).isBetween(450, 900);
    }

    @Test
    void finiteRangesHaveEquallySpacedValues() {
        assertThat(parse(Map.of("type", "finrange", "lower", 0.5, "upper", 1.5, "size", 3))
                        .values())
                .containsExactly(0.5, 1.0, 1.5);
        assertThat(parse(Map.of("type", "logfinrange", "lower", 8, "upper", 256, "size", 6, "castInt", true))
                        .values())
                .containsExactly(8L, 16L, 32L, 64L, 128L, 256L);
    }

    @Test
    void validationCanonicalizesAndRefuses() {
        Domain ints = parse(Map.of("type", "randint", "lower", 1, "upper", 4));
        assertThat(ints.validate(3.0)).isEqualTo(3L);
        assertThatThrownBy(() -> ints.validate(3.5)).hasMessageContaining("integer");
        assertThatThrownBy(() -> ints.validate(5)).hasMessageContaining("[1, 4]");
        assertThatThrownBy(() -> ints.validate("3")).hasMessageContaining("number");
        Domain fin = parse(Map.of("type", "finrange", "lower", 0, "upper", 1, "size", 3));
        assertThat(fin.validate(0.5)).isEqualTo(0.5);
        assertThatThrownBy(() -> fin.validate(0.4)).hasMessageContaining("one of");
        assertThatThrownBy(() -> parse(Map.of("type", "choice", "categories", List.of("a")))
                        .validate("b"))
                .hasMessageContaining("one of");
    }

    @Test
    void everyInvalidDomainIsRefusedWithItsField() {
        List<Map<String, Object>> bad = List.of(
                Map.of("type", "uniform", "lower", 1),
                Map.of("type", "uniform", "lower", 2, "upper", 1),
                Map.of("type", "uniform", "lower", "a", "upper", 1),
                Map.of("type", "loguniform", "lower", 0, "upper", 1),
                Map.of("type", "randint", "lower", 0.5, "upper", 3),
                Map.of("type", "lograndint", "lower", 0, "upper", 3),
                Map.of("type", "choice", "categories", List.of()),
                Map.of("type", "choice", "categories", List.of("a", "a")),
                Map.of("type", "choice"),
                Map.of("type", "ordinal", "categories", List.of(1, 2), "kind", "weird"),
                Map.of("type", "ordinal", "categories", List.of(2, 1), "kind", "nn"),
                Map.of("type", "logordinal", "categories", List.of(0, 1)),
                Map.of("type", "finrange", "lower", 0, "upper", 1, "size", 1),
                Map.of("type", "finrange", "lower", 1, "upper", 1, "size", 3),
                Map.of("type", "logfinrange", "lower", -1, "upper", 1, "size", 3),
                Map.of("type", "finrange", "lower", 0, "upper", 1, "size", 3, "castInt", "yes"),
                Map.of("type", "uniform", "lower", 0, "upper", 1, "step", 2),
                Map.of("type", "gaussian", "mean", 0));
        for (Map<String, Object> spec : bad) {
            assertThatThrownBy(() -> parse(spec))
                    .as("%s", spec)
                    .isInstanceOf(InvalidInputException.class)
                    .satisfies(e -> assertThat(((InvalidInputException) e).errors())
                            .allMatch(f -> f.field().startsWith("space.p")));
        }
    }

    @Test
    void constantsOfAnyJsonTypePassThrough() {
        SearchSpace space = SpaceParser.parse(
                Map.of("epochs", 27, "name", "x", "flag", false, "list", List.of(1, "a"), "obj", Map.of("k", 1.5)),
                "space");
        Map<String, Object> config = space.sample(new SplittableRandom(1));
        assertThat(config)
                .containsEntry("epochs", 27L)
                .containsEntry("flag", false)
                .containsEntry("obj", Map.of("k", 1.5));
        assertThat(space.encodedSize()).isZero();
        assertThat(space.size()).hasValue(1);
    }

    @Test
    void partialConfigsAreCompletedByTheMidpointRule() {
        SearchSpace space = SpaceParser.parse(
                Map.of(
                        "x",
                        Map.of("type", "uniform", "lower", 0, "upper", 2),
                        "c",
                        Map.of("type", "choice", "categories", List.of("a", "b"))),
                "space");
        assertThat(space.complete(Map.of("c", "b"), "p"))
                .containsEntry("x", 1.0)
                .containsEntry("c", "b");
        assertThatThrownBy(() -> space.complete(Map.of("zz", 1), "pointsToEvaluate[0]"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("pointsToEvaluate[0].zz");
    }

    static Domain domain(Map<String, Object> spec) {
        return SpaceParser.parse(Map.of("p", spec), "space").domain("p");
    }

    @Test
    void quantizedRealsAreMultiplesOfQWithoutRoundOff() {
        Domain d = domain(Map.of("type", "quniform", "lower", 0, "upper", 1, "q", 0.1));
        assertThat(d.type()).isEqualTo("quniform");
        SplittableRandom r = new SplittableRandom(3);
        java.util.Set<Object> seen = new java.util.TreeSet<>();
        for (int i = 0; i < 2000; i++) {
            seen.add(d.sample(r));
        }
        assertThat(seen)
                .as("11 multiples, both ends inclusive, written exactly")
                .containsExactly(0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0);
        assertThat(d.midpoint()).isEqualTo(0.5);
        assertThat(d.validate(0.3)).isEqualTo(0.3);
        assertThatThrownBy(() -> d.validate(0.35)).hasMessageContaining("multiple of q");
        assertThat(d.decode(new double[] {0.96}, 0)).isEqualTo(1.0);
        assertThat(d.toJson()).isEqualTo(Map.of("type", "quniform", "lower", 0.0, "upper", 1.0, "q", 0.1));
        Domain log = domain(Map.of("type", "qloguniform", "lower", 1, "upper", 1000, "q", 5));
        for (int i = 0; i < 200; i++) {
            double v = (Double) log.sample(r);
            assertThat(v % 5).isZero();
            assertThat(v).isBetween(5.0, 1000.0);
        }
    }

    @Test
    void quantizedIntegersListOnlyTheirMultiples() {
        Domain d = domain(Map.of("type", "qrandint", "lower", 3, "upper", 20, "q", 4));
        assertThat(d.values()).containsExactly(4L, 8L, 12L, 16L, 20L);
        assertThat(d.midpoint()).isEqualTo(12L);
        assertThatThrownBy(() -> d.validate(6)).hasMessageContaining("multiple of q = 4");
        assertThat(domain(Map.of("type", "qrandint", "lower", 1, "upper", 3)).toJson())
                .as("Syne Tune's q defaults to 1")
                .isEqualTo(Map.of("type", "qrandint", "lower", 1L, "upper", 3L, "q", 1L));
        Domain log = domain(Map.of("type", "qlograndint", "lower", 1, "upper", 1024, "q", 8));
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 200; i++) {
            assertThat((Long) log.sample(r) % 8).isZero();
        }
        assertThatThrownBy(() -> domain(Map.of("type", "qrandint", "lower", 1, "upper", 3, "q", 5)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no multiple of q = 5");
    }

    @Test
    void reverseLogUniformResolvesValuesNearOneFinely() {
        Domain d = domain(Map.of("type", "reverseloguniform", "lower", 0.9, "upper", 0.9999));
        SplittableRandom r = new SplittableRandom(7);
        int above999 = 0;
        for (int i = 0; i < 4000; i++) {
            double v = (Double) d.sample(r);
            assertThat(v).isBetween(0.9, 0.9999);
            if (v > 0.999) {
                above999++;
            }
        }
        // −log(1 − x) is uniform: [0.999, 0.9999] is a third of [−log 0.1, −log 1e-4], where a uniform draw
        // would put about 1 % of values.
        assertThat(above999 / 4000.0).isBetween(0.30, 0.37);
        assertThat((Double) d.midpoint())
                .isCloseTo(1 - Math.sqrt(0.1 * 1e-4), org.assertj.core.data.Offset.offset(1e-12));
        double[] x = new double[1];
        d.encode(0.99, x, 0);
        assertThat(x[0]).isCloseTo(1.0 / 3, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(d.decode(x, 0)).isEqualTo(0.99);
        assertThatThrownBy(() -> domain(Map.of("type", "reverseloguniform", "lower", 0.5, "upper", 1)))
                .hasMessageContaining("< 1");
    }
}
