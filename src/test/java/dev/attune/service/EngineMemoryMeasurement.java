package dev.attune.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.store.StudyRepository;
import dev.attune.store.StudyRow;
import dev.attune.study.EventCodec;
import dev.attune.study.Study;
import dev.attune.study.StudyDefinition;
import dev.attune.study.StudyEvent;
import dev.attune.support.PostgresSupport;
import dev.attune.trial.Decision;
import dev.attune.trial.TrialStatus;
import dev.attune.trial.Verdict;
import java.lang.management.ManagementFactory;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Not a test of the suite (its name does not end in Test): the measurement behind ADR 0007. It prints
 * (1) the heap an aggregate retains, for small ASHA studies and for one of {@code -Dtrials} (100,000) trials
 * with a few reports each, built in plain Java and measured as used heap after full GCs; (2) the time and
 * allocation of rebuilding that study from its log on PostgreSQL ({@link EngineCache#current} with nothing
 * cached), its events written to {@code study_event} directly. Run:
 *
 * <pre>
 * TEST_PG_URL=jdbc:postgresql://127.0.0.1:5432/attune_memory TEST_PG_USER=postgres \
 *   mvn -o -B -q test -Dtest=EngineMemoryMeasurement -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@SpringBootTest(properties = "attune.max-cached-studies=100")
@EnabledIf("dev.attune.support.PostgresSupport#external")
class EngineMemoryMeasurement {
    static final int TRIALS = Integer.getInteger("trials", 100_000);
    static final int SMALL_STUDIES = Integer.getInteger("smallStudies", 200);
    static final int SMALL_TRIALS = Integer.getInteger("smallTrials", 50);

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        PostgresSupport.register(registry);
    }

    @Autowired
    StudyService service;

    @Autowired
    StudyRepository studies;

    @Autowired
    EngineCache engines;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    JsonCodec json;

    /** An ASHA study over two parameters with 9 epochs; a trial's curve is (x - 0.3)² + 1 / epoch. */
    static Map<String, Object> asha(int trials) {
        Map<String, Object> space = new LinkedHashMap<>();
        space.put("x", Map.of("type", "uniform", "lower", 0, "upper", 1));
        space.put("act", Map.of("type", "choice", "categories", List.of("relu", "tanh")));
        space.put("epochs", 9);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", "memory");
        d.put("space", space);
        d.put("metrics", List.of(Map.of("name", "loss", "mode", "min")));
        d.put("method", "ASHA");
        d.put("resource", Map.of("attr", "epoch", "maxAttr", "epochs"));
        d.put("seed", 7);
        d.put("stoppingCriterion", Map.of("maxNumTrialsStarted", trials));
        return d;
    }

    record Built(Study study, List<StudyEvent> events, long reports) {}

    /** Runs the study's trials one after another as one worker would, keeping the events it records. */
    static Built run(Study study, int trials, boolean keepEvents) {
        List<StudyEvent> events = new ArrayList<>();
        Instant now = Instant.parse("2026-11-30T00:00:00Z");
        long reports = 0;
        for (int t = 0; t < trials; t++) {
            Study.Outcome<Study.Ask> ask = study.ask("worker-" + (t % 8), now);
            if (keepEvents) {
                events.addAll(ask.events());
            }
            if (!(ask.answer() instanceof Study.Ask.Run run)) {
                break;
            }
            double x = ((Number) run.config().get("x")).doubleValue();
            Decision decision = Decision.CONTINUE;
            for (int epoch = 1; epoch <= 9 && decision == Decision.CONTINUE; epoch++) {
                Study.Outcome<Verdict> r = study.report(
                        run.trialId(),
                        Map.of("epoch", (double) epoch, "loss", (x - 0.3) * (x - 0.3) + 1.0 / epoch),
                        null,
                        now,
                        (trial, level) -> Optional.empty());
                reports++;
                if (keepEvents) {
                    events.addAll(r.events());
                }
                decision = r.answer().decision();
            }
            if (decision == Decision.CONTINUE) {
                Study.Outcome<TrialStatus> c = study.complete(run.trialId(), Map.of(), now);
                if (keepEvents) {
                    events.addAll(c.events());
                }
            }
            now = now.plusMillis(10);
        }
        return new Built(study, events, reports);
    }

    static long usedAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(
                    used,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    static long cpuNanos() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void measure() throws Exception {
        StudyRow row = studies.findById(service.create(asha(TRIALS)).id()).orElseThrow();
        StudyDefinition definition = engines.definition(row);
        StudyDefinition small = engines.definition(
                studies.findById(service.create(asha(SMALL_TRIALS)).id()).orElseThrow());

        // (a) small studies, retained heap per aggregate.
        long h0 = usedAfterGc();
        List<Study> smalls = new ArrayList<>();
        long smallEvents = 0;
        for (int i = 0; i < SMALL_STUDIES; i++) {
            Study s = run(Study.create("small-" + i, small, row.getCreatedAt()), SMALL_TRIALS, false)
                    .study();
            smalls.add(s);
            smallEvents += s.seq();
        }
        long h1 = usedAfterGc();
        double perSmall = (h1 - h0) / (double) SMALL_STUDIES;
        System.out.printf(
                Locale.ROOT,
                "MEASURE small: %d studies x %d trials (%.0f events each): %.1f KiB retained per aggregate%n",
                SMALL_STUDIES,
                SMALL_TRIALS,
                smallEvents / (double) SMALL_STUDIES,
                perSmall / 1024);

        // (b) the big study: built once (keeping its events), then replayed into a second aggregate.
        long c0 = cpuNanos();
        Built big = run(Study.create(row.getId(), definition, row.getCreatedAt()), TRIALS, true);
        double buildCpu = (cpuNanos() - c0) / 1e9;
        long h2 = usedAfterGc();
        c0 = cpuNanos();
        Study replayed = Study.replay(row.getId(), definition, row.getCreatedAt(), big.events());
        double replayCpu = (cpuNanos() - c0) / 1e9;
        long h3 = usedAfterGc();
        long perBig = h3 - h2;
        System.out.printf(
                Locale.ROOT,
                "MEASURE big: %d trials, %d reports, %d events; built in %.2f s CPU; replayed in memory in %.2f s CPU;"
                        + " %.1f MiB retained by the aggregate (%.0f B per trial, %.0f B per event)%n",
                replayed.nextTrialId(),
                big.reports(),
                big.events().size(),
                buildCpu,
                replayCpu,
                perBig / 1048576.0,
                perBig / (double) replayed.nextTrialId(),
                perBig / (double) big.events().size());
        assertThat(replayed.seq()).isEqualTo(big.study().seq());

        // (c) the big study's log on PostgreSQL, rebuilt by EngineCache.current with nothing cached.
        long w0 = System.nanoTime();
        List<Object[]> batch = new ArrayList<>();
        for (StudyEvent e : big.events()) {
            EventCodec.Stored s = EventCodec.encode(e);
            batch.add(new Object[] {
                row.getId(),
                s.seq(),
                s.type().name(),
                s.trialId(),
                json.write(s.payload()),
                Timestamp.from(row.getCreatedAt()),
                "measure"
            });
            if (batch.size() == 5000) {
                insert(batch);
            }
        }
        insert(batch);
        jdbc.update("update study set last_seq = ? where id = ?", big.study().seq(), row.getId());
        System.out.printf(
                Locale.ROOT,
                "MEASURE wrote %d events to study_event in %.1f s%n",
                big.events().size(),
                (System.nanoTime() - w0) / 1e9);
        long expectedSeq = big.study().seq();
        long expectedCompleted = big.study().count(TrialStatus.COMPLETED);
        big = null;
        smalls.clear();
        jdbc.execute("analyze study_event");
        for (int round = 0; round < 3; round++) {
            long[] out = new long[3];
            tx.executeWithoutResult(s -> {
                StudyRow locked = studies.lock(row.getId()).orElseThrow();
                engines.evict(row.getId());
                long t0 = System.nanoTime();
                long cpu = cpuNanos();
                long a = allocated();
                Study rebuilt = engines.current(locked);
                out[0] = System.nanoTime() - t0;
                out[1] = cpuNanos() - cpu;
                out[2] = allocated() - a;
                assertThat(rebuilt.seq()).isEqualTo(expectedSeq);
                assertThat(rebuilt.count(TrialStatus.COMPLETED)).isEqualTo(expectedCompleted);
            });
            System.out.printf(
                    Locale.ROOT,
                    "MEASURE rebuild from PostgreSQL, round %d: %.2f s wall, %.2f s CPU of the rebuilding thread,"
                            + " %.0f MiB allocated%n",
                    round + 1,
                    out[0] / 1e9,
                    out[1] / 1e9,
                    out[2] / 1048576.0);
        }
        jdbc.update("delete from study where id = ?", row.getId());
    }

    private void insert(List<Object[]> batch) {
        jdbc.batchUpdate(
                "insert into study_event (study_id, seq, type, trial_id, payload, created_at, actor)"
                        + " values (?, ?, ?, ?, ?, ?, ?)",
                batch);
        batch.clear();
    }
}
