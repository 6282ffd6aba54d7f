package dev.attune.study;

import dev.attune.trial.Decision;
import dev.attune.trial.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.UnaryOperator;

/**
 * Runs a method over recorded learning curves on a simulated clock with N workers, to answer "what would
 * this method have decided, and saved, on these curves?".
 *
 * <p>Each new trial the method starts takes the next recorded curve, in order; the method's own config is
 * replaced by the curve's. Every resource level costs one time unit; a resumed trial continues from its
 * checkpoint. The study's own commands are driven on a simulated clock, exactly as the service drives
 * them, so the decisions are the ones a live study would have made on these curves.
 */
public final class WhatIf {
    /** A recorded curve: a config and its reports, each with the resource level in {@code resource.attr}. */
    public record Curve(Map<String, Object> config, List<Map<String, Double>> reports) {}

    public record Step(double time, long trialId, long level, String decision, String reason) {}

    public record Best(long trialId, int curve, Map<String, Object> config, double value, long level) {}

    public record Result(
            String method,
            int workers,
            int curves,
            int trialsStarted,
            List<Step> decisions,
            boolean decisionsTruncated,
            Best best,
            Best bestOfAllCurves,
            long resourceSpent,
            long resourceOfFullRuns,
            double savedFraction,
            double simulatedTime) {}

    static final int MAX_STEPS_RETURNED = 20_000;

    private record Job(double time, long trialId, int index) {}

    private static Instant at(double time) {
        return EPOCH.plusMillis(Math.round(time * 1000));
    }

    /** The simulated clock's origin; one time unit is one second after it. */
    private static final Instant EPOCH = Instant.EPOCH;

    public static Result run(StudyDefinition definition, List<Curve> curves, int workers) {
        Study study = Study.create("what-if", definition, EPOCH);
        String attr = definition.resource().attr();
        String metric = definition.metric().name();
        boolean minimize = definition.metric().mode() == dev.attune.trial.Mode.MIN;
        PriorityQueue<Job> queue = new PriorityQueue<>((a, b) ->
                a.time() != b.time() ? Double.compare(a.time(), b.time()) : Long.compare(a.trialId(), b.trialId()));
        Map<Long, Integer> curveOf = new HashMap<>();
        Map<Long, Integer> position = new HashMap<>();
        List<Step> steps = new ArrayList<>();
        long spent = 0;
        int free = workers;
        int[] nextCurve = {0};
        double now = 0;
        Best best = null;
        boolean more = true;
        // Each new trial takes the next recorded curve's config (the method's own fills what the curve lacks).
        UnaryOperator<Map<String, Object>> curveConfig = suggested -> {
            if (nextCurve[0] >= curves.size()) {
                return null;
            }
            Map<String, Object> config =
                    new LinkedHashMap<>(curves.get(nextCurve[0]).config());
            suggested.forEach(config::putIfAbsent);
            return config;
        };
        while (true) {
            while (free > 0 && more) {
                Study.Ask ask = study.ask("what-if", at(now), curveConfig).answer();
                if (!(ask instanceof Study.Ask.Run run)) {
                    more = false;
                    continue;
                }
                if (!run.resumed()) {
                    curveOf.put(run.trialId(), nextCurve[0]++);
                    position.put(run.trialId(), 0);
                    queue.add(new Job(now + 1, run.trialId(), 0));
                    free--;
                    continue;
                }
                int next = position.get(run.trialId()) + 1;
                if (next < curves.get(curveOf.get(run.trialId())).reports().size()) {
                    position.put(run.trialId(), next);
                    queue.add(new Job(now + 1, run.trialId(), next));
                    free--;
                } else {
                    study.complete(run.trialId(), Map.of(), at(now));
                }
            }
            Job job = queue.poll();
            if (job == null) {
                if (!more || free == workers) {
                    break;
                }
                continue;
            }
            now = job.time();
            int curve = curveOf.get(job.trialId());
            Map<String, Double> metrics = curves.get(curve).reports().get(job.index());
            long level = metrics.get(attr).longValue();
            long previous = job.index() == 0
                    ? 0
                    : curves.get(curve).reports().get(job.index() - 1).get(attr).longValue();
            spent += Math.max(1, level - previous);
            Verdict v = study.report(job.trialId(), metrics, null, at(now), (trial, l) -> Optional.empty())
                    .answer();
            if (steps.size() < MAX_STEPS_RETURNED) {
                steps.add(new Step(now, job.trialId(), level, v.decision().name(), v.reason()));
            }
            Double value = metrics.get(metric);
            if (value != null && (best == null || (minimize ? value < best.value() : value > best.value()))) {
                best = new Best(job.trialId(), curve, curves.get(curve).config(), value, level);
            }
            boolean last = job.index() + 1 >= curves.get(curve).reports().size();
            if (v.decision() == Decision.CONTINUE && !last) {
                position.put(job.trialId(), job.index() + 1);
                queue.add(new Job(
                        now
                                + Math.max(
                                        1,
                                        curves.get(curve)
                                                        .reports()
                                                        .get(job.index() + 1)
                                                        .get(attr)
                                                - level),
                        job.trialId(),
                        job.index() + 1));
                continue;
            }
            if (v.decision() == Decision.CONTINUE) {
                study.complete(job.trialId(), Map.of(), at(now));
            }
            free++;
            more = true;
        }
        long full = 0;
        Best bestOfAll = null;
        for (int i = 0; i < curves.size(); i++) {
            List<Map<String, Double>> reports = curves.get(i).reports();
            if (!reports.isEmpty()) {
                full += reports.getLast().get(attr).longValue();
            }
            for (Map<String, Double> r : reports) {
                Double value = r.get(metric);
                if (value != null
                        && (bestOfAll == null || (minimize ? value < bestOfAll.value() : value > bestOfAll.value()))) {
                    bestOfAll = new Best(
                            -1, i, curves.get(i).config(), value, r.get(attr).longValue());
                }
            }
        }
        return new Result(
                definition.method().name(),
                workers,
                curves.size(),
                (int) study.nextTrialId(),
                steps,
                steps.size() >= MAX_STEPS_RETURNED,
                best,
                bestOfAll,
                spent,
                full,
                full == 0 ? 0 : 1 - (double) spent / full,
                now);
    }
}
