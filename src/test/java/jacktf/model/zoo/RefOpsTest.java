package jacktf.model.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.model.zoo.RefOps.Act;
import jacktf.model.zoo.RefOps.Padding;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * {@link RefOps} against TF's raw ops (not jacktf's layers) on odd sizes, where SAME padding is
 * uneven: the reference's building blocks are right before any network uses them — in particular
 * the SAME average pool that leaves the padded positions out of its count (the Inceptions' branch
 * pools), strided depthwise convolutions (the MobileNets) and rectangular kernels (1x7, 3x1).
 * Agreement within 1e-5 relative (measured ~1e-7 on both kernel paths).
 */
@Tag("numerics")
class RefOpsTest {
    private static final double TOLERANCE = 1e-5;

    private static Act random(int n, int h, int w, int c, long seed) {
        Random r = new Random(seed);
        double[] v = new double[n * h * w * c];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return new Act(n, h, w, c, v);
    }

    private static float[] randomFloats(int size, long seed) {
        Random r = new Random(seed);
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    private static float[] floats(Act x) {
        float[] f = new float[x.v().length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) x.v()[i];
        }
        return f;
    }

    /** Runs {@code op} on x in TF and compares with {@code expected}. */
    private static void assertTf(
            Act x, Function<Ops, Function<Operand<TFloat32>, Operand<TFloat32>>> op, Act expected) {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            Operand<TFloat32> in = tf.constant(Shape.of(x.n(), x.h(), x.w(), x.c()), DataBuffers.of(floats(x)));
            Operand<TFloat32> out = op.apply(tf).apply(in);
            try (TFloat32 t = (TFloat32) s.runner().fetch(out).run().get(0)) {
                assertArrayEquals(
                        new long[] {expected.n(), expected.h(), expected.w(), expected.c()},
                        t.shape().asArray());
                float[] got = new float[(int) t.shape().size()];
                t.copyTo(DataBuffers.of(got));
                double maxRef = 0;
                double maxDiff = 0;
                for (int i = 0; i < got.length; i++) {
                    maxRef = Math.max(maxRef, Math.abs(expected.v()[i]));
                    maxDiff = Math.max(maxDiff, Math.abs(expected.v()[i] - got[i]));
                }
                assertTrue(maxRef > 0);
                assertTrue(maxDiff <= TOLERANCE * maxRef, "max diff " + maxDiff + " of " + maxRef);
            }
        }
    }

    @Test
    void averagePoolSameLeavesPaddingOutOfTheCount() {
        Act x = random(2, 7, 6, 3, 1);
        for (int stride : new int[] {1, 2}) {
            Act expected = RefOps.avgPool(x, 3, 3, stride, Padding.SAME);
            assertTf(
                    x,
                    tf -> in -> tf.nn.avgPool(
                            in, List.of(1L, 3L, 3L, 1L), List.of(1L, (long) stride, (long) stride, 1L), "SAME"),
                    expected);
        }
        Act valid = RefOps.avgPool(x, 5, 5, 3, Padding.VALID);
        assertTf(x, tf -> in -> tf.nn.avgPool(in, List.of(1L, 5L, 5L, 1L), List.of(1L, 3L, 3L, 1L), "VALID"), valid);
    }

    @Test
    void maxPool() {
        Act x = random(2, 7, 8, 3, 2);
        for (String p : new String[] {"SAME", "VALID"}) {
            Act expected = RefOps.maxPool(x, 3, 2, Padding.valueOf(p));
            assertTf(
                    x,
                    tf -> in -> tf.nn.maxPool(
                            in, tf.constant(new int[] {1, 3, 3, 1}), tf.constant(new int[] {1, 2, 2, 1}), p),
                    expected);
        }
    }

    @Test
    void rectangularAndStridedConvolutions() {
        Act x = random(2, 9, 8, 4, 3);
        int[][] kernels = {{1, 7}, {7, 1}, {3, 1}, {3, 3}, {5, 5}};
        for (int[] k : kernels) {
            for (int stride : new int[] {1, 2}) {
                for (Padding p : Padding.values()) {
                    float[] w = randomFloats(k[0] * k[1] * 4 * 5, 4);
                    Act expected = RefOps.conv(x, w, k[0], k[1], 5, stride, p);
                    assertTf(
                            x,
                            tf -> in -> tf.nn.conv2d(
                                    in,
                                    tf.constant(Shape.of(k[0], k[1], 4, 5), DataBuffers.of(w)),
                                    List.of(1L, (long) stride, (long) stride, 1L),
                                    p.name()),
                            expected);
                }
            }
        }
    }

    @Test
    void depthwiseConvolutions() {
        Act x = random(2, 9, 7, 6, 5);
        float[] w = randomFloats(3 * 3 * 6, 6);
        for (int stride : new int[] {1, 2}) {
            Act expected = RefOps.depthwise(x, w, 3, stride, Padding.SAME);
            assertTf(
                    x,
                    tf -> in -> tf.nn.depthwiseConv2dNative(
                            in,
                            tf.constant(Shape.of(3, 3, 6, 1), DataBuffers.of(w)),
                            List.of(1L, (long) stride, (long) stride, 1L),
                            "SAME"),
                    expected);
        }
    }
}
