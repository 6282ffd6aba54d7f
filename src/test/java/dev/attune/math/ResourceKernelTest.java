package dev.attune.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.apache.commons.math3.analysis.integration.IterativeLegendreGaussIntegrator;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.junit.jupiter.api.Test;

/** Syne Tune's resource kernels: closed forms against integrals, positive semi-definiteness, gradients. */
class ResourceKernelTest {
    static final double[] LEVELS = {1 / 27.0, 3 / 27.0, 9 / 27.0, 1};

    static ResourceKernel.Shape shape(ResourceKernel.Type type, boolean separate) {
        return new ResourceKernel.Shape(type, 3, true, LEVELS, separate);
    }

    /** θ uniform in the box (seeded). */
    static double[] randomTheta(ResourceKernel.Shape shape, SplittableRandom r) {
        double[] lo = shape.lowerBounds();
        double[] hi = shape.upperBounds();
        double[] t = new double[lo.length];
        for (int j = 0; j < t.length; j++) {
            t[j] = lo[j] + r.nextDouble() * (hi[j] - lo[j]);
        }
        return t;
    }

    /** n inputs: configs in [0, 1]³ (some repeated, as one trial at several levels), levels from LEVELS. */
    static double[][] inputs(int n, SplittableRandom r) {
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
            double[] c = i > 0 && r.nextDouble() < 0.4
                    ? x[r.nextInt(i)].clone()
                    : new double[] {r.nextDouble(), r.nextDouble(), r.nextDouble(), 0};
            c[3] = LEVELS[r.nextInt(LEVELS.length)];
            x[i] = c;
        }
        return x;
    }

    @Test
    void kappaIsTheLaplaceTransformOfTheGammaPrior() {
        // θ with α = 1.7, λ̄ = 0.4 (β = α/λ̄ = 4.25)
        ResourceKernel.Shape s = shape(ResourceKernel.Type.EXP_DECAY_SUM, false);
        double[] theta = s.initial();
        theta[3 + 3] = Math.log(1.7);
        theta[3 + 4] = Math.log(0.4);
        ResourceKernel k = ResourceKernel.of(s, theta);
        GammaDistribution gamma = new GammaDistribution(1.7, 1 / 4.25); // shape α, scale 1/β
        IterativeLegendreGaussIntegrator integrator = new IterativeLegendreGaussIntegrator(64, 1e-10, 1e-12);
        for (double u : new double[] {0, 1 / 27.0, 0.3, 1, 2}) {
            double numeric = integrator.integrate(
                    10_000_000, lambda -> Math.exp(-lambda * u) * gamma.density(lambda), 1e-12, 40);
            assertThat(k.kappa(u)).as("κ(%s)", u).isCloseTo(numeric, within(1e-7));
            assertThat(k.kappa(u)).isCloseTo(Math.pow(4.25, 1.7) / Math.pow(u + 4.25, 1.7), within(1e-12));
        }
    }

    /** exp-decay-sum: k_x(x, x') + γ²·Cov_λ(e^{−λr}, e^{−λr'}), the covariance computed by integration. */
    @Test
    void expDecaySumIsTheConfigKernelPlusTheCurveCovariance() {
        ResourceKernel.Shape s = shape(ResourceKernel.Type.EXP_DECAY_SUM, false);
        double[] theta = s.initial(); // c = 1, ℓ = 1, α = 1, λ̄ = 0.5 (β = 2), γ = 0.5, μ = 0
        theta[3 + 2] = 0.3; // μ
        ResourceKernel k = ResourceKernel.of(s, theta);
        GammaDistribution gamma = new GammaDistribution(1, 0.5);
        IterativeLegendreGaussIntegrator integrator = new IterativeLegendreGaussIntegrator(64, 1e-10, 1e-12);
        double[] a = {0.1, 0.5, 0.9, 1 / 27.0};
        double[] b = {0.4, 0.2, 0.7, 9 / 27.0};
        double second =
                integrator.integrate(10_000_000, l -> Math.exp(-l * (a[3] + b[3])) * gamma.density(l), 1e-12, 60);
        double firstA = integrator.integrate(10_000_000, l -> Math.exp(-l * a[3]) * gamma.density(l), 1e-12, 60);
        double firstB = integrator.integrate(10_000_000, l -> Math.exp(-l * b[3]) * gamma.density(l), 1e-12, 60);
        double r2 = 0;
        for (int j = 0; j < 3; j++) {
            r2 += (a[j] - b[j]) * (a[j] - b[j]);
        }
        double kx = new Matern52Kernel(1, new double[] {1}).valueAt(r2);
        assertThat(k.covariance(a, b)).isCloseTo(kx + 0.25 * (second - firstA * firstB), within(1e-7));
        // mean: μ + γ·κ(r); the curve decays towards μ
        assertThat(k.mean(a)).isCloseTo(0.3 + 0.5 * firstA, within(1e-7));
        assertThat(k.mean(new double[] {0, 0, 0, 1e9})).isCloseTo(0.3, within(1e-6));
    }

    @Test
    void combinedReducesToSumAtDeltaZeroAndToDelta1AtDeltaOne() {
        SplittableRandom r = new SplittableRandom(7);
        ResourceKernel.Shape combined = shape(ResourceKernel.Type.EXP_DECAY_COMBINED, false);
        ResourceKernel.Shape sum = shape(ResourceKernel.Type.EXP_DECAY_SUM, false);
        ResourceKernel.Shape delta1 = shape(ResourceKernel.Type.EXP_DECAY_DELTA1, false);
        double[][] x = inputs(12, r);
        for (int trial = 0; trial < 20; trial++) {
            double[] t = randomTheta(combined, r);
            double[] t0 = java.util.Arrays.copyOf(t, sum.size());
            t[t.length - 1] = 0;
            ResourceKernel kc0 = ResourceKernel.of(combined, t.clone());
            t[t.length - 1] = 1;
            ResourceKernel kc1 = ResourceKernel.of(combined, t.clone());
            ResourceKernel ks = ResourceKernel.of(sum, t0);
            ResourceKernel kd = ResourceKernel.of(delta1, t0);
            for (double[] a : x) {
                assertThat(kc0.mean(a)).isCloseTo(ks.mean(a), within(1e-12));
                assertThat(kc1.mean(a)).isCloseTo(kd.mean(a), within(1e-12));
                for (double[] b : x) {
                    assertThat(kc0.covariance(a, b)).isCloseTo(ks.covariance(a, b), within(1e-12));
                    assertThat(kc1.covariance(a, b)).isCloseTo(kd.covariance(a, b), within(1e-12));
                }
            }
        }
    }

    /** Every kernel, at random θ in its box and random inputs: symmetric with eigenvalues ≥ −1e-9·trace. */
    @Test
    void everyKernelIsPositiveSemiDefinite() {
        SplittableRandom r = new SplittableRandom(11);
        for (ResourceKernel.Type type : ResourceKernel.Type.values()) {
            for (boolean separate : new boolean[] {false, true}) {
                ResourceKernel.Shape s = shape(type, separate);
                for (int trial = 0; trial < 25; trial++) {
                    ResourceKernel k = ResourceKernel.of(s, randomTheta(s, r));
                    double[][] x = inputs(30, r);
                    DMatrixRMaj m = new DMatrixRMaj(x.length, x.length);
                    double trace = 0;
                    for (int i = 0; i < x.length; i++) {
                        trace += k.variance(x[i]);
                        for (int j = 0; j < x.length; j++) {
                            m.set(i, j, k.covariance(x[i], x[j]));
                            assertThat(k.covariance(x[i], x[j])).isEqualTo(k.covariance(x[j], x[i]));
                        }
                    }
                    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(x.length, false, true);
                    assertThat(eig.decompose(m)).isTrue();
                    for (int i = 0; i < x.length; i++) {
                        assertThat(eig.getEigenvalue(i).getReal())
                                .as("%s θ %d eigenvalue %d", type, trial, i)
                                .isGreaterThan(-1e-10 - 1e-9 * trace); // rounding, not a negative direction
                    }
                }
            }
        }
    }

    @Test
    void independentLevelsAreUncorrelatedAndKeepTheirOwnNoise() {
        ResourceKernel.Shape s = shape(ResourceKernel.Type.INDEPENDENT, true);
        double[] theta = randomTheta(s, new SplittableRandom(3));
        ResourceKernel k = ResourceKernel.of(s, theta);
        double[] a = {0.2, 0.3, 0.4, LEVELS[0]};
        double[] b = {0.2, 0.3, 0.4, LEVELS[2]};
        assertThat(k.covariance(a, b)).isZero();
        assertThat(k.covariance(a, a)).isCloseTo(Math.exp(theta[3 + 4]), within(1e-12)); // c_1
        assertThat(k.mean(b)).isEqualTo(theta[3 + 2]); // μ_3
        assertThat(k.noise(a)).isCloseTo(Math.exp(theta[3 + 8]), within(1e-15));
        assertThat(k.noise(b)).isCloseTo(Math.exp(theta[3 + 10]), within(1e-15));
    }

    /** ∂k/∂x (what the acquisition's local search climbs) against central differences, every kernel. */
    @Test
    void configGradientMatchesFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(5);
        for (ResourceKernel.Type type : ResourceKernel.Type.values()) {
            ResourceKernel.Shape s = shape(type, false);
            for (int trial = 0; trial < 10; trial++) {
                double[] theta = randomTheta(s, r);
                theta[1] = theta[2] = theta[3] = 0; // moderate length scales (independent: ℓ at 0..2)
                if (type == ResourceKernel.Type.INDEPENDENT) {
                    theta[0] = 0;
                }
                ResourceKernel k = ResourceKernel.of(s, theta);
                double[] a = {r.nextDouble(), r.nextDouble(), r.nextDouble(), LEVELS[1]};
                double[] b = {
                    r.nextDouble(),
                    r.nextDouble(),
                    r.nextDouble(),
                    LEVELS[type == ResourceKernel.Type.INDEPENDENT ? 1 : 3]
                };
                double[] g = new double[4];
                double v = k.covarianceAndGradient(a, b, g);
                assertThat(v).isEqualTo(k.covariance(a, b));
                for (int j = 0; j < 3; j++) {
                    double h = 1e-6;
                    double[] up = a.clone();
                    double[] down = a.clone();
                    up[j] += h;
                    down[j] -= h;
                    double fd = (k.covariance(up, b) - k.covariance(down, b)) / (2 * h);
                    assertThat(g[j]).as("%s ∂/∂x%d", type, j).isCloseTo(fd, within(1e-6 * Math.max(1, Math.abs(fd))));
                }
            }
        }
    }

    /** The marginal-likelihood fit improves on its start and stays in the box. */
    @Test
    void fitImprovesTheMarginalLikelihood() {
        SplittableRandom r = new SplittableRandom(9);
        double[][] x = inputs(40, r);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) { // a config effect plus a decaying curve
            y[i] = Math.sin(3 * x[i][0]) + 2 * Math.exp(-4 * x[i][3]) + 0.01 * r.nextGaussian();
        }
        for (ResourceKernel.Type type : ResourceKernel.Type.values()) {
            ResourceKernel.Shape s = shape(type, false);
            ResourceLikelihood l = new ResourceLikelihood(x, y, s);
            double start = l.evaluate(s.initial());
            ResourceLikelihood.Fit fit = l.fit(s.initial(), 1, 200, 0.3, new SplittableRandom(1));
            assertThat(fit.value()).as("%s", type).isLessThan(start);
            assertThat(fit.value()).isCloseTo(l.evaluate(fit.theta()), within(1e-9));
            double[] lo = s.lowerBounds();
            double[] hi = s.upperBounds();
            for (int j = 0; j < lo.length; j++) {
                assertThat(fit.theta()[j]).isBetween(lo[j], hi[j]);
            }
        }
    }

    /**
     * The slow path the fast one must reproduce bit for bit: the marginal likelihood through one
     * factorization of the whole covariance (the code before the per-level blocks and the κ memo).
     */
    static double slowLikelihood(double[][] x, double[] y, ResourceKernel.Shape shape, double[] theta) {
        ResourceKernel k = ResourceKernel.of(shape, theta);
        int n = x.length;
        double[] lower;
        try {
            lower = GaussianProcess.choleskyOfCovariance(x, k);
        } catch (IllegalStateException e) {
            return 1e10;
        }
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = y[i] - k.mean(x[i]);
        }
        org.ejml.dense.row.decomposition.TriangularSolver_DDRM.solveL(lower, r, n);
        double value = 0;
        for (int i = 0; i < n; i++) {
            value += 0.5 * r[i] * r[i] + Math.log(lower[i * n + i]) + 0.5 * Math.log(2 * Math.PI);
        }
        double logAmp = Math.log(k.amplitude());
        value += 0.5 * logAmp * logAmp;
        return Double.isFinite(value) ? value : 1e10;
    }

    /**
     * The fast paths change no number: the independent model's likelihood factorized per level block equals
     * the one factorization of the whole (levels interleaved in the rows), and a fit from the same start
     * lands on the same θ; for every kernel κ from the memo is the pow it replaces.
     */
    @Test
    void fastPathsGiveTheSlowPathsNumbersExactly() {
        SplittableRandom r = new SplittableRandom(21);
        double[][] x = inputs(60, r);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.sin(3 * x[i][0]) + 2 * Math.exp(-4 * x[i][3]) + 0.01 * r.nextGaussian();
        }
        for (boolean separate : new boolean[] {false, true}) {
            ResourceKernel.Shape s = shape(ResourceKernel.Type.INDEPENDENT, separate);
            ResourceLikelihood l = new ResourceLikelihood(x, y, s);
            for (int t = 0; t < 20; t++) {
                double[] theta = t == 0 ? s.initial() : randomTheta(s, r);
                assertThat(l.evaluate(theta)).isEqualTo(slowLikelihood(x, y, s, theta));
            }
            ResourceLikelihood.Fit fit = l.fit(s.initial(), 1, 120, 0.3, new SplittableRandom(4));
            assertThat(fit.value()).isEqualTo(slowLikelihood(x, y, s, fit.theta()));
        }
        for (ResourceKernel.Type type : ResourceKernel.Type.values()) {
            ResourceKernel.Shape s = shape(type, false);
            ResourceKernel k = ResourceKernel.of(s, randomTheta(s, r));
            for (int i = 0; i < 2000; i++) { // more distinct u than the memo holds, and repeats
                double u = i % 3 == 0 ? LEVELS[i % 4] + LEVELS[(i / 4) % 4] : r.nextDouble() * 2;
                assertThat(k.kappa(u)).isEqualTo(Math.pow(k.beta() / (u + k.beta()), k.alpha()));
            }
        }
    }
}
