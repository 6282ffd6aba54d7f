package dev.attune.math.boosting;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;

/**
 * L2-regularized logistic regression as scikit-learn's {@code LogisticRegression()}: it minimizes
 * Σ log-loss + ‖w‖²/(2C) with C = 1, the intercept unpenalized, here by Newton's method (at most 100
 * steps, stopping when the step is below 1e-8).
 */
public final class LogisticRegression implements Classifier {
    private final double[] w; // w[0] is the intercept

    private LogisticRegression(double[] w) {
        this.w = w;
    }

    public static LogisticRegression fit(double[][] x, boolean[] y, double c) {
        int n = x.length;
        int d = n == 0 ? 0 : x[0].length;
        double[] w = new double[d + 1];
        for (int iter = 0; iter < 100; iter++) {
            double[] grad = new double[d + 1];
            double[][] hess = new double[d + 1][d + 1];
            for (int i = 0; i < n; i++) {
                double p = BoostedClassifier.sigmoid(raw(w, x[i]));
                double r = p - (y[i] ? 1 : 0);
                double s = Math.max(p * (1 - p), 1e-12);
                for (int a = 0; a <= d; a++) {
                    double xa = a == 0 ? 1 : x[i][a - 1];
                    grad[a] += r * xa;
                    for (int b = 0; b <= a; b++) {
                        double xb = b == 0 ? 1 : x[i][b - 1];
                        hess[a][b] += s * xa * xb;
                    }
                }
            }
            for (int a = 0; a <= d; a++) {
                for (int b = 0; b < a; b++) {
                    hess[b][a] = hess[a][b];
                }
                if (a > 0) {
                    grad[a] += w[a] / c;
                    hess[a][a] += 1 / c;
                } else {
                    hess[0][0] += 1e-9;
                }
            }
            RealMatrix hm = new Array2DRowRealMatrix(hess, false);
            RealVector step =
                    new CholeskyDecomposition(hm, 1e-12, 1e-14).getSolver().solve(new ArrayRealVector(grad, false));
            double size = 0;
            for (int a = 0; a <= d; a++) {
                w[a] -= step.getEntry(a);
                size = Math.max(size, Math.abs(step.getEntry(a)));
            }
            if (size < 1e-8) {
                break;
            }
        }
        return new LogisticRegression(w);
    }

    private static double raw(double[] w, double[] x) {
        double z = w[0];
        for (int j = 0; j < x.length; j++) {
            z += w[j + 1] * x[j];
        }
        return z;
    }

    @Override
    public double probability(double[] x) {
        return BoostedClassifier.sigmoid(raw(w, x));
    }
}
