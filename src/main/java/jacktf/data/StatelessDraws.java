package jacktf.data;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt64;

/** The seeds of an element's random draws in training preprocessing: stateless, so a resumed run repeats them. */
final class StatelessDraws {
    private StatelessDraws() {}

    /**
     * A distinct stateless seed for draw {@code k} (0..7) of one element whose {@code seed} is (run seed,
     * element index): (run seed, 8 * index + k).
     */
    static Operand<TInt64> draw(Ops tf, Operand<TInt64> seed, long k) {
        return tf.math.add(tf.math.mul(seed, tf.constant(new long[] {1, 8})), tf.constant(new long[] {0, k}));
    }
}
