package dev.attune.scheduler;

import dev.attune.searcher.OptionSpec;
import dev.attune.searcher.OptionType;
import dev.attune.searcher.Options;
import dev.attune.searcher.TransferTask;
import dev.attune.space.ChoiceDomain;
import dev.attune.space.ConstantDomain;
import dev.attune.space.Domain;
import dev.attune.space.FiniteRangeDomain;
import dev.attune.space.FloatDomain;
import dev.attune.space.IntDomain;
import dev.attune.space.InvalidInputException;
import dev.attune.space.OrdinalDomain;
import dev.attune.space.OrdinalKind;
import dev.attune.space.SearchSpace;
import dev.attune.trial.Metric;
import dev.attune.trial.Mode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Syne Tune's {@code BoundingBox} (Perrone et al., NeurIPS 2019): the space shrinks to the bounding box
 * of the best {@code numHyperparametersPerTask} configs of each earlier task, and the method named by
 * {@code baseMethod} (with {@code baseOptions}) runs on the shrunk space; everything else is the base
 * method's.
 *
 * <p>A numeric range becomes [min, max] of the top configs' values (same scale and quantum); a {@code
 * choice} becomes the set of values seen, in the space's order. Implementation notes: Syne Tune treats an
 * ordinal as a categorical (the set of values seen); Attune keeps it ordered, the values from the lowest
 * to the highest seen, and a {@code finrange} likewise. Initial configs ({@code pointsToEvaluate}) outside
 * the box are dropped; when none is left of a non-empty list, the box's mid-point is evaluated first, as
 * Syne Tune's base scheduler on the new space would do. The entry that carries the resource's maximum
 * ({@code resource.maxAttr}) is never shrunk.
 */
public final class BoundingBoxScheduler extends DelegatingScheduler {
    static final String PER_TASK = "numHyperparametersPerTask";

    static List<OptionSpec> options(List<String> baseMethods) {
        return List.of(
                OptionSpec.oneOf(
                        "baseMethod", "randomsearch", baseMethods, "the method that searches the shrunk space"),
                new OptionSpec(
                        "baseOptions", OptionType.OBJECT, null, null, null, List.of(), "options of the base method"),
                OptionSpec.integer(
                        PER_TASK,
                        1L,
                        1,
                        "how many of each earlier task's best configs span the box (Syne Tune's default 1)"));
    }

    private final SearchSpace box;
    private final SearchSpace space;

    private BoundingBoxScheduler(Scheduler base, SearchSpace box, SearchSpace space) {
        super(base);
        this.box = box;
        this.space = space;
    }

    /**
     * The base method on the box. The box must exist before the base method does, so it is computed here
     * rather than in a constructor; a request wrong in several ways fails on the first of: no earlier
     * tasks, the base method's options, a multi-fidelity base method without a resource.
     */
    static BoundingBoxScheduler of(MethodContext context, MethodRegistry registry) {
        if (context.transfer().isEmpty()) {
            throw InvalidInputException.of(
                    "transferEvaluations",
                    "is required by BoundingBox: earlier tasks' evaluations (transferEvaluations or transferFrom)");
        }
        MethodSpec spec = registry.find(context.options().string("baseMethod")).orElseThrow();
        Options baseOptions = BaseMethod.options(context, spec);
        if (spec.multiFidelity() && context.resource() == null) {
            throw InvalidInputException.of("resource", "is required by the base method " + spec.name());
        }
        String keep = context.resource() == null ? null : context.resource().maxAttr();
        SearchSpace box = box(
                context.space(),
                context.transfer(),
                context.metric(),
                (int) context.options().integer(PER_TASK),
                keep);
        Scheduler base = spec.factory()
                .apply(new MethodContext(
                        box,
                        context.metrics(),
                        context.resource(),
                        context.seed(),
                        initialConfigs(box, context.initialConfigs()),
                        context.allowDuplicates(),
                        baseOptions,
                        context.restrictConfigurations(),
                        inBox(box, context.transfer())));
        return new BoundingBoxScheduler(base, box, context.space());
    }

    /**
     * The earlier tasks' evaluations whose configs lie in the box: a base method that learns from earlier
     * tasks (a GP transfer kernel, a copula surrogate) encodes their configs in the space it searches, and a
     * config outside the box has no encoding there. Tasks left with no evaluation are dropped.
     */
    static List<TransferTask> inBox(SearchSpace box, List<TransferTask> tasks) {
        List<TransferTask> kept = new ArrayList<>();
        for (TransferTask task : tasks) {
            List<TransferTask.Evaluation> inside = new ArrayList<>();
            for (TransferTask.Evaluation e : task.evaluations()) {
                try {
                    inside.add(new TransferTask.Evaluation(box.validate(e.config(), "config"), e.metrics()));
                } catch (InvalidInputException outside) {
                    // outside the box: the base method never sees it
                }
            }
            if (!inside.isEmpty()) {
                kept.add(new TransferTask(task.task(), inside));
            }
        }
        return List.copyOf(kept);
    }

    /** The shrunk space the base method searches. */
    SearchSpace box() {
        return box;
    }

    /** The initial configs inside the box; the box's mid-point when a non-empty list has none there. */
    static List<Map<String, Object>> initialConfigs(SearchSpace box, List<Map<String, Object>> given) {
        List<Map<String, Object>> inside = new ArrayList<>();
        for (Map<String, Object> config : given) {
            try {
                inside.add(box.validate(config, "config"));
            } catch (InvalidInputException outside) {
                // not in the box: the base method never sees it
            }
        }
        return inside.isEmpty() && !given.isEmpty() ? List.of(box.midpoint()) : inside;
    }

    /**
     * The bounding box of each task's {@code perTask} best configs by {@code metric} (Syne Tune's {@code
     * _compute_box}); {@code keep} names an entry left as it is (or null).
     */
    public static SearchSpace box(
            SearchSpace space, List<TransferTask> tasks, Metric metric, int perTask, String keep) {
        double sign = metric.mode() == Mode.MAX ? -1 : 1;
        List<Map<String, Object>> top = new ArrayList<>();
        for (TransferTask task : tasks) {
            task.evaluations().stream()
                    .sorted(Comparator.comparingDouble(e -> sign * e.metrics().get(metric.name())))
                    .limit(perTask)
                    .forEach(e -> top.add(e.config()));
        }
        Map<String, Domain> entries = new LinkedHashMap<>();
        space.entries()
                .forEach((name, domain) -> entries.put(
                        name,
                        name.equals(keep) || top.isEmpty()
                                ? domain
                                : shrink(
                                        domain,
                                        top.stream().map(c -> c.get(name)).toList())));
        return new SearchSpace(entries);
    }

    private static Domain shrink(Domain domain, List<Object> values) {
        return switch (domain) {
            case FloatDomain f -> {
                double lo = values.stream()
                        .mapToDouble(v -> ((Number) v).doubleValue())
                        .min()
                        .orElseThrow();
                double hi = values.stream()
                        .mapToDouble(v -> ((Number) v).doubleValue())
                        .max()
                        .orElseThrow();
                yield new FloatDomain(lo, hi, f.scale(), f.q());
            }
            case IntDomain i -> {
                long lo = values.stream()
                        .mapToLong(v -> ((Number) v).longValue())
                        .min()
                        .orElseThrow();
                long hi = values.stream()
                        .mapToLong(v -> ((Number) v).longValue())
                        .max()
                        .orElseThrow();
                yield new IntDomain(lo, hi, i.log(), i.q());
            }
            case ChoiceDomain c ->
                new ChoiceDomain(c.categories().stream()
                        .filter(cat ->
                                values.stream().anyMatch(v -> c.matchString(v).equals(c.matchString(cat))))
                        .toList());
            case OrdinalDomain o -> ordered(o, o.categories(), values, o.kind());
            case FiniteRangeDomain r -> ordered(r, r.values(), values, null);
            case ConstantDomain k -> k;
        };
    }

    /** The values of an ordered finite domain from the lowest to the highest index seen. */
    private static Domain ordered(Domain domain, List<Object> all, List<Object> seen, OrdinalKind kind) {
        int lo = Integer.MAX_VALUE;
        int hi = -1;
        for (int i = 0; i < all.size(); i++) {
            String match = domain.matchString(all.get(i));
            if (seen.stream().anyMatch(v -> domain.matchString(v).equals(match))) {
                lo = Math.min(lo, i);
                hi = Math.max(hi, i);
            }
        }
        if (hi < 0) {
            return domain;
        }
        List<Object> range = List.copyOf(all.subList(lo, hi + 1));
        if (range.size() == 1) {
            return new OrdinalDomain(range, OrdinalKind.EQUAL);
        }
        return new OrdinalDomain(range, kind != null ? kind : OrdinalDomain.defaultKind(range));
    }

    @Override
    public void onTrialAdded(long trialId, Map<String, Object> config, Map<String, Object> memo) {
        base.onTrialAdded(trialId, inBox(config), memo);
    }

    @Override
    public void onTrialResumed(long trialId, Map<String, Object> config) {
        base.onTrialResumed(trialId, inBox(config));
    }

    /**
     * A config as the base method may see it: a client's trial outside the box (its own config, or an
     * initial one) is clipped into the box, a category outside it becomes the box's mid-point value.
     */
    Map<String, Object> inBox(Map<String, Object> config) {
        Map<String, Object> clipped = new LinkedHashMap<>(config);
        box.entries().forEach((name, domain) -> {
            Object v = config.get(name);
            if (domain.equals(space.domain(name)) || !config.containsKey(name)) {
                return; // not shrunk: the value stays as the study has it (e.g. a resource target)
            }
            try {
                clipped.put(name, domain.validate(v));
            } catch (RuntimeException outside) {
                clipped.put(name, nearest(domain, v));
            }
        });
        return clipped;
    }

    private static Object nearest(Domain domain, Object v) {
        if (v instanceof Number n) {
            if (domain instanceof FloatDomain f) {
                return f.quantize(Math.min(f.upper(), Math.max(f.lower(), n.doubleValue())));
            }
            if (domain instanceof IntDomain i) {
                try {
                    return i.validate(Math.min(i.upper(), Math.max(i.lower(), n.longValue())));
                } catch (RuntimeException e) {
                    return i.midpoint();
                }
            }
        }
        return domain.midpoint();
    }
}
