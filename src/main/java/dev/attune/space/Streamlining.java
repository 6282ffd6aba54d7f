package dev.attune.space;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Syne Tune's {@code streamline_config_space}: domains rewritten into nearly equivalent ones that suit
 * model-based searchers better.
 *
 * <ul>
 *   <li>A choice (or ordinal) of more than 2 numbers becomes a {@code finrange} or {@code logfinrange} when
 *       the sorted values, or their logs when all are positive, lie close to an evenly spaced grid (R² of the
 *       fit a·j + b at least {@value #R2_THRESHOLD}, the better of the two scales; the grid's ends are the
 *       fit's, so values may move slightly: [1, 2, 5, 10, 20, 50] gives 1, 2, 5, 10, 22, 48), else an
 *       ordinal {@code nn} (or {@code nn-log}) of the sorted values.
 *   <li>A linear {@code uniform} or {@code randint} with lower &gt; 0 and upper &gt; {@value
 *       #UPPER_LOWER_RATIO} · lower becomes {@code loguniform} or {@code lograndint}.
 * </ul>
 *
 * Quantized and reverse-log domains are left alone. Rewriting a streamlined space changes nothing.
 */
public final class Streamlining {
    static final double R2_THRESHOLD = 0.995;
    static final double UPPER_LOWER_RATIO = 100;
    private static final double POSITIVE_EPS = 1e-20;

    private Streamlining() {}

    /** One rule that applies: the entry, its domain, and what the rule makes of it. */
    public record Rewrite(String name, Domain from, Domain to) {
        /** The warning a create answers when the space is not rewritten. */
        public String warning() {
            return "space." + name + ": " + from.toJson() + " would be " + to.toJson()
                    + " under Syne Tune's streamline_config_space rules; set streamlineConfigSpace: true to rewrite it";
        }
    }

    /** The rewrites the rules make of this space, in its order; empty when none applies. */
    public static List<Rewrite> rewrites(SearchSpace space) {
        List<Rewrite> rewrites = new ArrayList<>();
        space.entries().forEach((name, domain) -> {
            Domain to = convert(domain);
            if (!to.toJson().equals(domain.toJson())) {
                rewrites.add(new Rewrite(name, domain, to));
            }
        });
        return rewrites;
    }

    /** The space with every rewrite applied. */
    public static SearchSpace apply(SearchSpace space) {
        Map<String, Domain> entries = new LinkedHashMap<>(space.entries());
        rewrites(space).forEach(r -> entries.put(r.name(), r.to()));
        return new SearchSpace(entries);
    }

    static Domain convert(Domain domain) {
        if (domain instanceof ChoiceDomain c && numbers(c.categories())) {
            return fromNumbers(c.categories());
        }
        if (domain instanceof OrdinalDomain o && numbers(o.categories())) {
            return fromNumbers(o.categories());
        }
        if (domain instanceof FloatDomain f
                && f.scale() == FloatDomain.Scale.LINEAR
                && f.q() == null
                && wide(f.lower(), f.upper())) {
            return new FloatDomain(f.lower(), f.upper(), true);
        }
        if (domain instanceof IntDomain i && !i.log() && i.q() == null && wide(i.lower(), i.upper())) {
            return new IntDomain(i.lower(), i.upper(), true);
        }
        return domain;
    }

    private static boolean wide(double lower, double upper) {
        return lower >= POSITIVE_EPS && upper > lower * UPPER_LOWER_RATIO;
    }

    private static boolean numbers(List<Object> categories) {
        return categories.size() > 2 && categories.stream().allMatch(c -> c instanceof Number);
    }

    private static Domain fromNumbers(List<Object> categories) {
        boolean ints = categories.stream().allMatch(c -> c instanceof Long || c instanceof Integer);
        List<Object> sorted = new ArrayList<>(categories);
        sorted.sort((a, b) -> Double.compare(((Number) a).doubleValue(), ((Number) b).doubleValue()));
        double[] x =
                sorted.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
        Fit best = Fit.of(x);
        boolean log = false;
        if (x[0] >= POSITIVE_EPS) {
            double[] logs = new double[x.length];
            for (int j = 0; j < x.length; j++) {
                logs[j] = Math.log(x[j]);
            }
            Fit logFit = Fit.of(logs);
            if (logFit.r2() > best.r2()) {
                best = logFit;
                log = true;
            }
        }
        int n = x.length;
        if (best.r2() >= R2_THRESHOLD) {
            double lower = best.b();
            double upper = lower + best.a() * (n - 1);
            return log
                    ? new FiniteRangeDomain(Math.exp(lower), Math.exp(upper), n, true, ints)
                    : new FiniteRangeDomain(lower, upper, n, false, ints);
        }
        return new OrdinalDomain(sorted, log ? OrdinalKind.NN_LOG : OrdinalKind.NN);
    }

    /**
     * Syne Tune's {@code fit_to_regular_grid} of a strictly increasing x: a = (x[n−1] − x[0]) / (n − 1), b the
     * mean of x[j] − a·j, R² = 1 − var(x − a·j) / var(x).
     */
    record Fit(double a, double b, double r2) {
        static Fit of(double[] x) {
            int n = x.length;
            double a = (x[n - 1] - x[0]) / (n - 1);
            double[] u = new double[n];
            for (int j = 0; j < n; j++) {
                u[j] = x[j] - a * j;
            }
            double b = mean(u);
            return new Fit(a, b, 1 - variance(u) / variance(x));
        }

        private static double mean(double[] v) {
            double s = 0;
            for (double d : v) {
                s += d;
            }
            return s / v.length;
        }

        private static double variance(double[] v) {
            double m = mean(v);
            double s = 0;
            for (double d : v) {
                s += (d - m) * (d - m);
            }
            return s / v.length;
        }
    }
}
