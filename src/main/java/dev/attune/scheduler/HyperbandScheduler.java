package dev.attune.scheduler;

import dev.attune.math.SeededRandom;
import dev.attune.searcher.OptionSpec;
import dev.attune.searcher.Options;
import dev.attune.searcher.PausedTrialScoring;
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
    public static final List<String> TYPES = RungSystemType.NAMES;

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
                OptionSpec.number("epsilonScaling", 1.0, 0.0, null, "pasha: the factor of the estimated ε"),
                OptionSpec.text(
                        "costAttr",
                        null,
                        "cost_promotion (required there): the reported metric holding the trial's cost since it was last started or resumed (Syne Tune's cost_attr)"),
                OptionSpec.integer(
                        "numThresholdCandidates",
                        0L,
                        0,
                        "rush_stopping, rush_promotion: the first this many trials are RUSH points, whose best value at a rung every other trial must match"),
                OptionSpec.number(
                        "probabilitySh",
                        0.25,
                        0.0,
                        MAX_PROBABILITY_SH,
                        "dyhpo: probability of trying the ASHA promotion rule before the searcher's resume-or-start decision (below 1)"));
    }

    /** Syne Tune requires probability_sh < 1. */
    static final double MAX_PROBABILITY_SH = 1 - 1e-9;

    /** Options of a Hyperband type that only some types read: left out of methods fixed to other types. */
    private static final java.util.Set<String> TYPE_SPECIFIC = java.util.Set.of(
            "rankingCriterion", "epsilon", "epsilonScaling", "costAttr", "numThresholdCandidates", "probabilitySh");

    /**
     * The options of a method fixed to the given types: {@code type} lists only them, and options of the
     * other types are left out, except those named in {@code keep}.
     */
    static List<OptionSpec> optionsFor(List<String> types, long defaultBrackets, java.util.Set<String> keep) {
        List<OptionSpec> all = new ArrayList<>();
        for (OptionSpec o : options(types.getFirst(), defaultBrackets)) {
            if (o.name().equals("type")) {
                all.add(OptionSpec.oneOf("type", types.getFirst(), types, o.description()));
            } else if (!TYPE_SPECIFIC.contains(o.name()) || keep.contains(o.name())) {
                all.add(o);
            }
        }
        return List.copyOf(all);
    }

    /** The options as read once from the study's definition. */
    record Settings(
            RungSystemType type,
            List<Long> levels,
            int brackets,
            double eta,
            boolean rungSystemPerBracket,
            Long maxNumCheckpoints,
            int approxSteps,
            double priorBetaMean,
            double priorBetaSize,
            long minDataAtRung,
            PashaRungSystem.SoftRanking softRanking,
            String costAttr,
            long numThresholdCandidates,
            double probabilitySh) {
        /** The same settings with another type and number of RUSH points (RUSH sets both). */
        Settings rush(RungSystemType rushType, long points) {
            return new Settings(
                    rushType,
                    levels,
                    brackets,
                    eta,
                    rungSystemPerBracket,
                    maxNumCheckpoints,
                    approxSteps,
                    priorBetaMean,
                    priorBetaSize,
                    minDataAtRung,
                    softRanking,
                    costAttr,
                    points,
                    probabilitySh);
        }

        static Settings of(Options o, long maxT) {
            boolean linear = RungLevels.linear(o);
            List<Long> levels = RungLevels.of(
                    o.integers("rungLevels"),
                    o.integer("gracePeriod"),
                    linear ? null : o.number("reductionFactor"),
                    linear ? o.integer("rungIncrement") : null,
                    maxT);
            return new Settings(
                    RungSystemType.of(o.string("type")),
                    levels,
                    (int) Math.min(o.has("brackets") ? o.integer("brackets") : 1, levels.size() + 1),
                    linear ? 2 : o.number("reductionFactor"),
                    o.has("rungSystemPerBracket") && o.bool("rungSystemPerBracket"),
                    o.has("maxNumCheckpoints") ? o.integer("maxNumCheckpoints") : null,
                    o.has("approxSteps") ? (int) o.integer("approxSteps") : 25,
                    o.has("priorBetaMean") ? o.number("priorBetaMean") : 0.33,
                    o.has("priorBetaSize") ? o.number("priorBetaSize") : 2.0,
                    o.has("minDataAtRung") ? o.integer("minDataAtRung") : 5,
                    o.has("rankingCriterion")
                            ? new PashaRungSystem.SoftRanking(
                                    o.string("rankingCriterion"), o.number("epsilon"), o.number("epsilonScaling"))
                            : PashaRungSystem.SoftRanking.EXACT,
                    o.has("costAttr") ? (String) o.raw("costAttr") : null,
                    o.has("numThresholdCandidates") ? o.integer("numThresholdCandidates") : 0,
                    o.has("probabilitySh") ? o.number("probabilitySh") : 0.25);
        }
    }

    private final Searcher searcher;
    private final RungSystemType type;
    private final String attr;
    private final String metric;
    private final String maxAttr;
    private final long maxT;
    private final List<RungSystem> systems = new ArrayList<>();
    private final BracketDistribution brackets;
    private final CheckpointRemoval checkpoints;

    private final long seed;
    private final String costAttr;
    private final double probabilitySh;
    private final RushPoints rush;
    /** Trials resumed so far; with the trials added, it keys DyHPO's draws so each decision gets its own. */
    private long resumes;

    private final Map<Long, Integer> bracketOf = new HashMap<>();
    private final Map<Long, Map<String, Object>> configs = new HashMap<>();
    private final Set<Long> active = new HashSet<>();

    public HyperbandScheduler(MethodContext context, Searcher searcher) {
        this(context, searcher, Settings.of(context.options(), maxResource(context)));
    }

    HyperbandScheduler(MethodContext context, Searcher searcher, Settings settings) {
        this.searcher = searcher;
        Resource resource = context.resource();
        this.attr = resource.attr();
        this.metric = context.metric().name();
        this.maxAttr = resource.maxAttr();
        this.maxT = maxResource(context);
        this.type = settings.type();
        this.seed = context.seed();
        this.costAttr = settings.costAttr();
        this.probabilitySh = settings.probabilitySh();
        check(settings, searcher);
        List<Long> levels = settings.levels();
        boolean minimize = context.metric().mode() == Mode.MIN;
        this.rush = new RushPoints(settings.numThresholdCandidates(), minimize);
        int copies = settings.rungSystemPerBracket() ? settings.brackets() : 1;
        for (int i = 0; i < copies; i++) {
            systems.add(
                    switch (type) {
                        case STOPPING -> new StoppingRungSystem(levels, maxT, minimize);
                        case PROMOTION, DYHPO -> new PromotionRungSystem(levels, maxT, minimize);
                        case PASHA -> new PashaRungSystem(levels, maxT, minimize, settings.softRanking());
                        case COST_PROMOTION -> new CostPromotionRungSystem(levels, maxT, minimize);
                        case RUSH_STOPPING -> new RushStoppingRungSystem(levels, maxT, minimize, rush);
                        case RUSH_PROMOTION -> new RushPromotionRungSystem(levels, maxT, minimize, rush);
                    });
        }
        List<Long> starts = new ArrayList<>(levels);
        starts.add(maxT); // a last bracket may start at the maximum
        this.brackets = new BracketDistribution(
                levels.size(),
                settings.brackets(),
                settings.eta(),
                starts.subList(0, Math.min(settings.brackets(), starts.size())),
                context.seed());
        this.checkpoints = new CheckpointRemoval(
                settings.maxNumCheckpoints(),
                settings.approxSteps(),
                settings.priorBetaMean(),
                settings.priorBetaSize(),
                settings.minDataAtRung());
    }

    /** Combinations Syne Tune asserts against, refused here with the field that is wrong. */
    private static void check(Settings settings, Searcher searcher) {
        if (settings.type() == RungSystemType.COST_PROMOTION && settings.costAttr() == null) {
            throw InvalidInputException.of(
                    "options.costAttr", "is required with type cost_promotion: the reported metric holding the cost");
        }
        if (settings.type() == RungSystemType.DYHPO) {
            if (!(searcher instanceof PausedTrialScoring)) {
                throw InvalidInputException.of(
                        "options.type",
                        "dyhpo needs a searcher that scores paused trials against new configs: use the method DyHPO, or searcher bayesopt");
            }
            ((PausedTrialScoring) searcher).cannotExtrapolateAcrossLevels().ifPresent(why -> {
                throw InvalidInputException.of(
                        "options.type",
                        "dyhpo needs a model that extrapolates across levels (as in Syne Tune): " + why);
            });
            if (settings.levels().isEmpty()) {
                throw InvalidInputException.of("options.rungLevels", "dyhpo needs at least one rung level");
            }
            if (settings.brackets() > 1) {
                throw InvalidInputException.of("options.brackets", "must be 1 with type dyhpo");
            }
            if (settings.maxNumCheckpoints() != null) {
                throw InvalidInputException.of(
                        "options.maxNumCheckpoints", "is not supported with type dyhpo (as in Syne Tune)");
            }
        }
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

    /** The (first) rung system, for tests. */
    RungSystem systemForTest() {
        return systems.getFirst();
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
        if (type == RungSystemType.DYHPO) {
            return dyhpo(nextTrialId, true)
                    .orElseGet(() -> active.isEmpty()
                            ? new Suggestion.Exhausted("the search space is exhausted")
                            : new Suggestion.Wait(
                                    "the search space is exhausted; running trials may still be resumed"));
        }
        Optional<Suggestion.Resume> promotion = suggestResume();
        if (promotion.isPresent()) {
            return promotion.get();
        }
        Optional<Proposal> proposal = searcher.propose(nextTrialId);
        if (proposal.isEmpty()) {
            return active.isEmpty()
                    ? new Suggestion.Exhausted("the search space is exhausted")
                    : new Suggestion.Wait("the search space is exhausted; running trials may still be promoted");
        }
        return start(nextTrialId, proposal.get());
    }

    private Suggestion.Start start(long nextTrialId, Proposal proposal) {
        int bracket = brackets.draw(nextTrialId, proposal.memo());
        Map<String, Object> memo = new LinkedHashMap<>(proposal.memo());
        memo.put("bracket", bracket);
        Map<String, Object> config = proposal.config();
        if (type.pauses()) {
            config = ResourceTarget.with(config, maxAttr, system(bracket).firstMilestone(bracket));
        }
        return new Suggestion.Start(config, null, memo);
    }

    /**
     * DyHPO (Syne Tune's {@code DyHPORungSystem.on_task_schedule}): with probability {@code probabilitySh}
     * the ASHA promotion rule first; if it promotes nothing (or was not tried), the searcher scores every
     * paused trial at its next level against new configs at the lowest level, and the best is resumed or
     * started. Paused trials are listed as Syne Tune lists them: highest rung first, best first within one.
     */
    private Optional<Suggestion> dyhpo(long nextTrialId, boolean allowNew) {
        PromotionRungSystem ps = (PromotionRungSystem) systems.getFirst();
        long key = configs.size() * 1_000_003L + resumes;
        if (SeededRandom.of(seed, "dyhpo-sh", key).nextDouble() <= probabilitySh) {
            PromotionRungSystem.Promotion p = ps.findPromotion();
            if (p != null) {
                return Optional.of(new Suggestion.Resume(
                        p.trialId(), ResourceTarget.with(configs.get(p.trialId()), maxAttr, p.milestone())));
            }
        }
        List<PausedTrialScoring.Paused> paused = new ArrayList<>();
        Map<Long, Long> nextLevel = new HashMap<>();
        for (Rung rung : ps.rungs) {
            long next = ps.levelAbove(rung.level);
            for (Rung.Entry e : rung.entriesBestFirst()) {
                if (rung.isPaused(e.trialId())) {
                    paused.add(new PausedTrialScoring.Paused(e.trialId(), next));
                    nextLevel.put(e.trialId(), next);
                }
            }
        }
        long minLevel = ps.firstMilestone(0);
        return ((PausedTrialScoring) searcher)
                .choose(paused, minLevel, nextTrialId, key, allowNew)
                .map(choice -> switch (choice) {
                    case PausedTrialScoring.Choice.Resume r ->
                        new Suggestion.Resume(
                                r.trialId(),
                                ResourceTarget.with(configs.get(r.trialId()), maxAttr, nextLevel.get(r.trialId())));
                    case PausedTrialScoring.Choice.Start st -> start(nextTrialId, st.proposal());
                });
    }

    /** The config with its resource target in {@code maxAttr}, as Syne Tune's pause-and-resume schedulers do. */
    @Override
    public void onTrialAdded(long trialId, Map<String, Object> config, Map<String, Object> memo) {
        searcher.onTrialAdded(trialId, config, memo);
        int bracket = memo.get("bracket") instanceof Number n ? n.intValue() : 0;
        bracketOf.put(trialId, bracket);
        configs.put(trialId, config);
        active.add(trialId);
        rush.onTrialAdded(trialId);
        system(bracket).onTrialAdded(trialId, bracket);
    }

    @Override
    public Set<Long> checkpointsToRemove() {
        return checkpoints.removed();
    }

    @Override
    public List<Long> proposeRemovals(double timeRatio) {
        return checkpoints.propose(active.size(), timeRatio, (id, level) -> system(bracketOf.getOrDefault(id, 0))
                .rungAt(level));
    }

    @Override
    public void onCheckpointsRemoved(List<Long> trialIds) {
        checkpoints.onRemoved(trialIds);
    }

    @Override
    public void onTrialResumed(long trialId, Map<String, Object> config) {
        resumes++;
        checkpoints.onResumed(trialId);
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
        if (system(bracket) instanceof CostPromotionRungSystem cost) {
            Double c = metrics.get(costAttr);
            cost.observeCost(trialId, c == null || !Double.isFinite(c) ? null : c);
        }
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
            return Verdict.complete("reached the maximum resource " + maxT);
        }
        if (type.pauses()) {
            checkpoints.onPaused(trialId, resource, outcome.rung(), value);
        }
        return !type.pauses()
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

    @Override
    public boolean pausesTrials() {
        return type.pauses();
    }

    /** The best promotion of a promotion-type rung system, if any (DyHPO: its choice among the paused trials). */
    @Override
    public Optional<Suggestion.Resume> suggestResume() {
        if (type == RungSystemType.DYHPO) {
            return dyhpo(-1, false).map(Suggestion.Resume.class::cast);
        }
        for (RungSystem rs : systems) {
            if (rs instanceof PromotionRungSystem ps) {
                PromotionRungSystem.Promotion p = ps.findPromotion();
                if (p != null) {
                    return Optional.of(new Suggestion.Resume(
                            p.trialId(), ResourceTarget.with(configs.get(p.trialId()), maxAttr, p.milestone())));
                }
            }
        }
        return Optional.empty();
    }

    /** Stopped by the study: no longer running, never promoted; its rung entries stay as data. */
    @Override
    public void onStoppedByStudy(long trialId) {
        searcher.onRemove(trialId);
        remove(trialId);
        if (system(bracketOf.getOrDefault(trialId, 0)) instanceof PromotionRungSystem ps) {
            ps.retire(trialId);
        }
    }

    /** Paused by an operator: not running, keeps its milestone for when it is resumed. */
    @Override
    public void onPausedByStudy(long trialId) {
        active.remove(trialId);
        searcher.onRemove(trialId);
    }

    /** A trial paused at a rung resumes to the next level, as a promotion would; one paused by hand, as it was. */
    @Override
    public Optional<Map<String, Object>> resumeOnRequest(long trialId, Map<String, Object> config) {
        if (system(bracketOf.getOrDefault(trialId, 0)) instanceof PromotionRungSystem ps) {
            Long target = ps.promotionTarget(trialId);
            if (target != null) {
                return Optional.of(ResourceTarget.with(config, maxAttr, target));
            }
        }
        return Optional.of(config);
    }

    private void remove(long trialId) {
        active.remove(trialId);
        checkpoints.onEnded(trialId);
        system(bracketOf.getOrDefault(trialId, 0)).onTrialRemoved(trialId);
    }
}
