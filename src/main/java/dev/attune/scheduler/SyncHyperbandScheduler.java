package dev.attune.scheduler;

import dev.attune.searcher.ExclusionList;
import dev.attune.searcher.OptionSpec;
import dev.attune.searcher.Options;
import dev.attune.searcher.Proposal;
import dev.attune.searcher.Searcher;
import dev.attune.trial.Mode;
import dev.attune.trial.Verdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Synchronous Hyperband (Syne Tune's {@code SynchronousGeometricHyperbandScheduler}): brackets of rungs
 * with fixed sizes; a rung's best trials are resumed only once the rung is full. A trial pauses at the
 * end of each rung, the last included.
 *
 * <p>[1] Li et al., Hyperband: A Novel Bandit-Based Approach to Hyperparameter Optimization, JMLR 2018.
 *
 * <p>Implementation notes. As in Syne Tune, a job never waits for a rung to fill: when the primary
 * bracket has only pending slots, the next active bracket (or a new one) takes the job; with
 * {@code waitForRungs} the ask answers WAIT instead. Unlike Syne Tune, slots are taken when the trial is
 * stored ({@link #onTrialAdded}, {@link #onTrialResumed}), not in {@link #suggest}, so a discarded
 * suggestion changes nothing. A failed trial's slot gets NaN, which ranks last.
 */
public final class SyncHyperbandScheduler implements Scheduler {
    public static List<OptionSpec> options() {
        return List.of(
                OptionSpec.integer("gracePeriod", 1L, 1, "the lowest rung level (r_min)"),
                OptionSpec.number(
                        "reductionFactor",
                        3.0,
                        2.0,
                        null,
                        "η: rung levels r_min·η^k; a rung keeps 1/η of the one below"),
                OptionSpec.integer(
                        "brackets",
                        null,
                        1,
                        "number of brackets; default the most possible, 1 is synchronous successive halving"),
                OptionSpec.bool(
                        "waitForRungs",
                        false,
                        "answer WAIT while the primary bracket's rung is incomplete, instead of opening another bracket"));
    }

    /** DEHB's options: synchronous Hyperband's plus the evolution's. */
    public static List<OptionSpec> dehbOptions() {
        List<OptionSpec> all = new ArrayList<>(options());
        all.add(OptionSpec.number("mutationFactor", 0.5, 1e-9, 1.0, "F in the mutant x₁ + F(x₂ − x₃)"));
        all.add(OptionSpec.number(
                "crossoverProbability", 0.5, 0.0, 1.0, "chance that a coordinate comes from the mutant"));
        return List.copyOf(all);
    }

    private final Searcher searcher;
    private final DifferentialEvolution evolution;
    private final String attr;
    private final String metric;
    private final String maxAttr;
    private final boolean minimize;
    private final boolean waitForRungs;
    private final List<List<long[]>> bracketRungs;
    private final List<SyncBracket> brackets = new ArrayList<>();
    private int primary;
    private final Map<Long, SyncBracket.Slot> pending = new HashMap<>();
    private final Map<Long, Map<String, Object>> configs = new HashMap<>();
    private final Map<Long, Double> lastValue = new HashMap<>();
    /** Trials the study stopped: a rung that promotes one gives its slot NaN instead of resuming it. */
    private final java.util.Set<Long> stoppedByStudy = new java.util.HashSet<>();
    /** Every config added, its resource target set to the maximum: what DEHB must not propose again. */
    private final ExclusionList seen;

    private final long maxT;

    private final boolean allowDuplicates;

    public SyncHyperbandScheduler(MethodContext context, Searcher searcher) {
        this(context, searcher, false);
    }

    /**
     * @param dehb run DEHB: after the first bracket, every slot gets a new trial whose config is evolved
     *     ({@link DifferentialEvolution}) and which stops at the slot's level; only the first bracket
     *     pauses and resumes
     */
    public SyncHyperbandScheduler(MethodContext context, Searcher searcher, boolean dehb) {
        this.searcher = searcher;
        this.allowDuplicates = context.allowDuplicates();
        this.seen = new ExclusionList(context.space());
        this.maxT = HyperbandScheduler.maxResource(context);
        this.evolution = dehb
                ? new DifferentialEvolution(
                        context.space(),
                        context.seed(),
                        context.options().number("mutationFactor"),
                        context.options().number("crossoverProbability"),
                        context.metric().mode() == Mode.MIN)
                : null;
        Options o = context.options();
        this.attr = context.resource().attr();
        this.metric = context.metric().name();
        this.maxAttr = context.resource().maxAttr();
        this.minimize = context.metric().mode() == Mode.MIN;
        this.waitForRungs = o.bool("waitForRungs");
        List<List<long[]>> hyperband = geometric(
                o.integer("gracePeriod"),
                HyperbandScheduler.maxResource(context),
                o.number("reductionFactor"),
                o.has("brackets") ? (int) o.integer("brackets") : null);
        this.bracketRungs = dehb ? offsets(hyperband.getFirst(), hyperband.size()) : hyperband;
        brackets.add(new SyncBracket(0, bracketRungs.getFirst(), minimize));
    }

    /**
     * Syne Tune's geometric rung sizes: with S = ⌈log(max/min)/log η⌉, bracket s has rungs
     * (⌈(S+1)/(S−s+1)·η^(S−s−k)⌉, round(min·η^(k+s))) for k &lt; S−s, then (⌈(S+1)/(S−s+1)⌉, max).
     */
    static List<List<long[]>> geometric(long min, long max, double eta, Integer brackets) {
        if (min >= max) {
            throw dev.attune.space.InvalidInputException.of(
                    "options.gracePeriod", "must be below the maximum resource " + max);
        }
        // The tolerance keeps log(27)/log(3) at 3 whatever the last bit of the logarithms.
        int sMax = (int) Math.ceil((Math.log(max) - Math.log(min)) / Math.log(eta) - 1e-12);
        int n = brackets == null ? sMax + 1 : Math.min(brackets, sMax + 1);
        List<List<long[]>> systems = new ArrayList<>();
        if (sMax <= 0) {
            systems.add(List.of(new long[] {1, max}));
            return systems;
        }
        for (int s = 0; s < n; s++) {
            int m = sMax - s;
            double pre = (sMax + 1.0) / (m + 1);
            List<long[]> rungs = new ArrayList<>();
            for (int k = 0; k < m; k++) {
                rungs.add(new long[] {
                    (long) Math.ceil(pre * Math.pow(eta, m - k)), (long) Math.rint(min * Math.pow(eta, k + s))
                });
            }
            rungs.add(new long[] {(long) Math.ceil(pre), max});
            systems.add(rungs);
        }
        return systems;
    }

    /**
     * DEHB's brackets: the first bracket's rungs from each offset on, so that a rung's size depends only on
     * its level and a slot in a later bracket has a target in the same slot of an earlier one.
     */
    static List<List<long[]>> offsets(List<long[]> first, int brackets) {
        List<List<long[]>> systems = new ArrayList<>();
        for (int offset = 0; offset < brackets; offset++) {
            systems.add(first.subList(offset, first.size()));
        }
        return systems;
    }

    private SyncBracket newBracket() {
        int id = brackets.size();
        SyncBracket b = new SyncBracket(id, bracketRungs.get(id % bracketRungs.size()), minimize);
        brackets.add(b);
        return b;
    }

    /** The job the next ask gets, without taking it. */
    private SyncBracket.Slot peekJob() {
        for (int b = primary; b < brackets.size(); b++) {
            SyncBracket.Slot s = brackets.get(b).peekFreeSlot();
            if (s != null) {
                return s;
            }
        }
        List<long[]> rungs = bracketRungs.get(brackets.size() % bracketRungs.size());
        return new SyncBracket.Slot(brackets.size(), 0, rungs.getFirst()[1], 0, null);
    }

    private SyncBracket.Slot takeJob() {
        for (int b = primary; b < brackets.size(); b++) {
            SyncBracket.Slot s = brackets.get(b).takeFreeSlot();
            if (s != null) {
                return s;
            }
        }
        return newBracket().takeFreeSlot();
    }

    @Override
    public java.util.Optional<Runnable> pendingWork() {
        return searcher.pendingWork();
    }

    @Override
    public Suggestion suggest(long nextTrialId) {
        SyncBracket.Slot job = peekJob();
        if (waitForRungs && job.bracketId() != primary) {
            return new Suggestion.Wait("the current rung of bracket " + primary + " is not complete yet");
        }
        if (evolution != null && job.bracketId() > 0) {
            List<Map<String, Object>> promoted = new ArrayList<>();
            int rungSize;
            if (job.bracketId() < brackets.size()) {
                SyncBracket bracket = brackets.get(job.bracketId());
                bracket.promotedTrials().forEach(id -> promoted.add(configs.get(id)));
                rungSize = bracket.currentSize();
            } else { // the job opens a new bracket: its first rung
                rungSize = (int)
                        bracketRungs.get(job.bracketId() % bracketRungs.size()).getFirst()[0];
            }
            Map<String, Object> config = evolution.propose(
                    job,
                    promoted,
                    rungSize,
                    nextTrialId,
                    c -> !allowDuplicates && seen.contains(ResourceTarget.with(c, maxAttr, maxT)));
            return new Suggestion.Start(
                    ResourceTarget.with(config, maxAttr, job.level()), null, Map.of("bracket", job.bracketId()));
        }
        if (job.trialId() != null) {
            return new Suggestion.Resume(
                    job.trialId(), ResourceTarget.with(configs.get(job.trialId()), maxAttr, job.level()));
        }
        Optional<Proposal> p = searcher.propose(nextTrialId);
        if (p.isEmpty()) {
            return pending.isEmpty()
                    ? new Suggestion.Exhausted("the search space is exhausted")
                    : new Suggestion.Wait("the search space is exhausted; pending rungs may still promote trials");
        }
        Map<String, Object> memo = new LinkedHashMap<>(p.get().memo());
        memo.put("bracket", job.bracketId());
        return new Suggestion.Start(ResourceTarget.with(p.get().config(), maxAttr, job.level()), null, memo);
    }

    @Override
    public void onTrialAdded(long trialId, Map<String, Object> config, Map<String, Object> memo) {
        searcher.onTrialAdded(trialId, config, memo);
        configs.put(trialId, config);
        seen.add(ResourceTarget.with(config, maxAttr, maxT));
        if (memo.containsKey("bracket")) {
            pending.put(trialId, takeJob());
        }
    }

    @Override
    public void onTrialResumed(long trialId, Map<String, Object> config) {
        configs.put(trialId, config);
        searcher.onResumed(trialId);
        if (pending.containsKey(trialId)) {
            return; // paused by an operator: it goes on filling the slot it holds
        }
        SyncBracket.Slot s = takeJob();
        if (s.trialId() == null || s.trialId() != trialId) {
            throw new IllegalStateException("trial " + trialId + " resumed, but the next slot is " + s);
        }
        pending.put(trialId, s);
    }

    @Override
    public Verdict onReport(long trialId, Map<String, Double> metrics) {
        SyncBracket.Slot slot = pending.get(trialId);
        Double value = metrics.get(metric);
        Double level = metrics.get(attr);
        if (slot == null || value == null || level == null) {
            return Verdict.proceed();
        }
        lastValue.put(trialId, value);
        long previous =
                slot.rungIndex() == 0 ? 0 : brackets.get(slot.bracketId()).level(slot.rungIndex() - 1);
        if (level > previous) {
            searcher.onReport(trialId, metrics);
        }
        if (level < slot.level()) {
            return Verdict.proceed();
        }
        boolean full = fill(trialId, slot, value);
        searcher.onRemove(trialId); // paused or stopped: no longer a pending evaluation
        if (evolution != null && slot.bracketId() > 0) {
            return Verdict.stop("DEHB: bracket " + slot.bracketId() + ", rung " + slot.level() + " reached");
        }
        return Verdict.pause("bracket " + slot.bracketId() + ", rung " + slot.level()
                + (full ? " is complete" : ": waiting for the rest of the rung"));
    }

    /** Writes a result into a slot, then gives NaN to every promotion of a trial the study stopped. */
    private boolean fill(long trialId, SyncBracket.Slot slot, double value) {
        boolean full = fillOne(trialId, slot, value);
        for (SyncBracket.Slot s = stoppedPromotion(); s != null; s = stoppedPromotion()) {
            fillOne(s.trialId(), brackets.get(s.bracketId()).takeFreeSlot(), Double.NaN);
        }
        return full;
    }

    /** The next free slot of an open bracket when it promotes a trial the study stopped, or null. */
    private SyncBracket.Slot stoppedPromotion() {
        for (int b = primary; b < brackets.size(); b++) {
            SyncBracket.Slot s = brackets.get(b).peekFreeSlot();
            if (s != null && s.trialId() != null && stoppedByStudy.contains(s.trialId())) {
                return s;
            }
        }
        return null;
    }

    private boolean fillOne(long trialId, SyncBracket.Slot slot, double value) {
        pending.remove(trialId);
        SyncBracket bracket = brackets.get(slot.bracketId());
        boolean full;
        if (evolution != null && configs.containsKey(trialId)) {
            DifferentialEvolution.Member kept = evolution.onResult(slot, trialId, configs.get(trialId), value);
            full = bracket.onResult(slot, kept.trialId(), kept.value());
        } else {
            full = bracket.onResult(slot, trialId, value);
        }
        if (slot.bracketId() == primary) {
            while (bracket.complete() && primary < brackets.size() - 1) {
                bracket = brackets.get(++primary);
            }
            if (bracket.complete()) {
                newBracket();
                primary = brackets.size() - 1;
            }
        }
        return full;
    }

    @Override
    public void onComplete(long trialId, Map<String, Double> metrics) {
        searcher.onComplete(trialId, metrics);
        SyncBracket.Slot slot = pending.get(trialId);
        if (slot != null) {
            Double v = metrics.getOrDefault(metric, lastValue.get(trialId));
            fill(trialId, slot, v == null ? Double.NaN : v);
        }
    }

    @Override
    public void onFailure(long trialId) {
        searcher.onFailure(trialId);
        SyncBracket.Slot slot = pending.get(trialId);
        if (slot != null) {
            fill(trialId, slot, Double.NaN);
        }
    }

    @Override
    public boolean pausesTrials() {
        return true;
    }

    /** The promotion the next job is, when it is one. */
    @Override
    public Optional<Suggestion.Resume> suggestResume() {
        SyncBracket.Slot job = peekJob();
        if (job.trialId() == null
                || waitForRungs && job.bracketId() != primary
                || evolution != null && job.bracketId() > 0) {
            return Optional.empty();
        }
        return Optional.of(new Suggestion.Resume(
                job.trialId(), ResourceTarget.with(configs.get(job.trialId()), maxAttr, job.level())));
    }

    /**
     * Stopped by the study before it reached its slot's level: the slot gets NaN, which ranks last, so
     * the rung still completes. A trial stopped while paused at a rung has no slot; if the rung promotes
     * it later, {@link #stoppedByStudy} makes that promotion's ask skip it.
     */
    @Override
    public void onStoppedByStudy(long trialId) {
        searcher.onRemove(trialId);
        stoppedByStudy.add(trialId);
        SyncBracket.Slot slot = pending.get(trialId);
        if (slot != null) {
            fill(trialId, slot, Double.NaN);
        } else if (stoppedPromotion() != null) {
            SyncBracket.Slot s = stoppedPromotion();
            fill(s.trialId(), brackets.get(s.bracketId()).takeFreeSlot(), Double.NaN);
        }
    }

    /** Paused by an operator: it keeps its slot, so the rung waits for it (or the next bracket runs). */
    @Override
    public void onPausedByStudy(long trialId) {
        searcher.onRemove(trialId);
    }

    /** Only a trial paused by an operator (it holds its slot) can be resumed out of turn. */
    @Override
    public Optional<Map<String, Object>> resumeOnRequest(long trialId, Map<String, Object> config) {
        return pending.containsKey(trialId) ? Optional.of(config) : Optional.empty();
    }
}
