package jacktf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.config.ConfigException;
import jacktf.config.LearningRateDecayType;
import jacktf.runtime.Sessions;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The schedules against slim's {@code _configure_learning_rate} (train_image_classifier.py) written
 * out by hand: {@code tf.train.exponential_decay(staircase=True)}, {@code polynomial_decay(power=1.0,
 * cycle=False)}, a constant for fixed; and {@code tf.train.cosine_decay} with
 * {@code alpha = end / initial} after a linear warm-up. Steps include each boundary.
 */
class LearningRateScheduleTest {
    private static final float INITIAL = 0.01f;
    private static final float FACTOR = 0.94f;
    private static final float END = 0.0001f;

    /** The schedule's value at each of {@code steps}. */
    private static double[] rates(LearningRateSchedule schedule, long... steps) {
        try (Graph g = new Graph();
                Session s = Sessions.open(g)) {
            Ops tf = Ops.create(g);
            Placeholder<TInt64> step = tf.placeholder(TInt64.class);
            Operand<TFloat32> rate = schedule.build(tf, step);
            double[] out = new double[steps.length];
            for (int i = 0; i < steps.length; i++) {
                try (TInt64 value = TInt64.scalarOf(steps[i]);
                        Result r = s.runner().feed(step, value).fetch(rate).run()) {
                    out[i] = ((TFloat32) r.get(0)).getFloat();
                }
            }
            return out;
        }
    }

    private static void assertRates(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertTrue(
                    Math.abs(actual[i] - expected[i]) <= 1e-6 * Math.abs(expected[i]),
                    "rate " + i + ": expected " + expected[i] + ", got " + actual[i]);
        }
    }

    @Test
    void fixedIsTheInitialRate() {
        LearningRateSchedule fixed =
                new LearningRateSchedule(LearningRateDecayType.FIXED, INITIAL, FACTOR, 10, true, END, 0);
        assertRates(new double[] {INITIAL, INITIAL, INITIAL}, rates(fixed, 0, 10, 1000));
    }

    @Test
    void exponentialDecaysInStairsOfDecaySteps() {
        // slim: decay_steps = int(num_samples_per_epoch * num_epochs_per_decay / batch_size), here 1000 * 2 / 32 = 62
        long decaySteps = 62;
        LearningRateSchedule exponential =
                new LearningRateSchedule(LearningRateDecayType.EXPONENTIAL, INITIAL, FACTOR, decaySteps, true, END, 0);
        double f = FACTOR;
        // lr * factor ^ floor(step / decay_steps)
        assertRates(
                new double[] {INITIAL, INITIAL, INITIAL * f, INITIAL * f, INITIAL * f * f, INITIAL * Math.pow(f, 10)},
                rates(exponential, 0, 61, 62, 123, 124, 620));
    }

    @Test
    void polynomialFallsLinearlyToTheEndRateAndStays() {
        long total = 100;
        LearningRateSchedule polynomial =
                new LearningRateSchedule(LearningRateDecayType.POLYNOMIAL, INITIAL, FACTOR, total, true, END, 0);
        // (lr - end) * (1 - min(step, decay_steps) / decay_steps) + end
        double span = (double) INITIAL - END;
        assertRates(
                new double[] {INITIAL, span * 0.75 + END, span * 0.1 + END, END, END},
                rates(polynomial, 0, 25, 90, 100, 150));
    }

    @Test
    void cosineAfterLinearWarmup() {
        long total = 110;
        long warmup = 10;
        LearningRateSchedule cosine =
                new LearningRateSchedule(LearningRateDecayType.COSINE, INITIAL, FACTOR, total, true, END, warmup);
        double span = (double) INITIAL - END;
        // warm-up: lr * (step + 1) / warmup; then cosine_decay over total - warmup steps with alpha = end / lr:
        // (lr - end) * 0.5 * (1 + cos(pi * min(step - warmup, 100) / 100)) + end
        double quarter = span * 0.5 * (1 + Math.cos(Math.PI * 0.25)) + END;
        assertRates(
                new double[] {INITIAL * 0.1, INITIAL * 0.5, INITIAL, INITIAL, quarter, span * 0.5 + END, END, END},
                rates(cosine, 0, 4, 9, 10, 35, 60, 110, 200));
    }

    @Test
    void warmupAlsoPrecedesExponentialDecay() {
        LearningRateSchedule exponential =
                new LearningRateSchedule(LearningRateDecayType.EXPONENTIAL, INITIAL, FACTOR, 20, true, END, 5);
        // the stairs count from the end of the warm-up
        assertRates(
                new double[] {INITIAL * 0.2, INITIAL, INITIAL, INITIAL * (double) FACTOR},
                rates(exponential, 0, 5, 24, 25));
    }

    @Test
    void outOfRangeValuesNameTheComponent() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> new LearningRateSchedule(LearningRateDecayType.FIXED, -1f, FACTOR, 1, true, END, 0));
        assertEquals("initial must be a finite number > 0. Received: -1.0", e.getMessage());
        assertEquals(
                "warmupSteps",
                assertThrows(
                                ConfigException.class,
                                () -> new LearningRateSchedule(
                                        LearningRateDecayType.FIXED, INITIAL, FACTOR, 1, true, END, -1))
                        .field());
    }
}
