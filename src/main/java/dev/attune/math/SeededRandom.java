package dev.attune.math;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Random generators derived from (seed, purpose, ids) rather than drawn from one shared stream.
 *
 * <p>Every draw an algorithm makes comes from a generator built here for that draw's purpose and the
 * trial or event it concerns, so replaying the same history on any replica reproduces the same draws,
 * whatever else happened in between. Mixing uses the SplitMix64 finalizer, which makes nearby keys give
 * unrelated streams.
 */
public final class SeededRandom {
    private SeededRandom() {}

    public static SplittableRandom of(long seed, String purpose, long... ids) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        for (byte b : purpose.getBytes(StandardCharsets.UTF_8)) {
            h = mix(h ^ b);
        }
        for (long id : ids) {
            h = mix(h ^ mix(id + 0x632BE59BD9B4E019L));
        }
        return new SplittableRandom(h);
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
