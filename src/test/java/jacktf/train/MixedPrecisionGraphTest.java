package jacktf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.data.SyntheticImages;
import jacktf.model.Precision;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.proto.DataType;

/**
 * The mixed-precision rule (ARCHITECTURE.md, "Mixed precision") read off a bf16 training graph of the
 * whole TinyNet (every layer trainable, batch norm training): convolutions on even channel counts and
 * their two gradients compute in bfloat16; the stem convolution on the RGB image (3 channels) and the
 * logits convolution, batch norm and its gradient, the softmax cross-entropy, the variables and their
 * updates in float32. Builds the graph only: no kernel runs, so it holds on any CPU.
 */
class MixedPrecisionGraphTest {
    @Test
    void bf16TrainingGraphComputesConvolutionsInBf16AndBatchNormAndLossInFloat32(@TempDir Path dir) throws IOException {
        Map<String, Integer> counts = dtypeCounts(buildGraph(dir, Precision.BF16));
        System.out.println("bf16 training graph, op:dtype -> count: " + counts);
        // TinyNet: 5 units of 3 convolutions, 3 projection shortcuts (block3's is an identity), conv1: 19
        // convolutions with batch norm, 18 of them on even channel counts (conv1 reads the 3 RGB channels);
        // the logits convolution is the 20th.
        assertEquals(18, counts.getOrDefault("Conv2D:DT_BFLOAT16", 0), "backbone convolutions in bf16");
        assertEquals(2, counts.getOrDefault("Conv2D:DT_FLOAT", 0), "conv1 (3 channels) and logits in float32");
        assertEquals(18, counts.getOrDefault("Conv2DBackpropFilter:DT_BFLOAT16", 0), "weight gradients in bf16");
        assertEquals(2, counts.getOrDefault("Conv2DBackpropFilter:DT_FLOAT", 0), "conv1's and the logits'");
        assertEquals(18, counts.getOrDefault("Conv2DBackpropInput:DT_BFLOAT16", 0), "input gradients in bf16");
        assertEquals(2, counts.getOrDefault("Conv2DBackpropInput:DT_FLOAT", 0), "conv1's and the logits'");
        assertEquals(19, counts.getOrDefault("FusedBatchNormV3:DT_FLOAT", 0), "batch norm in float32");
        assertEquals(19, counts.getOrDefault("FusedBatchNormGradV3:DT_FLOAT", 0), "its gradient in float32");
        assertEquals(1, counts.getOrDefault("SoftmaxCrossEntropyWithLogits:DT_FLOAT", 0), "the loss in float32");
        for (String key : counts.keySet()) {
            if (key.startsWith("FusedBatchNorm")
                    || key.startsWith("Softmax")
                    || key.startsWith("VariableV2")
                    || key.startsWith("Apply")) {
                // global_step and input_position are the int64 variables
                assertTrue(
                        key.endsWith(":DT_FLOAT") || key.equals("VariableV2:DT_INT64"),
                        key + ": batch norm, loss, variables and updates in float32");
            }
        }
        assertTrue(counts.getOrDefault("Relu:DT_BFLOAT16", 0) > 0, "activations between layers in bf16");
    }

    @Test
    void fp32TrainingGraphHasNoBf16(@TempDir Path dir) throws IOException {
        Map<String, Integer> counts = dtypeCounts(buildGraph(dir, Precision.FP32));
        List<String> bf16 = new ArrayList<>();
        counts.keySet().stream().filter(k -> k.endsWith("BFLOAT16")).forEach(bf16::add);
        assertEquals(List.of(), bf16);
        assertEquals(20, counts.getOrDefault("Conv2D:DT_FLOAT", 0));
    }

    private static Graph buildGraph(Path dir, Precision precision) throws IOException {
        Path data = dir.resolve("data");
        if (!data.toFile().exists()) {
            SyntheticImages.generate(data, 2, 4, 32, 1, 0, SyntheticImages.Layout.FOLDERS);
        }
        TrainConfig config = TinyRun.config(data, dir.resolve("train-" + precision), 1)
                .precision(precision)
                .build();
        Graph graph = new Graph();
        new TrainingGraph(graph, config, TrainingData.load(config), null);
        return graph;
    }

    /** "type:dtype" of every op with a T attribute (or a dtype, for variables) -> how many. */
    private static Map<String, Integer> dtypeCounts(Graph graph) {
        try (graph) {
            Map<String, Integer> counts = new TreeMap<>();
            for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
                GraphOperation op = it.next();
                DataType type = dtype(op);
                if (type != null) {
                    counts.merge(op.type() + ":" + type, 1, Integer::sum);
                }
            }
            return counts;
        }
    }

    private static DataType dtype(GraphOperation op) {
        for (String attr : new String[] {"T", "dtype"}) {
            try {
                return op.attributes().getAttrType(attr);
            } catch (RuntimeException absent) {
                // this op has no such attribute
            }
        }
        return null;
    }
}
