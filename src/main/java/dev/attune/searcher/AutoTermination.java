package dev.attune.searcher;

import dev.attune.math.RegretBound;
import dev.attune.math.SeededRandom;
import dev.attune.space.SearchSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Automatic termination of GP Bayesian optimization: after each result, an upper bound on the regret of
 * the best evaluated config (from the GP's confidence bounds, {@link RegretBound}) compared with the
 * statistical error of an evaluation; the study may stop ({@code converged}) once the bound falls below it.
 *
 * <p>[1] Makarova et al., Automatic Termination for Hyperparameter Optimization, AutoML Conference 2022.
 *
 * <p>Implementation note: the paper compares the bound with the standard deviation of the cross-validation
 * estimate of the best config. A study knows no folds, so the threshold is the option {@code
 * autoTerminationThreshold} when given (e.g. that standard deviation, in the metric's units), else the
 * noise standard deviation the GP fitted (the error of one evaluation as the model sees it). The paper's
 * β_t from GP-UCB theory grows with log t and made the bound too conservative to ever stop in our tests; κ =
 * √β is an option (default 2) instead. Computed in {@link #observe}, which the searcher calls while folding
 * a result in, so the series is a fold of the study's log and a replay computes the same one.
 */
public final class AutoTermination {
    public static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.bool(
                    "autoTermination",
                    false,
                    "stop the study (reason: converged) once the GP's regret bound falls below the threshold"
                            + " (Makarova et al., 2022)"),
            OptionSpec.number(
                    "autoTerminationThreshold",
                    null,
                    0.0,
                    null,
                    "the threshold in the metric's units, e.g. the cross-validation standard deviation;"
                            + " default: the noise standard deviation the GP fitted"),
            OptionSpec.number(
                    "autoTerminationKappa",
                    2.0,
                    0.0,
                    null,
                    "κ = √β of the confidence bounds μ ± κσ of the regret bound"),
            OptionSpec.integer("autoTerminationMinTrials", 10L, 2, "results before the criterion is first computed"));

    /** One estimate: after {@code trials} results, the regret bound and the threshold, in the metric's units. */
    public record Point(long trials, double regretBound, double threshold) {
        public boolean converged() {
            return regretBound < threshold;
        }
    }

    private final Double fixedThreshold;
    private final double kappa;
    private final int minTrials;
    private final int candidates;
    private final long seed;
    private final List<Point> series = new ArrayList<>();

    private AutoTermination(Double fixedThreshold, double kappa, int minTrials, int candidates, long seed) {
        this.fixedThreshold = fixedThreshold;
        this.kappa = kappa;
        this.minTrials = minTrials;
        this.candidates = candidates;
        this.seed = seed;
    }

    /** The criterion the options ask for, or null when {@code autoTermination} is off or not an option. */
    static AutoTermination of(Options options, long seed) {
        if (!options.has("autoTermination") || !options.bool("autoTermination")) {
            return null;
        }
        Double threshold = options.has("autoTerminationThreshold") ? options.number("autoTerminationThreshold") : null;
        return new AutoTermination(
                threshold,
                options.number("autoTerminationKappa"),
                (int) options.integer("autoTerminationMinTrials"),
                (int) options.integer("numInitCandidates"),
                seed);
    }

    /** Adds the estimate for the model's current observations (from {@code minTrials} on). */
    void observe(GpModel model, SearchSpace space) {
        int n = model.size();
        if (n < minTrials || space.encodedSize() == 0) {
            return;
        }
        GpModel.Posterior post = model.posterior(List.of(), 0, SeededRandom.of(seed, "auto-termination-post", n));
        SplittableRandom random = SeededRandom.of(seed, "auto-termination", n);
        double[][] sample = new double[candidates][];
        for (int i = 0; i < candidates; i++) {
            sample[i] = space.encode(space.sample(random));
        }
        double bound = RegretBound.of(post.gp(), post.observed(), sample, kappa) * post.scale();
        double threshold = fixedThreshold != null
                ? fixedThreshold
                : Math.sqrt(post.gp().hyperparameters().noise()) * post.scale();
        series.add(new Point(n, bound, threshold));
    }

    /** The estimates so far, oldest first. */
    public List<Point> series() {
        return List.copyOf(series);
    }

    /** Whether the latest estimate says the search has converged. */
    public boolean converged() {
        return !series.isEmpty() && series.getLast().converged();
    }
}
