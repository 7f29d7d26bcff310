package jacktf.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Constant;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.nn.Conv2d;
import org.tensorflow.types.TFloat32;

/**
 * The pom's two numerics runs really run on the kernel path they name (pom.xml, surefire executions
 * {@code numerics-onednn-off} and {@code numerics-onednn-on}): a convolution traced with TF's step statistics runs
 * as oneDNN's {@code _MklNative*} op exactly when the run says oneDNN is on. Without this, a typo in the pom (or a
 * TF that stopped reading the variable) would run both "paths" on the same kernels and every numerics test would
 * pass twice on one of them.
 */
@Tag("numerics")
class KernelPathTest {
    @Test
    void theConvolutionRunsOnTheKernelsThisRunNames() {
        String path = System.getProperty("jacktf.kernelPath");
        if (path == null || path.equals("default")) {
            String reason = "SKIPPED: KernelPathTest checks the pom's numerics runs (jacktf.kernelPath onednn-off or"
                    + " onednn-on); this JVM was started with jacktf.kernelPath=" + path;
            System.out.println(reason);
            Assumptions.abort(reason);
        }
        boolean oneDnnOn = path.equals("onednn-on");
        assertEquals(
                oneDnnOn ? "1" : "0",
                System.getenv("TF_ENABLE_ONEDNN_OPTS"),
                "jacktf.kernelPath=" + path + " but TF_ENABLE_ONEDNN_OPTS is "
                        + System.getenv("TF_ENABLE_ONEDNN_OPTS"));
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
        List<String> types = convolutionOpTypes();
        assertTrue(types.stream().anyMatch(t -> t.contains("Conv2D")), "no convolution in the trace: " + types);
        if (oneDnnOn && x86) {
            // TF's oneDNN build is x86's: with the variable at 1, its graph rewrite makes every Conv2D oneDNN's.
            assertTrue(types.stream().anyMatch(t -> t.startsWith("_MklNative")), "oneDNN forced on: " + types);
        } else {
            assertFalse(types.stream().anyMatch(t -> t.contains("Mkl")), "oneDNN forced off (" + path + "): " + types);
        }
    }

    /** Op types of one traced 3x3 convolution, as TF's timeline labels name them after its graph rewrites. */
    private static List<String> convolutionOpTypes() {
        try (Graph graph = new Graph();
                Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            float[] x = new float[1 * 8 * 8 * 3];
            float[] w = new float[3 * 3 * 3 * 4];
            for (int i = 0; i < x.length; i++) {
                x[i] = (i % 7) * 0.25f;
            }
            for (int i = 0; i < w.length; i++) {
                w[i] = (i % 5) * 0.1f - 0.2f;
            }
            // Fed, not a constant: grappler would fold a convolution of constants away before it ran.
            Placeholder<TFloat32> input = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, 8, 8, 3)));
            Constant<TFloat32> filter = tf.constant(Shape.of(3, 3, 3, 4), DataBuffers.of(w));
            Conv2d<TFloat32> conv = tf.nn.conv2d(input, filter, List.of(1L, 1L, 1L, 1L), "SAME");
            try (TFloat32 fed = TFloat32.tensorOf(Shape.of(1, 8, 8, 3), DataBuffers.of(x));
                    Result r = session.runner()
                            .feed(input, fed)
                            .fetch(tf.math.mul(conv, tf.constant(1.5f)))
                            .setOptions(StepProfile.RUN_OPTIONS)
                            .runAndFetchMetadata()) {
                StepProfile profile = new StepProfile(graph);
                profile.add(r.getMetadata().orElseThrow());
                return profile.table().stream().map(StepProfile.Row::opType).toList();
            }
        }
    }
}
