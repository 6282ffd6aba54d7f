package dev.attune.searcher;

import dev.attune.math.Acquisition;
import dev.attune.math.ExpectedImprovement;
import dev.attune.math.GaussianProcess;
import dev.attune.math.SeededRandom;
import dev.attune.space.SearchSpace;
import dev.attune.trial.Mode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * MOBSTER's searcher (Syne Tune's {@code GPMultiFidelitySearcher}): one GP over (config, resource) fitted
 * to the results at the scheduler's rung levels; a new config maximizes expected improvement at
 * r_acq, the largest level with at least as many results as the config has inputs (else the smallest).
 * The scheduler decides who continues, pauses or stops.
 *
 * <p>[1] Klein et al., Model-based Asynchronous Hyperparameter and Neural Architecture Search, 2020.
 *
 * <p>Implementation note: the kernel is a Matern 5/2 ARD over the encoded config and the level scaled
 * linearly to [0, 1] (Syne Tune's {@code gp_resource_kernel="matern52"}); Syne Tune's default, the
 * exp-decay-sum kernel, is not implemented. Running trials are pending at their next level and fantasized.
 * Above {@code maxSizeDataForModel} results, the best fraction plus a random sample is kept, by value
 * rather than by how far the trial got.
 */
public final class GpMultiFidelitySearcher implements Searcher {
    private final SearchSpace space;
    private final long seed;
    private final String metric;
    private final boolean maximize;
    private final SearcherContext.Fidelity fidelity;
    private final Options options;
    private final RandomSearcher random;
    private final AcquisitionOptimizer optimizer;
    private final GpModel model;
    private final Map<Long, Map<String, Object>> configs = new HashMap<>();
    /** The last level recorded per running trial; its next level is pending. */
    private final Map<Long, Long> running = new LinkedHashMap<>();

    private final Map<Long, Integer> countAtLevel = new HashMap<>();
    private int added;

    public GpMultiFidelitySearcher(SearcherContext context) {
        this.space = context.space();
        this.seed = context.seed();
        this.metric = context.metrics().getFirst().name();
        this.maximize = context.metrics().getFirst().mode() == Mode.MAX;
        this.fidelity = java.util.Objects.requireNonNull(context.fidelity(), "a multi-fidelity scheduler");
        this.options = context.options();
        this.random = new RandomSearcher(context);
        this.optimizer = new AcquisitionOptimizer(
                space,
                (int) options.integer("numInitCandidates"),
                options.string("initialScoring").equalsIgnoreCase("thompson_indep"),
                options.bool("skipLocalOptimization"));
        this.model = new GpModel(
                "mf",
                new GpModel.Settings(
                        options.string("gpBaseKernel").equalsIgnoreCase("matern52-ard"),
                        (int) options.integer("optNstarts"),
                        (int) options.integer("optMaxiter"),
                        (int) options.integer("maxSizeDataForModel"),
                        options.number("maxSizeTopFraction"),
                        (int) options.integer("optSkipInitLength"),
                        (int) options.integer("optSkipPeriod"),
                        (int) options.integer("maxSizeDataForFit"),
                        seed));
    }

    private double scaled(long level) {
        return (double) level / fidelity.max();
    }

    private double[] input(Map<String, Object> config, long level) {
        double[] x = space.encode(config);
        double[] full = Arrays.copyOf(x, x.length + 1);
        full[x.length] = scaled(level);
        return full;
    }

    /** Syne Tune's resource_acq "bohb": the largest level with at least d results, else the smallest. */
    long acquisitionLevel() {
        long chosen = fidelity.levels().getFirst();
        for (long level : fidelity.levels()) {
            if (countAtLevel.getOrDefault(level, 0) >= Math.max(1, space.encodedSize())) {
                chosen = level;
            }
        }
        return chosen;
    }

    @Override
    public Optional<Runnable> pendingWork() {
        return model.pendingFit();
    }

    @Override
    public Optional<Proposal> propose(long trialId) {
        Optional<Proposal> fallback = random.propose(trialId);
        if (fallback.isEmpty()
                || fallback.get().memo().get(InitialConfigs.KEY) instanceof Number
                || added < options.integer("numInitRandom")
                || model.size() == 0
                || space.encodedSize() == 0) {
            return fallback;
        }
        List<double[]> pending = new ArrayList<>();
        if (!options.bool("noFantasizing")) {
            running.forEach((id, last) -> next(last).ifPresent(level -> pending.add(input(configs.get(id), level))));
        }
        GpModel.Posterior post = model.posterior(
                pending, (int) options.integer("numFantasySamples"), SeededRandom.of(seed, "mf-fantasy", trialId));
        long level = acquisitionLevel();
        double r = scaled(level);
        double[] best = incumbents(post.gp(), r);
        Acquisition acquisition = new ExpectedImprovement(post.gp(), best).withLastInput(r);
        Optional<Map<String, Object>> config = optimizer.optimize(
                acquisition,
                x -> {
                    double[] full = Arrays.copyOf(x, x.length + 1);
                    full[x.length] = r;
                    return post.gp().predict(full);
                },
                SeededRandom.of(seed, "mf-candidates", trialId),
                random::excludes);
        return config.map(c -> new Proposal(c, Map.of("gp", model.memo(), "acquisitionLevel", level)))
                .or(() -> fallback);
    }

    /** Per target vector, the lowest posterior mean at level r over every config with a result. */
    private double[] incumbents(GaussianProcess gp, double r) {
        double[] best = new double[gp.targets()];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        for (double[] observed : model.inputs()) {
            double[] x = observed.clone();
            x[x.length - 1] = r;
            double[] means = gp.predict(x).means();
            for (int s = 0; s < best.length; s++) {
                best[s] = Math.min(best[s], means[s]);
            }
        }
        return best;
    }

    private Optional<Long> next(long last) {
        return fidelity.levels().stream().filter(l -> l > last).findFirst();
    }

    @Override
    public void onTrialAdded(long trialId, Map<String, Object> config, Map<String, Object> memo) {
        random.onTrialAdded(trialId, config, memo);
        configs.put(trialId, config);
        running.put(trialId, 0L);
        added++;
        model.restore(memo.get("gp"));
    }

    @Override
    public void onReport(long trialId, Map<String, Double> metrics) {
        Double v = metrics.get(metric);
        Double level = metrics.get(fidelity.attr());
        Map<String, Object> config = configs.get(trialId);
        if (v == null || level == null || config == null) {
            return;
        }
        long r = level.longValue();
        if (!fidelity.levels().contains(r)) {
            return;
        }
        if (running.containsKey(trialId)) {
            running.put(trialId, r);
        }
        model.add(input(config, r), maximize ? -v : v);
        countAtLevel.merge(r, 1, Integer::sum);
    }

    @Override
    public void onComplete(long trialId, Map<String, Double> metrics) {
        running.remove(trialId);
    }

    @Override
    public void onFailure(long trialId) {
        running.remove(trialId);
    }

    @Override
    public void onRemove(long trialId) {
        running.remove(trialId);
    }
}
