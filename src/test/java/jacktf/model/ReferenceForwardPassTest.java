package jacktf.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.runtime.Sessions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TFloating;

/**
 * The TF graph's endpoints against {@link SlimReference}, a plain-Java forward pass written from
 * slim's definitions: every conv, unit and block endpoint, global_pool, the logits and the
 * predictions agree within 1e-4 relative (max |tf - reference| over an endpoint divided by the
 * endpoint's max |reference|), with seeded random weights and non-trivial batch-norm statistics.
 */
class ReferenceForwardPassTest {
    private static final int BATCH = 2;
    private static final int SIZE = 32;
    private static final double TOLERANCE = 1e-4;

    /**
     * He-scaled weights (so activations stay of order one through 50 layers), gamma in [0.5, 1.5],
     * beta and moving mean N(0, 0.3^2), moving variance in [0.5, 2], biases N(0, 0.3^2).
     */
    private static Map<String, float[]> randomValues(ModelGraph mg, long seed) {
        Random random = new Random(seed);
        Map<String, float[]> values = new HashMap<>();
        for (ModelVariable v : mg.variables().variables()) {
            long[] dims = v.shape().asArray();
            float[] data = new float[(int) v.shape().size()];
            double fanIn = (double) data.length / dims[dims.length - 1];
            for (int i = 0; i < data.length; i++) {
                data[i] = (float)
                        switch (v.role()) {
                            case WEIGHTS, DEPTHWISE_WEIGHTS -> random.nextGaussian() * Math.sqrt(2 / fanIn);
                            case BN_GAMMA -> 0.5 + random.nextDouble();
                            case BN_MOVING_VARIANCE -> 0.5 + 1.5 * random.nextDouble();
                            case BN_BETA, BN_MOVING_MEAN, BIASES -> random.nextGaussian() * 0.3;
                        };
            }
            values.put(v.name(), data);
        }
        return values;
    }

    /** Assigns every variable through a fed placeholder (no 100 MB of constants in the graph). */
    private static void assign(Session session, ModelGraph mg, Map<String, float[]> values) {
        Ops tf = mg.ops("reference_values");
        List<Op> assigns = new ArrayList<>();
        List<TFloat32> tensors = new ArrayList<>();
        Session.Runner runner = session.runner();
        for (ModelVariable v : mg.variables().variables()) {
            Placeholder<TFloat32> p = tf.placeholder(TFloat32.class, Placeholder.shape(v.shape()));
            assigns.add(tf.assign(v.variable(), p));
            TFloat32 t = TFloat32.tensorOf(v.shape(), DataBuffers.of(values.get(v.name())));
            tensors.add(t);
            runner.feed(p, t);
        }
        assigns.forEach(runner::addTarget);
        try {
            runner.run();
        } finally {
            tensors.forEach(TFloat32::close);
        }
    }

    private static void check(
            Architecture architecture, int[][] slimBlocks, int numClasses, long seed, int expectedEndpoints) {
        check(architecture, slimBlocks, numClasses, seed, expectedEndpoints, values -> {});
    }

    private static void check(
            Architecture architecture,
            int[][] slimBlocks,
            int numClasses,
            long seed,
            int expectedEndpoints,
            Consumer<Map<String, float[]>> tweak) {
        String[] blockScopes = architecture.blocks().stream().map(Block::scope).toArray(String[]::new);
        try (Graph g = new Graph()) {
            ModelGraph mg = ModelGraph.local(g);
            Operand<TFloat32> input =
                    mg.ops("").placeholder(TFloat32.class, Placeholder.shape(Shape.of(BATCH, SIZE, SIZE, 3)));
            Tower tower = ResNetV1.builder(architecture)
                    .numClasses(numClasses)
                    .build()
                    .apply(mg, input, BatchNormPolicy.inference());
            float[] images = new float[BATCH * SIZE * SIZE * 3];
            Random random = new Random(seed + 1);
            for (int i = 0; i < images.length; i++) {
                images[i] = (float) (random.nextDouble() * 4 - 2);
            }
            Map<String, float[]> values = randomValues(mg, seed);
            tweak.accept(values);
            Map<String, float[]> actual = new HashMap<>();
            try (Session s = Sessions.open(g)) {
                s.run(mg.initializer());
                assign(s, mg, values);
                Map<String, Operand<TFloating>> endpoints = tower.endpoints().asMap();
                // a block's endpoint is its last unit's output: fetch each tensor once
                List<Operand<TFloating>> fetches = new ArrayList<>();
                Map<String, Integer> index = new HashMap<>();
                for (var e : endpoints.entrySet()) {
                    int i = fetches.indexOf(e.getValue());
                    if (i < 0) {
                        i = fetches.size();
                        fetches.add(e.getValue());
                    }
                    index.put(e.getKey(), i);
                }
                Session.Runner runner = s.runner();
                fetches.forEach(runner::fetch);
                try (TFloat32 x = TFloat32.tensorOf(Shape.of(BATCH, SIZE, SIZE, 3), DataBuffers.of(images));
                        Result r = runner.feed(input, x).run()) {
                    for (var e : index.entrySet()) {
                        TFloat32 t = (TFloat32) r.get(e.getValue());
                        float[] out = new float[(int) t.shape().size()];
                        t.copyTo(DataBuffers.of(out));
                        actual.put(e.getKey(), out);
                    }
                }
            }
            double[] x = new double[images.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = images[i];
            }
            SlimReference reference = new SlimReference(values, SlimReference.SLIM_EFFECTIVE_EPSILON);
            reference.forward(
                    new SlimReference.Act(BATCH, SIZE, SIZE, 3, x),
                    architecture.scope(),
                    slimBlocks,
                    blockScopes,
                    numClasses);

            // every slim endpoint is in the graph's endpoints, and nothing else is
            assertEquals(reference.endpoints.keySet(), actual.keySet());
            assertEquals(expectedEndpoints, actual.size());
            for (var e : reference.endpoints.entrySet()) {
                double[] expected = e.getValue().v();
                float[] got = actual.get(e.getKey());
                assertEquals(expected.length, got.length, e.getKey() + " size");
                double maxRef = 0;
                double maxDiff = 0;
                for (int i = 0; i < expected.length; i++) {
                    maxRef = Math.max(maxRef, Math.abs(expected[i]));
                    maxDiff = Math.max(maxDiff, Math.abs(expected[i] - got[i]));
                }
                assertTrue(maxRef > 0, e.getKey() + " is all zeros: the comparison would prove nothing");
                assertTrue(
                        maxDiff <= TOLERANCE * maxRef,
                        e.getKey() + ": max |tf - reference| " + maxDiff + " > " + TOLERANCE + " x max |reference| "
                                + maxRef);
            }
        }
    }

    /**
     * TinyNet (blocks (4, 2, 2), (8, 1, 2), (8, 1, 2), (16, 1, 1)): projection and identity-subsample
     * shortcuts, strided and unstrided units, at 32x32 down to 1x1 in block3.
     */
    @Test
    void tinyNetMatchesTheSlimReference() {
        int[][] blocks = {{4, 2, 2}, {8, 1, 2}, {8, 1, 2}, {16, 1, 1}};
        // conv1; 5 units x 3 convs; 3 projection shortcuts (block1/unit_1, block2, block4: the depth
        // changes); 5 unit outputs; 4 blocks; global_pool, logits, spatial_squeeze, predictions
        check(TinyNet.ARCHITECTURE, blocks, 5, 11, 1 + 15 + 3 + 5 + 4 + 4);
    }

    /**
     * With moving variances near zero the epsilon shows: slim's 1e-5 reaches the kernel as 1.001e-5
     * (tf.nn.fused_batch_norm's floor), jacktf's FusedBatchNorm gets 1e-5 (1 / sqrt differs by 5e-4).
     */
    @Test
    void nearZeroVariancesUseSlimsEffectiveEpsilon() {
        int[][] blocks = {{4, 2, 2}, {8, 1, 2}, {8, 1, 2}, {16, 1, 1}};
        check(
                TinyNet.ARCHITECTURE,
                blocks,
                5,
                13,
                1 + 15 + 3 + 5 + 4 + 4,
                values -> Arrays.fill(values.get(TinyNet.SCOPE + "/conv1/BatchNorm/moving_variance"), 0f));
    }

    /** slim's resnet_v1_50 blocks as resnet_v1.py lists them. */
    @Test
    @Tag("slow")
    void resnetV1_50MatchesTheSlimReference() {
        int[][] blocks = {{64, 3, 2}, {128, 4, 2}, {256, 6, 2}, {512, 3, 1}};
        // conv1; 16 units x 3 convs; 4 projection shortcuts (the first unit of each block); 16 units;
        // 4 blocks; global_pool, logits, spatial_squeeze, predictions
        check(Architecture.RESNET_V1_50, blocks, 7, 23, 1 + 48 + 4 + 16 + 4 + 4);
    }
}
