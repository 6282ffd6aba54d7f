package dev.attune.scheduler;

import dev.attune.math.SeededRandom;
import dev.attune.space.SearchSpace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * DEHB's evolution step (Syne Tune's {@code DifferentialEvolutionHyperbandScheduler}): a new config for a
 * slot of a later bracket is a rand/1 mutant of three parents, crossed over with the target, the trial
 * that held the same slot (level and position) in the latest earlier bracket.
 *
 * <p>[1] Awad, Mallik and Hutter, DEHB: Evolutionary Hyperband for Scalable, Robust and Efficient
 * Hyperparameter Optimization, IJCAI 2021.
 *
 * <p>Implementation note: parents are the configs promoted into the slot's rung (the top of the rung
 * below) or, on a bracket's first rung, the best third of the same level in the previous bracket; fewer
 * than three are topped up from the population, which keeps per slot the better of target and child
 * (DE's selection). Mutation v = x₁ + F(x₂ − x₃) in the [0, 1] encoding, clipped; binomial crossover with
 * probability {@code crossoverProbability} and one coordinate always from the mutant.
 */
final class DifferentialEvolution {
    private record Member(long trialId, double[] x, double value) {}

    private final SearchSpace space;
    private final long seed;
    private final double mutationFactor;
    private final double crossoverProbability;
    private final boolean minimize;
    /** Per (level, slot): the trials that filled it, by bracket. */
    private final Map<List<Long>, LinkedHashMap<Integer, Member>> slots = new HashMap<>();
    /** Per (level, slot): DE's selection, the better of target and child. */
    private final Map<List<Long>, Member> population = new LinkedHashMap<>();

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

    /** A trial's result filled a slot. */
    void onResult(SyncBracket.Slot slot, long trialId, Map<String, Object> config, double value) {
        List<Long> key = List.of(slot.level(), (long) slot.slotIndex());
        Member m = new Member(trialId, space.encode(config), value);
        slots.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(slot.bracketId(), m);
        Member incumbent = population.get(key);
        if (incumbent == null || score(value) <= score(incumbent.value())) {
            population.put(key, m);
        }
    }

    /**
     * The config for {@code slot} of a bracket after the first, given the configs promoted into its rung
     * (empty on a bracket's first rung).
     */
    Map<String, Object> propose(SyncBracket.Slot slot, List<Map<String, Object>> promoted, long nextTrialId) {
        SplittableRandom r = SeededRandom.of(seed, "dehb", nextTrialId);
        List<double[]> parents = new ArrayList<>();
        promoted.forEach(c -> parents.add(space.encode(c)));
        if (parents.isEmpty()) {
            List<Member> previous = new ArrayList<>();
            slots.forEach((key, byBracket) -> {
                Member m = byBracket.get(slot.bracketId() - 1);
                if (key.getFirst() == slot.level() && m != null) {
                    previous.add(m);
                }
            });
            previous.sort(Comparator.comparingDouble(m -> score(m.value())));
            previous.subList(0, (previous.size() + 2) / 3).forEach(m -> parents.add(m.x()));
        }
        List<Member> pool = new ArrayList<>(population.values());
        pool.sort(Comparator.comparingDouble(m -> score(m.value())));
        for (int i = 0; parents.size() < 3 && i < pool.size(); i++) {
            parents.add(pool.get(i).x());
        }
        if (parents.size() < 3) {
            return space.sample(r);
        }
        int a = r.nextInt(parents.size());
        int b;
        int c;
        do {
            b = r.nextInt(parents.size());
        } while (b == a);
        do {
            c = r.nextInt(parents.size());
        } while (c == a || c == b);
        double[] v = new double[space.encodedSize()];
        for (int j = 0; j < v.length; j++) {
            v[j] = Math.min(
                    1, Math.max(0, parents.get(a)[j] + mutationFactor * (parents.get(b)[j] - parents.get(c)[j])));
        }
        Member target = target(slot);
        if (target != null && v.length > 0) {
            int forced = r.nextInt(v.length);
            for (int j = 0; j < v.length; j++) {
                if (j != forced && r.nextDouble() >= crossoverProbability) {
                    v[j] = target.x()[j];
                }
            }
        }
        return space.decode(v);
    }

    /** The trial in the same level and position in the latest earlier bracket. */
    private Member target(SyncBracket.Slot slot) {
        LinkedHashMap<Integer, Member> byBracket = slots.get(List.of(slot.level(), (long) slot.slotIndex()));
        if (byBracket == null) {
            return null;
        }
        Member best = null;
        int latest = -1;
        for (Map.Entry<Integer, Member> e : byBracket.entrySet()) {
            if (e.getKey() < slot.bracketId() && e.getKey() > latest) {
                latest = e.getKey();
                best = e.getValue();
            }
        }
        return best;
    }
}
