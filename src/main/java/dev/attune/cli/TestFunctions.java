package dev.attune.cli;

import java.util.List;
import java.util.Map;
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
}
