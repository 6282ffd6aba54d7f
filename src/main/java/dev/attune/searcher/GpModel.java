package dev.attune.searcher;

import dev.attune.math.BoxCox;
import dev.attune.math.GaussianProcess;
import dev.attune.math.GpHyperparameters;
import dev.attune.math.MarginalLikelihood;
import dev.attune.math.Matern52Kernel;
import dev.attune.math.SeededRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * One GP-modelled output of a searcher (the objective, a constraint, a cost): its observations in the
 * order the study's log delivered them, when its hyperparameters are refitted, and the fits themselves.
 *
 * <p>Fits are a pure function of (observations 1..k, warm start, seed), where k is the refit point
 * Syne Tune's {@code opt_skip_init_length}/{@code opt_skip_period} give for the current count. Up to
 * {@code optSkipInitLength} observations a fit starts, as Syne Tune's, from the initial hyperparameters
 * (and random restarts), ignoring the warm start: warm-starting there let a length scale that had run
 * off to "irrelevant" early stay there, and the search never explored that input again (Hartmann6,
 * 20 seeds: 9 runs stuck in the second-best basin with warm starts, 3 with cold ones). Beyond it, where a
 * fit on hundreds of points must be cheap, a fit starts from the hyperparameters of the previous one
 * alone. The hyperparameters a proposal used travel in its memo, so a searcher rebuilt from the log
 * warm-starts from exactly what the original did. A fit can therefore be computed by anyone from a snapshot: the study
 * service runs {@link #pendingFit} outside the study's lock and the proposal made under the lock finds it
 * in the cache; if it is not there (another replica, a race), the proposal fits itself, with the same
 * result.
 */
final class GpModel implements GpSurrogate {
    /** How a model is fitted; see {@link BayesianOptimizationSearcher#OPTIONS}. */
    record Settings(
            boolean ard,
            int optNstarts,
            int optMaxiter,
            int maxSizeDataForModel,
            double maxSizeTopFraction,
            int optSkipInitLength,
            int optSkipPeriod,
            int maxSizeDataForFit,
            boolean inputWarping,
            long seed,
            boolean[] unwarped) {

        /**
         * The settings a GP searcher's options give (see {@link BayesianOptimizationSearcher#OPTIONS}) for
         * inputs that encode {@code space} followed by {@code extraInputs} more (e.g. a resource). Input
         * warping leaves the one-hot coordinates of the space's categoricals at the identity.
         */
        static Settings of(Options options, long seed, dev.attune.space.SearchSpace space, int extraInputs) {
            return of(options, seed, space, extraInputs, (int) options.integer("maxSizeDataForModel"));
        }

        /** As {@link #of(Options, long, dev.attune.space.SearchSpace, int)}, keeping at most this many (0: all). */
        static Settings of(
                Options options,
                long seed,
                dev.attune.space.SearchSpace space,
                int extraInputs,
                int maxSizeDataForModel) {
            return new Settings(
                    options.string("gpBaseKernel").equalsIgnoreCase("matern52-ard"),
                    (int) options.integer("optNstarts"),
                    (int) options.integer("optMaxiter"),
                    maxSizeDataForModel,
                    options.number("maxSizeTopFraction"),
                    (int) options.integer("optSkipInitLength"),
                    (int) options.integer("optSkipPeriod"),
                    (int) options.integer("maxSizeDataForFit"),
                    options.bool("inputWarping"),
                    seed,
                    categoricalInputs(space, extraInputs));
        }

        /**
         * These settings for inputs with {@code extra} more coordinates that are a one-hot code (a task's),
         * whose warping stays at the identity.
         */
        Settings withCodeInputs(int extra) {
            boolean[] mask = Arrays.copyOf(unwarped, unwarped.length + extra);
            Arrays.fill(mask, unwarped.length, mask.length, true);
            return new Settings(
                    ard,
                    optNstarts,
                    optMaxiter,
                    maxSizeDataForModel,
                    maxSizeTopFraction,
                    optSkipInitLength,
                    optSkipPeriod,
                    maxSizeDataForFit,
                    inputWarping,
                    seed,
                    mask);
        }

        private static boolean[] categoricalInputs(dev.attune.space.SearchSpace space, int extraInputs) {
            boolean[] mask = new boolean[space.encodedSize() + extraInputs];
            int offset = 0;
            for (String name : space.hyperparameters()) {
                dev.attune.space.Domain d = space.domain(name);
                if (d instanceof dev.attune.space.ChoiceDomain) {
                    Arrays.fill(mask, offset, offset + d.encodedSize(), true);
                }
                offset += d.encodedSize();
            }
            return mask;
        }
    }

    /** A fit's identity: the data prefix, the warm start, and how many observations were replaced. */
    private record Key(int prefix, List<Double> warm, int version) {}

    private int version;

    private static final int CACHE_LIMIT = 8;
    private static final double TOLERANCE = 1e-6;

    private final String name;
    private final Settings settings;
    private final List<double[]> inputs = new ArrayList<>();
    private final List<Double> targets = new ArrayList<>();
    private final Map<Key, Fitted> fits = new ConcurrentHashMap<>();
    private final boolean boxCox;
    /** Earlier tasks' evaluations the model is warm-started with, or null. */
    private final TransferData transfer;

    private int warmPrefix = -1;
    private Fitted warm;
    /**
     * The cold fit on the earlier tasks' evaluations alone (k = 0, no warm start), kept: it is the first fit
     * of a transfer study and {@link #transferOnly} needs the same one, a fit with random restarts on hundreds
     * of rows.
     */
    private volatile Fitted transferFit;

    private final AtomicInteger fitsRun = new AtomicInteger();

    /** The rule that caps the observations, for the data as they are when it is asked for. */
    private Supplier<Subsample.Selector> selector;

    /** Hyperparameters and the Box–Cox λ (1, an affine map that standardization undoes, when off). */
    record Fitted(GpHyperparameters hyperparameters, double lambda) {}

    GpModel(String name, Settings settings) {
        this(name, settings, false);
    }

    /** @param boxCox Box–Cox-transform the (positive) targets with a λ fitted along with the kernel */
    GpModel(String name, Settings settings, boolean boxCox) {
        this(name, settings, boxCox, null);
    }

    /**
     * A model whose training data start with {@code transfer}'s rows (null: none); its own observations
     * are the active task's, their targets standardized on their own. Box–Cox is not combined with it.
     */
    GpModel(String name, Settings settings, boolean boxCox, TransferData transfer) {
        this.name = name;
        this.settings = transfer == null ? settings : settings.withCodeInputs(transfer.extraInputs());
        this.boxCox = boxCox && transfer == null;
        this.transfer = transfer;
        Subsample.Selector single = Subsample.singleFidelity(this.settings.maxSizeTopFraction());
        this.selector = () -> single;
    }

    /**
     * Caps the observations with this rule instead of the single-fidelity one (a multi-fidelity searcher's,
     * which knows each observation's trial and level). The supplier is called where the data may not
     * change (under the study's lock) and its selector may run outside it, so it must snapshot what it reads.
     */
    @Override
    public void selectRowsWith(Supplier<Subsample.Selector> selector) {
        this.selector = selector;
    }

    /** Whether the model is warm-started with earlier tasks' evaluations. */
    boolean transfers() {
        return transfer != null;
    }

    /**
     * The kernel's length scales for {@code inputs} inputs: one, or with ARD one per input, except that a
     * task's one-hot code shares one (Syne Tune's non-ARD Matern over the task).
     */
    private int lengthscales(int inputs) {
        if (!settings.ard()) {
            return 1;
        }
        int code = transfer == null ? 0 : transfer.extraInputs();
        return code == 0 ? inputs : inputs - code + 1;
    }

    /**
     * Where the kernel splits into a Matern over the config and one over the task's code, for
     * {@code inputs} inputs: before the code ({@code matern52_product}), or nowhere.
     */
    private int productFrom(int inputs) {
        int code = transfer == null ? 0 : transfer.extraInputs();
        return code == 0 ? Matern52Kernel.NO_PRODUCT : inputs - code;
    }

    /** The transferred rows followed by {@code x}, each in the active task's code. */
    private double[][] withTransfer(double[][] x) {
        if (transfer == null) {
            return x;
        }
        double[][] all = Arrays.copyOf(transfer.inputs(), transfer.inputs().length + x.length);
        for (int i = 0; i < x.length; i++) {
            all[transfer.inputs().length + i] = transfer.active(x[i]);
        }
        return all;
    }

    /** The transferred rows' targets followed by {@code y}. */
    private double[] withTransfer(double[] y) {
        if (transfer == null) {
            return y;
        }
        double[] all = Arrays.copyOf(transfer.targets(), transfer.targets().length + y.length);
        System.arraycopy(y, 0, all, transfer.targets().length, y.length);
        return all;
    }

    @Override
    public void add(double[] x, double y) {
        inputs.add(x);
        targets.add(y);
    }

    @Override
    public int size() {
        return inputs.size();
    }

    /** Replaces observation i (a multi-fidelity searcher's latest-report slot); invalidates cached fits. */
    @Override
    public void replace(int i, double[] x, double y) {
        inputs.set(i, x);
        targets.set(i, y);
        version++;
    }

    @Override
    public List<double[]> inputs() {
        return inputs;
    }

    List<Double> targets() {
        return targets;
    }

    /** The number of leading observations the current hyperparameters are fitted on. */
    int refitPoint() {
        return GpSurrogate.refitPoint(size(), settings.optSkipInitLength(), settings.optSkipPeriod());
    }

    /** A fit that the next proposal needs and that is not cached yet, on a snapshot of the data. */
    @Override
    public Optional<Runnable> pendingFit() {
        int k = refitPoint();
        if ((k == 0 && transfer == null) || k == warmPrefix || fits.containsKey(key(k))) {
            return Optional.empty();
        }
        Key key = key(k);
        double[][] x = inputs.subList(0, k).toArray(new double[0][]);
        double[] y =
                targets.subList(0, k).stream().mapToDouble(Double::doubleValue).toArray();
        Fitted start = warm;
        Subsample.Selector rows = selector.get();
        return Optional.of(() -> remember(key, fit(x, y, start, k, rows)));
    }

    /** The hyperparameters for the current data: carried over, cached, or fitted now. */
    Fitted hyperparameters() {
        int k = refitPoint();
        if (k == warmPrefix && warm != null) {
            return warm;
        }
        Key key = key(k);
        Fitted h = fits.get(key);
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

    private void remember(Key key, Fitted h) {
        if (fits.size() >= CACHE_LIMIT) {
            fits.clear();
        }
        fits.put(key, h);
    }

    private Key key(int k) {
        return new Key(k, warm == null || (transfer == null && coldStart(k)) ? List.of() : vector(warm), version);
    }

    /** Whether a fit on the first k observations starts from the initial hyperparameters. */
    private boolean coldStart(int k) {
        return k <= settings.optSkipInitLength();
    }

    /** θ, then λ when the targets are Box–Cox-transformed. */
    private List<Double> vector(Fitted f) {
        List<Double> v = new ArrayList<>(
                Arrays.stream(f.hyperparameters().toVector()).boxed().toList());
        if (boxCox) {
            v.add(f.lambda());
        }
        return v;
    }

    private Fitted fit(double[][] x, double[] y, Fitted start, int k, Subsample.Selector selector) {
        boolean transferOnlyFit = k == 0 && transfer != null && start == null;
        if (transferOnlyFit && transferFit != null) {
            return transferFit;
        }
        Fitted f = fitNow(x, y, start, k, selector);
        if (transferOnlyFit) {
            transferFit = f;
        }
        return f;
    }

    /** Fits run so far (not served from {@link #transferFit}), for tests. */
    int fitsRun() {
        return fitsRun.get();
    }

    private Fitted fitNow(double[][] x, double[] y, Fitted start, int k, Subsample.Selector selector) {
        fitsRun.incrementAndGet();
        int[] rows = selector.rows(
                y,
                k,
                Math.min(positiveOr(settings.maxSizeDataForModel(), k), settings.maxSizeDataForFit()),
                SeededRandom.of(settings.seed(), "gp-subsample-" + name, k));
        double[][] own = IntStream.of(rows).mapToObj(i -> x[i]).toArray(double[][]::new);
        double[] ownY = IntStream.of(rows).mapToDouble(i -> y[i]).toArray();
        double[][] xs = withTransfer(own);
        double[] ys = withTransfer(
                transfer == null ? standardize(ownY) : matched(own, ownY).values());
        int lengthscales = lengthscales(xs[0].length);
        int warped = settings.inputWarping() ? xs[0].length : 0;
        // With transfer the earlier tasks' rows dominate the data, so the fit on them (k = 0, with random
        // restarts) is a good warm start for every later one; cold restarts on hundreds of rows cost seconds.
        boolean cold = start == null || (transfer == null && coldStart(k));
        GpHyperparameters first = cold ? GpHyperparameters.initial(lengthscales, warped) : start.hyperparameters();
        // Past optSkipInitLength a warm start is trusted alone: random restarts there cost seconds at
        // hundreds of observations, and the hyperparameters change little from one result to the next.
        int randomStarts = cold ? Math.max(0, settings.optNstarts() - 1) : 0;
        MarginalLikelihood.FitOptions options =
                new MarginalLikelihood.FitOptions(settings.optMaxiter(), randomStarts, TOLERANCE, settings.unwarped());
        SplittableRandom random = SeededRandom.of(settings.seed(), "gp-fit-" + name, k);
        if (boxCox) {
            double[] raw = IntStream.of(rows).mapToDouble(i -> y[i]).toArray();
            double[] theta = Arrays.copyOf(first.toVector(), first.toVector().length + 1);
            theta[theta.length - 1] = cold ? 1 : start.lambda();
            BoxCox.Fit f = BoxCox.fit(xs, raw, lengthscales, settings.inputWarping(), List.of(theta), options, random);
            return new Fitted(f.hyperparameters(), f.lambda());
        }
        return new Fitted(
                new MarginalLikelihood(xs, ys, lengthscales, settings.inputWarping(), productFrom(xs[0].length))
                        .fit(List.of(first), options, random)
                        .hyperparameters(),
                1);
    }

    /**
     * Rows of the first {@code k} observations a model uses: all of them, or above
     * {@code maxSizeDataForModel} those the model's selector keeps (by default the best
     * {@code maxSizeTopFraction} of that many plus a uniform sample of the rest, as Syne Tune's
     * {@code SubsampleSingleFidelityStateConverter}; see {@link #selectRowsWith}).
     */
    private int[] subsample(double[] y, int k) {
        return selector.get()
                .rows(
                        y,
                        k,
                        settings.maxSizeDataForModel(),
                        SeededRandom.of(settings.seed(), "gp-subsample-" + name, k));
    }

    private static int positiveOr(int value, int otherwise) {
        return value > 0 ? value : otherwise;
    }

    /** Targets shifted and scaled to mean 0 and variance 1 (variance 1 kept when all are equal). */
    static double[] standardize(double[] y) {
        double mean = Arrays.stream(y).average().orElse(0);
        double sd = scale(y);
        return Arrays.stream(y).map(v -> (v - mean) / sd).toArray();
    }

    /** The posterior for all current observations, standardized, with fantasies at {@code pending}. */
    @Override
    public Posterior posterior(List<double[]> pending, int fantasies, SplittableRandom random) {
        Fitted fitted = hyperparameters();
        GpHyperparameters h = fitted.hyperparameters();
        double[] all = targets.stream().mapToDouble(Double::doubleValue).toArray();
        int[] rows = subsample(all, all.length);
        double[][] x = IntStream.of(rows).mapToObj(inputs::get).toArray(double[][]::new);
        double[] raw = IntStream.of(rows).mapToDouble(i -> all[i]).toArray();
        if (boxCox) {
            raw = BoxCox.transform(raw, fitted.lambda());
        }
        double mean = Arrays.stream(raw).average().orElse(0);
        double scale = scale(raw);
        double[] y;
        if (transfer == null) {
            y = standardize(raw);
        } else {
            Matched m = matched(x, raw);
            y = m.values();
            mean = m.mean();
            scale = m.scale();
        }
        double[] suffix = transfer == null ? new double[0] : transfer.suffix();
        // With transfer, the incumbent is the best active-task mean over the active task's configs, or
        // before it has any, over the earlier tasks' configs (the GP appends the active task's code).
        double[][] observed = transfer != null && x.length == 0 ? transfer.configs() : x;
        double[] active = y;
        x = withTransfer(x);
        y = withTransfer(y);
        GaussianProcess gp = GaussianProcess.condition(x, new double[][] {y}, h, suffix);
        if (!pending.isEmpty() && fantasies > 0) {
            double[][] p = activeInputs(pending);
            double[][] draws = gp.sampleObservations(p, fantasies, random);
            double[][] xs = Arrays.copyOf(x, x.length + p.length);
            System.arraycopy(p, 0, xs, x.length, p.length);
            double[][] ys = new double[fantasies][];
            for (int s = 0; s < fantasies; s++) {
                ys[s] = Arrays.copyOf(y, xs.length);
                System.arraycopy(draws[s], 0, ys[s], x.length, p.length);
            }
            gp = GaussianProcess.condition(xs, ys, h, suffix);
        }
        return new Posterior(gp, observed, rows, active, mean, scale);
    }

    /** The active task's targets on the earlier tasks' scale: {@code raw = mean + scale · values}. */
    record Matched(double[] values, double mean, double scale) {}

    private GaussianProcess transferOnly;

    /**
     * The posterior of the active task given only the earlier tasks' evaluations (hyperparameters fitted on
     * them alone), computed once.
     */
    private synchronized GaussianProcess transferOnly() {
        if (transferOnly == null) {
            GpHyperparameters h =
                    fit(new double[0][], new double[0], null, 0, selector.get()).hyperparameters();
            transferOnly = GaussianProcess.condition(
                    transfer.inputs(), new double[][] {transfer.targets()}, h, transfer.suffix());
        }
        return transferOnly;
    }

    /**
     * The active task's raw targets mapped affinely onto the scale of the earlier tasks' standardized ones:
     * shifted and scaled so that their mean and spread equal those of g, the earlier tasks' prediction for
     * the active task at the same configs ({@link #transferOnly}). Standardizing the active task on its own
     * fails while it has few observations: they cluster where the earlier tasks were good, so their spread
     * is a small part of the task's, and two close observations standardized to ±1 made the model
     * extrapolate a steep slope and propose a corner of the space. One observation is mapped onto g at it;
     * when all are equal they are mapped onto g's mean, with the earlier tasks' raw spread as the scale.
     */
    Matched matched(double[][] x, double[] raw) {
        int n = raw.length;
        if (n == 0) {
            return new Matched(new double[0], 0, transfer.rawScale());
        }
        GaussianProcess prior = transferOnly();
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            g[i] = prior.means(x[i])[0];
        }
        double gMean = Arrays.stream(g).average().orElse(0);
        double yMean = Arrays.stream(raw).average().orElse(0);
        double sy = n < 2 ? 0 : sd(raw);
        double sg = Math.max(n < 2 ? 0 : sd(g), MIN_SPREAD);
        double[] values = new double[n];
        if (sy < 1e-12 * Math.max(1, Math.abs(yMean))) {
            Arrays.fill(values, gMean);
            double b = transfer.rawScale();
            return new Matched(values, yMean - b * gMean, b);
        }
        double b = sy / sg; // raw units per standardized unit
        for (int i = 0; i < n; i++) {
            values[i] = gMean + (raw[i] - yMean) / b;
        }
        return new Matched(values, yMean - b * gMean, b);
    }

    /** The least spread of g (in standardized units) the active task's targets are matched to. */
    private static final double MIN_SPREAD = 1e-2;

    private static double sd(double[] v) {
        double m = Arrays.stream(v).average().orElse(0);
        return Math.sqrt(Arrays.stream(v).map(a -> (a - m) * (a - m)).sum() / v.length);
    }

    /** Pending configs as model inputs: in the active task's code when transferring. */
    private double[][] activeInputs(List<double[]> pending) {
        return pending.stream()
                .map(p -> transfer == null ? p : transfer.active(p))
                .toArray(double[][]::new);
    }

    static double scale(double[] raw) {
        double mean = Arrays.stream(raw).average().orElse(0);
        double var = Arrays.stream(raw).map(v -> (v - mean) * (v - mean)).sum() / Math.max(1, raw.length);
        return var > 1e-24 ? Math.sqrt(var) : 1;
    }

    /**
     * A posterior over standardized targets, the inputs it observed (with their indices among the
     * model's observations and their standardized targets), and the shift and scale that map a
     * standardized value back ({@code raw = mean + scale · standardized}).
     */
    record Posterior(GaussianProcess gp, double[][] observed, int[] rows, double[] targets, double mean, double scale) {
        /** Per target vector, the lowest posterior mean over the observed inputs (Syne Tune's incumbent). */
        double[] incumbents() {
            double[] best = new double[gp.targets()];
            Arrays.fill(best, Double.POSITIVE_INFINITY);
            for (double[] x : observed) {
                double[] means = gp.means(x);
                for (int s = 0; s < best.length; s++) {
                    best[s] = Math.min(best[s], means[s]);
                }
            }
            return best;
        }

        /** The standardized value of a raw one. */
        double standardized(double raw) {
            return (raw - mean) / scale;
        }
    }

    /** The memo entry that records the hyperparameters in use: [refit point, θ…, and λ with Box–Cox]. */
    @Override
    public List<Double> memo() {
        List<Double> entry = new ArrayList<>();
        entry.add((double) refitPoint());
        entry.addAll(vector(hyperparameters()));
        return entry;
    }

    /** Takes over the hyperparameters a stored proposal used, to warm-start the next fit from them. */
    @Override
    public void restore(Object memoEntry) {
        if (memoEntry instanceof List<?> list && list.size() >= 4) {
            double lambda = boxCox ? ((Number) list.getLast()).doubleValue() : 1;
            double[] theta = new double[list.size() - 1 - (boxCox ? 1 : 0)];
            for (int i = 0; i < theta.length; i++) {
                theta[i] = ((Number) list.get(i + 1)).doubleValue();
            }
            warmPrefix = ((Number) list.getFirst()).intValue();
            int m = transfer != null
                    ? lengthscales(settings.unwarped().length)
                    : !settings.ard() ? 1 : settings.inputWarping() ? (theta.length - 3) / 3 : theta.length - 3;
            warm = new Fitted(
                    GpHyperparameters.fromVector(theta, m).withProductFrom(productFrom(settings.unwarped().length)),
                    lambda);
        }
    }
}
