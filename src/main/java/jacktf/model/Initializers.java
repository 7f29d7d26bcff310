package jacktf.model;

import jacktf.model.VariableStore.InitContext;
import java.util.function.Function;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.TruncatedNormal;
import org.tensorflow.types.TFloat32;

/** Initial values as slim's {@code resnet_arg_scope} gives them. */
final class Initializers {
    private Initializers() {}

    static Function<InitContext, Operand<TFloat32>> constant(float value) {
        return c -> c.ops().fill(c.ops().constant(c.shape().asArray()), c.ops().constant(value));
    }

    /**
     * slim's {@code variance_scaling_initializer()} (He init: factor 2, fan-in, truncated normal
     * with stddev {@code sqrt(1.3 * 2 / fan_in)}), fan-in being every dimension but the last.
     */
    static Function<InitContext, Operand<TFloat32>> varianceScaling() {
        return c -> {
            long[] dims = c.shape().asArray();
            long fanIn = 1;
            for (int i = 0; i < dims.length - 1; i++) {
                fanIn *= dims[i];
            }
            float stddev = (float) Math.sqrt(1.3 * 2.0 / Math.max(1, fanIn));
            Ops tf = c.ops();
            Operand<TFloat32> normal = tf.random.truncatedNormal(
                    tf.constant(dims),
                    TFloat32.class,
                    TruncatedNormal.seed(c.graphSeed()),
                    TruncatedNormal.seed2(c.variableSeed()));
            return tf.math.mul(normal, tf.constant(stddev));
        };
    }
}
