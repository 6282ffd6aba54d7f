package dev.attune.searcher;

import dev.attune.math.Normal;
import dev.attune.math.SeededRandom;
import dev.attune.space.SearchSpace;
import dev.attune.trial.Mode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * BOHB's tree-Parzen search (Syne Tune's {@code KernelDensityEstimator}, and under a multi-fidelity
 * scheduler its {@code MultiFidelityKernelDensityEstimator}): the best {@code topNPercent} results and the
 * rest each get a product kernel density, l (good) and g (bad); candidates drawn around good configs are
 * scored by l/g, which orders them as expected improvement does.
 *
 * <p>[1] Falkner, Klein and Hutter, BOHB: Robust and Efficient Hyperparameter Optimization at Scale, ICML
 * 2018. [2] Bergstra et al., Algorithms for Hyper-Parameter Optimization, NeurIPS 2011.
 *
 * <p>Implementation note: bandwidths follow statsmodels' normal reference rule, 1.06·sd·n^(−1/(4+d)) with
 * the sd of divisor n, floored at {@code minBandwidth}; continuous dimensions use a Gaussian kernel and
 * candidates come from a normal truncated to [0, 1] (by rejection) with sd {@code bandwidthFactor}·bandwidth;
 * categorical ones use the Aitchison–Aitken kernel (keep the category with probability 1 − bandwidth). The
 * good set is the best {@code topNPercent} (at least {@code numMinDataPoints}, as in Syne Tune), the bad set
 * all the rest, and each must have more points than dimensions. Under a multi-fidelity scheduler the
 * densities are fitted at the highest level whose results allow that split (Syne Tune's {@code
 * MultiFidelityKernelDensityEstimator}), with a minimum bandwidth of 0.1 rather than 1e-3; until some level
 * allows it, configs are random. Running trials are ignored, as in Syne Tune.
 */
public final class KernelDensitySearcher implements Searcher {
    public static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.integer(
                    "numMinDataPoints",
                    null,
                    1,
                    "floor of the good set (default: the number of hyperparameters d, as in Syne Tune); the model"
                            + " waits until the good set and the rest each exceed d, so values up to d act alike and"
                            + " d + 1 gives HpBandSter's rule"),
            OptionSpec.number("topNPercent", 15.0, 1e-9, 100.0, "percentage of results that count as good"),
            OptionSpec.number(
                    "minBandwidth",
                    null,
                    0.0,
                    null,
                    "smallest kernel bandwidth (default: 1e-3, or 0.1 under a multi-fidelity scheduler)"),
            OptionSpec.integer("numCandidates", 64L, 1, "candidates drawn around good configs and scored"),
            OptionSpec.number("bandwidthFactor", 3.0, 1e-9, null, "widening of the bandwidth when drawing candidates"),
            OptionSpec.number("randomFraction", 0.33, 0.0, 1.0, "share of configs drawn at random"));

    /** Syne Tune's defaults: the multi-fidelity searcher keeps its densities wider. */
    static final double SINGLE_FIDELITY_MIN_BANDWIDTH = 1e-3;

    static final double MULTI_FIDELITY_MIN_BANDWIDTH = 0.1;

    private final KdeEncoding encoding;
    private final long seed;
    private final String metric;
    private final boolean maximize;
    private final SearcherContext.Fidelity fidelity;
    private final int minPoints;
    private final double topNPercent;
    private final double minBandwidth;
    private final int numCandidates;
    private final double bandwidthFactor;
    private final double randomFraction;
    private final RandomSearcher random;
    private final Map<Long, double[]> encoded = new HashMap<>();
    private final RungResults rungResults;
    /** Results per level (one level, 0, without a fidelity), by trial, in arrival order. */
    private final TreeMap<Long, Map<Long, Double>> results = new TreeMap<>();

    public KernelDensitySearcher(SearcherContext context) {
        SearchSpace space = context.space();
        this.encoding = new KdeEncoding(space);
        this.seed = context.seed();
        this.metric = context.metrics().getFirst().name();
        this.maximize = context.metrics().getFirst().mode() == Mode.MAX;
        this.fidelity = context.fidelity();
        this.rungResults = RungResults.atRungLevels(metric, fidelity, false, this::record);
        Options o = context.options();
        this.minPoints = o.has("numMinDataPoints") ? (int) o.integer("numMinDataPoints") : Math.max(1, encoding.size());
        this.topNPercent = o.number("topNPercent");
        this.minBandwidth = o.has("minBandwidth")
                ? o.number("minBandwidth")
                : fidelity == null ? SINGLE_FIDELITY_MIN_BANDWIDTH : MULTI_FIDELITY_MIN_BANDWIDTH;
        this.numCandidates = (int) o.integer("numCandidates");
        this.bandwidthFactor = o.number("bandwidthFactor");
        this.randomFraction = o.number("randomFraction");
        this.random = new RandomSearcher(context);
    }

    @Override
    public Optional<Proposal> propose(long trialId) {
        Optional<Proposal> fallback = random.propose(trialId);
        if (fallback.isEmpty()
                || fallback.get().memo().get(InitialConfigs.KEY) instanceof Number
                || encoding.size() == 0) {
            return fallback;
        }
        SplittableRandom r = SeededRandom.of(seed, "kde", trialId);
        if (r.nextDouble() < randomFraction) {
            return fallback;
        }
        Optional<Densities> model = fit();
        if (model.isEmpty()) {
            return fallback;
        }
        Densities m = model.get();
        List<double[]> candidates = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        for (int i = 0; i < numCandidates; i++) {
            double[] c = m.good.sample(r, bandwidthFactor);
            candidates.add(c);
            scores.add(Math.max(1e-32, m.bad.density(c)) / Math.max(1e-32, m.good.density(c)));
        }
        Integer[] order = new Integer[candidates.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble(scores::get));
        for (int i : order) {
            Map<String, Object> config = encoding.decode(candidates.get(i));
            if (!random.excludes(config)) {
                return Optional.of(new Proposal(config, Map.of()));
            }
        }
        return fallback;
    }

    private record Densities(ParzenDensity good, ParzenDensity bad) {}

    /** Good and bad densities at the highest level whose results can be split into two proper sets. */
    private Optional<Densities> fit() {
        for (Map<Long, Double> atLevel : results.descendingMap().values()) {
            int n = atLevel.size();
            int nGood = goodCount(n);
            if (nGood < 0) {
                continue;
            }
            List<Map.Entry<Long, Double>> sorted = new ArrayList<>(atLevel.entrySet());
            sorted.sort(Map.Entry.comparingByValue()); // stable: ties stay in arrival order
            List<double[]> good = new ArrayList<>();
            List<double[]> bad = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                (i < nGood ? good : bad).add(encoded.get(sorted.get(i).getKey()));
            }
            return Optional.of(new Densities(
                    new ParzenDensity(good, encoding, minBandwidth), new ParzenDensity(bad, encoding, minBandwidth)));
        }
        return Optional.empty();
    }

    /**
     * The size of the good set among n results — the best {@code topNPercent}, but at least {@code
     * numMinDataPoints} (Syne Tune's rule) — or −1 when either set would not have more points than
     * dimensions (a product density on fewer points is degenerate). {@code numMinDataPoints}: d + 1 gives
     * HpBandSter's floor, which starts the model sooner and was this searcher's rule until measured worse
     * (BOHB on multi-fidelity Branin, 40 seeds; docs/benchmarks.md).
     */
    int goodCount(int n) {
        int nGood = (int) Math.max(minPoints, Math.floor(topNPercent * n / 100));
        return Math.min(nGood, n - nGood) > encoding.size() ? nGood : -1;
    }

    @Override
    public void onTrialAdded(long trialId, Map<String, Object> config, Map<String, Object> memo) {
        random.onTrialAdded(trialId, config, memo);
        encoded.put(trialId, encoding.encode(config));
    }

    @Override
    public void onReport(long trialId, Map<String, Double> metrics) {
        rungResults.onReport(trialId, metrics);
    }

    @Override
    public void onComplete(long trialId, Map<String, Double> metrics) {
        rungResults.onComplete(trialId, metrics);
    }

    private void record(long level, long trialId, double v) {
        if (encoded.containsKey(trialId)) {
            results.computeIfAbsent(level, k -> new LinkedHashMap<>()).put(trialId, maximize ? -v : v);
        }
    }

    /** A product-kernel density over {@link KdeEncoding} vectors. */
    static final class ParzenDensity {
        private final List<double[]> data;
        private final KdeEncoding encoding;
        private final double[] bandwidth;
        private final double minBandwidth;

        ParzenDensity(List<double[]> data, KdeEncoding encoding, double minBandwidth) {
            this.data = data;
            this.encoding = encoding;
            this.minBandwidth = minBandwidth;
            int d = encoding.size();
            int n = data.size();
            this.bandwidth = new double[d];
            for (int j = 0; j < d; j++) {
                final int dim = j;
                double mean = data.stream().mapToDouble(v -> v[dim]).average().orElse(0);
                // numpy's std (divisor n), as statsmodels' normal reference rule computes it.
                double var = data.stream()
                                .mapToDouble(v -> (v[dim] - mean) * (v[dim] - mean))
                                .sum()
                        / n;
                double bw = 1.06 * Math.sqrt(var) * Math.pow(n, -1.0 / (4 + d));
                bw = Math.max(bw, minBandwidth);
                if (encoding.categories(j) > 0) {
                    bw = Math.min(bw, (encoding.categories(j) - 1.0) / encoding.categories(j));
                }
                bandwidth[j] = bw;
            }
        }

        double density(double[] x) {
            double total = 0;
            for (double[] v : data) {
                double p = 1;
                for (int j = 0; j < x.length; j++) {
                    int c = encoding.categories(j);
                    if (c > 0) {
                        p *= (int) x[j] == (int) v[j] ? 1 - bandwidth[j] : bandwidth[j] / (c - 1);
                    } else {
                        p *= Normal.pdf((x[j] - v[j]) / bandwidth[j]) / bandwidth[j];
                    }
                }
                total += p;
            }
            return total / data.size();
        }

        /** A candidate around a randomly chosen datum (HpBandSter's sampling). */
        double[] sample(SplittableRandom r, double factor) {
            double[] datum = data.get(r.nextInt(data.size()));
            double[] x = new double[datum.length];
            for (int j = 0; j < x.length; j++) {
                int c = encoding.categories(j);
                double bw = Math.max(bandwidth[j], minBandwidth);
                if (c > 0) {
                    x[j] = r.nextDouble() < 1 - bw ? datum[j] : r.nextInt(c);
                } else {
                    x[j] = truncatedNormal(r, datum[j], factor * bw);
                }
            }
            return x;
        }

        private static double truncatedNormal(SplittableRandom r, double mean, double sd) {
            for (int i = 0; i < 100; i++) {
                double v = mean + sd * Normal.sample(r);
                if (v >= 0 && v <= 1) {
                    return v;
                }
            }
            return Math.min(1, Math.max(0, mean));
        }
    }
}
