package dev.attune.math;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;
import org.junit.jupiter.api.Test;

class CholeskyTest {
    /** A random symmetric positive definite n×n matrix, row-major: BBᵀ + diag. */
    static double[] spd(int n, SplittableRandom r) {
        double[] b = new double[n * n];
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextDouble(-1, 1);
        }
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += b[i * n + k] * b[j * n + k];
                }
                a[i * n + j] = s + (i == j ? 1e-3 : 0);
            }
        }
        return a;
    }

    static double[] ejml(double[] a, int n) {
        CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(n, true);
        return chol.decompose(DMatrixRMaj.wrap(n, n, a.clone())) ? chol.getT(null).data : null;
    }

    @Test
    void factorIsBitForBitEjmls() {
        SplittableRandom r = new SplittableRandom(3);
        for (int n : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 31, 64, 101}) {
            double[] a = spd(n, r);
            double[] expected = ejml(a, n);
            double[] actual = a.clone();
            assertThat(Cholesky.lowerInPlace(actual, n)).as("n=%d", n).isTrue();
            assertThat(actual).as("n=%d", n).containsExactly(expected);
            // and it is a factor: L Lᵀ = A
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    double s = 0;
                    for (int k = 0; k < n; k++) {
                        s += actual[i * n + k] * actual[j * n + k];
                    }
                    assertThat(s).isCloseTo(a[i * n + j], org.assertj.core.data.Offset.offset(1e-9 * n));
                }
            }
        }
    }

    @Test
    void readsOnlyTheUpperTriangleAndDiagonalLikeEjml() {
        SplittableRandom r = new SplittableRandom(5);
        int n = 11;
        double[] a = spd(n, r);
        double[] garbled = a.clone();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                garbled[i * n + j] = 1e9;
            }
        }
        double[] expected = ejml(garbled, n);
        assertThat(Cholesky.lowerInPlace(garbled, n)).isTrue();
        assertThat(garbled).containsExactly(expected);
        assertThat(garbled).containsExactly(ejml(a, n));
    }

    @Test
    void notPositiveDefiniteFailsAsEjmlDoes() {
        SplittableRandom r = new SplittableRandom(9);
        int n = 9;
        double[] a = spd(n, r);
        a[5 * n + 5] = -1; // a negative pivot at row 5 at the latest
        assertThat(ejml(a, n)).isNull();
        assertThat(Cholesky.lowerInPlace(a.clone(), n)).isFalse();
        // rank-deficient: a repeated row and column
        double[] d = spd(n, r);
        for (int j = 0; j < n; j++) {
            d[3 * n + j] = d[2 * n + j];
            d[j * n + 3] = d[j * n + 2];
        }
        assertThat(Cholesky.lowerInPlace(d.clone(), n)).isEqualTo(ejml(d, n) != null);
    }
}
