package jacktf.train;

import java.util.Locale;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The learning rate as a tensor of {@code global_step}: slim's fixed, exponential (with staircase)
 * and polynomial decays, plus cosine; any of them after a linear warm-up.
 *
 * @param decaySteps slim's {@code num_samples_per_epoch / batch_size * num_epochs_per_decay}
 *     (exponential) or the total steps (polynomial, cosine)
 */
public record LearningRateSchedule(String type, float initial, float decayFactor, long decaySteps, boolean staircase,
    float end, long warmupSteps) {

  public LearningRateSchedule {
    type = type.toLowerCase(Locale.ROOT);
    if (!java.util.List.of("fixed", "exponential", "polynomial", "cosine").contains(type)) {
      throw new IllegalArgumentException("Unknown --learning-rate-decay-type '" + type
          + "'. Valid: fixed, exponential, polynomial, cosine");
    }
    if (!(initial > 0) || Float.isInfinite(initial)) {
      throw new IllegalArgumentException("--learning-rate must be positive, got " + initial);
    }
    if (warmupSteps < 0 || decaySteps < 0) {
      throw new IllegalArgumentException("--warmup-steps and decay steps must not be negative");
    }
  }

  public static LearningRateSchedule fixed(float lr) {
    return new LearningRateSchedule("fixed", lr, 1f, 1, false, lr, 0);
  }

  public Operand<TFloat32> build(Ops tf, Operand<TInt64> globalStep) {
    Operand<TFloat32> step = tf.dtypes.cast(globalStep, TFloat32.class);
    Operand<TFloat32> afterWarmup = tf.math.maximum(tf.math.sub(step, tf.constant((float) warmupSteps)), tf.constant(0f));
    Operand<TFloat32> decayed = switch (type) {
      case "fixed" -> tf.constant(initial);
      case "exponential" -> {
        Operand<TFloat32> p = tf.math.div(afterWarmup, tf.constant((float) Math.max(1, decaySteps)));
        if (staircase) {
          p = tf.math.floor(p);
        }
        yield tf.math.mul(tf.constant(initial), tf.math.pow(tf.constant(decayFactor), p));
      }
      case "polynomial" -> {
        // slim: polynomial_decay(power=1.0, cycle=False) to end_learning_rate
        Operand<TFloat32> fraction = tf.math.minimum(tf.math.div(afterWarmup, tf.constant((float) span())), tf.constant(1f));
        yield tf.math.add(tf.math.mul(tf.constant(initial - end), tf.math.sub(tf.constant(1f), fraction)), tf.constant(end));
      }
      default -> { // cosine to end
        Operand<TFloat32> fraction = tf.math.minimum(tf.math.div(afterWarmup, tf.constant((float) span())), tf.constant(1f));
        Operand<TFloat32> cosine = tf.math.mul(tf.constant(0.5f),
            tf.math.add(tf.constant(1f), tf.math.cos(tf.math.mul(tf.constant((float) Math.PI), fraction))));
        yield tf.math.add(tf.math.mul(tf.constant(initial - end), cosine), tf.constant(end));
      }
    };
    if (warmupSteps == 0) {
      return decayed;
    }
    Operand<TFloat32> warm = tf.math.mul(tf.constant(initial),
        tf.math.div(tf.math.add(step, tf.constant(1f)), tf.constant((float) warmupSteps)));
    return tf.select(tf.math.less(step, tf.constant((float) warmupSteps)), warm, decayed);
  }

  private long span() {
    return Math.max(1, decaySteps - warmupSteps);
  }
}
