package jacktf.train;

import jacktf.config.ConfigException;
import jacktf.config.LearningRateDecayType;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The learning rate as a tensor of {@code global_step}: slim's fixed, exponential (with staircase)
 * and polynomial decays, plus cosine; any of them after a linear warm-up.
 *
 * <p>slim's {@code _configure_learning_rate}: exponential is
 * {@code initial * decayFactor ^ floor(step / decaySteps)} (staircase); polynomial is
 * {@code (initial - end) * (1 - min(step, decaySteps) / decaySteps) + end} (power 1, no cycle). Cosine
 * is {@code end + (initial - end) * (1 + cos(pi * min(step, decaySteps) / decaySteps)) / 2}. With
 * warm-up, step {@code s < warmupSteps} gets {@code initial * (s + 1) / warmupSteps} and the decay
 * then runs on {@code step - warmupSteps} over {@code decaySteps - warmupSteps} (polynomial, cosine).
 *
 * @param type the decay
 * @param initial the rate at step 0 (after warm-up)
 * @param decayFactor exponential decay's factor per {@code decaySteps}
 * @param decaySteps slim's {@code num_samples_per_epoch / batch_size * num_epochs_per_decay}
 *     (exponential) or the total steps (polynomial, cosine)
 * @param staircase exponential decay in whole steps of {@code decayFactor} (slim's) rather than smoothly
 * @param end the final rate of polynomial and cosine decay
 * @param warmupSteps steps of linear warm-up to {@code initial}
 */
public record LearningRateSchedule(
        LearningRateDecayType type,
        float initial,
        float decayFactor,
        long decaySteps,
        boolean staircase,
        float end,
        long warmupSteps) {

    /** @throws ConfigException naming a value out of range */
    public LearningRateSchedule {
        if (type == null) {
            throw new ConfigException("type", "set", null);
        }
        if (!(initial > 0) || Float.isInfinite(initial)) {
            throw new ConfigException("initial", "a finite number > 0", initial);
        }
        if (warmupSteps < 0) {
            throw new ConfigException("warmupSteps", ">= 0", warmupSteps);
        }
        if (decaySteps < 0) {
            throw new ConfigException("decaySteps", ">= 0", decaySteps);
        }
    }

    /** The rate at {@code globalStep}, as ops of {@code tf}. */
    public Operand<TFloat32> build(Ops tf, Operand<TInt64> globalStep) {
        Operand<TFloat32> step = tf.dtypes.cast(globalStep, TFloat32.class);
        Operand<TFloat32> afterWarmup =
                tf.math.maximum(tf.math.sub(step, tf.constant((float) warmupSteps)), tf.constant(0f));
        Operand<TFloat32> decayed =
                switch (type) {
                    case FIXED -> tf.constant(initial);
                    case EXPONENTIAL -> {
                        Operand<TFloat32> p = tf.math.div(afterWarmup, tf.constant((float) Math.max(1, decaySteps)));
                        if (staircase) {
                            p = tf.math.floor(p);
                        }
                        yield tf.math.mul(tf.constant(initial), tf.math.pow(tf.constant(decayFactor), p));
                    }
                    case POLYNOMIAL -> {
                        // slim: polynomial_decay(power=1.0, cycle=False) to end_learning_rate
                        Operand<TFloat32> fraction =
                                tf.math.minimum(tf.math.div(afterWarmup, tf.constant((float) span())), tf.constant(1f));
                        yield tf.math.add(
                                tf.math.mul(tf.constant(initial - end), tf.math.sub(tf.constant(1f), fraction)),
                                tf.constant(end));
                    }
                    case COSINE -> {
                        Operand<TFloat32> fraction =
                                tf.math.minimum(tf.math.div(afterWarmup, tf.constant((float) span())), tf.constant(1f));
                        Operand<TFloat32> cosine = tf.math.mul(
                                tf.constant(0.5f),
                                tf.math.add(
                                        tf.constant(1f),
                                        tf.math.cos(tf.math.mul(tf.constant((float) Math.PI), fraction))));
                        yield tf.math.add(tf.math.mul(tf.constant(initial - end), cosine), tf.constant(end));
                    }
                };
        if (warmupSteps == 0) {
            return decayed;
        }
        Operand<TFloat32> warm =
                tf.math.mul(tf.constant(initial), tf.math.div(tf.math.add(step, tf.constant(1f)), tf.constant((float)
                        warmupSteps)));
        return tf.select(tf.math.less(step, tf.constant((float) warmupSteps)), warm, decayed);
    }

    private long span() {
        return Math.max(1, decaySteps - warmupSteps);
    }
}
