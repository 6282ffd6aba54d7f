package dev.attune.space;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Syne Tune's streamline_config_space rules, on the examples of its documentation. */
class StreamliningTest {
    static Domain streamlined(Object json) {
        return Streamlining.convert(
                SpaceParser.parse(Map.of("p", json), "space").domain("p"));
    }

    static Map<String, Object> d(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void wideLinearRangesBecomeLogScale() {
        assertThat(streamlined(d("type", "randint", "lower", 4, "upper", 1024)))
                .isEqualTo(new IntDomain(4, 1024, true));
        assertThat(streamlined(d("type", "uniform", "lower", 1e-6, "upper", 1)))
                .isEqualTo(new FloatDomain(1e-6, 1, true));
        // ratio at most 100, or a lower bound of 0: unchanged
        assertThat(streamlined(d("type", "randint", "lower", 1, "upper", 100))).isEqualTo(new IntDomain(1, 100, false));
        assertThat(streamlined(d("type", "uniform", "lower", 0, "upper", 1000)))
                .isEqualTo(new FloatDomain(0, 1000, false));
    }

    @Test
    void numericChoicesBecomeFiniteRangesWhenEvenlySpacedElseOrdinals() {
        Domain grid = streamlined(d("type", "choice", "categories", List.of(0.001, 0.01, 0.1, 1.0)));
        assertThat(grid).isInstanceOf(FiniteRangeDomain.class);
        FiniteRangeDomain f = (FiniteRangeDomain) grid;
        assertThat(f.log()).isTrue();
        assertThat(f.size()).isEqualTo(4);
        assertThat(f.lower()).isCloseTo(0.001, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(f.upper()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));

        Domain approx = streamlined(d("type", "choice", "categories", List.of(1, 2, 5, 10, 20, 50)));
        assertThat(approx.values()).as("the documented approximation").containsExactly(1L, 2L, 5L, 10L, 22L, 48L);

        Domain ordinal = streamlined(d("type", "choice", "categories", List.of(1, 2, 5, 10, 15, 30)));
        assertThat(ordinal).isEqualTo(new OrdinalDomain(List.of(1L, 2L, 5L, 10L, 15L, 30L), OrdinalKind.NN_LOG));

        Domain linear = streamlined(d("type", "choice", "categories", List.of(30, 10, 20, 40)));
        assertThat(linear.values()).as("sorted, evenly spaced: finrange").containsExactly(10L, 20L, 30L, 40L);
        assertThat(((FiniteRangeDomain) linear).log()).isFalse();
    }

    @Test
    void otherDomainsStayAsTheyAre() {
        for (Object json : List.of(
                d("type", "choice", "categories", List.of("relu", "tanh", "gelu")),
                d("type", "choice", "categories", List.of(1, 2)),
                d("type", "loguniform", "lower", 1e-5, "upper", 1),
                d("type", "quniform", "lower", 1, "upper", 1000, "q", 1),
                d("type", "reverseloguniform", "lower", 0.001, "upper", 0.999),
                7)) {
            Domain original = SpaceParser.parse(Map.of("p", json), "space").domain("p");
            assertThat(Streamlining.convert(original)).as(String.valueOf(json)).isEqualTo(original);
        }
    }

    @Test
    void aStreamlinedSpaceHasNothingLeftToRewrite() {
        SearchSpace space = SpaceParser.parse(
                d(
                        "n",
                        d("type", "randint", "lower", 4, "upper", 1024),
                        "b",
                        d("type", "choice", "categories", List.of(1, 2, 5, 10, 15, 30)),
                        "c",
                        d("type", "choice", "categories", List.of(16, 32, 64, 128)),
                        "act",
                        d("type", "choice", "categories", List.of("relu", "tanh"))),
                "space");
        List<Streamlining.Rewrite> rewrites = Streamlining.rewrites(space);
        assertThat(rewrites).extracting(Streamlining.Rewrite::name).containsExactly("n", "b", "c");
        assertThat(rewrites.getFirst().warning()).startsWith("space.n: ").contains("lograndint");
        SearchSpace streamlined = Streamlining.apply(space);
        assertThat(Streamlining.rewrites(streamlined)).isEmpty();
        assertThat(SpaceParser.parse(streamlined.toJson(), "space")).isEqualTo(streamlined);
    }
}
