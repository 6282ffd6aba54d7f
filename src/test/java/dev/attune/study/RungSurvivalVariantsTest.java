package dev.attune.study;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The contract suite runs rungSurvival on every scheduler type and model it combines with; this checks
 * that in each of those runs the option reached the searcher and its weight acted: the same study without
 * it, its candidates ranked by the acquisition too, proposes other configs.
 */
class RungSurvivalVariantsTest {
    static final java.util.List<String> VARIANTS = SchedulerContractTest.OPTION_VARIANTS;

    @ParameterizedTest(name = "{0}")
    @FieldSource("VARIANTS")
    void theOptionChangesWhatTheSearcherProposes(String variant) {
        long seed = 1;
        // with the option the candidates are ranked by the acquisition, not a Thompson draw: so is the run without
        String without = variant.replaceAll("rungSurvival=[a-z-]+", "initialScoring=acq_func");
        EngineDriver on = new EngineDriver(SchedulerContractTest.definition(variant, seed), 4, seed).run(400);
        EngineDriver off = new EngineDriver(SchedulerContractTest.definition(without, seed), 4, seed).run(400);
        assertThat(on.configs).hasSizeGreaterThan(10);
        assertThat(on.configs).as("%s against %s", variant, without).isNotEqualTo(off.configs);
    }
}
