package dev.attune.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.store.StudyRepository;
import dev.attune.store.StudyRow;
import dev.attune.study.Study;
import dev.attune.study.Views;
import dev.attune.trial.Verdict;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The cache's two bounds with thousands of studies: after every write the cached aggregates number at
 * most {@code attune.max-cached-studies} and weigh at most {@code attune.max-cached-events}; ASHA studies
 * evicted again and again between their writes and rebuilt from the log hand out the same trials and make
 * the same decisions as an aggregate that was never evicted.
 */
@SpringBootTest(
        properties = {
            "spring.datasource.url=jdbc:h2:mem:cacheweight;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
            "attune.max-cached-studies=300",
            "attune.max-cached-events=400"
        })
class EngineCacheWeightTest {
    static final int FILLER_STUDIES = 2000;
    static final int TRACKED = 4;

    @Autowired
    StudyService studies;

    @Autowired
    TrialService trials;

    @Autowired
    EngineCache engines;

    @Autowired
    StudyRepository rows;

    @Autowired
    MeterRegistry meters;

    static Map<String, Object> asha(long seed) {
        Map<String, Object> space = new LinkedHashMap<>();
        space.put("x", Map.of("type", "uniform", "lower", 0, "upper", 1));
        space.put("act", Map.of("type", "choice", "categories", List.of("relu", "tanh")));
        space.put("epochs", 9);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("space", space);
        d.put("metrics", List.of(Map.of("name", "loss", "mode", "min")));
        d.put("method", "ASHA");
        d.put("resource", Map.of("attr", "epoch", "maxAttr", "epochs"));
        d.put("seed", seed);
        return d;
    }

    private void assertWithinBounds() {
        assertThat(engines.size()).isLessThanOrEqualTo(300);
        assertThat(engines.weight()).isLessThanOrEqualTo(400);
    }

    @Test
    void thousandsOfStudiesStayWithinBothBoundsAndEvictedStudiesDecideAsIfNeverEvicted() {
        List<String> tracked = new ArrayList<>();
        List<Study> reference = new ArrayList<>();
        for (int k = 0; k < TRACKED; k++) {
            String id = studies.create(asha(11 + k)).id();
            StudyRow row = rows.findById(id).orElseThrow();
            tracked.add(id);
            reference.add(Study.create(id, engines.definition(row), row.getCreatedAt()));
        }
        double evictions0 = meters.get("attune.engine.evictions").counter().count();
        double rebuilds0 = meters.get("attune.engine.rebuilds").counter().count();
        SplittableRandom random = new SplittableRandom(5);
        Instant now = Instant.now();
        int decisions = 0;
        for (int i = 0; i < FILLER_STUDIES; i++) {
            // A small study: created, one trial asked and reported (three events).
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("space", Map.of("x", Map.of("type", "uniform", "lower", 0, "upper", 1)));
            d.put("metrics", List.of(Map.of("name", "loss")));
            String filler = studies.create(d).id();
            Views.Ask a = trials.ask(filler, "w");
            trials.report(filler, a.trial().id(), Map.of("metrics", Map.of("loss", 0.5)));
            assertWithinBounds();

            // Every tenth filler, one step of one tracked study, also done on a never-evicted aggregate.
            if (i % 10 == 0) {
                int k = random.nextInt(TRACKED);
                String id = tracked.get(k);
                Study ref = reference.get(k);
                Views.Ask ask = trials.ask(id, "w");
                Study.Ask refAsk = ref.ask("w", now).answer();
                assertWithinBounds();
                assertThat(ask.status()).isEqualTo("RUN");
                Study.Ask.Run run = (Study.Ask.Run) refAsk;
                assertThat(ask.trial().id()).isEqualTo(run.trialId());
                double x = ((Number) ask.trial().config().get("x")).doubleValue();
                assertThat(x).isEqualTo(((Number) run.config().get("x")).doubleValue());
                assertThat(ask.trial().config().get("act"))
                        .isEqualTo(run.config().get("act"));
                for (int epoch = 1; epoch <= 9; epoch++) {
                    double loss = (x - 0.3) * (x - 0.3) + 1.0 / epoch + random.nextDouble(0.05);
                    Map<String, Double> metrics = Map.of("epoch", (double) epoch, "loss", loss);
                    Views.Decision got = trials.report(id, run.trialId(), Map.of("metrics", metrics));
                    Verdict want = ref.report(run.trialId(), metrics, null, now, (t, l) -> Optional.empty())
                            .answer();
                    assertWithinBounds();
                    assertThat(got.decision()).isEqualTo(want.decision().name());
                    decisions++;
                    if (!got.decision().equals("CONTINUE")) {
                        break;
                    }
                }
            }
        }
        assertThat(decisions).isGreaterThanOrEqualTo(200);
        // The weight bound, not the count, was the one that bit: far fewer than 300 studies fit in 400 events.
        assertThat(engines.size()).isLessThan(300);
        assertThat(meters.get("attune.engine.evictions").counter().count() - evictions0)
                .isGreaterThan(FILLER_STUDIES - 300);
        assertThat(meters.get("attune.engine.rebuilds").counter().count() - rebuilds0)
                .isGreaterThan(FILLER_STUDIES);
        assertThat(meters.get("attune.engine.cache.events").gauge().value()).isEqualTo((double) engines.weight());
    }

    @Test
    void aStudyHeavierThanTheBoundAloneIsKeptWhileInUseAndDroppedForTheNext() {
        String big = studies.create(asha(3)).id();
        for (int t = 0; t < 150; t++) {
            Views.Ask a = trials.ask(big, "w");
            for (int epoch = 1; epoch <= 9; epoch++) {
                Views.Decision d = trials.report(
                        big, a.trial().id(), Map.of("metrics", Map.of("epoch", epoch, "loss", 1.0 / (t + epoch))));
                if (!d.decision().equals("CONTINUE")) {
                    break;
                }
            }
        }
        // Its log is over the bound of 400 events by now: it is the only aggregate cached.
        trials.ask(big, "w");
        assertThat(engines.size()).isEqualTo(1);
        assertThat(engines.weight()).isGreaterThan(400);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("space", Map.of("x", Map.of("type", "uniform", "lower", 0, "upper", 1)));
        d.put("metrics", List.of(Map.of("name", "loss")));
        String small = studies.create(d).id();
        trials.ask(small, "w");
        assertWithinBounds();
        assertThat(engines.size()).isEqualTo(1);
        // The big one is rebuilt at its next write and goes on where it was.
        Views.Ask next = trials.ask(big, "w");
        assertThat(next.status()).isEqualTo("RUN");
        assertThat(next.trial().id()).isEqualTo(151);
    }
}
