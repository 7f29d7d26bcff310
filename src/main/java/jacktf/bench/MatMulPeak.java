package jacktf.bench;

import jacktf.model.Precision;
import jacktf.runtime.Sessions;
import java.util.Arrays;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;

/** The machine's attainable FLOP/s, measured in this process so compute modes compare against it. */
final class MatMulPeak {
    /** The side of the square matrices. */
    static final int N = 2048;

    private MatMulPeak() {}

    /** FLOPs of one product. */
    static double flopsPerProduct() {
        return 2.0 * N * N * N;
    }

    /** A large square MatMul in the given precision: its best of several runs, in FLOP/s. */
    static double measure(Precision precision) {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Variable<TFloat32> a = tf.variable(Shape.of(N, N), TFloat32.class);
            Op init = tf.assign(a, tf.random.randomUniform(tf.constant(new long[] {N, N}), TFloat32.class));
            Operand<?> product;
            if (precision == Precision.BF16) {
                Operand<TBfloat16> x = tf.dtypes.cast(tf.identity(a), TBfloat16.class);
                product = tf.sum(tf.dtypes.cast(tf.linalg.matMul(x, x), TFloat32.class), tf.constant(new int[] {0, 1}));
            } else {
                Operand<TFloat32> x = tf.identity(a);
                product = tf.sum(tf.linalg.matMul(x, x), tf.constant(new int[] {0, 1}));
            }
            try (Session s = Sessions.open(graph)) {
                s.run(init);
                double[] ms = new double[10];
                for (int i = -3; i < ms.length; i++) {
                    long t0 = System.nanoTime();
                    s.runner().fetch(product).run().close();
                    if (i >= 0) {
                        ms[i] = (System.nanoTime() - t0) / 1e6;
                    }
                }
                Arrays.sort(ms);
                return flopsPerProduct() / (ms[0] / 1000);
            }
        }
    }
}
