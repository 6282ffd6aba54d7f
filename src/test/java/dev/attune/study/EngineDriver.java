package dev.attune.study;

import dev.attune.math.SeededRandom;
import dev.attune.scheduler.Suggestion;
import dev.attune.trial.Decision;
import dev.attune.trial.Verdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Drives a {@link StudyEngine} the way the study service does (ask → TRIAL_ADDED / TRIAL_RESUMED, report,
 * complete, fail) with simulated workers and learning curves, recording the event log and every
 * suggestion. A stand-in for the service without a database, for contract and replay tests.
 */
final class EngineDriver {
    final StudyEngine engine;
    final List<StudyEvent> log = new ArrayList<>();
    /** The suggestion made when the log had this many events. */
    final Map<Integer, Suggestion> suggestions = new LinkedHashMap<>();

    final List<Map<String, Object>> configs = new ArrayList<>();
    private final Map<Long, Integer> epoch = new HashMap<>();
    private final Map<Long, Map<String, Object>> running = new LinkedHashMap<>();
    private final int workers;
    private final long maxEpoch;
    private final SplittableRandom random;

    EngineDriver(StudyDefinition definition, int workers, long seed) {
        this.engine = new StudyEngine(definition);
        this.workers = workers;
        this.maxEpoch =
                definition.resource() == null ? 3 : definition.resource().max();
        this.random = new SplittableRandom(seed);
    }

    private void append(EventType type, Long trialId, Map<String, Object> payload) {
        apply(new StudyEvent(engine.seq() + 1, type, trialId, payload));
    }

    private void apply(StudyEvent e) {
        engine.apply(e);
        log.add(e);
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
        Suggestion s = engine.scheduler().suggest(engine.nextTrialId());
        suggestions.put(log.size(), s);
        switch (s) {
            case Suggestion.Start start -> {
                long id = engine.nextTrialId();
                apply(StudyEvent.trialAdded(
                        engine.seq() + 1,
                        id,
                        start.config(),
                        start.memo(),
                        dev.attune.trial.TrialStatus.RUNNING,
                        null));
                running.put(id, start.config());
                epoch.put(id, 0);
                configs.add(start.config());
                return true;
            }
            case Suggestion.Resume resume -> {
                append(EventType.TRIAL_RESUMED, resume.trialId(), Map.of("config", resume.config()));
                running.put(resume.trialId(), resume.config());
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    void report(long id) {
        int e = epoch.merge(id, 1, Integer::sum);
        Map<String, Object> config = running.get(id);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("epoch", (double) e);
        metrics.put("loss", loss(config, e));
        double[] encoded = engine.definition().space().encode(config);
        metrics.put("constraint", encoded[0] - 0.6); // for constrained methods: feasible on part of the space
        metrics.put("cost", e * (1 + encoded[0])); // for cost-aware methods: cumulative and positive
        long seq = engine.seq() + 1;
        Verdict v = engine.report(seq, id, metrics, (long) e, x -> x);
        log.add(new StudyEvent(
                seq,
                EventType.REPORT,
                id,
                Map.of("metrics", metrics, "decision", v.decision().name(), "reason", v.reason())));
        if (v.decision() != Decision.CONTINUE) {
            running.remove(id);
        } else if (e >= maxEpoch) {
            append(EventType.TRIAL_COMPLETED, id, Map.of("metrics", metrics));
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
                append(EventType.TRIAL_FAILED, id, Map.of("reason", "simulated"));
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
