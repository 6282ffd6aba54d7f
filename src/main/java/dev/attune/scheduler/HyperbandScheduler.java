package dev.attune.scheduler;

import dev.attune.math.SeededRandom;
import dev.attune.searcher.OptionSpec;
import dev.attune.searcher.Options;
import dev.attune.searcher.Proposal;
import dev.attune.searcher.Searcher;
import dev.attune.space.Domain;
import dev.attune.space.IntDomain;
import dev.attune.space.InvalidInputException;
import dev.attune.trial.Mode;
import dev.attune.trial.Resource;
import dev.attune.trial.Verdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Asynchronous successive halving and Hyperband (Syne Tune's {@code HyperbandScheduler}): ASHA with one
 * bracket, asynchronous Hyperband with several, in stopping, promotion or PASHA form.
 *
 * <p>[1] Li et al., A System for Massively Parallel Hyperparameter Tuning, MLSys 2020.
 *
 * <p>Implementation notes. A new trial's bracket is drawn from (seed, "bracket", trial id) and kept in
 * the proposal's memo, so replay needs no random state. With {@code rungSystemPerBracket} false (the
 * default) all brackets share one rung system and the bracket only sets the first milestone. Decisions
 * cost O(log n) in the number of trials in a rung. At the maximum resource the answer is STOP, as Syne
 * Tune's is.
 */
public final class HyperbandScheduler implements Scheduler, CheckpointAdvisor {
    public static final List<String> TYPES = List.of("stopping", "promotion", "pasha");

    public static List<OptionSpec> options(String defaultType, long defaultBrackets) {
        return List.of(
                OptionSpec.oneOf(
                        "type",
                        defaultType,
                        TYPES,
                        "stopping: stop below the rung quantile; promotion: pause at rungs, resume the best"),
                OptionSpec.integer("gracePeriod", 1L, 1, "the lowest rung level (r_min)"),
                OptionSpec.number(
                        "reductionFactor", 3.0, 2.0, null, "η: rungs at r_min·η^k, and the top 1/η of a rung moves on"),
                OptionSpec.integer(
                        "rungIncrement", null, 1, "linear rungs r_min + k·ν, used when reductionFactor is not given"),
                OptionSpec.integers(
                        "rungLevels", 1, "explicit rung levels, strictly increasing; override the three above"),
                OptionSpec.integer("brackets", defaultBrackets, 1, "number of Hyperband brackets; 1 is ASHA"),
                OptionSpec.bool("rungSystemPerBracket", false, "one rung system per bracket instead of one shared"),
                OptionSpec.integer(
                        "maxNumCheckpoints",
                        null,
                        1,
                        "promotion types: keep at most this many checkpoints, removing those of paused trials least likely to be resumed"),
                OptionSpec.integer(
                        "approxSteps", 25L, 1, "steps of the resume-probability approximation (cost cubic in it)"),
                OptionSpec.number(
                        "priorBetaMean",
                        0.33,
                        1e-6,
                        1 - 1e-6,
                        "Beta prior mean of P(a new arrival ranks above a paused trial)"),
                OptionSpec.number("priorBetaSize", 2.0, 1e-6, null, "Beta prior sample size"),
                OptionSpec.integer(
                        "minDataAtRung", 5L, 0, "below this many data points at a rung, the overall estimate is used"),
                OptionSpec.oneOf(
                        "rankingCriterion",
                        "soft_ranking",
                        PashaRungSystem.SoftRanking.CRITERIA,
                        "pasha: how ε is set — epsilon as given, or scaled from the lower rung's values (std, median or mean pairwise distance)"),
                OptionSpec.number(
                        "epsilon",
                        0.0,
                        0.0,
                        null,
                        "pasha, soft_ranking: values within ε count as tied when the top two rungs' rankings are compared"),
                OptionSpec.number("epsilonScaling", 1.0, 0.0, null, "pasha: the factor of the estimated ε"));
    }

    private final Searcher searcher;
    private final String type;
    private final String attr;
    private final String metric;
    private final String maxAttr;
    private final long maxT;
    private final long seed;
    private final List<RungSystem> systems = new ArrayList<>();
    private final double[] bracketWeights;
    /** Each bracket's lowest level. */
    private final List<Long> bracketLevels;

    private final Map<Long, Integer> bracketOf = new HashMap<>();
    private final Map<Long, Map<String, Object>> configs = new HashMap<>();
    private final Set<Long> active = new HashSet<>();
    private final Long maxNumCheckpoints;
    private final int approxSteps;
    private final double priorMean;
    private final double priorSize;
    private final long minDataAtRung;
    /** Per rung level and overall: [data points where the arrival ranked above, data points]. */
    private final Map<Long, long[]> arrivals = new HashMap<>();

    private final long[] arrivalsOverall = new long[2];
    private final Set<Long> checkpointsRemoved = new java.util.LinkedHashSet<>();
    /** Paused trials that still have a checkpoint, with the rung level they wait at. */
    private final Map<Long, Long> pausedWithCheckpoint = new HashMap<>();

    public HyperbandScheduler(MethodContext context, Searcher searcher) {
        this.searcher = searcher;
        Options o = context.options();
        Resource resource = context.resource();
        this.type = o.string("type");
        this.attr = resource.attr();
        this.metric = context.metric().name();
        this.maxAttr = resource.maxAttr();
        this.maxT = maxResource(context);
        this.seed = context.seed();
        this.maxNumCheckpoints = o.has("maxNumCheckpoints") ? o.integer("maxNumCheckpoints") : null;
        this.approxSteps = (int) o.integer("approxSteps");
        this.priorMean = o.number("priorBetaMean");
        this.priorSize = o.number("priorBetaSize");
        this.minDataAtRung = o.integer("minDataAtRung");
        boolean linear = o.given("rungIncrement") && !o.given("reductionFactor");
        List<Long> levels = RungLevels.of(
                o.integers("rungLevels"),
                o.integer("gracePeriod"),
                linear ? null : o.number("reductionFactor"),
                linear ? o.integer("rungIncrement") : null,
                maxT);
        int brackets = (int) Math.min(o.integer("brackets"), levels.size() + 1);
        boolean minimize = context.metric().mode() == Mode.MIN;
        int copies = o.bool("rungSystemPerBracket") ? brackets : 1;
        for (int i = 0; i < copies; i++) {
            systems.add(
                    switch (type) {
                        case "stopping" -> new StoppingRungSystem(levels, maxT, minimize);
                        case "promotion" -> new PromotionRungSystem(levels, maxT, minimize);
                        default ->
                            new PashaRungSystem(
                                    levels,
                                    maxT,
                                    minimize,
                                    new PashaRungSystem.SoftRanking(
                                            o.string("rankingCriterion"),
                                            o.number("epsilon"),
                                            o.number("epsilonScaling")));
                    });
        }
        this.bracketWeights = bracketWeights(levels.size(), brackets, linear ? 2 : o.number("reductionFactor"));
        List<Long> starts = new ArrayList<>(levels);
        starts.add(maxT); // a last bracket may start at the maximum
        this.bracketLevels = List.copyOf(starts.subList(0, Math.min(brackets, starts.size())));
    }

    static long maxResource(MethodContext context) {
        Resource r = context.resource();
        if (r.max() != null) {
            return r.max();
        }
        Domain d = context.space().domain(r.maxAttr());
        if (d instanceof IntDomain i) {
            return i.upper();
        }
        throw InvalidInputException.of("resource.max", "is required: the largest resource level");
    }

    /**
     * Bracket s is drawn with probability proportional to the number of trials synchronous Hyperband
     * starts in it: ⌈(S+1)/(S−s+1)⌉·η^(S−s) with S the number of rungs.
     */
    static double[] bracketWeights(int numRungs, int brackets, double eta) {
        double[] w = new double[brackets];
        double total = 0;
        for (int s = 0; s < brackets; s++) {
            int m = numRungs - s;
            w[s] = Math.ceil((numRungs + 1.0) / (m + 1)) * Math.pow(eta, m);
            total += w[s];
        }
        for (int s = 0; s < brackets; s++) {
            w[s] /= total;
        }
        return w;
    }

    private int drawBracket(long trialId, Map<String, Object> memo) {
        if (bracketWeights.length == 1) {
            return 0;
        }
        double[] weights = memo.get("theta") instanceof List<?> theta && memo.get("thetaTop") instanceof Number top
                ? hyperTuneWeights(bracketWeights, theta, top.intValue(), bracketLevels)
                : bracketWeights;
        double u = SeededRandom.of(seed, "bracket", trialId).nextDouble();
        for (int s = 0; s < weights.length; s++) {
            u -= weights[s];
            if (u < 0) {
                return s;
            }
        }
        return weights.length - 1;
    }

    /**
     * Hyper-Tune's bracket distribution: for the brackets whose lowest level r is at most r₀ = min(r*,
     * the highest bracket level), P(r) ∝ θ_r / r, scaled to the mass M that ASHA's distribution P₀ gives
     * them; P₀ above r₀. Falls back to P₀ while θ puts no mass on those levels.
     *
     * @param theta the searcher's θ over its levels (the lowest first), as stored in its proposal's memo
     * @param top the index of r*, the highest level with enough results
     */
    static double[] hyperTuneWeights(double[] p0, List<?> theta, int top, List<Long> bracketLevels) {
        int r0 = Math.min(top, p0.length - 1);
        double mass = 0;
        double total = 0;
        double[] raw = new double[p0.length];
        for (int s = 0; s <= r0 && s < theta.size(); s++) {
            mass += p0[s];
            raw[s] = ((Number) theta.get(s)).doubleValue() / bracketLevels.get(s);
            total += raw[s];
        }
        if (!(total > 0)) {
            return p0;
        }
        double[] w = p0.clone();
        for (int s = 0; s <= r0; s++) {
            w[s] = mass * raw[s] / total;
        }
        return w;
    }

    private RungSystem system(int bracket) {
        return systems.get(systems.size() == 1 ? 0 : bracket);
    }

    @Override
    public java.util.Optional<Runnable> pendingWork() {
        return searcher.pendingWork();
    }

    @Override
    public Suggestion suggest(long nextTrialId) {
        for (RungSystem rs : systems) {
            if (rs instanceof PromotionRungSystem ps) {
                PromotionRungSystem.Promotion p = ps.findPromotion();
                if (p != null) {
                    return new Suggestion.Resume(
                            p.trialId(), ResourceTarget.with(configs.get(p.trialId()), maxAttr, p.milestone()));
                }
            }
        }
        Optional<Proposal> proposal = searcher.propose(nextTrialId);
        if (proposal.isEmpty()) {
            return active.isEmpty()
                    ? new Suggestion.Exhausted("the search space is exhausted")
                    : new Suggestion.Wait("the search space is exhausted; running trials may still be promoted");
        }
        int bracket = drawBracket(nextTrialId, proposal.get().memo());
        Map<String, Object> memo = new LinkedHashMap<>(proposal.get().memo());
        memo.put("bracket", bracket);
        Map<String, Object> config = proposal.get().config();
        if (!type.equals("stopping")) {
            config = ResourceTarget.with(config, maxAttr, system(bracket).firstMilestone(bracket));
        }
        return new Suggestion.Start(config, null, memo);
    }

    /** The config with its resource target in {@code maxAttr}, as Syne Tune's pause-and-resume schedulers do. */
    @Override
    public void onTrialAdded(long trialId, Map<String, Object> config, Map<String, Object> memo) {
        searcher.onTrialAdded(trialId, config, memo);
        int bracket = memo.get("bracket") instanceof Number n ? n.intValue() : 0;
        bracketOf.put(trialId, bracket);
        configs.put(trialId, config);
        active.add(trialId);
        system(bracket).onTrialAdded(trialId, bracket);
    }

    @Override
    public Set<Long> checkpointsToRemove() {
        return java.util.Collections.unmodifiableSet(checkpointsRemoved);
    }

    @Override
    public List<Long> proposeRemovals(double timeRatio) {
        if (maxNumCheckpoints == null) {
            return List.of();
        }
        long over = active.size() + pausedWithCheckpoint.size() - maxNumCheckpoints;
        if (over <= 0 || pausedWithCheckpoint.isEmpty()) {
            return List.of();
        }
        // Syne Tune's score: rung level × probability of being resumed; without a time limit, its
        // "by_level" baseline (lowest rung first, then worst rank).
        record Candidate(long trialId, double score, long level, int rank) {}
        List<Candidate> candidates = new ArrayList<>();
        for (Map.Entry<Long, Long> e : pausedWithCheckpoint.entrySet()) {
            long level = e.getValue();
            Rung rung = system(bracketOf.getOrDefault(e.getKey(), 0)).rungAt(level);
            int rank = rank(e.getKey());
            double score = Double.isNaN(timeRatio) || rung == null
                    ? level
                    : level
                            * dev.attune.math.ResumeProbability.of(
                                    rank + 1,
                                    rung.size(),
                                    rung.promotionQuantile,
                                    probabilityAbove(level),
                                    Math.max(timeRatio, 1e-3),
                                    approxSteps);
            candidates.add(new Candidate(e.getKey(), score, level, rank));
        }
        candidates.sort(java.util.Comparator.comparingDouble(Candidate::score)
                .thenComparing(Candidate::rank, java.util.Comparator.reverseOrder())
                .thenComparing(Candidate::trialId));
        return candidates.stream().limit(over).map(Candidate::trialId).toList();
    }

    /** Posterior mean of P(a new arrival at this rung ranks above a paused trial), Beta-binomial. */
    private double probabilityAbove(long level) {
        long[] data = arrivals.getOrDefault(level, new long[2]);
        if (data[1] < minDataAtRung) {
            data = arrivalsOverall;
        }
        return (priorMean * priorSize + data[0]) / (priorSize + data[1]);
    }

    /** An arrival at a rung gives one data point per other paused trial with a checkpoint there. */
    private void learnFromArrival(long trialId, Rung rung, double value) {
        long[] atRung = arrivals.computeIfAbsent(rung.level, k -> new long[2]);
        for (Map.Entry<Long, Long> e : pausedWithCheckpoint.entrySet()) {
            if (e.getKey() != trialId && e.getValue() == rung.level && rung.contains(e.getKey())) {
                long above = rung.passes(value, rung.valueOf(e.getKey())) ? 1 : 0;
                atRung[0] += above;
                atRung[1]++;
                arrivalsOverall[0] += above;
                arrivalsOverall[1]++;
            }
        }
    }

    @Override
    public void onCheckpointsRemoved(List<Long> trialIds) {
        for (long id : trialIds) {
            pausedWithCheckpoint.remove(id);
            checkpointsRemoved.add(id);
        }
    }

    private int rank(long trialId) {
        Rung r = system(bracketOf.getOrDefault(trialId, 0)).rungAt(pausedWithCheckpoint.get(trialId));
        return r == null || !r.contains(trialId) ? Integer.MAX_VALUE : r.rankOf(trialId);
    }

    @Override
    public void onTrialResumed(long trialId, Map<String, Object> config) {
        pausedWithCheckpoint.remove(trialId);
        // It trains again (from scratch if its checkpoint went) and writes a new checkpoint to keep.
        checkpointsRemoved.remove(trialId);
        configs.put(trialId, config);
        active.add(trialId);
        searcher.onResumed(trialId);
        if (system(bracketOf.getOrDefault(trialId, 0)) instanceof PromotionRungSystem ps) {
            ps.onResumed(trialId);
        }
    }

    @Override
    public Verdict onReport(long trialId, Map<String, Double> metrics) {
        Double value = metrics.get(metric);
        Double level = metrics.get(attr);
        if (value == null || level == null || !active.contains(trialId)) {
            return Verdict.proceed();
        }
        long resource = level.longValue();
        int bracket = bracketOf.getOrDefault(trialId, 0);
        RungSystem.Outcome outcome = system(bracket).onReport(trialId, resource, value, bracket);
        if (!outcome.ignored()) {
            searcher.onReport(trialId, metrics);
        }
        if (outcome.continues()) {
            return outcome.ignored()
                    ? Verdict.proceed(
                            "level " + resource + " is at or below the level the trial was resumed from; not used")
                    : Verdict.proceed(outcome.rung() == null ? "" : describe("passed", outcome, value, trialId));
        }
        active.remove(trialId);
        searcher.onRemove(trialId); // it no longer runs: no pending evaluation for the searcher to fantasize
        if (resource >= maxT) {
            return Verdict.stop("reached the maximum resource " + maxT);
        }
        if (!type.equals("stopping")) {
            if (outcome.rung() != null) {
                learnFromArrival(trialId, outcome.rung(), value);
            }
            pausedWithCheckpoint.put(trialId, resource);
        }
        return type.equals("stopping")
                ? Verdict.stop(describe("below the cutoff", outcome, value, trialId))
                : Verdict.pause(
                        outcome.rung() == null
                                ? "reached its milestone " + resource
                                : "paused at rung " + outcome.rung().level + " (rank "
                                        + (outcome.rung().rankOf(trialId) + 1) + " of "
                                        + outcome.rung().size() + ") until it is promoted");
    }

    private static String describe(String verdict, RungSystem.Outcome o, double value, long trialId) {
        Rung r = o.rung();
        return String.format(
                Locale.ROOT,
                "rung %d: %s (value %.6g, rank %d of %d, cutoff %s at quantile %.3f)",
                r.level,
                verdict,
                value,
                r.rankOf(trialId) + 1,
                r.size(),
                o.cutoff() == null ? "none (fewer than 2 values)" : String.format(Locale.ROOT, "%.6g", o.cutoff()),
                r.promotionQuantile);
    }

    @Override
    public void onComplete(long trialId, Map<String, Double> metrics) {
        searcher.onComplete(trialId, metrics);
        remove(trialId);
    }

    @Override
    public void onFailure(long trialId) {
        searcher.onFailure(trialId);
        remove(trialId);
    }

    @Override
    public void onSkip(long trialId) {
        searcher.onRemove(trialId);
        remove(trialId);
    }

    private void remove(long trialId) {
        active.remove(trialId);
        pausedWithCheckpoint.remove(trialId);
        system(bracketOf.getOrDefault(trialId, 0)).onTrialRemoved(trialId);
    }
}
