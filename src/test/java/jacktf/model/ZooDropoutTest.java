package jacktf.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.runtime.Sessions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * slim's dropout in a zoo head (MobileNet-v2's, keep probability 0.8) read through an identity logits
 * layer, so the logits are the mask itself: each value 0 or 1 / 0.8, about 80% kept, the same mask for
 * the same global step (in any session), another for another step, and no dropout outside training.
 */
class ZooDropoutTest {
    private static final int BATCH = 8;
    private static final int DEPTH = 1280; // MobileNet-v2's pooled features

    /** The head's output on all-ones features at each of {@code steps}, each in a fresh session. */
    private static float[][] logits(boolean training, long... steps) {
        float[][] out = new float[steps.length][];
        try (Graph g = new Graph()) {
            ModelGraph mg = ModelGraph.local(g);
            Network net = Networks.byName("mobilenet_v2").build(DEPTH);
            Ops tf = mg.ops("test");
            Placeholder<TFloat32> features = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(BATCH, DEPTH)));
            Operand<TFloat32> logits = net.headLogits(mg, features, training);
            Placeholder<TInt64> step = tf.placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
            var setStep = tf.assign(mg.globalStep(), step);
            float[] identity = new float[DEPTH * DEPTH];
            for (int i = 0; i < DEPTH; i++) {
                identity[i * DEPTH + i] = 1f;
            }
            ModelVariable weights = mg.variables().variables().stream()
                    .filter(v -> v.name().equals("MobilenetV2/Logits/Conv2d_1c_1x1/weights"))
                    .findFirst()
                    .orElseThrow();
            Placeholder<TFloat32> wp = tf.placeholder(TFloat32.class, Placeholder.shape(weights.shape()));
            var setWeights = tf.assign(weights.variable(), wp);
            float[] ones = new float[BATCH * DEPTH];
            Arrays.fill(ones, 1f);
            try (Session s = Sessions.open(g);
                    TFloat32 w = TFloat32.tensorOf(weights.shape(), DataBuffers.of(identity));
                    TFloat32 x = TFloat32.tensorOf(Shape.of(BATCH, DEPTH), DataBuffers.of(ones))) {
                s.run(mg.initializer()); // biases 0
                s.runner().feed(wp, w).addTarget(setWeights).run();
                for (int k = 0; k < steps.length; k++) {
                    try (TInt64 at = TInt64.scalarOf(steps[k])) {
                        s.runner().feed(step, at).addTarget(setStep).run();
                    }
                    try (Result r = s.runner().feed(features, x).fetch(logits).run()) {
                        float[] v = new float[BATCH * DEPTH];
                        ((TFloat32) r.get(0)).copyTo(DataBuffers.of(v));
                        out[k] = v;
                    }
                }
            }
        }
        return out;
    }

    @Test
    void theMaskIsAFunctionOfTheStep() {
        float[][] a = logits(true, 0, 1, 0);
        float[][] again = logits(true, 1);
        int kept = 0;
        for (float v : a[0]) {
            assertTrue(v == 0f || v == 1f / 0.8f, "0 or 1/keep: " + v);
            kept += v == 0f ? 0 : 1;
        }
        // 10240 draws at p = 0.8: mean 8192, standard deviation 40; the bounds are 10 of them away
        assertTrue(kept > 7792 && kept < 8592, "kept " + kept + " of " + a[0].length);
        assertFalse(Arrays.equals(a[0], a[1]), "step 1 draws another mask than step 0");
        assertArrayEquals(a[0], a[2], 0f, "step 0 again in the same session: the same mask");
        assertArrayEquals(a[1], again[0], 0f, "step 1 in another session: the same mask");
    }

    @Test
    void noDropoutOutsideTraining() {
        float[] v = logits(false, 0)[0];
        for (float x : v) {
            assertEquals(1f, x);
        }
    }
}
