package jacktf.model.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.config.ConfigException;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * jacktf's variable list per network (names, shapes, float32) against {@link SlimSpecs}, slim's list
 * written from slim's sources, at the network's default image size: with the zoo checkpoint's
 * classes (1001, VGG 1000; the Inceptions with AuxLogits), with another number of classes, and
 * headless. Plus literal lines for the names that are easy to get wrong.
 */
class ZooVariablesTest {

    static Stream<Arguments> networks() {
        return Stream.of(
                Arguments.of("resnet_v2_50", 224, 1001),
                Arguments.of("resnet_v2_101", 224, 1001),
                Arguments.of("resnet_v2_152", 224, 1001),
                Arguments.of("mobilenet_v1", 224, 1001),
                Arguments.of("mobilenet_v1_075", 224, 1001),
                Arguments.of("mobilenet_v1_050", 224, 1001),
                Arguments.of("mobilenet_v1_025", 224, 1001),
                Arguments.of("vgg_16", 224, 1000),
                Arguments.of("vgg_19", 224, 1000),
                Arguments.of("mobilenet_v2", 224, 1001),
                Arguments.of("mobilenet_v2_140", 224, 1001),
                Arguments.of("inception_v1", 224, 1001),
                Arguments.of("inception_v3", 299, 1001),
                Arguments.of("inception_resnet_v2", 299, 1001));
    }

    private static void check(String name, int size, Integer classes, boolean aux) {
        var net = ZooHarness.build(name, classes, aux);
        assertEquals(size, net.defaultImageSize(), name + " default_image_size");
        Map<String, String> actual = ZooHarness.variables(net, size);
        VariableSpec spec = SlimSpecs.of(name, classes, aux);
        assertEquals(spec.shapeStrings(), actual, name + " with " + classes + " classes, aux " + aux);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void zooCheckpointVariables(String name, int size, int zooClasses) {
        check(name, size, zooClasses, true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void otherClassesAndHeadless(String name, int size, int zooClasses) {
        check(name, size, 7, true);
        check(name, size, null, true);
    }

    /** The Inceptions without AuxLogits (what small image sizes build). */
    @Test
    void inceptionsWithoutAuxLogits() {
        check("inception_v3", 299, 1001, false);
        check("inception_resnet_v2", 299, 1001, false);
    }

    /**
     * At 75, the smallest input, PreAuxLogits is 3x3 and AuxLogits' 5x5 pool has no room: asking for
     * it is a user error naming the flag; without it the variables are slim's without AuxLogits (none
     * of the rest depends on the size).
     */
    @Test
    void inceptionResnetV2AtItsSmallestSize() {
        var withAux = ZooHarness.build("inception_resnet_v2", 1001, true);
        var e = assertThrows(ConfigException.class, () -> ZooHarness.variables(withAux, 75));
        assertTrue(e.getMessage().contains("--no-aux-logits"), e.getMessage());
        assertTrue(e.getMessage().contains("PreAuxLogits is 3x3"), e.getMessage());
        assertEquals(75, withAux.type().minimumImageSize());
        var net = ZooHarness.build("inception_resnet_v2", 1001, false);
        assertEquals(SlimSpecs.inceptionResnetV2(1001, false).shapeStrings(), ZooHarness.variables(net, 75));
    }

    private static void spot(String name, Integer classes, Map<String, String> lines) {
        var net = ZooHarness.build(name, classes, true);
        Map<String, String> actual = ZooHarness.variables(net, net.defaultImageSize());
        Map<String, String> spec = SlimSpecs.of(name, classes, true).shapeStrings();
        for (var e : lines.entrySet()) {
            assertEquals(e.getValue(), spec.get(e.getKey()), "spec: " + e.getKey());
            assertEquals(e.getValue(), actual.get(e.getKey()), "jacktf: " + e.getKey());
        }
    }

    /** Literal lines as slim's checkpoints list them: biases where slim has them, preact, postnorm. */
    @Test
    void resnetV2Literals() {
        spot(
                "resnet_v2_50",
                1001,
                Map.of(
                        "resnet_v2_50/conv1/weights", "7,7,3,64",
                        "resnet_v2_50/conv1/biases", "64",
                        "resnet_v2_50/block1/unit_1/bottleneck_v2/preact/gamma", "64",
                        "resnet_v2_50/block1/unit_1/bottleneck_v2/shortcut/biases", "256",
                        "resnet_v2_50/block1/unit_2/bottleneck_v2/conv3/biases", "256",
                        "resnet_v2_50/block2/unit_1/bottleneck_v2/shortcut/weights", "1,1,256,512",
                        "resnet_v2_50/block4/unit_3/bottleneck_v2/conv2/BatchNorm/moving_variance", "512",
                        "resnet_v2_50/postnorm/beta", "2048",
                        "resnet_v2_50/logits/biases", "1001"));
    }

    @Test
    void mobilenetV1Literals() {
        spot(
                "mobilenet_v1_025",
                1001,
                Map.of(
                        "MobilenetV1/Conv2d_0/weights", "3,3,3,8",
                        "MobilenetV1/Conv2d_1_depthwise/depthwise_weights", "3,3,8,1",
                        "MobilenetV1/Conv2d_1_pointwise/weights", "1,1,8,16",
                        "MobilenetV1/Conv2d_13_pointwise/BatchNorm/gamma", "256",
                        "MobilenetV1/Logits/Conv2d_1c_1x1/weights", "1,1,256,1001",
                        "MobilenetV1/Logits/Conv2d_1c_1x1/biases", "1001"));
        spot(
                "mobilenet_v1_075",
                1001,
                Map.of(
                        "MobilenetV1/Conv2d_0/weights", "3,3,3,24",
                        "MobilenetV1/Conv2d_13_pointwise/weights", "1,1,768,768"));
    }

    @Test
    void vggLiterals() {
        spot(
                "vgg_16",
                1000,
                Map.of(
                        "vgg_16/conv1/conv1_1/weights", "3,3,3,64",
                        "vgg_16/conv3/conv3_3/biases", "256",
                        "vgg_16/fc6/weights", "7,7,512,4096",
                        "vgg_16/fc7/weights", "1,1,4096,4096",
                        "vgg_16/fc8/biases", "1000"));
        spot("vgg_19", 1000, Map.of("vgg_19/conv5/conv5_4/weights", "3,3,512,512"));
    }

    /** slim's mobilenet/ naming: Conv, expanded_conv (no expand), expanded_conv_N/expand, Conv_1. */
    @Test
    void mobilenetV2Literals() {
        spot(
                "mobilenet_v2",
                1001,
                Map.of(
                        "MobilenetV2/Conv/weights", "3,3,3,32",
                        "MobilenetV2/expanded_conv/depthwise/depthwise_weights", "3,3,32,1",
                        "MobilenetV2/expanded_conv/project/weights", "1,1,32,16",
                        "MobilenetV2/expanded_conv_1/expand/weights", "1,1,16,96",
                        "MobilenetV2/expanded_conv_16/project/weights", "1,1,960,320",
                        "MobilenetV2/Conv_1/weights", "1,1,320,1280",
                        "MobilenetV2/Logits/Conv2d_1c_1x1/biases", "1001"));
        spot(
                "mobilenet_v2_140",
                1001,
                Map.of(
                        "MobilenetV2/Conv/weights", "3,3,3,48",
                        "MobilenetV2/expanded_conv/project/weights", "1,1,48,24",
                        "MobilenetV2/expanded_conv_1/expand/weights", "1,1,24,144",
                        "MobilenetV2/expanded_conv_16/project/weights", "1,1,1344,448",
                        "MobilenetV2/Conv_1/weights", "1,1,448,1792"));
    }

    @Test
    void inceptionV1Literals() {
        spot(
                "inception_v1",
                1001,
                Map.of(
                        "InceptionV1/Conv2d_1a_7x7/weights", "7,7,3,64",
                        "InceptionV1/Conv2d_1a_7x7/BatchNorm/beta", "64",
                        "InceptionV1/Mixed_5b/Branch_2/Conv2d_0a_3x3/weights", "3,3,32,128",
                        "InceptionV1/Mixed_5c/Branch_2/Conv2d_0b_3x3/weights", "3,3,48,128",
                        "InceptionV1/Logits/Conv2d_0c_1x1/weights", "1,1,1024,1001"));
    }

    @Test
    void inceptionV3Literals() {
        spot(
                "inception_v3",
                1001,
                Map.of(
                        "InceptionV3/Mixed_5b/Branch_3/Conv2d_0b_1x1/weights", "1,1,192,32",
                        "InceptionV3/Mixed_5c/Branch_1/Conv2d_0b_1x1/weights", "1,1,256,48",
                        "InceptionV3/Mixed_5c/Branch_1/Conv_1_0c_5x5/weights", "5,5,48,64",
                        "InceptionV3/Mixed_6a/Branch_0/Conv2d_1a_1x1/weights", "3,3,288,384",
                        "InceptionV3/Mixed_7b/Branch_1/Conv2d_0b_3x1/weights", "3,1,384,384",
                        "InceptionV3/Mixed_7c/Branch_1/Conv2d_0c_3x1/weights", "3,1,384,384",
                        "InceptionV3/AuxLogits/Conv2d_2a_5x5/weights", "5,5,128,768",
                        "InceptionV3/AuxLogits/Conv2d_2b_1x1/biases", "1001",
                        "InceptionV3/Logits/Conv2d_1c_1x1/weights", "1,1,2048,1001"));
    }

    @Test
    void inceptionResnetV2Literals() {
        spot(
                "inception_resnet_v2",
                1001,
                Map.of(
                        "InceptionResnetV2/Mixed_5b/Branch_0/Conv2d_1x1/weights", "1,1,192,96",
                        "InceptionResnetV2/Repeat/block35_10/Conv2d_1x1/biases", "320",
                        "InceptionResnetV2/Repeat_1/block17_20/Branch_1/Conv2d_0b_1x7/weights", "1,7,128,160",
                        "InceptionResnetV2/Repeat_2/block8_9/Conv2d_1x1/weights", "1,1,448,2080",
                        "InceptionResnetV2/Block8/Conv2d_1x1/biases", "2080",
                        "InceptionResnetV2/Conv2d_7b_1x1/BatchNorm/moving_mean", "1536",
                        "InceptionResnetV2/AuxLogits/Conv2d_2a_5x5/weights", "5,5,128,768",
                        "InceptionResnetV2/AuxLogits/Logits/weights", "768,1001",
                        "InceptionResnetV2/Logits/Logits/weights", "1536,1001",
                        "InceptionResnetV2/Logits/Logits/biases", "1001"));
    }
}
