package dev.attune.scheduler;

import dev.attune.math.SeededRandom;
import dev.attune.searcher.OptionSpec;
import dev.attune.searcher.Options;
import dev.attune.searcher.Proposal;
import dev.attune.searcher.Searcher;
import dev.attune.space.ChoiceDomain;
import dev.attune.space.Domain;
import dev.attune.space.FloatDomain;
import dev.attune.space.IntDomain;
import dev.attune.space.SearchSpace;
import dev.attune.trial.Mode;
import dev.attune.trial.Verdict;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Population-based training (Syne Tune's {@code PopulationBasedTraining}): every
 * {@code perturbationInterval} of resource, a trial in the bottom quantile of the population is stopped
 * and replaced by a new trial that starts from the checkpoint of a top-quantile trial, with that trial's
 * config perturbed.
 *
 * <p>[1] Jaderberg et al., Population Based Training of Neural Networks, arXiv:1711.09846, 2017.
 *
 * <p>Implementation notes. As in Syne Tune v0.13, the bottom trial is answered STOP and the replacement
 * is a new trial id whose {@code checkpointTrialId} names the source. Explore: each parameter is
 * resampled with {@code resampleProbability} (categoricals always); otherwise reals and integers are
 * multiplied by 0.8 or 1.2 and clipped, ordered finite values move to a neighbour. The clone and the
 * perturbation are drawn from (seed, trial id, level), so replay repeats them. Once
 * {@code populationSize} trials are alive, an ask waits for the next exploit step rather than growing
 * the population.
 */
public final class PbtScheduler implements Scheduler {
    public static List<OptionSpec> options() {
        return List.of(
                OptionSpec.integer("populationSize", 4L, 1, "trials alive at once"),
                OptionSpec.number(
                        "perturbationInterval", 60.0, 1e-9, null, "resource between two exploit steps of a trial"),
                OptionSpec.number(
                        "quantileFraction",
                        0.25,
                        0.0,
                        0.5,
                        "bottom and top fraction of the population; 0 disables exploit"),
                OptionSpec.number(
                        "resampleProbability",
                        0.25,
                        0.0,
                        1.0,
                        "probability that explore resamples a value instead of perturbing it"));
    }

    private static final class State {
        Double lastScore;
        double lastPerturbation;
        boolean stopped;
        Map<String, Object> config;
    }

    private record Replacement(long sourceTrialId, Map<String, Object> config) {}

    private final Searcher searcher;
    private final SearchSpace space;
    private final String attr;
    private final String metric;
    private final String maxAttr;
    private final boolean maximize;
    private final long maxT;
    private final long seed;
    private final long populationSize;
    private final double interval;
    private final double quantileFraction;
    private final double resampleProbability;
    private final Map<Long, State> trials = new LinkedHashMap<>();
    private final Deque<Replacement> replacements = new ArrayDeque<>();

    public PbtScheduler(MethodContext context, Searcher searcher) {
        Options o = context.options();
        this.searcher = searcher;
        this.space = context.space();
        this.attr = context.resource().attr();
        this.metric = context.metric().name();
        this.maxAttr = context.resource().maxAttr();
        this.maximize = context.metric().mode() == Mode.MAX;
        this.maxT = HyperbandScheduler.maxResource(context);
        this.seed = context.seed();
        this.populationSize = o.integer("populationSize");
        this.interval = o.number("perturbationInterval");
        this.quantileFraction = o.number("quantileFraction");
        this.resampleProbability = o.number("resampleProbability");
    }

    @Override
    public Suggestion suggest(long nextTrialId) {
        Replacement r = replacements.peek();
        if (r != null) {
            return new Suggestion.Start(r.config(), r.sourceTrialId(), Map.of("replaces", true));
        }
        long alive = trials.values().stream().filter(s -> !s.stopped).count();
        if (alive >= populationSize) {
            return new Suggestion.Wait(
                    "the population of " + populationSize + " is complete; waiting for an exploit step");
        }
        Optional<Proposal> p = searcher.propose(nextTrialId);
        return p.<Suggestion>map(x -> new Suggestion.Start(x.config(), null, x.memo()))
                .orElseGet(() -> new Suggestion.Exhausted("the search space is exhausted"));
    }

    @Override
    public void onTrialAdded(long trialId, Map<String, Object> config, Map<String, Object> memo) {
        searcher.onTrialAdded(trialId, config, memo);
        if (Boolean.TRUE.equals(memo.get("replaces"))) {
            replacements.pop();
        }
        State s = new State();
        s.config = config;
        trials.put(trialId, s);
    }

    @Override
    public Verdict onReport(long trialId, Map<String, Double> metrics) {
        State state = trials.get(trialId);
        Double value = metrics.get(metric);
        Double level = metrics.get(attr);
        if (state == null || state.stopped || value == null || level == null) {
            return Verdict.proceed();
        }
        searcher.onReport(trialId, metrics);
        if (level >= maxT) {
            state.stopped = true;
            return Verdict.complete("reached the maximum resource " + maxT);
        }
        if (level - state.lastPerturbation < interval) {
            return Verdict.proceed();
        }
        state.lastScore = maximize ? value : -value;
        state.lastPerturbation = level;
        List<Long> ranked = new ArrayList<>();
        trials.forEach((id, s) -> {
            if (!s.stopped && s.lastScore != null) {
                ranked.add(id);
            }
        });
        if (ranked.size() <= 1) {
            return Verdict.proceed();
        }
        ranked.sort((a, b) -> Double.compare(trials.get(a).lastScore, trials.get(b).lastScore));
        int n = ranked.size();
        int q = (int) Math.min(Math.ceil(n * quantileFraction), Math.floor(n / 2.0));
        List<Long> lower = ranked.subList(0, q);
        List<Long> upper = ranked.subList(n - q, n);
        if (!lower.contains(trialId)) {
            return Verdict.proceed();
        }
        SplittableRandom random = SeededRandom.of(seed, "pbt", trialId, level.longValue());
        long source = upper.get(random.nextInt(upper.size()));
        state.stopped = true;
        replacements.push(new Replacement(source, explore(trials.get(source).config, random)));
        return Verdict.stop(String.format(
                Locale.ROOT,
                "bottom %d of %d at level %s: replaced by a copy of trial %d",
                q,
                n,
                level.longValue() == level ? Long.toString(level.longValue()) : level.toString(),
                source));
    }

    /** Perturbs a config within the space (Syne Tune's explore step). */
    Map<String, Object> explore(Map<String, Object> config, SplittableRandom random) {
        Map<String, Object> next = new LinkedHashMap<>(config);
        space.entries().forEach((name, domain) -> {
            if (domain.isConstant() || name.equals(maxAttr)) {
                return;
            }
            if (domain instanceof ChoiceDomain || random.nextDouble() < resampleProbability) {
                next.put(name, domain.sample(random));
                return;
            }
            next.put(name, perturb(domain, config.get(name), random.nextDouble() > 0.5 ? 1.2 : 0.8, random));
        });
        return next;
    }

    private static Object perturb(Domain domain, Object value, double factor, SplittableRandom random) {
        return switch (domain) {
            case FloatDomain f ->
                f.quantize(Math.min(f.upper(), Math.max(f.lower(), ((Number) value).doubleValue() * factor)));
            case IntDomain i ->
                i.quantize(
                        Math.min(i.upper(), Math.max(i.lower(), Math.round(((Number) value).doubleValue() * factor))));
            default -> {
                List<Object> values = domain.values();
                int at = 0;
                for (int k = 0; k < values.size(); k++) {
                    if (domain.matchString(values.get(k)).equals(domain.matchString(value))) {
                        at = k;
                    }
                }
                int moved = Math.max(0, Math.min(values.size() - 1, at + (factor > 1 ? 1 : -1)));
                yield values.get(moved);
            }
        };
    }

    @Override
    public void onComplete(long trialId, Map<String, Double> metrics) {
        searcher.onComplete(trialId, metrics);
        end(trialId);
    }

    @Override
    public void onFailure(long trialId) {
        searcher.onFailure(trialId);
        end(trialId);
    }

    @Override
    public void onStoppedByStudy(long trialId) {
        searcher.onRemove(trialId);
        end(trialId);
    }

    /** Paused by an operator: out of the population (a new trial may take its place) until resumed. */
    @Override
    public void onPausedByStudy(long trialId) {
        searcher.onRemove(trialId);
        end(trialId);
    }

    @Override
    public void onTrialResumed(long trialId, Map<String, Object> config) {
        State s = trials.get(trialId);
        if (s != null) {
            s.stopped = false;
        }
    }

    private void end(long trialId) {
        State s = trials.get(trialId);
        if (s != null) {
            s.stopped = true;
        }
    }

    /** Trials ended by exploit, for tests: id to the trial that replaced it is not tracked, only the count. */
    int alive() {
        return (int) trials.values().stream().filter(s -> !s.stopped).count();
    }

    Map<Long, Boolean> stoppedFlags() {
        Map<Long, Boolean> m = new HashMap<>();
        trials.forEach((id, s) -> m.put(id, s.stopped));
        return m;
    }
}
