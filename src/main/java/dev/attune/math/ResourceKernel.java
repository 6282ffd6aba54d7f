package dev.attune.math;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Syne Tune's GP priors over (config, resource) for multi-fidelity searchers: inputs are the encoded config
 * x (d coordinates) followed by the resource r scaled to (0, 1] (r / r_max, as Syne Tune's encoding), and
 * targets are standardized.
 *
 * <p>Exponential-decay family ({@code exp-decay-sum}, {@code exp-decay-combined}, {@code exp-decay-delta1};
 * [1] Swersky et al., Freeze-Thaw Bayesian Optimization, 2014; [2] Tiao, Klein, Archambeau and Seeger,
 * Model-based Asynchronous Hyperparameter and Neural Architecture Search, 2020). A learning curve is
 * modelled as f(x) + γ·e^{−λr} with the decay rate λ ~ Gamma(α, β), β = α/λ̄, so that
 * κ(r) = E[e^{−λr}] = (β/(r + β))^α and E[e^{−λr}e^{−λr'}] = κ(r + r') = β^α/(r + r' + β)^α. Centred as
 * in [2]: mean μ(x, r) = μ + κ(r)·(γ − δμ) and
 *
 * <pre>
 *   k((x, r), (x', r')) = k_x(x, x')·(1 − δ(κ(r) + κ(r') − δκ(r + r')))
 *                         + (γ − δμ)²·(κ(r + r') − κ(r)κ(r'))
 * </pre>
 *
 * with k_x a Matern 5/2 (ARD) kernel and a constant μ. δ = 0 is {@code exp-decay-sum} (Syne Tune's MOBSTER
 * default: an additive curve term), δ = 1 {@code exp-decay-delta1}, δ ∈ [0, 1] fitted {@code
 * exp-decay-combined}. {@code freeze-thaw}: k_x(x, x') + γ²(κ(r + r') − κ(r)κ(r'))·[x = x'], curves of
 * different configs independent given f (Syne Tune's {@code FreezeThawKernelFunction}).
 *
 * <p>{@code independent} (Syne Tune's {@code gp_independent}): one GP per rung level l with constant mean
 * μ_l and covariance c_l·k(x, x'), the unit-amplitude Matern kernel k shared across levels; one noise
 * variance, or one per level with separate noise variances. Observations at different levels are
 * uncorrelated.
 *
 * <p>Hyperparameters travel as a vector θ ({@link #toVector}) that {@link ResourceLikelihood} optimizes
 * within {@link #lowerBounds}/{@link #upperBounds}: positives by their logarithm, μ and δ as they are.
 * Bounds on α, λ̄, γ and δ are Syne Tune's (γ ≤ 1 for standardized targets).
 */
public final class ResourceKernel implements GpPrior {

    /** The resource kernel (Syne Tune's {@code gp_resource_kernel}, or the independent model). */
    public enum Type {
        EXP_DECAY_SUM("exp-decay-sum"),
        EXP_DECAY_COMBINED("exp-decay-combined"),
        EXP_DECAY_DELTA1("exp-decay-delta1"),
        FREEZE_THAW("freeze-thaw"),
        INDEPENDENT("independent");

        private final String label;

        Type(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** The type a {@code gpResourceKernel} option value names. */
        public static Type of(String label) {
            for (Type t : values()) {
                if (t.label.equalsIgnoreCase(label)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown resource kernel " + label);
        }
    }

    /** The shape of θ: the kernel type, the config's dimension, ARD or not, the levels and noise split. */
    public record Shape(Type type, int d, boolean ard, double[] levels, boolean separateNoise) {
        public Shape {
            levels = levels.clone();
        }

        int lengthscales() {
            return ard ? Math.max(1, d) : 1;
        }

        int noises() {
            return type == Type.INDEPENDENT && separateNoise ? levels.length : 1;
        }

        /** The length of θ. */
        public int size() {
            int m = lengthscales();
            return type == Type.INDEPENDENT
                    ? m + 2 * levels.length + noises()
                    : m + 3 + 3 + (type == Type.EXP_DECAY_COMBINED ? 1 : 0);
        }

        /** Syne Tune's initial values: c = 1, ℓ = 1, σ² = 1e-3, μ = 0, α = 1, λ̄ = 0.5, γ = 0.5, δ = 0.5. */
        public double[] initial() {
            double[] theta = new double[size()];
            int m = lengthscales();
            if (type == Type.INDEPENDENT) {
                // ℓ = 1 (log 0), μ_l = 0, c_l = 1 (log 0), σ² = 1e-3
                Arrays.fill(theta, m + 2 * levels.length, theta.length, Math.log(1e-3));
                return theta;
            }
            theta[m + 1] = Math.log(1e-3);
            theta[m + 3] = Math.log(1.0);
            theta[m + 4] = Math.log(0.5);
            theta[m + 5] = Math.log(0.5);
            if (type == Type.EXP_DECAY_COMBINED) {
                theta[m + 6] = 0.5;
            }
            return theta;
        }

        public double[] lowerBounds() {
            return bounds(true);
        }

        public double[] upperBounds() {
            return bounds(false);
        }

        private double[] bounds(boolean lower) {
            double[] b = new double[size()];
            int m = lengthscales();
            double ls = Math.log(lower ? GpHyperparameters.MIN_LENGTHSCALE : GpHyperparameters.MAX_LENGTHSCALE);
            double amp = Math.log(lower ? GpHyperparameters.MIN_AMPLITUDE : GpHyperparameters.MAX_AMPLITUDE);
            double noise = Math.log(lower ? GpHyperparameters.MIN_NOISE : GpHyperparameters.MAX_NOISE);
            double mean = lower ? -GpHyperparameters.MAX_MEAN : GpHyperparameters.MAX_MEAN;
            if (type == Type.INDEPENDENT) {
                Arrays.fill(b, 0, m, ls);
                Arrays.fill(b, m, m + levels.length, mean);
                Arrays.fill(b, m + levels.length, m + 2 * levels.length, amp);
                Arrays.fill(b, m + 2 * levels.length, b.length, noise);
                return b;
            }
            Arrays.fill(b, 1, 1 + m, ls);
            b[0] = amp;
            b[m + 1] = noise;
            b[m + 2] = mean;
            b[m + 3] = Math.log(lower ? 1e-6 : 250);
            b[m + 4] = Math.log(lower ? 1e-4 : 50);
            b[m + 5] = Math.log(lower ? 1e-4 : 1);
            if (type == Type.EXP_DECAY_COMBINED) {
                b[m + 6] = lower ? 0 : 1;
            }
            return b;
        }
    }

    private final Shape shape;
    private final double[] theta;
    private final int d;
    private final double[] lengthscales;
    private final double amplitude;
    private final double noise;
    private final double mean;
    private final double alpha;
    private final double beta;
    private final double gamma;
    private final double delta;
    private final double[] levelMeans;
    private final double[] levelAmplitudes;
    private final double[] levelNoises;

    private ResourceKernel(Shape shape, double[] theta) {
        if (theta.length != shape.size()) {
            throw new IllegalArgumentException("θ has " + theta.length + " entries, expected " + shape.size());
        }
        this.shape = shape;
        this.theta = theta.clone();
        this.d = shape.d();
        int m = shape.lengthscales();
        boolean independent = shape.type() == Type.INDEPENDENT;
        int offset = independent ? 0 : 1;
        lengthscales = new double[m];
        for (int j = 0; j < m; j++) {
            lengthscales[j] = Math.exp(theta[offset + j]);
        }
        if (independent) {
            int levels = shape.levels().length;
            levelMeans = Arrays.copyOfRange(theta, m, m + levels);
            levelAmplitudes = Arrays.stream(Arrays.copyOfRange(theta, m + levels, m + 2 * levels))
                    .map(Math::exp)
                    .toArray();
            levelNoises = Arrays.stream(Arrays.copyOfRange(theta, m + 2 * levels, theta.length))
                    .map(Math::exp)
                    .toArray();
            amplitude = 1;
            noise = levelNoises[0];
            mean = 0;
            alpha = beta = gamma = delta = 0;
        } else {
            amplitude = Math.exp(theta[0]);
            noise = Math.exp(theta[m + 1]);
            mean = theta[m + 2];
            alpha = Math.exp(theta[m + 3]);
            double meanLam = Math.exp(theta[m + 4]);
            beta = alpha / meanLam;
            gamma = Math.exp(theta[m + 5]);
            delta = switch (shape.type()) {
                case EXP_DECAY_COMBINED -> theta[m + 6];
                case EXP_DECAY_DELTA1 -> 1;
                default -> 0;
            };
            levelMeans = levelAmplitudes = levelNoises = new double[0];
        }
    }

    /** The prior of θ (a vector of {@code shape.size()} entries, see {@link Shape}). */
    public static ResourceKernel of(Shape shape, double[] theta) {
        return new ResourceKernel(shape, theta);
    }

    public Shape shape() {
        return shape;
    }

    public double[] toVector() {
        return theta.clone();
    }

    /** κ(u) = (β/(u + β))^α, the Laplace transform of Gamma(α, β) at u. */
    public double kappa(double u) {
        long bits = Double.doubleToRawLongBits(u);
        int h = (int) (bits ^ (bits >>> 32)) * 0x9E3779B9;
        for (int probe = 0; probe < KAPPA_PROBES; probe++) {
            int slot = (h + probe) & (KAPPA_SLOTS - 1);
            Kappa k = kappas[slot];
            if (k == null) {
                double v = Math.pow(beta / (u + beta), alpha);
                kappas[slot] = new Kappa(bits, v);
                return v;
            }
            if (k.bits() == bits) {
                return k.value();
            }
        }
        return Math.pow(beta / (u + beta), alpha);
    }

    /**
     * A memo of κ: the resources of a model's inputs are its few rung levels (and their pairwise sums), so
     * the pow of every covariance entry is looked up. Entries are immutable and written whole, so a kernel
     * shared between threads reads either nothing (and computes) or the exact value.
     */
    private record Kappa(long bits, double value) {}

    private static final int KAPPA_SLOTS = 256;

    private static final int KAPPA_PROBES = 8;

    private final Kappa[] kappas = new Kappa[KAPPA_SLOTS];

    public double alpha() {
        return alpha;
    }

    public double beta() {
        return beta;
    }

    public double gamma() {
        return gamma;
    }

    public double delta() {
        return delta;
    }

    private double lengthscale(int j) {
        return lengthscales.length == 1 ? lengthscales[0] : lengthscales[j];
    }

    private double distance2(double[] a, double[] b) {
        double r2 = 0;
        for (int j = 0; j < d; j++) {
            double t = (a[j] - b[j]) / lengthscale(j);
            r2 += t * t;
        }
        return r2;
    }

    private static double matern(double r2) {
        double s = Math.sqrt(5 * r2);
        return (1 + s + s * s / 3) * Math.exp(-s);
    }

    /** −2 ∂matern/∂r². */
    private static double slope(double r2) {
        double s = Math.sqrt(5 * r2);
        return 5.0 / 3.0 * (1 + s) * Math.exp(-s);
    }

    /** The index of the level at scaled resource r (the nearest one). */
    private int level(double r) {
        return levelIndex(shape.levels(), r);
    }

    /** The index of the level nearest to scaled resource r. */
    static int levelIndex(double[] levels, double r) {
        int best = 0;
        for (int l = 1; l < levels.length; l++) {
            if (Math.abs(levels[l] - r) < Math.abs(levels[best] - r)) {
                best = l;
            }
        }
        return best;
    }

    private boolean sameConfig(double[] a, double[] b) {
        for (int j = 0; j < d; j++) {
            if (a[j] != b[j]) {
                return false;
            }
        }
        return true;
    }

    /** The factor of k_x: 1 − δ(κ(r) + κ(r') − δκ(r + r')); 1 unless δ > 0. */
    private double configFactor(double ra, double rb) {
        return delta == 0 ? 1 : 1 - delta * (kappa(ra) + kappa(rb) - delta * kappa(ra + rb));
    }

    /** The resource term: (γ − δμ)²(κ(r + r') − κ(r)κ(r')). */
    private double resourceTerm(double ra, double rb) {
        double pref = gamma - delta * mean;
        return pref * pref * (kappa(ra + rb) - kappa(ra) * kappa(rb));
    }

    @Override
    public double covariance(double[] a, double[] b) {
        double ra = a[d];
        double rb = b[d];
        if (shape.type() == Type.INDEPENDENT) {
            int la = level(ra);
            return la == level(rb) ? levelAmplitudes[la] * matern(distance2(a, b)) : 0;
        }
        double kx = matern(distance2(a, b));
        return switch (shape.type()) {
            case FREEZE_THAW -> amplitude * kx + (sameConfig(a, b) ? resourceTerm(ra, rb) : 0);
            default -> amplitude * kx * configFactor(ra, rb) + resourceTerm(ra, rb);
        };
    }

    @Override
    public double covarianceAndGradient(double[] a, double[] b, double[] gradient) {
        double r2 = distance2(a, b);
        double factor =
                switch (shape.type()) {
                    case INDEPENDENT -> {
                        int la = level(a[d]);
                        yield la == level(b[d]) ? levelAmplitudes[la] : 0;
                    }
                    case FREEZE_THAW -> amplitude;
                    default -> amplitude * configFactor(a[d], b[d]);
                };
        double s = slope(r2) * factor;
        for (int j = 0; j < d; j++) {
            double l = lengthscale(j);
            gradient[j] = -s * (a[j] - b[j]) / (l * l);
        }
        for (int j = d; j < gradient.length; j++) {
            gradient[j] = 0;
        }
        return covariance(a, b);
    }

    @Override
    public double variance(double[] a) {
        return covariance(a, a);
    }

    @Override
    public double noise(double[] a) {
        return shape.type() == Type.INDEPENDENT && levelNoises.length > 1 ? levelNoises[level(a[d])] : noise;
    }

    @Override
    public double mean(double[] x) {
        double r = x[d];
        return switch (shape.type()) {
            case INDEPENDENT -> levelMeans[level(r)];
            case FREEZE_THAW -> mean + gamma * kappa(r);
            default -> mean + kappa(r) * (gamma - delta * mean);
        };
    }

    @Override
    public double[] warp(double[] raw) {
        return raw;
    }

    @Override
    public @Nullable InputWarping warping() {
        return null;
    }

    /** The covariance scale of the config kernel: c, or the mean of the levels' c_l. */
    public double amplitude() {
        return shape.type() == Type.INDEPENDENT
                ? Arrays.stream(levelAmplitudes).average().orElse(1)
                : amplitude;
    }
}
