package dev.attune.cli;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/** The standard optimization test functions of {@code bench quality}, with their domains and minima. */
final class TestFunctions {
    private TestFunctions() {}

    /** A function over a box, its known minimum, and whether the box's mid-point is the optimum. */
    record TestFunction(
            String name, double[][] bounds, ToDoubleFunction<double[]> f, double minimum, boolean midpointIsOptimum) {}

    static double branin(double x1, double x2) {
        double a = x2 - 5.1 / (4 * Math.PI * Math.PI) * x1 * x1 + 5 / Math.PI * x1 - 6;
        return a * a + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
    }

    private static final double[] ALPHA = {1, 1.2, 3, 3.2};
    private static final double[][] A3 = {{3, 10, 30}, {0.1, 10, 35}, {3, 10, 30}, {0.1, 10, 35}};
    private static final double[][] P3 = {{3689, 1170, 2673}, {4699, 4387, 7470}, {1091, 8732, 5547}, {381, 5743, 8828}
    };
    private static final double[][] A6 = {
        {10, 3, 17, 3.5, 1.7, 8}, {0.05, 10, 17, 0.1, 8, 14}, {3, 3.5, 1.7, 10, 17, 8}, {17, 8, 0.05, 10, 0.1, 14}
    };
    private static final double[][] P6 = {
        {1312, 1696, 5569, 124, 8283, 5886},
        {2329, 4135, 8307, 3736, 1004, 9991},
        {2348, 1451, 3522, 2883, 3047, 6650},
        {4047, 8828, 8732, 5743, 1091, 381}
    };

    static double hartmann(double[] x, double[][] a, double[][] p) {
        double s = 0;
        for (int i = 0; i < 4; i++) {
            double inner = 0;
            for (int j = 0; j < x.length; j++) {
                double d = x[j] - p[i][j] * 1e-4;
                inner += a[i][j] * d * d;
            }
            s -= ALPHA[i] * Math.exp(-inner);
        }
        return s;
    }

    static double rosenbrock(double[] x) {
        double s = 0;
        for (int i = 0; i + 1 < x.length; i++) {
            s += 100 * Math.pow(x[i + 1] - x[i] * x[i], 2) + Math.pow(1 - x[i], 2);
        }
        return s;
    }

    static double ackley(double[] x) {
        double sq = 0;
        double cos = 0;
        for (double v : x) {
            sq += v * v;
            cos += Math.cos(2 * Math.PI * v);
        }
        return -20 * Math.exp(-0.2 * Math.sqrt(sq / x.length)) - Math.exp(cos / x.length) + 20 + Math.E;
    }

    private static double[][] box(int d, double lo, double hi) {
        double[][] b = new double[d][];
        for (int i = 0; i < d; i++) {
            b[i] = new double[] {lo, hi};
        }
        return b;
    }

    static final Map<String, TestFunction> ALL = Map.of(
            "branin",
                    new TestFunction(
                            "branin", new double[][] {{-5, 10}, {0, 15}}, x -> branin(x[0], x[1]), 0.397887, false),
            "hartmann3", new TestFunction("hartmann3", box(3, 0, 1), x -> hartmann(x, A3, P3), -3.86278, false),
            "hartmann6", new TestFunction("hartmann6", box(6, 0, 1), x -> hartmann(x, A6, P6), -3.32237, false),
            "rosenbrock4", new TestFunction("rosenbrock4", box(4, -5, 10), TestFunctions::rosenbrock, 0.0, false),
            "ackley5", new TestFunction("ackley5", box(5, -32.768, 32.768), TestFunctions::ackley, 0.0, true));

    static final List<String> ORDER = List.of("branin", "hartmann3", "hartmann6", "rosenbrock4", "ackley5");

    /**
     * A multi-objective test function over [0, 1]^inputs (all objectives minimized), the fixed reference
     * point its hypervolume is measured at, and the hypervolume of its true Pareto front there.
     */
    record MultiObjectiveFunction(
            String name, int inputs, Function<double[], double[]> f, double[] reference, double frontHypervolume) {}

    /** ZDT's g: 1 + 9 · mean(x₂…xₙ). */
    private static double zdtG(double[] x) {
        double s = 0;
        for (int i = 1; i < x.length; i++) {
            s += x[i];
        }
        return 1 + 9 * s / (x.length - 1);
    }

    /** Zitzler, Deb and Thiele 2000: convex front f₂ = 1 − √f₁. */
    static double[] zdt1(double[] x) {
        double g = zdtG(x);
        return new double[] {x[0], g * (1 - Math.sqrt(x[0] / g))};
    }

    /** Concave front f₂ = 1 − f₁². */
    static double[] zdt2(double[] x) {
        double g = zdtG(x);
        return new double[] {x[0], g * (1 - (x[0] / g) * (x[0] / g))};
    }

    /** Deb, Thiele, Laumanns and Zitzler 2002, three objectives: the front is the unit sphere's positive octant. */
    static double[] dtlz2(double[] x) {
        double g = 0;
        for (int i = 2; i < x.length; i++) {
            g += (x[i] - 0.5) * (x[i] - 0.5);
        }
        double a = x[0] * Math.PI / 2;
        double b = x[1] * Math.PI / 2;
        return new double[] {
            (1 + g) * Math.cos(a) * Math.cos(b), (1 + g) * Math.cos(a) * Math.sin(b), (1 + g) * Math.sin(a)
        };
    }

    /**
     * Six inputs each; references (11, 11) for ZDT as BoTorch's test problems and 1.1 per objective for
     * DTLZ2. Front hypervolumes in closed form: 121 − ∫₀¹(1 − √t)dt = 120 + 2/3, 121 − ∫₀¹(1 − t²)dt =
     * 120 + 1/3, and 1.1³ − π/6 (the cube minus the ball's octant).
     */
    static final Map<String, MultiObjectiveFunction> MULTI_OBJECTIVE = Map.of(
            "zdt1", new MultiObjectiveFunction("zdt1", 6, TestFunctions::zdt1, new double[] {11, 11}, 120 + 2.0 / 3),
            "zdt2", new MultiObjectiveFunction("zdt2", 6, TestFunctions::zdt2, new double[] {11, 11}, 120 + 1.0 / 3),
            "dtlz2",
                    new MultiObjectiveFunction(
                            "dtlz2", 6, TestFunctions::dtlz2, new double[] {1.1, 1.1, 1.1}, 1.331 - Math.PI / 6));

    static final List<String> MULTI_OBJECTIVE_ORDER = List.of("zdt1", "zdt2", "dtlz2");

    /** A benchmark over a space with integer and categorical hyperparameters (study JSON), and its minimum. */
    record MixedFunction(String name, Map<String, Object> space, ToDoubleFunction<Map<?, ?>> f, double minimum) {}

    /** The optimizer categories of {@link #mixed} and what each adds; the best is neither the first nor the last. */
    static final Map<String, Double> OPTIMIZER_PENALTY =
            Map.of("sgd", 3.0, "momentum", 0.0, "rmsprop", 1.5, "adam", 0.5);

    /**
     * Branin over a mixed space, for the searchers' handling of integers and categories: x₁ continuous in
     * [−5, 10], x₂ an integer in [0, 15], plus 0.25·(layers − 6)² for an integer layers in [1, 8] and a
     * penalty per optimizer category (0 for momentum).
     */
    static double mixed(double x1, int x2, int layers, String optimizer) {
        return branin(x1, x2) + 0.25 * (layers - 6) * (layers - 6) + OPTIMIZER_PENALTY.get(optimizer);
    }

    /**
     * The minimum of {@link #mixed}: Branin's over integer x₂ (0.432336 at x₂ = 12, x₁ ≈ −3.0792), by a grid of
     * step 1e-3 in x₁ for each x₂, refined by a grid of step 1e-7 around the grid's best.
     */
    static double mixedMinimum() {
        double best = Double.POSITIVE_INFINITY;
        for (int x2 = 0; x2 <= 15; x2++) {
            double at = -5;
            for (int i = 0; i <= 15_000; i++) {
                double x1 = -5 + i * 1e-3;
                if (branin(x1, x2) < branin(at, x2)) {
                    at = x1;
                }
            }
            for (int i = -10_000; i <= 10_000; i++) {
                best = Math.min(best, branin(Math.clamp(at + i * 1e-7, -5, 10), x2));
            }
        }
        return best;
    }

    /**
     * Branin with x₂ an integer count {@code units} in [0, 1000] scaled to [0, 15] (x₂ = 15·units/1000): an
     * integer wide enough that a proposal's random candidates seldom hold its best value together with a good x₁.
     * units = 165 is x₂ = 2.475, Branin's minimizer at x₁ = 3π, so its minimum is Branin's.
     */
    static double wideint(double x1, int units) {
        return branin(x1, 15.0 * units / 1000);
    }

    static final Map<String, MixedFunction> MIXED = Map.of(
            "wideint",
            new MixedFunction(
                    "wideint",
                    Map.of(
                            "x1", Map.of("type", "uniform", "lower", -5, "upper", 10),
                            "units", Map.of("type", "randint", "lower", 0, "upper", 1000)),
                    c -> wideint(number(c, "x1"), integer(c, "units")),
                    wideint(3 * Math.PI, 165)),
            "mixed",
            new MixedFunction(
                    "mixed",
                    Map.of(
                            "x1", Map.of("type", "uniform", "lower", -5, "upper", 10),
                            "x2", Map.of("type", "randint", "lower", 0, "upper", 15),
                            "layers", Map.of("type", "randint", "lower", 1, "upper", 8),
                            "optimizer",
                                    Map.of(
                                            "type",
                                            "choice",
                                            "categories",
                                            List.of("sgd", "momentum", "rmsprop", "adam"))),
                    c -> mixed(number(c, "x1"), integer(c, "x2"), integer(c, "layers"), (String) c.get("optimizer")),
                    mixedMinimum()));

    /**
     * A multi-fidelity benchmark: its search space (study JSON, without the {@code epochs} entry), its value
     * at an epoch, and its minimum at the last of {@code maxEpochs} epochs (what the regret is measured from).
     */
    record MultiFidelityFunction(
            String name,
            Map<String, Object> space,
            java.util.function.BiFunction<Map<?, ?>, Integer, Double> value,
            java.util.function.IntToDoubleFunction minimum) {}

    private static double number(Map<?, ?> config, String name) {
        return ((Number) config.get(name)).doubleValue();
    }

    /** An integer hyperparameter's value; a fractional one is the server's error, not something to truncate. */
    private static int integer(Map<?, ?> config, String name) {
        double v = number(config, name);
        if (v != Math.rint(v)) {
            throw new IllegalStateException(name + " = " + v + " is not an integer");
        }
        return (int) v;
    }

    /**
     * Crossing learning curves: y(x, lr, r) = branin(x₁, x₂) + 15·lr + 30·exp(−1.5·lr·r), lr ∈ [0.01, 1]
     * log-uniform. A large learning rate learns fast but ends worse (its floor 15·lr is higher), so curves
     * cross: lr = 1 against lr = 0.1 at the same (x₁, x₂) is ahead by 5.6 at epoch 1 and 3.8 at epoch 3,
     * behind by 5.7 at epoch 9 and by 13 at epoch 27. At 27 epochs the best lr is ln(81)/40.5 ≈ 0.108.
     */
    static double crossing(double x1, double x2, double lr, int epoch) {
        return branin(x1, x2) + 15 * lr + 30 * Math.exp(-1.5 * lr * epoch);
    }

    /** The minimum of {@link #crossing} at the last epoch: Branin's minimum plus the best lr term (grid). */
    static double crossingMinimum(int maxEpochs) {
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i <= 200_000; i++) {
            double lr = Math.exp(Math.log(0.01) + i * (Math.log(1) - Math.log(0.01)) / 200_000);
            best = Math.min(best, 15 * lr + 30 * Math.exp(-1.5 * lr * maxEpochs));
        }
        return 0.397887 + best;
    }

    static final Map<String, MultiFidelityFunction> MULTI_FIDELITY = Map.of(
            "branin-mf",
            new MultiFidelityFunction(
                    "branin-mf",
                    Map.of(
                            "x1", Map.of("type", "uniform", "lower", -5, "upper", 10),
                            "x2", Map.of("type", "uniform", "lower", 0, "upper", 15),
                            "speed", Map.of("type", "loguniform", "lower", 0.05, "upper", 1)),
                    (c, epoch) -> branin(number(c, "x1"), number(c, "x2")) + 50 * Math.exp(-number(c, "speed") * epoch),
                    epochs -> 0.397887),
            "crossing",
            new MultiFidelityFunction(
                    "crossing",
                    Map.of(
                            "x1", Map.of("type", "uniform", "lower", -5, "upper", 10),
                            "x2", Map.of("type", "uniform", "lower", 0, "upper", 15),
                            "lr", Map.of("type", "loguniform", "lower", 0.01, "upper", 1)),
                    (c, epoch) -> crossing(number(c, "x1"), number(c, "x2"), number(c, "lr"), epoch),
                    TestFunctions::crossingMinimum));
}
