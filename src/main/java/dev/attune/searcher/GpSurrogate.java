package dev.attune.searcher;

import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * A GP over observations in arrival order whose hyperparameters are refitted on a schedule and travel in
 * proposals' memos: the joint Matern model ({@link GpModel}) and Syne Tune's resource-kernel models
 * ({@link ResourceGpModel}), as the multi-fidelity searcher uses either.
 */
interface GpSurrogate {
    void add(double[] x, double y);

    /** Replaces observation i (a multi-fidelity searcher's latest-report slot); invalidates cached fits. */
    void replace(int i, double[] x, double y);

    int size();

    List<double[]> inputs();

    /**
     * A fit that the next proposal needs and that is not cached yet, on a snapshot of the data: called under
     * the study's lock, the returned task may run outside it (the proposal then finds the fit cached).
     */
    Optional<Runnable> pendingFit();

    /** The posterior for all current observations, standardized, with fantasies at {@code pending}. */
    GpModel.Posterior posterior(List<double[]> pending, int fantasies, SplittableRandom random);

    /**
     * The memo entry that records the hyperparameters in use: [refit point, θ…] (with Box–Cox targets, the
     * joint model appends λ).
     */
    List<Double> memo();

    /** Takes over the hyperparameters a stored proposal used, to warm-start the next fit from them. */
    void restore(Object memoEntry);

    /**
     * The rule that caps the observations a fit sees. The supplier is called where the data may not change
     * (under the study's lock) and its selector may run outside it, so it must snapshot what it reads.
     */
    void selectRowsWith(Supplier<Subsample.Selector> selector);

    /**
     * The number of leading observations of n that the hyperparameters are fitted on: all of them up to
     * {@code initLength}, then refitted every {@code period} new ones.
     */
    static int refitPoint(int n, int initLength, int period) {
        if (n <= initLength || period <= 1) {
            return n;
        }
        return n - (n - initLength) % period;
    }
}
