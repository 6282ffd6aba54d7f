package dev.attune.searcher;

import dev.attune.math.GaussianProcess;
import dev.attune.math.ResourceKernel;
import dev.attune.math.ResourceLikelihood;
import dev.attune.math.SeededRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * A multi-fidelity searcher's GP with one of Syne Tune's resource kernels ({@link ResourceKernel}): the
 * observations (config, scaled resource) → value in the order the study's log delivered them, when the
 * hyperparameters are refitted, and the fits. As {@link GpModel} (whose joint Matern model it stands next
 * to): fits are a pure function of (observations 1..k, warm start, seed), cold (initial θ plus random
 * restarts) up to {@code optSkipInitLength} observations and warm-started from the previous fit alone
 * beyond, on at most {@code maxSizeDataForFit} observations, BOBYQA with at most 4·{@code optMaxiter}
 * evaluations per start; the θ a proposal used travels in its memo;
 * {@link #pendingFit} computes a fit outside the study's lock.
 */
final class ResourceGpModel implements GpSurrogate {
    record Settings(
            ResourceKernel.Shape shape,
            int optNstarts,
            int maxEvaluations,
            int maxSizeDataForModel,
            double maxSizeTopFraction,
            int optSkipInitLength,
            int optSkipPeriod,
            int maxSizeDataForFit,
            long seed) {

        static Settings of(Options options, long seed, ResourceKernel.Shape shape) {
            return of(options, seed, shape, (int) options.integer("maxSizeDataForModel"));
        }

        /** As {@link #of(Options, long, ResourceKernel.Shape)}, keeping at most this many (0: all). */
        static Settings of(Options options, long seed, ResourceKernel.Shape shape, int maxSizeDataForModel) {
            return new Settings(
                    shape,
                    (int) options.integer("optNstarts"),
                    4 * (int) options.integer("optMaxiter"),
                    maxSizeDataForModel,
                    options.number("maxSizeTopFraction"),
                    (int) options.integer("optSkipInitLength"),
                    (int) options.integer("optSkipPeriod"),
                    (int) options.integer("maxSizeDataForFit"),
                    seed);
        }
    }

    /** A fit's identity: the data prefix, the warm start, and how many observations were replaced. */
    private record Key(int prefix, List<Double> warm, int version) {}

    private int version;

    private static final int CACHE_LIMIT = 8;

    private final String name;
    private final Settings settings;
    private final List<double[]> inputs = new ArrayList<>();
    private final List<Double> targets = new ArrayList<>();
    private final Map<Key, double[]> fits = new ConcurrentHashMap<>();
    private int warmPrefix = -1;
    private double[] warm;

    /** The rule that caps the observations; see {@link GpModel#selectRowsWith}. */
    private Supplier<Subsample.Selector> selector;

    ResourceGpModel(String name, Settings settings) {
        this.name = name;
        this.settings = settings;
        Subsample.Selector single = Subsample.singleFidelity(settings.maxSizeTopFraction());
        this.selector = () -> single;
    }

    @Override
    public void add(double[] x, double y) {
        inputs.add(x);
        targets.add(y);
    }

    /** Replaces the value of observation i (searcherData rungs_and_last: a trial's latest report). */
    @Override
    public void replace(int i, double[] x, double y) {
        inputs.set(i, x);
        targets.set(i, y);
        version++;
    }

    @Override
    public int size() {
        return inputs.size();
    }

    @Override
    public List<double[]> inputs() {
        return inputs;
    }

    int refitPoint() {
        return GpSurrogate.refitPoint(size(), settings.optSkipInitLength(), settings.optSkipPeriod());
    }

    @Override
    public Optional<Runnable> pendingFit() {
        int k = refitPoint();
        if (k == 0 || k == warmPrefix || fits.containsKey(key(k))) {
            return Optional.empty();
        }
        Key key = key(k);
        double[][] x = inputs.subList(0, k).toArray(new double[0][]);
        double[] y =
                targets.subList(0, k).stream().mapToDouble(Double::doubleValue).toArray();
        double[] start = warm;
        Subsample.Selector rows = selector.get();
        return Optional.of(() -> remember(key, fit(x, y, start, k, rows)));
    }

    /** θ for the current data: carried over, cached, or fitted now. */
    double[] hyperparameters() {
        int k = refitPoint();
        if (k == warmPrefix && warm != null) {
            return warm;
        }
        Key key = key(k);
        double[] h = fits.get(key);
        if (h == null) {
            double[][] x = inputs.subList(0, k).toArray(new double[0][]);
            double[] y = targets.subList(0, k).stream()
                    .mapToDouble(Double::doubleValue)
                    .toArray();
            h = fit(x, y, warm, k, selector.get());
            remember(key, h);
        }
        return h;
    }

    private void remember(Key key, double[] h) {
        if (fits.size() >= CACHE_LIMIT) {
            fits.clear();
        }
        fits.put(key, h);
    }

    private Key key(int k) {
        return new Key(k, warm == null || k <= settings.optSkipInitLength() ? List.of() : boxed(warm), version);
    }

    private static List<Double> boxed(double[] v) {
        return Arrays.stream(v).boxed().toList();
    }

    private double[] fit(double[][] x, double[] y, double[] start, int k, Subsample.Selector selector) {
        int[] rows = selector.rows(
                y,
                k,
                Math.min(positiveOr(settings.maxSizeDataForModel(), k), settings.maxSizeDataForFit()),
                SeededRandom.of(settings.seed(), "rgp-fit-subsample-" + name, k));
        double[][] xs = IntStream.of(rows).mapToObj(i -> x[i]).toArray(double[][]::new);
        double[] ys =
                GpModel.standardize(IntStream.of(rows).mapToDouble(i -> y[i]).toArray());
        boolean cold = start == null || k <= settings.optSkipInitLength();
        ResourceLikelihood likelihood = new ResourceLikelihood(xs, ys, settings.shape());
        SplittableRandom random = SeededRandom.of(settings.seed(), "rgp-fit-" + name, k);
        return likelihood
                .fit(
                        cold ? settings.shape().initial() : start,
                        cold ? Math.max(0, settings.optNstarts() - 1) : 0,
                        settings.maxEvaluations(),
                        cold ? 0.3 : 0.05,
                        random)
                .theta();
    }

    private static int positiveOr(int value, int otherwise) {
        return value > 0 ? value : otherwise;
    }

    private int[] subsample(double[] y, int k) {
        return selector.get()
                .rows(
                        y,
                        k,
                        settings.maxSizeDataForModel(),
                        SeededRandom.of(settings.seed(), "rgp-subsample-" + name, k));
    }

    /** As {@link GpModel#selectRowsWith}: the rule that caps the observations. */
    @Override
    public void selectRowsWith(Supplier<Subsample.Selector> selector) {
        this.selector = selector;
    }

    /** The posterior of all current observations, standardized, with fantasies at {@code pending}. */
    @Override
    public GpModel.Posterior posterior(List<double[]> pending, int fantasies, SplittableRandom random) {
        ResourceKernel prior = ResourceKernel.of(settings.shape(), hyperparameters());
        double[] all = targets.stream().mapToDouble(Double::doubleValue).toArray();
        int[] rows = subsample(all, all.length);
        double[][] x = IntStream.of(rows).mapToObj(inputs::get).toArray(double[][]::new);
        double[] raw = IntStream.of(rows).mapToDouble(i -> all[i]).toArray();
        double mean = Arrays.stream(raw).average().orElse(0);
        double[] y = GpModel.standardize(raw);
        GaussianProcess gp = GaussianProcess.condition(x, new double[][] {y}, prior);
        if (!pending.isEmpty() && fantasies > 0) {
            double[][] p = pending.toArray(new double[0][]);
            double[][] draws = gp.sampleObservations(p, fantasies, random);
            double[][] xs = Arrays.copyOf(x, x.length + p.length);
            System.arraycopy(p, 0, xs, x.length, p.length);
            double[][] ys = new double[fantasies][];
            for (int s = 0; s < fantasies; s++) {
                ys[s] = Arrays.copyOf(y, xs.length);
                System.arraycopy(draws[s], 0, ys[s], x.length, p.length);
            }
            gp = GaussianProcess.condition(xs, ys, prior);
        }
        return new GpModel.Posterior(gp, x, rows, y, mean, GpModel.scale(raw));
    }

    /** The memo entry that records θ in use: [refit point, θ…]. */
    @Override
    public List<Double> memo() {
        List<Double> entry = new ArrayList<>();
        entry.add((double) refitPoint());
        entry.addAll(boxed(hyperparameters()));
        return entry;
    }

    /** Takes over the θ a stored proposal used, to warm-start the next fit from it. */
    @Override
    public void restore(Object memoEntry) {
        if (memoEntry instanceof List<?> list && list.size() == settings.shape().size() + 1) {
            double[] theta = new double[list.size() - 1];
            for (int i = 0; i < theta.length; i++) {
                theta[i] = ((Number) list.get(i + 1)).doubleValue();
            }
            warmPrefix = ((Number) list.getFirst()).intValue();
            warm = theta;
        }
    }
}
