package dev.attune.space;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties every space must have, over 300 random spaces (seeds 0..299). A failure names its seed;
 * rerun that seed alone to reproduce it. The checks are deterministic, so there are no false failures.
 */
class SearchSpacePropertyTest {

    static LongStream seeds() {
        return LongStream.range(0, 300);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void sampledConfigsAreValid(long seed) {
        SearchSpace space = RandomSpaces.space(new SplittableRandom(seed));
        SplittableRandom r = new SplittableRandom(seed * 31 + 7);
        for (int i = 0; i < 50; i++) {
            Map<String, Object> config = space.sample(r);
            assertThat(space.validate(config, "config"))
                    .as("seed %d, config %s", seed, config)
                    .isEqualTo(config);
        }
        Map<String, Object> mid = space.midpoint();
        assertThat(space.validate(mid, "config")).as("seed %d midpoint", seed).isEqualTo(mid);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void encodingRoundTrips(long seed) {
        SearchSpace space = RandomSpaces.space(new SplittableRandom(seed));
        SplittableRandom r = new SplittableRandom(seed * 17 + 3);
        for (int i = 0; i < 50; i++) {
            Map<String, Object> config = space.sample(r);
            double[] x = space.encode(config);
            for (double v : x) {
                assertThat(v).as("seed %d encodes into [0,1]", seed).isBetween(0.0, 1.0);
            }
            Map<String, Object> back = space.decode(x);
            assertThat(space.matchString(back))
                    .as("seed %d config %s", seed, config)
                    .isEqualTo(space.matchString(config));
            space.entries().forEach((name, domain) -> {
                Object a = config.get(name);
                Object b = back.get(name);
                if (domain instanceof FloatDomain) {
                    // Reals: log/exp and the affine map round-trip to within a few ulps.
                    double tol = 1e-12 * Math.max(1, Math.abs(((Number) a).doubleValue()));
                    assertThat(((Number) b).doubleValue())
                            .as("seed %d %s", seed, name)
                            .isCloseTo(((Number) a).doubleValue(), org.assertj.core.data.Offset.offset(tol));
                } else {
                    assertThat(b)
                            .as("seed %d %s (exact for discrete domains)", seed, name)
                            .isEqualTo(a);
                }
            });
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void anyUnitVectorDecodesToAValidConfig(long seed) {
        SearchSpace space = RandomSpaces.space(new SplittableRandom(seed));
        SplittableRandom r = new SplittableRandom(seed + 1000);
        for (int i = 0; i < 50; i++) {
            double[] x = new double[space.encodedSize()];
            for (int k = 0; k < x.length; k++) {
                x[k] = i == 0 ? 0 : i == 1 ? 1 : r.nextDouble();
            }
            Map<String, Object> config = space.decode(x);
            assertThat(space.validate(config, "config")).as("seed %d", seed).isEqualTo(config);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void writtenSpaceParsesBackToTheSameSpace(long seed) {
        SearchSpace space = RandomSpaces.space(new SplittableRandom(seed));
        assertThat(SpaceParser.parse(space.toJson(), "space"))
                .as("seed %d", seed)
                .isEqualTo(space);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void sizeCountsDistinctConfigs(long seed) {
        SearchSpace space = RandomSpaces.space(new SplittableRandom(seed));
        boolean uniform = space.entries().values().stream()
                .allMatch(d -> d instanceof ConstantDomain
                        || d instanceof ChoiceDomain
                        || d instanceof FiniteRangeDomain
                        || d instanceof IntDomain i && !i.log()
                        || d instanceof OrdinalDomain o && o.kind() == OrdinalKind.EQUAL);
        if (!uniform || space.size().isEmpty() || space.size().getAsLong() > 200) {
            return;
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 20_000; i++) {
            seen.add(space.matchString(space.sample(r)));
        }
        // Each of at most 200 equally likely configs is missed by 20,000 draws with probability < 1e-43.
        assertThat((long) seen.size())
                .as("seed %d", seed)
                .isEqualTo(space.size().getAsLong());
    }
}
