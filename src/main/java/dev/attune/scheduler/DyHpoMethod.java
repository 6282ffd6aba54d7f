package dev.attune.scheduler;

import dev.attune.searcher.GpMultiFidelitySearcher;
import dev.attune.searcher.OptionSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * DyHPO (Syne Tune's baseline {@code DyHPO}): Hyperband of {@code type: dyhpo} with the GP multi-fidelity
 * searcher deciding, for each free worker, whether to resume a paused trial for one more rung or to start
 * a new config (see {@link HyperbandScheduler}'s DyHPO decision and
 * {@link GpMultiFidelitySearcher#choose}).
 *
 * <p>[1] Wistuba, Kadra and Grabocka, Supervising the Multi-Fidelity Race of Hyperparameter Configurations
 * (DyHPO), NeurIPS 2022.
 *
 * <p>Defaults as Syne Tune's baseline: linear rungs r_min + k·ν with {@code rungIncrement} 2 unless
 * {@code reductionFactor} is given, {@code probabilitySh} 0.25, {@code optSkipPeriod} 3, {@code numInitRandom} 6,
 * one bracket.
 */
final class DyHpoMethod {
    private DyHpoMethod() {}

    /** Options that do not apply to DyHPO (one bracket, no speculative checkpoint removal, as in Syne Tune). */
    private static final Set<String> LEFT_OUT = Set.of(
            "brackets",
            "rungSystemPerBracket",
            "maxNumCheckpoints",
            "approxSteps",
            "priorBetaMean",
            "priorBetaSize",
            "minDataAtRung");

    static List<OptionSpec> options() {
        List<OptionSpec> all = new ArrayList<>();
        for (OptionSpec o : HyperbandScheduler.optionsFor(List.of("dyhpo"), 1, Set.of("probabilitySh"))) {
            if (LEFT_OUT.contains(o.name())) {
                continue;
            }
            all.add(
                    switch (o.name()) {
                        case "reductionFactor" ->
                            OptionSpec.number(
                                    "reductionFactor",
                                    null,
                                    2.0,
                                    null,
                                    "η: geometric rungs r_min·η^k instead of the linear ones (none by default)");
                        case "rungIncrement" ->
                            OptionSpec.integer(
                                    "rungIncrement", 2L, 1, "linear rungs r_min + k·ν (DyHPO's default spacing)");
                        default -> o;
                    });
        }
        for (OptionSpec o : GpMultiFidelitySearcher.BO_OPTIONS) {
            all.add(
                    switch (o.name()) {
                        case "optSkipPeriod" ->
                            OptionSpec.integer(
                                    "optSkipPeriod",
                                    3L,
                                    1,
                                    "after optSkipInitLength observations, refit the GP every this many new ones (DyHPO's default 3)");
                        case "maxSizeDataForModel" ->
                            OptionSpec.integer(
                                    "maxSizeDataForModel",
                                    500L,
                                    0,
                                    "observations the model keeps: thinned from the top to one per trial and geometric bucket, then whole trials from the highest level down (Syne Tune's DyHPO cap); 0 keeps all");
                        default -> o;
                    });
        }
        all.addAll(GpMultiFidelitySearcher.DYHPO_MODEL_OPTIONS);
        return List.copyOf(all);
    }

    static Scheduler create(MethodContext c) {
        return new HyperbandScheduler(c, new GpMultiFidelitySearcher(c.multiFidelitySearcherContext()));
    }
}
