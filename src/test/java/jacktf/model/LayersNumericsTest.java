package jacktf.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import jacktf.runtime.Sessions;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TFloating;

/** The layers against computations written out by hand in plain Java. */
@Tag("numerics")
class LayersNumericsTest {

    static float[] fetch(Session s, Operand<?> output, Operand<TFloat32> input, TFloat32 value) {
        try (Result r = s.runner().feed(input, value).fetch(output).run()) {
            TFloat32 t = (TFloat32) r.get(0);
            float[] out = new float[(int) t.shape().size()];
            t.copyTo(DataBuffers.of(out));
            return out;
        }
    }

    /** conv2d_same + BatchNorm(inference) + ReLU, written out directly in NHWC. */
    static float[] handConvSame(
            float[] x,
            int h,
            int w,
            int cin,
            float[] weights,
            int k,
            int cout,
            int stride,
            float[] gamma,
            float[] beta,
            float[] mean,
            float[] var) {
        int padBegin, outH, outW;
        if (stride == 1) {
            padBegin = (k - 1) / 2; // SAME with stride 1: symmetric for odd kernels
            outH = h;
            outW = w;
        } else {
            padBegin = (k - 1) / 2;
            int padTotal = k - 1;
            outH = (h + padTotal - k) / stride + 1;
            outW = (w + padTotal - k) / stride + 1;
        }
        float[] out = new float[outH * outW * cout];
        for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++) {
                for (int co = 0; co < cout; co++) {
                    double sum = 0;
                    for (int ky = 0; ky < k; ky++) {
                        for (int kx = 0; kx < k; kx++) {
                            int iy = oy * stride + ky - padBegin;
                            int ix = ox * stride + kx - padBegin;
                            if (iy < 0 || ix < 0 || iy >= h || ix >= w) {
                                continue;
                            }
                            for (int ci = 0; ci < cin; ci++) {
                                sum += x[(iy * w + ix) * cin + ci] * weights[((ky * k + kx) * cin + ci) * cout + co];
                            }
                        }
                    }
                    double y = gamma[co] * (sum - mean[co]) / Math.sqrt(var[co] + Layers.BATCH_NORM_EPSILON) + beta[co];
                    out[(oy * outW + ox) * cout + co] = (float) Math.max(0, y);
                }
            }
        }
        return out;
    }

    private static void checkConvSame(int size, int kernel, int stride) {
        int cin = 3;
        int cout = 4;
        try (Graph g = new Graph()) {
            ModelGraph mg = ModelGraph.local(g);
            Operand<TFloat32> input =
                    mg.ops("").placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, size, size, cin)));
            Layers layers = new Layers(mg, Precision.FP32, BatchNormPolicy.inference(), 0.997f, new Endpoints("net"));
            Operand<TFloating> y = layers.convSame("net/conv", Layers.cast(input), cout, kernel, stride);
            try (Session s = Sessions.open(g)) {
                s.run(mg.initializer());
                var values = TestVariables.randomize(s, mg, size * 31L + kernel);
                float[] x = new float[size * size * cin];
                Random random = new Random(size);
                for (int i = 0; i < x.length; i++) {
                    x[i] = random.nextFloat() * 2 - 1;
                }
                float[] actual;
                try (TFloat32 xt = TFloat32.tensorOf(Shape.of(1, size, size, cin), DataBuffers.of(x))) {
                    actual = fetch(s, y, input, xt);
                }
                float[] expected = handConvSame(
                        x,
                        size,
                        size,
                        cin,
                        values.get("net/conv/weights"),
                        kernel,
                        cout,
                        stride,
                        values.get("net/conv/BatchNorm/gamma"),
                        values.get("net/conv/BatchNorm/beta"),
                        values.get("net/conv/BatchNorm/moving_mean"),
                        values.get("net/conv/BatchNorm/moving_variance"));
                assertEquals(expected.length, actual.length, "output size for input " + size);
                assertArrayEquals(expected, actual, 1e-4f, "input " + size + " kernel " + kernel + " stride " + stride);
            }
        }
    }

    @Test
    void conv2dSamePadsLikeSlimOnOddAndEvenSizes() {
        checkConvSame(5, 3, 2); // odd: TF's SAME would pad (1,1) too
        checkConvSame(6, 3, 2); // even: TF's SAME pads (0,1); slim's conv2d_same pads (1,1)
        checkConvSame(9, 7, 2);
        checkConvSame(10, 7, 2);
        checkConvSame(6, 3, 1);
    }

    /** Depth of TinyNet's block4: 4 x base depth 16. */
    private static final int FEATURES = 64;

    @Test
    void headIsGlobalPoolTimesLogitsWeightsPlusBiases() {
        try (Graph g = new Graph()) {
            ModelGraph mg = ModelGraph.local(g);
            Operand<TFloat32> input = mg.ops("").placeholder(TFloat32.class, Placeholder.shape(Shape.of(2, 32, 32, 3)));
            Tower t = ResNetV1.builder(TinyNet.ARCHITECTURE)
                    .numClasses(3)
                    .build()
                    .apply(mg, input, BatchNormPolicy.inference());
            try (Session s = Sessions.open(g)) {
                s.run(mg.initializer());
                var values = TestVariables.randomize(s, mg, 7);
                float[] x = new float[2 * 32 * 32 * 3];
                Random random = new Random(3);
                for (int i = 0; i < x.length; i++) {
                    x[i] = random.nextFloat() * 255 - 128;
                }
                try (TFloat32 xt = TFloat32.tensorOf(Shape.of(2, 32, 32, 3), DataBuffers.of(x))) {
                    float[] features = fetch(s, t.features(), input, xt);
                    float[] logits = fetch(s, t.logits(), input, xt);
                    float[] predictions = fetch(s, t.predictions(), input, xt);
                    float[] w = values.get(TinyNet.SCOPE + "/logits/weights");
                    float[] b = values.get(TinyNet.SCOPE + "/logits/biases");
                    for (int n = 0; n < 2; n++) {
                        double max = Double.NEGATIVE_INFINITY;
                        double[] expected = new double[3];
                        for (int c = 0; c < 3; c++) {
                            double sum = b[c];
                            for (int i = 0; i < FEATURES; i++) {
                                sum += features[n * FEATURES + i] * w[i * 3 + c];
                            }
                            expected[c] = sum;
                            max = Math.max(max, sum);
                            assertEquals(sum, logits[n * 3 + c], 1e-3 * Math.max(1, Math.abs(sum)));
                        }
                        double z = 0;
                        for (double e : expected) {
                            z += Math.exp(e - max);
                        }
                        for (int c = 0; c < 3; c++) {
                            assertEquals(Math.exp(expected[c] - max) / z, predictions[n * 3 + c], 1e-4);
                        }
                    }
                }
            }
        }
    }

    @Test
    void bf16ComputesCloseToFp32WithTheSameVariables() {
        float[][] outputs = new float[2][];
        for (Precision p : Precision.values()) {
            try (Graph g = new Graph()) {
                ModelGraph mg = ModelGraph.local(g);
                Operand<TFloat32> input =
                        mg.ops("").placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, 32, 32, 3)));
                Tower t = ResNetV1.builder(TinyNet.ARCHITECTURE)
                        .numClasses(4)
                        .precision(p)
                        .build()
                        .apply(mg, input, BatchNormPolicy.inference());
                // the bf16 net keeps float32 variables under the same names: 95 in the backbone, 2 in the head
                assertEquals(95 + 2, mg.variables().variables().size());
                try (Session s = Sessions.open(g)) {
                    s.run(mg.initializer());
                    float[] x = new float[32 * 32 * 3];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (i % 17) - 8f;
                    }
                    try (TFloat32 xt = TFloat32.tensorOf(Shape.of(1, 32, 32, 3), DataBuffers.of(x))) {
                        outputs[p.ordinal()] = fetch(s, t.predictions(), input, xt);
                    }
                }
            }
        }
        assertArrayEquals(outputs[0], outputs[1], 0.05f);
    }
}
