package jacktf.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The zoo's builders: registry names, variable counts against published parameter counts, endpoint names
 * and shapes at small image sizes. The literal variable lists and reference forward passes live in
 * {@code jacktf.model.zoo}.
 */
class ZooNetworksTest {

    private record Built(ModelGraph model, Tower tower) {}

    private static Built build(Graph graph, Network net, int size) {
        ModelGraph mg = ModelGraph.local(graph);
        Operand<TFloat32> images =
                mg.ops("").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, size, size, 3)));
        return new Built(mg, net.apply(mg, images, BatchNormPolicy.inference()));
    }

    private static long trainableParameters(ModelGraph mg) {
        return mg.variables().variables().stream()
                .filter(v -> v.role().trainable())
                .mapToLong(v -> v.shape().size())
                .sum();
    }

    private static Map<String, Shape> variableShapes(ModelGraph mg) {
        Map<String, Shape> shapes = new TreeMap<>();
        mg.variables().variables().forEach(v -> shapes.put(v.name(), v.shape()));
        return shapes;
    }

    @Test
    void registryHasNetsFactoryNamesWithSlimsDefaultSizes() {
        assertEquals(224, Networks.byName("mobilenet_v1_025").defaultImageSize());
        assertEquals("MobilenetV1", Networks.byName("mobilenet_v1_075").scope());
        assertEquals("resnet_v2_101", Networks.byName("RESNET_V2_101").scope());
        assertEquals("vgg_19", Networks.byName("vgg_19").scope());
        assertTrue(Networks.find("mobilenet_v1_100").isEmpty(), "nets_factory calls 1.0 plain mobilenet_v1");
    }

    /**
     * nets/mobilenet_v1.md: 4.24M, 2.59M, 1.34M, 0.47M parameters for the 1001-class checkpoints at depth
     * multipliers 1.0, 0.75, 0.5, 0.25 (published to two decimals; the trainable ones, weights, biases,
     * gamma and beta, are within 0.01M of them). Exactly: Keras Applications' MobileNet (the same layers) with
     * 1000 classes lists 4,253,864 parameters at alpha 1.0 and 475,544 at 0.25, moving statistics included.
     */
    @Test
    void mobileNetV1ParameterCountsMatchThePublishedOnes() {
        Map<String, Double> published = Map.of(
                "mobilenet_v1", 4.24, "mobilenet_v1_075", 2.59, "mobilenet_v1_050", 1.34, "mobilenet_v1_025", 0.47);
        published.forEach((name, millions) -> {
            try (Graph g = new Graph()) {
                Built b = build(g, Networks.byName(name).build(1001), 224);
                assertEquals(millions, trainableParameters(b.model()) / 1e6, 0.01, name);
            }
        });
        Map<String, Long> keras = Map.of("mobilenet_v1", 4_253_864L, "mobilenet_v1_025", 475_544L);
        keras.forEach((name, total) -> {
            try (Graph g = new Graph()) {
                Built b = build(g, Networks.byName(name).build(1000), 224);
                long all = b.model().variables().variables().stream()
                        .mapToLong(v -> v.shape().size())
                        .sum();
                assertEquals(total, all, name);
            }
        });
    }

    /**
     * Keras Applications' MobileNetV2 (the same layers) with 1000 classes: 3,538,984 parameters at alpha 1.0
     * and 6,156,712 at 1.4, moving statistics included; nets/mobilenet/README.md lists 3.47M and 6.06M.
     */
    @Test
    void mobileNetV2ParameterCountsMatchKeras() {
        Map<String, Long> keras = Map.of("mobilenet_v2", 3_538_984L, "mobilenet_v2_140", 6_156_712L);
        keras.forEach((name, total) -> {
            try (Graph g = new Graph()) {
                Built b = build(g, Networks.byName(name).build(1000), 224);
                long all = b.model().variables().variables().stream()
                        .mapToLong(v -> v.shape().size())
                        .sum();
                assertEquals(total, all, name);
            }
        });
        try (Graph g = new Graph()) {
            Built b = build(g, Networks.byName("mobilenet_v2").build(1001), 64);
            Map<String, Shape> v = variableShapes(b.model());
            assertNull(v.get("MobilenetV2/expanded_conv/expand/weights"), "the first expanded conv does not expand");
            assertEquals(Shape.of(3, 3, 32, 1), v.get("MobilenetV2/expanded_conv/depthwise/depthwise_weights"));
            assertEquals(Shape.of(1, 1, 16, 96), v.get("MobilenetV2/expanded_conv_1/expand/weights"));
            assertEquals(Shape.of(1, 1, 320, 1280), v.get("MobilenetV2/Conv_1/weights"));
            assertEquals(Shape.of(1, 1, 1280, 1001), v.get("MobilenetV2/Logits/Conv2d_1c_1x1/weights"));
            assertEquals(List.of(-1L, 2L, 2L, 1280L), dims(b.tower().endpoints().get("layer_19")));
            assertEquals(List.of(-1L, 1001L), dims(b.tower().endpoints().get("Logits")));
        }
    }

    /**
     * Inception-v1: no gamma (inception_arg_scope has no scale); Mixed_5b's third branch is Conv2d_0a_3x3, as
     * slim names it; Mixed_3b concatenates 64 + 128 + 32 + 32 channels at 28x28 (224 / 8).
     */
    @Test
    void inceptionV1VariablesAndEndpoints() {
        try (Graph g = new Graph()) {
            Built b = build(g, Networks.byName("inception_v1").build(1001), 224);
            Map<String, Shape> v = variableShapes(b.model());
            assertEquals(Shape.of(7, 7, 3, 64), v.get("InceptionV1/Conv2d_1a_7x7/weights"));
            assertNull(v.get("InceptionV1/Conv2d_1a_7x7/BatchNorm/gamma"));
            assertEquals(Shape.of(64), v.get("InceptionV1/Conv2d_1a_7x7/BatchNorm/beta"));
            assertEquals(Shape.of(3, 3, 32, 128), v.get("InceptionV1/Mixed_5b/Branch_2/Conv2d_0a_3x3/weights"));
            assertEquals(Shape.of(1, 1, 1024, 1001), v.get("InceptionV1/Logits/Conv2d_0c_1x1/weights"));
            assertEquals(List.of(-1L, 7L, 7L, 1024L), dims(b.tower().endpoints().get("Mixed_5c")));
            assertEquals(List.of(-1L, 1L, 1L, 1024L), dims(b.tower().endpoints().get("AvgPool_0a_7x7")));
            assertEquals(
                    List.of(-1L, 28L, 28L, 256L), dims(b.tower().endpoints().get("Mixed_3b")));
        }
    }

    /**
     * Inception-v3 without AuxLogits and 1000 classes has Keras Applications' InceptionV3 (the same layers, batch
     * norm without scale) parameters: 23,851,784, moving statistics included. With AuxLogits at 299 slim names the
     * second aux convolution after the 5x5 map it sees.
     */
    @Test
    void inceptionV3ParametersAndAuxLogits() {
        try (Graph g = new Graph()) {
            Network net = Networks.byName("inception_v3")
                    .build(NetworkOptions.defaults().withNumClasses(1000).withAuxLogits(false));
            Built b = build(g, net, 299);
            long all = b.model().variables().variables().stream()
                    .mapToLong(v -> v.shape().size())
                    .sum();
            assertEquals(23_851_784L, all);
            assertNull(b.tower().auxLogits());
            assertEquals(List.of(-1L, 8L, 8L, 2048L), dims(b.tower().endpoints().get("Mixed_7c")));
        }
        try (Graph g = new Graph()) {
            Network net = Networks.byName("inception_v3").build(1001);
            assertEquals(List.of("InceptionV3/Logits", "InceptionV3/AuxLogits"), net.headScopes());
            assertEquals(0.4f, net.auxLossWeight());
            assertFalse(net.hasHeadOnFeatures());
            Built b = build(g, net, 299);
            Map<String, Shape> v = variableShapes(b.model());
            assertEquals(Shape.of(5, 5, 128, 768), v.get("InceptionV3/AuxLogits/Conv2d_2a_5x5/weights"));
            assertEquals(Shape.of(1, 1, 768, 1001), v.get("InceptionV3/AuxLogits/Conv2d_2b_1x1/weights"));
            assertEquals(Shape.of(5, 5, 48, 64), v.get("InceptionV3/Mixed_5c/Branch_1/Conv_1_0c_5x5/weights"));
            assertEquals(Shape.of(3, 3, 288, 384), v.get("InceptionV3/Mixed_6a/Branch_0/Conv2d_1a_1x1/weights"));
            assertEquals(Shape.of(3, 1, 384, 384), v.get("InceptionV3/Mixed_7b/Branch_1/Conv2d_0b_3x1/weights"));
            assertEquals(List.of(-1L, 1001L), dims(b.tower().auxLogits()));
            assertEquals(List.of(-1L, 2048L), dims(b.tower().features()));
        }
    }

    /** VGG-16 with 1000 classes has 138,357,544 parameters (Simonyan and Zisserman's network D). */
    @Test
    void vgg16ParameterCountIsTheOriginals() {
        try (Graph g = new Graph()) {
            Built b = build(g, Networks.byName("vgg_16").build(1000), 224);
            assertEquals(138_357_544L, trainableParameters(b.model()));
            assertEquals(Shape.of(7, 7, 512, 4096), variableShapes(b.model()).get("vgg_16/fc6/weights"));
            assertEquals(Shape.of(3, 3, 64, 64), variableShapes(b.model()).get("vgg_16/conv1/conv1_2/weights"));
        }
    }

    /** resnet_v2: biases on conv1, shortcut, conv3 and logits; none on the batch-normed convs. */
    @Test
    void resNetV2HasBiasesWhereSlimHasThemAndPostnorm() {
        try (Graph g = new Graph()) {
            Built b = build(g, Networks.byName("resnet_v2_50").build(1001), 64);
            Map<String, Shape> v = variableShapes(b.model());
            String unit = "resnet_v2_50/block1/unit_1/bottleneck_v2";
            assertEquals(Shape.of(64), v.get("resnet_v2_50/conv1/biases"));
            assertEquals(Shape.of(64), v.get(unit + "/preact/gamma"));
            assertEquals(Shape.of(256), v.get(unit + "/shortcut/biases"));
            assertEquals(Shape.of(256), v.get(unit + "/conv3/biases"));
            assertNull(v.get(unit + "/conv1/biases"));
            assertEquals(Shape.of(64), v.get(unit + "/conv1/BatchNorm/beta"));
            assertEquals(Shape.of(2048), v.get("resnet_v2_50/postnorm/moving_variance"));
            assertEquals(Shape.of(1, 1, 2048, 1001), v.get("resnet_v2_50/logits/weights"));
            assertFalse(v.containsKey("resnet_v2_50/block1/unit_2/bottleneck_v2/shortcut/weights"));
            // 25.6M parameters for resnet_v2_50 with 1001 classes (slim's README lists ResNet-50 as 25.6M)
            assertEquals(25.6, trainableParameters(b.model()) / 1e6, 0.05);
            Tower t = b.tower();
            assertEquals(List.of(-1L, 2L, 2L, 2048L), dims(t.endpoints().get("resnet_v2_50/block4")));
            assertEquals(List.of(-1L, 1001L), dims(t.logits()));
            assertEquals(List.of(-1L, 2048L), dims(t.features()));
            assertTrue(t.endpoints().names().contains("predictions"));
            assertTrue(t.endpoints().names().contains("resnet_v2_50/spatial_squeeze"));
        }
    }

    @Test
    void mobileNetV1EndpointsAndShapesAtASmallSize() {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Network net = Networks.byName("mobilenet_v1_025").build(5);
            Built b = build(g, net, 64);
            Tower t = b.tower();
            assertEquals(List.of(-1L, 32L, 32L, 8L), dims(t.endpoints().get("Conv2d_0")));
            assertEquals(List.of(-1L, 2L, 2L, 256L), dims(t.endpoints().get("Conv2d_13_pointwise")));
            assertEquals(List.of(-1L, 1L, 1L, 256L), dims(t.endpoints().get("AvgPool_1a")));
            assertEquals(List.of(-1L, 5L), dims(t.endpoints().get("Logits")));
            assertTrue(t.endpoints().names().contains("Predictions"));
            assertEquals("MobilenetV1/Logits", net.headScope());
            Map<String, Shape> v = variableShapes(b.model());
            assertEquals(Shape.of(3, 3, 8, 1), v.get("MobilenetV1/Conv2d_1_depthwise/depthwise_weights"));
            assertEquals(Shape.of(1, 1, 256, 5), v.get("MobilenetV1/Logits/Conv2d_1c_1x1/weights"));
            s.run(b.model().initializer());
            // filled: tensorOf(shape) leaves the memory as it was (NaN at times on TF's Eigen path)
            try (TFloat32 images = TFloat32.tensorOf(
                            Shape.of(2, 64, 64, 3), d -> d.scalars().forEach(x -> x.setFloat(0.5f)));
                    TFloat32 p = (TFloat32) s.runner()
                            .feed(g.operation("Placeholder").output(0), images)
                            .fetch(t.predictions())
                            .run()
                            .get(0)) {
                assertEquals(Shape.of(2, 5), p.shape());
                float sum = 0;
                for (int k = 0; k < 5; k++) {
                    sum += p.getFloat(0, k);
                }
                assertEquals(1f, sum, 1e-5f);
            }
        }
    }

    private static List<Long> dims(Operand<?> x) {
        return java.util.Arrays.stream(x.shape().asArray()).boxed().toList();
    }
}
