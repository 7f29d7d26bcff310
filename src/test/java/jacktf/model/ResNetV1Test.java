package jacktf.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.config.JacktfException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

class ResNetV1Test {

    private static Tower build(Graph graph, ResNetV1 net, int size) {
        ModelGraph mg = ModelGraph.local(graph);
        Operand<TFloat32> images =
                mg.ops("").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, size, size, 3)));
        return net.apply(mg, images, BatchNormPolicy.inference());
    }

    private static Map<String, String> variables(Graph graph, ResNetV1 net) {
        ModelGraph mg = ModelGraph.local(graph);
        Operand<TFloat32> images = mg.ops("").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 224, 224, 3)));
        net.apply(mg, images, BatchNormPolicy.inference());
        return mg.variables().variables().stream()
                .collect(Collectors.toMap(ModelVariable::name, ModelVariable::shapeString, (a, b) -> a, TreeMap::new));
    }

    /** slim's variables written out independently from resnet_v1.py's structure. */
    private static Map<String, String> expectedSlimVariables(String scope, int[] units, Integer classes) {
        Map<String, String> expected = new TreeMap<>();
        addConv(expected, scope + "/conv1", "7,7,3,64", 64);
        int depthIn = 64;
        int[] bases = {64, 128, 256, 512};
        for (int b = 0; b < 4; b++) {
            int base = bases[b];
            for (int u = 1; u <= units[b]; u++) {
                String unit = scope + "/block" + (b + 1) + "/unit_" + u + "/bottleneck_v1";
                if (u == 1) {
                    addConv(expected, unit + "/shortcut", "1,1," + depthIn + "," + 4 * base, 4 * base);
                }
                addConv(expected, unit + "/conv1", "1,1," + (u == 1 ? depthIn : 4 * base) + "," + base, base);
                addConv(expected, unit + "/conv2", "3,3," + base + "," + base, base);
                addConv(expected, unit + "/conv3", "1,1," + base + "," + 4 * base, 4 * base);
            }
            depthIn = 4 * base;
        }
        if (classes != null) {
            expected.put(scope + "/logits/weights", "1,1,2048," + classes);
            expected.put(scope + "/logits/biases", "" + classes);
        }
        return expected;
    }

    private static void addConv(Map<String, String> m, String scope, String weights, int depth) {
        m.put(scope + "/weights", weights);
        for (String v : List.of("beta", "gamma", "moving_mean", "moving_variance")) {
            m.put(scope + "/BatchNorm/" + v, "" + depth);
        }
    }

    private static void assertShape(Operand<?> op, long... dims) {
        Assertions.assertArrayEquals(dims, op.shape().asArray(), op.op().name());
    }

    @Test
    void resnet50VariablesAreExactlySlims() {
        try (Graph g = new Graph()) {
            Map<String, String> actual = variables(
                    g,
                    ResNetV1.builder(Architecture.RESNET_V1_50).numClasses(1000).build());
            assertEquals(267, actual.size());
            assertEquals(expectedSlimVariables("resnet_v1_50", new int[] {3, 4, 6, 3}, 1000), actual);
            assertEquals("1,1,64,256", actual.get("resnet_v1_50/block1/unit_1/bottleneck_v1/shortcut/weights"));
            assertEquals("1,1,512,2048", actual.get("resnet_v1_50/block4/unit_3/bottleneck_v1/conv3/weights"));
        }
    }

    @Test
    @Tag("slow")
    void deeperModelsHaveSlimsCounts() {
        try (Graph g = new Graph()) {
            Map<String, String> v101 =
                    variables(g, ResNetV1.builder(Architecture.RESNET_V1_101).build());
            assertEquals(expectedSlimVariables("resnet_v1_101", new int[] {3, 4, 23, 3}, null), v101);
            assertEquals(520, v101.size());
        }
        try (Graph g = new Graph()) {
            Map<String, String> v152 = variables(
                    g,
                    ResNetV1.builder(Architecture.RESNET_V1_152)
                            .numClasses(1000)
                            .build());
            assertEquals(expectedSlimVariables("resnet_v1_152", new int[] {3, 8, 36, 3}, 1000), v152);
            assertEquals(777, v152.size());
        }
    }

    @Test
    void endpointShapesAt224() {
        try (Graph g = new Graph()) {
            Tower t = build(
                    g, ResNetV1.builder(Architecture.RESNET_V1_50).numClasses(5).build(), 224);
            Endpoints e = t.endpoints();
            assertShape(e.get("resnet_v1_50/conv1"), -1, 112, 112, 64);
            assertShape(e.get("resnet_v1_50/block1"), -1, 28, 28, 256);
            assertShape(e.get("resnet_v1_50/block2"), -1, 14, 14, 512);
            assertShape(e.get("resnet_v1_50/block3"), -1, 7, 7, 1024);
            assertShape(e.get("resnet_v1_50/block4"), -1, 7, 7, 2048);
            assertShape(e.get("global_pool"), -1, 1, 1, 2048);
            assertShape(e.get("resnet_v1_50/logits"), -1, 1, 1, 5);
            assertShape(e.get("resnet_v1_50/spatial_squeeze"), -1, 5);
            assertShape(e.get("predictions"), -1, 5);
            assertShape(e.get("resnet_v1_50/block1/unit_1/bottleneck_v1/conv3"), -1, 56, 56, 256);
            // aliases people use
            assertEquals(e.get("resnet_v1_50/block4"), e.get("conv5"));
            assertEquals(e.get("resnet_v1_50/block1"), e.get("conv2"));
            assertEquals(e.get("global_pool"), e.get("pool5"));
            assertEquals(e.get("resnet_v1_50/block3"), e.get("block3"));
            JacktfException unknown = assertThrows(JacktfException.class, () -> e.get("block9"));
            assertTrue(unknown.getMessage().contains("resnet_v1_50/block4"), unknown.getMessage());
            // slim's order: units' convs, the unit, then the block
            List<String> names = List.copyOf(e.names());
            assertEquals("resnet_v1_50/conv1", names.get(0));
            assertTrue(names.indexOf("resnet_v1_50/block1/unit_1/bottleneck_v1/shortcut")
                    < names.indexOf("resnet_v1_50/block1/unit_1/bottleneck_v1/conv1"));
            assertTrue(
                    names.indexOf("resnet_v1_50/block1/unit_3/bottleneck_v1") < names.indexOf("resnet_v1_50/block1"));
            assertEquals("predictions", names.get(names.size() - 1));
        }
    }

    @Test
    void fcHeadUsesPredictLogitsScope() {
        try (Graph g = new Graph()) {
            Map<String, String> v = variables(
                    g,
                    ResNetV1.builder(TinyNet.ARCHITECTURE)
                            .numClasses(2)
                            .head(Head.FC)
                            .build());
            assertEquals(TINY_BATCH_NORMS * 5 + 2, v.size());
            assertEquals("64,2", v.get("Predict/logits/weights"));
            assertEquals("2", v.get("Predict/logits/biases"));
            assertFalse(v.containsKey("resnet_v1_tiny/logits/weights"));
        }
    }

    @Test
    void headlessModelEndsAtGlobalPool() {
        try (Graph g = new Graph()) {
            Tower t = build(g, ResNetV1.builder(TinyNet.ARCHITECTURE).build(), 64);
            assertEquals(null, t.logits());
            assertShape(t.features(), -1, 64);
            List<String> names = List.copyOf(t.endpoints().names());
            assertEquals("global_pool", names.get(names.size() - 1));
        }
    }

    /** TinyNet by hand: 19 convs with batch norm (conv1; block1 2x3 + shortcut; block2 3 + shortcut; block3 3; block4 3 + shortcut). */
    private static final int TINY_BATCH_NORMS = 1 + 7 + 4 + 3 + 4;

    @Test
    void trainAndEvalTowersShareOneSetOfVariables() {
        try (Graph g = new Graph()) {
            ModelGraph mg = ModelGraph.local(g);
            ResNetV1 net =
                    ResNetV1.builder(TinyNet.ARCHITECTURE).numClasses(1000).build();
            Operand<TFloat32> train =
                    mg.ops("").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 64, 64, 3)));
            Operand<TFloat32> eval = mg.ops("").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 64, 64, 3)));
            Tower trainTower = net.apply(mg, train, BatchNormPolicy.training());
            Tower evalTower = net.apply(mg, eval, BatchNormPolicy.inference());
            int expected =
                    TINY_BATCH_NORMS * 5 + 2; // weights + 4 batch-norm variables per conv, logits weights + biases
            assertEquals(expected, mg.variables().variables().size());
            int variableOps = 0;
            for (Iterator<GraphOperation> it = g.operations(); it.hasNext(); ) {
                if (it.next().type().equals("VariableV2")) {
                    variableOps++;
                }
            }
            assertEquals(expected, variableOps);
            assertEquals(
                    TINY_BATCH_NORMS * 2, trainTower.updateOps().size(), "two moving-average updates per BatchNorm");
            assertTrue(evalTower.updateOps().isEmpty());
        }
    }

    @Test
    void batchNormModeIsChosenPerLayer() {
        try (Graph g = new Graph()) {
            ModelGraph mg = ModelGraph.local(g);
            ResNetV1 net = ResNetV1.builder(TinyNet.ARCHITECTURE).numClasses(2).build();
            Operand<TFloat32> images =
                    mg.ops("").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 64, 64, 3)));
            ScopeSet frozen = ScopeSet.of("resnet_v1_tiny/conv1", "resnet_v1_tiny/block1", "resnet_v1_tiny/block2");
            Tower t = net.apply(
                    mg, images, layer -> frozen.contains(layer) ? BatchNormMode.INFERENCE : BatchNormMode.TRAINING);
            // block3 (1 unit, identity shortcut = 3 BN) and block4 (1 unit + shortcut = 4 BN) train
            assertEquals((3 + 4) * 2, t.updateOps().size());
        }
    }

    @Test
    void unknownModelNamesTheValidOnes() {
        JacktfException e = assertThrows(JacktfException.class, () -> Architecture.byName("resnet_v2_50"));
        assertTrue(e.getMessage().contains("resnet_v1_50, resnet_v1_101, resnet_v1_152"), e.getMessage());
    }

    @Test
    void customBlocksFollowSlimsNamingAndShapes() {
        try (Graph g = new Graph()) {
            Map<String, String> v = variables(
                    g, ResNetV1.builder(TinyNet.ARCHITECTURE).numClasses(3).build());
            // slim's resnet_v1_block layout with base depths 4, 8, 8, 16 and 2, 1, 1, 1 units, written out by hand
            Map<String, String> expected = new TreeMap<>();
            String s = "resnet_v1_tiny";
            addConv(expected, s + "/conv1", "7,7,3,64", 64);
            addConv(expected, s + "/block1/unit_1/bottleneck_v1/shortcut", "1,1,64,16", 16);
            addConv(expected, s + "/block1/unit_1/bottleneck_v1/conv1", "1,1,64,4", 4);
            addConv(expected, s + "/block1/unit_1/bottleneck_v1/conv2", "3,3,4,4", 4);
            addConv(expected, s + "/block1/unit_1/bottleneck_v1/conv3", "1,1,4,16", 16);
            addConv(expected, s + "/block1/unit_2/bottleneck_v1/conv1", "1,1,16,4", 4);
            addConv(expected, s + "/block1/unit_2/bottleneck_v1/conv2", "3,3,4,4", 4);
            addConv(expected, s + "/block1/unit_2/bottleneck_v1/conv3", "1,1,4,16", 16);
            addConv(expected, s + "/block2/unit_1/bottleneck_v1/shortcut", "1,1,16,32", 32);
            addConv(expected, s + "/block2/unit_1/bottleneck_v1/conv1", "1,1,16,8", 8);
            addConv(expected, s + "/block2/unit_1/bottleneck_v1/conv2", "3,3,8,8", 8);
            addConv(expected, s + "/block2/unit_1/bottleneck_v1/conv3", "1,1,8,32", 32);
            // block3 keeps depth 32: an identity shortcut, no variables
            addConv(expected, s + "/block3/unit_1/bottleneck_v1/conv1", "1,1,32,8", 8);
            addConv(expected, s + "/block3/unit_1/bottleneck_v1/conv2", "3,3,8,8", 8);
            addConv(expected, s + "/block3/unit_1/bottleneck_v1/conv3", "1,1,8,32", 32);
            addConv(expected, s + "/block4/unit_1/bottleneck_v1/shortcut", "1,1,32,64", 64);
            addConv(expected, s + "/block4/unit_1/bottleneck_v1/conv1", "1,1,32,16", 16);
            addConv(expected, s + "/block4/unit_1/bottleneck_v1/conv2", "3,3,16,16", 16);
            addConv(expected, s + "/block4/unit_1/bottleneck_v1/conv3", "1,1,16,64", 64);
            expected.put(s + "/logits/weights", "1,1,64,3");
            expected.put(s + "/logits/biases", "3");
            assertEquals(expected, v);
        }
        try (Graph g = new Graph()) {
            // strides 2, 2, 2, 1 after conv1 (2) and pool1 (2): 64 -> 32 -> 16 -> 8 -> 4 -> 2 -> 2
            Tower t = build(
                    g, ResNetV1.builder(TinyNet.ARCHITECTURE).numClasses(3).build(), 64);
            assertShape(t.endpoints().get("resnet_v1_tiny/block1"), -1, 8, 8, 16);
            assertShape(t.endpoints().get("resnet_v1_tiny/block3"), -1, 2, 2, 32);
            assertShape(t.endpoints().get("resnet_v1_tiny/block4"), -1, 2, 2, 64);
            assertShape(t.features(), -1, 64);
        }
    }

    @Test
    void modelSpecIsDetectedFromVariableShapes() {
        // slim's names written out by hand: detected without building a graph
        Map<String, long[]> slim50 = new TreeMap<>();
        expectedSlimVariables("resnet_v1_50", new int[] {3, 4, 6, 3}, 1000)
                .forEach((name, shape) -> slim50.put(
                        name,
                        Arrays.stream(shape.split(","))
                                .mapToLong(Long::parseLong)
                                .toArray()));
        assertEquals(new ModelSpec(Architecture.RESNET_V1_50, Head.SLIM, 1000), ModelSpec.detect(slim50, "test"));
        for (Architecture a : List.of(TinyNet.ARCHITECTURE)) {
            for (Head head : Head.values()) {
                try (Graph g = new Graph()) {
                    ModelGraph mg = ModelGraph.local(g);
                    ResNetV1.builder(a)
                            .numClasses(7)
                            .head(head)
                            .build()
                            .apply(
                                    mg,
                                    mg.ops("").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 64, 64, 3))),
                                    BatchNormPolicy.inference());
                    Map<String, long[]> shapes = new TreeMap<>();
                    mg.variables()
                            .variables()
                            .forEach(v -> shapes.put(v.name(), v.shape().asArray()));
                    assertEquals(new ModelSpec(a, head, 7), ModelSpec.detect(shapes, "test"));
                }
            }
        }
        JacktfException none = assertThrows(
                JacktfException.class, () -> ModelSpec.detect(Map.of("a/b", new long[] {1}), "Checkpoint x"));
        assertTrue(none.getMessage().startsWith("Checkpoint x holds no network this tool knows"), none.getMessage());
    }

    @Test
    void architectureRefusesBadScopesAndBlocks() {
        Block b = new Block("block1", 4, 1, 1);
        assertThrows(JacktfException.class, () -> Architecture.of("a/b", List.of(b)));
        assertThrows(JacktfException.class, () -> Architecture.of(" ", List.of(b)));
        assertThrows(JacktfException.class, () -> Architecture.of("net", List.of()));
        assertThrows(JacktfException.class, () -> Architecture.of("net", List.of(b, b)));
    }
}
