package dev.attune.study;

import dev.attune.math.SeededRandom;
import dev.attune.trial.Decision;
import dev.attune.trial.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Drives a {@link Study} through the same commands the service runs (ask, report, complete, fail) with
 * simulated workers, learning curves and a simulated clock, recording the event log and every ask's
 * outcome. The service without a database, for contract and replay tests.
 */
final class EngineDriver {
    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    final Study engine;
    final List<StudyEvent> log = new ArrayList<>();
    /** The outcome of the ask made when the log had this many events. */
    final Map<Integer, Study.Outcome<Study.Ask>> suggestions = new LinkedHashMap<>();

    private final Map<Integer, Instant> askTimes = new HashMap<>();

    final List<Map<String, Object>> configs = new ArrayList<>();
    private final Map<Long, Integer> epoch = new HashMap<>();
    private final Map<Long, Map<String, Object>> running = new LinkedHashMap<>();
    private final int workers;
    private final long maxEpoch;
    private final SplittableRandom random;
    private long tick;

    EngineDriver(StudyDefinition definition, int workers, long seed) {
        this.engine = Study.create("driven", definition, START);
        this.workers = workers;
        this.maxEpoch =
                definition.resource() == null ? 3 : definition.resource().max();
        this.random = new SplittableRandom(seed);
    }

    /** The simulated clock: one second per command. */
    Instant now() {
        return START.plusSeconds(tick++);
    }

    /** When the ask made with this many events in the log was made. */
    Instant askedAt(int logSize) {
        return askTimes.get(logSize);
    }

    private <A> A record(Study.Outcome<A> outcome) {
        log.addAll(outcome.events());
        return outcome.answer();
    }

    /** Loss of a config at an epoch: a smooth function of the encoded config that falls with the epoch. */
    double loss(Map<String, Object> config, int e) {
        double[] x = engine.definition().space().encode(config);
        double v = 0;
        for (double xi : x) {
            v += (xi - 0.3) * (xi - 0.3);
        }
        return v + 1.0 / e;
    }

    boolean ask() {
        int before = log.size();
        Instant at = now();
        Study.Outcome<Study.Ask> outcome = engine.ask("driver", at);
        suggestions.put(before, outcome);
        askTimes.put(before, at);
        if (!(record(outcome) instanceof Study.Ask.Run run)) {
            return false;
        }
        running.put(run.trialId(), run.config());
        if (!run.resumed()) {
            epoch.put(run.trialId(), 0);
            configs.add(run.config());
        }
        return true;
    }

    void report(long id) {
        int e = epoch.merge(id, 1, Integer::sum);
        Map<String, Object> config = running.get(id);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("epoch", (double) e);
        metrics.put("loss", loss(config, e));
        double[] encoded = engine.definition().space().encode(config);
        metrics.put("constraint", encoded[0] - 0.6); // for constrained methods: feasible on part of the space
        metrics.put("constraint2", 0.2 - encoded[0]); // with it, feasible on 0.2 ≤ x₀ ≤ 0.6 only
        metrics.put("cost", e * (1 + encoded[0])); // for cost-aware methods: cumulative and positive
        Verdict v = record(engine.report(id, metrics, (long) e, now(), (trial, level) -> Optional.empty()));
        if (v.decision() != Decision.CONTINUE) {
            running.remove(id);
        } else if (e >= maxEpoch) {
            record(engine.complete(id, metrics, now()));
            running.remove(id);
        }
    }

    /** Runs {@code steps} random actions: fill free workers, else report (or now and then fail) a running trial. */
    EngineDriver run(int steps) {
        for (int i = 0; i < steps; i++) {
            if (running.size() < workers && ask()) {
                continue;
            }
            if (running.isEmpty()) {
                if (!ask()) {
                    break;
                }
                continue;
            }
            List<Long> ids = new ArrayList<>(running.keySet());
            long id = ids.get(random.nextInt(ids.size()));
            if (random.nextInt(40) == 0) {
                record(engine.fail(id, "simulated", now()));
                running.remove(id);
            } else {
                report(id);
            }
        }
        return this;
    }

    static SplittableRandom rng(long seed) {
        return SeededRandom.of(seed, "driver");
    }
}
