package jacktf.model.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The specs of {@link SlimSpecs} against parameter counts published elsewhere, so a spec that
 * misreads slim's file shows. Two kinds of figures:
 *
 * <ul>
 *   <li>slim's own tables, in millions with two decimals: {@code nets/mobilenet_v1.md} (4.24, 2.59,
 *       1.34, 0.47) and {@code nets/mobilenet/README.md} (3.47 for mobilenet_v2_1.0_224, 6.06 for
 *       mobilenet_v2_1.4_224), both for the 1001-class checkpoints;
 *   <li>Keras Applications' totals ({@code model.summary()}: every variable, moving statistics
 *       included; 1000 classes, no auxiliary head), an implementation written apart from slim of the
 *       same architectures: VGG16 138,357,544 and VGG19 143,667,240 (also the VGG paper's 138M and
 *       144M), ResNet50V2 25,613,800, ResNet101V2 44,675,560, ResNet152V2 60,380,648, InceptionV3
 *       23,851,784, InceptionResNetV2 55,873,736, MobileNet 4,253,864, MobileNetV2 3,538,984 (the
 *       Keras Applications table rounds them to 138.4M, 143.7M, 25.6M, 44.7M, 60.4M, 23.9M, 55.9M,
 *       4.3M, 3.5M).
 * </ul>
 *
 * The published MobileNet figures do not all follow one counting rule: MobileNet-v2's are the
 * weights and biases alone (no batch-norm variables: 3,472,041 and 6,062,633), MobileNet-v1's lie
 * within 0.01M above the trainable count (4,233,001; 2,586,329; 1,332,105; 470,329), which rounds to
 * 4.23 and 1.33, not 4.24 and 1.34 — no count of slim's variables rounds to all four v1 figures,
 * so the v1 check allows the published figures' last digit.
 */
class SlimParameterCountsTest {

    private static void assertMillions(double published, long count, double slack, String what) {
        double millions = count / 1e6;
        if (Math.abs(millions - published) > slack) {
            throw new AssertionError(what + ": " + count + " parameters, published " + published + "M");
        }
    }

    @Test
    void kerasTotalsOfTheSameArchitectures() {
        assertEquals(138_357_544L, SlimSpecs.vgg(16, 1000).parameters());
        assertEquals(143_667_240L, SlimSpecs.vgg(19, 1000).parameters());
        assertEquals(25_613_800L, SlimSpecs.resnetV2(50, 1000).parameters());
        assertEquals(44_675_560L, SlimSpecs.resnetV2(101, 1000).parameters());
        assertEquals(60_380_648L, SlimSpecs.resnetV2(152, 1000).parameters());
        assertEquals(23_851_784L, SlimSpecs.inceptionV3(1000, false).parameters());
        assertEquals(55_873_736L, SlimSpecs.inceptionResnetV2(1000, false).parameters());
        assertEquals(4_253_864L, SlimSpecs.mobilenetV1(1.0, 1000).parameters());
        assertEquals(3_538_984L, SlimSpecs.mobilenetV2(1.0, 1000).parameters());
    }

    /**
     * The zoo checkpoint's own count, which nobody publishes: Keras' InceptionResNetV2 (55,873,736; of
     * them 60,544 moving statistics, so 55,813,192 trainable, as its summary prints) has slim's layers
     * but 1000 classes and no auxiliary head. From slim's file, the 1001st class adds a row of
     * Logits/Logits (1536 weights + 1 bias = 1,537) and AuxLogits adds Conv2d_1b_1x1 (1x1x1088x128 =
     * 139,264 weights + 3 x 128 batch-norm values = 139,648), Conv2d_2a_5x5 (5x5x128x768 = 2,457,600 +
     * 3 x 768 = 2,459,904) and Logits (768 x 1001 + 1001 = 769,769): 3,369,321, so 59,244,594 in all.
     */
    @Test
    void inceptionResnetV2ZooCheckpoint() {
        assertEquals(55_813_192L, SlimSpecs.inceptionResnetV2(1000, false).trainableParameters());
        long aux = (1088 * 128 + 3 * 128) + (5 * 5 * 128 * 768 + 3 * 768) + (768 * 1001 + 1001);
        assertEquals(3_369_321L, aux);
        assertEquals(
                55_873_736L + 1_537L + aux,
                SlimSpecs.inceptionResnetV2(1001, true).parameters());
        assertEquals(59_244_594L, SlimSpecs.inceptionResnetV2(1001, true).parameters());
    }

    @Test
    void mobilenetV1MatchesMobilenetV1Md() {
        // the 1001-class checkpoints; trainable = weights, biases, beta and gamma
        long[] trainable = {
            SlimSpecs.mobilenetV1(1.0, 1001).trainableParameters(),
            SlimSpecs.mobilenetV1(0.75, 1001).trainableParameters(),
            SlimSpecs.mobilenetV1(0.5, 1001).trainableParameters(),
            SlimSpecs.mobilenetV1(0.25, 1001).trainableParameters()
        };
        assertEquals(4_233_001L, trainable[0]);
        assertEquals(2_586_329L, trainable[1]);
        assertEquals(1_332_105L, trainable[2]);
        assertEquals(470_329L, trainable[3]);
        double[] published = {4.24, 2.59, 1.34, 0.47};
        for (int i = 0; i < 4; i++) {
            assertMillions(published[i], trainable[i], 0.01, "mobilenet_v1 variant " + i);
        }
        // the base's convolution weights alone, as mobilenet_v1.py's docstring tables them
        assertEquals(3_185_088L, SlimSpecs.mobilenetV1(1.0, null).weightParameters());
        // 75% base (the docstring's second table): 1,800,144
        assertEquals(1_800_144L, SlimSpecs.mobilenetV1(0.75, null).weightParameters());
    }

    @Test
    void mobilenetV2MatchesTheMobilenetReadme() {
        long v100 = SlimSpecs.mobilenetV2(1.0, 1001).weightParameters();
        long v140 = SlimSpecs.mobilenetV2(1.4, 1001).weightParameters();
        assertEquals(3_472_041L, v100);
        assertEquals(6_062_633L, v140);
        assertMillions(3.47, v100, 0.005, "mobilenet_v2");
        assertMillions(6.06, v140, 0.005, "mobilenet_v2_140");
    }

    /** Variable counts of the zoo checkpoints' graphs (1001 classes, AuxLogits at 299; VGG 1000). */
    @Test
    void variableCountsOfTheZooCheckpoints() {
        // resnet_v2_50: conv1 (2) + 16 units x (preact 4 + conv1 5 + conv2 5 + conv3 2) + 4 shortcuts
        // x 2 + postnorm 4 + logits 2
        assertEquals(2 + 16 * 16 + 8 + 4 + 2, SlimSpecs.resnetV2(50, 1001).size());
        // mobilenet_v1: Conv2d_0 (5) + 13 x (depthwise 5 + pointwise 5) + logits 2
        assertEquals(5 + 13 * 10 + 2, SlimSpecs.mobilenetV1(1.0, 1001).size());
        // vgg_16: 13 convs + fc6..fc8, each weights and biases
        assertEquals(16 * 2, SlimSpecs.vgg(16, 1000).size());
        assertEquals(19 * 2, SlimSpecs.vgg(19, 1000).size());
        // mobilenet_v2: Conv (5) + expanded_conv (10) + 16 x 15 + Conv_1 (5) + logits 2
        assertEquals(5 + 10 + 16 * 15 + 5 + 2, SlimSpecs.mobilenetV2(1.0, 1001).size());
        // inception_v1: 3 stem convs + 9 modules x 6 convs, 4 variables each (no gamma), + logits 2
        assertEquals((3 + 9 * 6) * 4 + 2, SlimSpecs.inceptionV1(1001).size());
        // inception_v3: 5 stem + 7+7+7 (Mixed_5x) + 4 (6a) + 4 x 10 (6b-6e) + 6 (7a) + 2 x 9 (7b, 7c)
        // convs x 4, AuxLogits 2 convs x 4 + 2, logits 2
        assertEquals(
                (5 + 21 + 4 + 40 + 6 + 18) * 4 + 8 + 2 + 2,
                SlimSpecs.inceptionV3(1001, true).size());
        // inception_resnet_v2: 5 stem + 7 (5b) + 10 x 6 + 4 (6a) + 20 x 4 + 7 (7a) + 10 x 4 + 1 (7b)
        // BN convs x 4; 40 up-projections x 2; AuxLogits 2 x 4 + 2; logits 2
        assertEquals(
                (5 + 7 + 60 + 4 + 80 + 7 + 40 + 1) * 4 + 40 * 2 + 10 + 2,
                SlimSpecs.inceptionResnetV2(1001, true).size());
    }
}
