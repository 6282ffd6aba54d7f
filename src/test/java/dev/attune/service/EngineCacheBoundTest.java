package dev.attune.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.study.Views;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** A replica keeps at most attune.max-cached-studies aggregates; an evicted study is rebuilt from its log. */
@SpringBootTest(
        properties = {
            "spring.datasource.url=jdbc:h2:mem:cachebound;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
            "attune.max-cached-studies=2"
        })
class EngineCacheBoundTest {
    @Autowired
    StudyService studies;

    @Autowired
    TrialService trials;

    @Autowired
    EngineCache engines;

    @Autowired
    MeterRegistry meters;

    @Test
    void theLeastRecentlyUsedStudyIsEvictedAndRebuiltFromItsLogOnItsNextWrite() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("space", Map.of("x", Map.of("type", "uniform", "lower", 0, "upper", 1)));
            d.put("metrics", List.of(Map.of("name", "loss")));
            d.put("seed", 5);
            String id = studies.create(d).id();
            ids.add(id);
            Views.Ask first = trials.ask(id, "w");
            trials.report(id, first.trial().id(), Map.of("metrics", Map.of("loss", 0.5), "step", 1));
        }
        assertThat(engines.size()).as("three studies, room for two").isEqualTo(2);
        double rebuilds = meters.get("attune.engine.rebuilds").counter().count();

        // The first study was evicted: its next write rebuilds it from the log and goes on where it was.
        Views.Ask second = trials.ask(ids.getFirst(), "w");
        assertThat(second.trial().id()).isEqualTo(1);
        assertThat(meters.get("attune.engine.rebuilds").counter().count()).isEqualTo(rebuilds + 1);
        assertThat(engines.size()).isEqualTo(2);
        // The most recently used one stayed: no rebuild.
        trials.ask(ids.getLast(), "w");
        assertThat(meters.get("attune.engine.rebuilds").counter().count()).isEqualTo(rebuilds + 1);
    }
}
