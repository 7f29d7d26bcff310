package jacktf.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jacktf.config.JacktfException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** The benchmark's parts that need no network: mode names and FLOP counting. */
class BenchPartsTest {

    @Test
    void modesAreNamedAsOnTheCommandLine() {
        assertEquals(
                List.of("train", "head", "infer", "pipeline", "restore", "serve", "http", "grpc", "overload", "peak"),
                Arrays.stream(BenchMode.values()).map(BenchMode::label).toList());
        assertEquals(BenchMode.HTTP, BenchMode.byName("http"));
        JacktfException e = assertThrows(JacktfException.class, () -> BenchMode.byName("TRAIN"));
        assertEquals(
                "Unknown mode 'TRAIN'. Valid: train, head, infer, pipeline, restore, serve, http, grpc, overload, peak",
                e.getMessage());
    }

    @Test
    void flopsAreTwiceTheMultiplyAddsOfConvolutionsAndMatMuls() {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            var x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, 4, 4, 3)));
            var filter = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(3, 3, 3, 8)));
            tf.nn.conv2d(x, filter, List.of(1L, 1L, 1L, 1L), "SAME");
            var a = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(2, 5)));
            var b = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(5, 7)));
            tf.linalg.matMul(a, b);
            tf.math.add(a, a); // not counted
            // conv: output 1x4x4x8, each a 3x3x3 dot product: 2 * 128 * 27 = 6912; matmul: 2 * 2 * 5 * 7 = 140
            assertEquals(6912 + 140, FlopCounter.forwardFlops(g), 0);
        }
    }
}
