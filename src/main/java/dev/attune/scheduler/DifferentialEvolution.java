package dev.attune.scheduler;

import dev.attune.math.SeededRandom;
import dev.attune.space.SearchSpace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * DEHB's evolution (Syne Tune's {@code DifferentialEvolutionHyperbandScheduler}): after the first bracket,
 * every slot of every rung gets a new config, a rand/1 mutant of three parents crossed over with the
 * slot's target — the occupant of the same slot (level and position) in the latest earlier bracket — and
 * the slot keeps the better of child and target (DE's selection). What a slot keeps is what its bracket
 * ranks and promotes, so the population improves bracket by bracket.
 *
 * <p>[1] Awad, Mallik and Hutter, DEHB: Evolutionary Hyperband for Scalable, Robust and Efficient
 * Hyperparameter Optimization, IJCAI 2021.
 *
 * <p>Implementation note: the parents of a slot on a bracket's first rung come from the targets of that
 * rung's slots; on a higher rung, from the configs promoted into it (the top of the rung below). With
 * fewer than three, the pool is topped up with every result at the slot's level, then at the other
 * levels, as in Syne Tune. Mutation v = x₁ + F(x₂ − x₃) in the [0, 1] encoding; a coordinate that leaves
 * [0, 1] is redrawn uniformly. Crossover is binomial per hyperparameter (a categorical's one-hot block
 * moves as a whole) with probability {@code crossoverProbability}, one hyperparameter always from the
 * mutant. Selection compares the child with its target at the slot's level (Syne Tune compares with the
 * target's latest value, which may be from a higher level) and keeps the target on a tie. A config that
 * was proposed before is drawn again, as in Syne Tune: up to {@link #RETRIES}/2 more evolved ones, then
 * uniformly random ones.
 */
final class DifferentialEvolution {
    /** Syne Tune's {@code MAX_RETRIES} for a config that is not a duplicate. */
    static final int RETRIES = 50;

    /** A trial's config (encoded) and its result at one level. */
    record Member(long trialId, double[] x, double value) {}

    private final SearchSpace space;
    private final long seed;
    private final double mutationFactor;
    private final double crossoverProbability;
    private final boolean minimize;
    /** Per (level, slot index): the slot's occupant after selection, by bracket. */
    private final Map<List<Long>, TreeMap<Integer, Member>> slots = new HashMap<>();
    /** Per level: every result, in arrival order (Syne Tune's global parent pool). */
    private final TreeMap<Long, List<Member>> results = new TreeMap<>();

    DifferentialEvolution(
            SearchSpace space, long seed, double mutationFactor, double crossoverProbability, boolean minimize) {
        this.space = space;
        this.seed = seed;
        this.mutationFactor = mutationFactor;
        this.crossoverProbability = crossoverProbability;
        this.minimize = minimize;
    }

    private double score(double value) {
        return Double.isNaN(value) ? Double.POSITIVE_INFINITY : minimize ? value : -value;
    }

    /**
     * A trial's result filled a slot; answers what the slot keeps: in the first bracket the trial, later
     * the better of the trial and its target.
     */
    Member onResult(SyncBracket.Slot slot, long trialId, Map<String, Object> config, double value) {
        Member child = new Member(trialId, space.encode(config), value);
        results.computeIfAbsent(slot.level(), k -> new ArrayList<>()).add(child);
        Member kept = child;
        Member target = slot.bracketId() > 0 ? target(slot.level(), slot.slotIndex(), slot.bracketId()) : null;
        if (target != null && !(score(value) < score(target.value()))) {
            kept = target;
        }
        slots.computeIfAbsent(key(slot.level(), slot.slotIndex()), k -> new TreeMap<>())
                .put(slot.bracketId(), kept);
        return kept;
    }

    /**
     * The config for {@code slot} of a bracket after the first.
     *
     * @param promoted the configs promoted into the slot's rung, best first (empty on a first rung)
     * @param rungSize the number of slots in the slot's rung
     */
    Map<String, Object> propose(
            SyncBracket.Slot slot,
            List<Map<String, Object>> promoted,
            int rungSize,
            long nextTrialId,
            Predicate<Map<String, Object>> duplicate) {
        Map<String, Object> config = null;
        for (int attempt = 0; attempt < RETRIES; attempt++) {
            SplittableRandom r = SeededRandom.of(seed, "dehb", nextTrialId, attempt);
            config = attempt < RETRIES / 2 ? evolve(slot, promoted, rungSize, r) : space.sample(r);
            if (!duplicate.test(config)) {
                return config;
            }
        }
        return config; // a space this small is exhausted; a duplicate is the only answer left
    }

    private Map<String, Object> evolve(
            SyncBracket.Slot slot, List<Map<String, Object>> promoted, int rungSize, SplittableRandom r) {
        List<double[]> pool = new ArrayList<>();
        promoted.forEach(c -> pool.add(space.encode(c)));
        if (promoted.isEmpty()) {
            for (int i = 0; i < rungSize; i++) {
                Member m = target(slot.level(), i, slot.bracketId());
                if (m != null) {
                    pool.add(m.x());
                }
            }
        }
        if (pool.size() < 3) {
            results.getOrDefault(slot.level(), List.of()).forEach(m -> pool.add(m.x()));
            results.descendingMap().forEach((level, members) -> {
                if (level != slot.level() && pool.size() < 3) {
                    members.forEach(m -> pool.add(m.x()));
                }
            });
        }
        if (pool.size() < 3) {
            return space.sample(r);
        }
        int[] parents = distinct(r, pool.size());
        double[] v = new double[space.encodedSize()];
        for (int j = 0; j < v.length; j++) {
            double[] a = pool.get(parents[0]);
            v[j] = a[j] + mutationFactor * (pool.get(parents[1])[j] - pool.get(parents[2])[j]);
            if (v[j] < 0 || v[j] > 1) {
                v[j] = r.nextDouble();
            }
        }
        Member target = target(slot.level(), slot.slotIndex(), slot.bracketId());
        if (target != null) {
            crossover(v, target.x(), r);
        }
        return space.decode(v);
    }

    /** Three distinct positions in [0, n), drawn uniformly. */
    private static int[] distinct(SplittableRandom r, int n) {
        int a = r.nextInt(n);
        int b;
        int c;
        do {
            b = r.nextInt(n);
        } while (b == a);
        do {
            c = r.nextInt(n);
        } while (c == a || c == b);
        return new int[] {a, b, c};
    }

    /** Replaces the mutant's hyperparameters by the target's, each with probability 1 − crossoverProbability. */
    private void crossover(double[] mutant, double[] target, SplittableRandom r) {
        List<String> names = space.hyperparameters();
        if (names.isEmpty()) {
            return;
        }
        boolean[] fromMutant = new boolean[names.size()];
        boolean any = false;
        for (int h = 0; h < fromMutant.length; h++) {
            fromMutant[h] = r.nextDouble() < crossoverProbability;
            any |= fromMutant[h];
        }
        if (!any) {
            fromMutant[r.nextInt(fromMutant.length)] = true; // the child must differ from its target
        }
        int offset = 0;
        for (int h = 0; h < fromMutant.length; h++) {
            int width = space.domain(names.get(h)).encodedSize();
            if (!fromMutant[h]) {
                System.arraycopy(target, offset, mutant, offset, width);
            }
            offset += width;
        }
    }

    /** What slot {@code index} of the rung at {@code level} kept in the latest bracket before {@code bracket}. */
    private Member target(long level, int index, int bracket) {
        TreeMap<Integer, Member> byBracket = slots.get(key(level, index));
        if (byBracket == null) {
            return null;
        }
        Map.Entry<Integer, Member> latest = byBracket.lowerEntry(bracket);
        return latest == null ? null : latest.getValue();
    }

    private static List<Long> key(long level, int index) {
        return List.of(level, (long) index);
    }
}
