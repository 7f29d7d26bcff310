package jacktf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.data.SyntheticImages;
import jacktf.model.Networks;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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

    /**
     * The same rule on every zoo family's bf16 training graph, whole network trainable: the stem convolution
     * on the RGB image and the logits layer in float32 (slim's logits are a 1x1 convolution, Inception-ResNet-v2's
     * a fully connected layer), every other convolution (depthwise ones too) and its gradients in bfloat16,
     * batch norm and its gradient in float32.
     */
    @ParameterizedTest
    @CsvSource({
        "mobilenet_v1_025, 32, 1",
        "mobilenet_v2, 32, 1",
        "inception_v1, 32, 1",
        "inception_v3, 75, 1",
        "inception_resnet_v2, 75, 0",
        "resnet_v2_50, 32, 1",
        "vgg_16, 224, 1"
    })
    void zooBf16TrainingGraphsFollowTheRule(String model, int imageSize, int logitsConvolutions, @TempDir Path dir)
            throws IOException {
        Map<String, Integer> counts = dtypeCounts(buildGraph(dir, Precision.BF16, model, imageSize));
        System.out.println(model + " bf16 training graph, op:dtype -> count: " + counts);
        int floatConvolutions = 1 + logitsConvolutions;
        assertEquals(floatConvolutions, counts.getOrDefault("Conv2D:DT_FLOAT", 0), "the stem and the logits");
        int bf16Convolutions = counts.getOrDefault("Conv2D:DT_BFLOAT16", 0);
        assertTrue(bf16Convolutions > 0, "every other convolution in bf16");
        assertEquals(floatConvolutions, counts.getOrDefault("Conv2DBackpropFilter:DT_FLOAT", 0));
        assertEquals(bf16Convolutions, counts.getOrDefault("Conv2DBackpropFilter:DT_BFLOAT16", 0));
        // TF's gradient builder adds the stem's input gradient too (pruned at run time), as in TinyNet's graph.
        assertEquals(floatConvolutions, counts.getOrDefault("Conv2DBackpropInput:DT_FLOAT", 0));
        assertEquals(bf16Convolutions, counts.getOrDefault("Conv2DBackpropInput:DT_BFLOAT16", 0));
        assertEquals(0, counts.getOrDefault("DepthwiseConv2dNative:DT_FLOAT", 0), "depthwise in bf16");
        // A dense logits layer: its MatMul and the two of its gradient (weights and input).
        assertEquals(3 * (1 - logitsConvolutions), counts.getOrDefault("MatMul:DT_FLOAT", 0), "dense logits");
        assertEquals(0, counts.getOrDefault("MatMul:DT_BFLOAT16", 0));
        for (String key : counts.keySet()) {
            if (key.startsWith("FusedBatchNorm") || key.startsWith("Softmax") || key.startsWith("Apply")) {
                assertTrue(key.endsWith(":DT_FLOAT"), key + ": batch norm, loss and updates in float32");
            }
        }
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
        return buildGraph(dir, precision, null, 32);
    }

    private static Graph buildGraph(Path dir, Precision precision, String model, int imageSize) throws IOException {
        Path data = dir.resolve("data");
        if (!data.toFile().exists()) {
            SyntheticImages.generate(data, 2, 4, 32, 1, 0, SyntheticImages.Layout.FOLDERS);
        }
        TrainConfig.Builder builder = TinyRun.config(data, dir.resolve("train-" + precision), 1)
                .precision(precision)
                .imageSize(imageSize);
        if (model != null) {
            builder.model(Networks.byName(model)).auxLogits(false);
        }
        TrainConfig config = builder.build();
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
