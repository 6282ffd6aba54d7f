package dev.attune.searcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RungResultsTest {
    static final SearcherContext.Fidelity EPOCHS = new SearcherContext.Fidelity("epoch", List.of(1L, 3L, 9L));

    final List<String> recorded = new ArrayList<>();

    RungResults.Recorder recorder() {
        return (level, trial, v) -> recorded.add(level + ":" + trial + "=" + v);
    }

    @Test
    void recordsOnlyReportsAtRungLevels() {
        var r = RungResults.atRungLevels("loss", EPOCHS, true, recorder());
        r.onReport(7, Map.of("loss", 0.9, "epoch", 1.0));
        r.onReport(7, Map.of("loss", 0.8, "epoch", 2.0));
        r.onReport(7, Map.of("loss", Double.NaN, "epoch", 3.0));
        r.onComplete(7, Map.of("loss", 0.5, "epoch", 9.0));
        assertThat(recorded).containsExactly("1:7=0.9", "9:7=0.5");
    }

    @Test
    void aFinalResultWithoutTheMetricTakesTheLastReportedValue() {
        var r = RungResults.atRungLevels("loss", null, true, recorder());
        r.onReport(3, Map.of("loss", 0.7));
        r.onReport(3, Map.of("loss", 0.6));
        r.onComplete(3, Map.of());
        r.onComplete(4, Map.of());
        assertThat(recorded).containsExactly("0:3=0.6");
    }

    @Test
    void everyReportRecordsEachFiniteReportAndTheFinalValue() {
        var r = RungResults.everyReport("loss", true, recorder());
        r.onReport(2, Map.of("loss", 0.9, "epoch", 2.0));
        r.onReport(2, Map.of("loss", Double.POSITIVE_INFINITY));
        r.onComplete(2, Map.of("loss", Double.NaN));
        assertThat(recorded).containsExactly("0:2=0.9", "0:2=0.9");
    }
}
