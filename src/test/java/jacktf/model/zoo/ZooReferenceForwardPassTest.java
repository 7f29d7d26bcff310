package jacktf.model.zoo;

import jacktf.model.Network;
import jacktf.model.zoo.RefOps.Act;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint of jacktf's zoo networks against {@link SlimForward}, a plain-Java forward pass
 * written from slim's definitions, in inference mode with seeded weights and non-trivial batch-norm
 * statistics ({@link ZooHarness#randomValues}); the values come from slim's variable list ({@link
 * SlimSpecs}), so a variable jacktf has and slim has not fails the assignment. An endpoint agrees when
 * max |tf - reference| &lt;= {@value #TOLERANCE} x max |reference| over it; the worst ratio per
 * network is printed, and the measured values are noted beside each test (Eigen = {@code
 * TF_ENABLE_ONEDNN_OPTS=0}, oneDNN = {@code =1}).
 *
 * <p>Sizes: the smallest slim allows per network (ResNet-v2 and MobileNet at 32 or 64; the
 * Inception-v3 family at 75, their smallest input, without AuxLogits; inception_resnet_v2 at batch 1), and one batch-1 test at the
 * default size where slim's graph needs it: VGG's fc6 is a 7x7 VALID convolution on pool5 (224),
 * inception_v1's AvgPool_0a_7x7 is a fixed 7x7 VALID pool (224), and the AuxLogits of the Inceptions
 * are built at 299 (their variables' shapes depend on it).
 */
@Tag("numerics")
class ZooReferenceForwardPassTest {
    static final double TOLERANCE = 1e-4;

    private static double check(String name, int batch, int size, Integer classes, boolean aux, long seed) {
        Network net = ZooHarness.build(name, classes, aux);
        VariableSpec spec = SlimSpecs.of(name, classes, aux);
        Map<String, float[]> values = ZooHarness.randomValues(spec.shapes(), seed);
        float[] images = ZooHarness.images(batch, size, seed + 1);
        ZooHarness.Run run = ZooHarness.run(net, batch, size, values, images);
        SlimForward reference = SlimForward.forNetwork(name, values);
        reference.forward(name, ZooHarness.act(batch, size, images), classes, aux);
        Map<String, Act> expected = new java.util.LinkedHashMap<>(reference.endpoints);
        if (!reference.jacktfAdditions.isEmpty()) {
            System.out.println(
                    name + ": jacktf endpoints beyond slim's end_points: " + reference.jacktfAdditions.keySet());
            expected.putAll(reference.jacktfAdditions);
        }
        return ZooHarness.compare(name + " " + batch + "x" + size, expected, run, TOLERANCE);
    }

    // ---------------------------------------------------------------- ResNet-v2

    @Test
    @Tag("slow")
    void resnetV2_50() {
        check("resnet_v2_50", 2, 32, 7, false, 101);
    }

    @Test
    @Tag("slow")
    void resnetV2_101() {
        check("resnet_v2_101", 1, 32, 7, false, 102);
    }

    @Test
    @Tag("slow")
    void resnetV2_152() {
        check("resnet_v2_152", 1, 32, 7, false, 103);
    }

    /** Headless: global_pool is the last endpoint. */
    @Test
    @Tag("slow")
    void resnetV2_50Headless() {
        check("resnet_v2_50", 1, 32, null, false, 104);
    }

    // ---------------------------------------------------------------- MobileNet-v1

    /** At 64 the last map is 2x2, so AvgPool_1a's kernel shrinks to 2x2 as slim's does. */
    @Test
    void mobilenetV1_025() {
        check("mobilenet_v1_025", 2, 64, 7, false, 201);
    }

    @Test
    @Tag("slow")
    void mobilenetV1() {
        check("mobilenet_v1", 2, 64, 7, false, 202);
    }

    @Test
    @Tag("slow")
    void mobilenetV1_075() {
        check("mobilenet_v1_075", 1, 64, 7, false, 203);
    }

    @Test
    @Tag("slow")
    void mobilenetV1_050() {
        check("mobilenet_v1_050", 1, 64, 7, false, 204);
    }

    // ---------------------------------------------------------------- VGG

    /**
     * At 224 only (fc6 is a 7x7 VALID conv on pool5), batch 1: 15.5 GMACs in the plain-Java
     * reference, 20 s on an idle 2-core machine, so vgg_19, whose layers differ only in the repeat
     * counts that {@link ZooVariablesTest} proves, has no forward test of its own (by hand it agreed
     * within 1.2e-6 Eigen, 8.2e-7 oneDNN).
     */
    @Test
    @Tag("slow")
    void vgg16() {
        check("vgg_16", 1, 224, 7, false, 301);
    }

    // ---------------------------------------------------------------- MobileNet-v2

    @Test
    @Tag("slow")
    void mobilenetV2() {
        check("mobilenet_v2", 2, 64, 7, false, 401);
    }

    @Test
    @Tag("slow")
    void mobilenetV2_140() {
        check("mobilenet_v2_140", 1, 64, 7, false, 402);
    }

    // ---------------------------------------------------------------- Inception

    @Test
    @Tag("slow")
    void inceptionV1() {
        check("inception_v1", 1, 224, 7, false, 501);
    }

    @Test
    @Tag("slow")
    void inceptionV3Small() {
        check("inception_v3", 2, 75, 7, false, 601);
    }

    @Test
    @Tag("slow")
    void inceptionV3WithAuxLogitsAt299() {
        check("inception_v3", 1, 299, 7, true, 602);
    }

    /**
     * At 75, its smallest input (Conv2d_7b_1x1 is 1x1), batch 1, without AuxLogits (PreAuxLogits is 3x3):
     * 16 endpoints, worst 9.1e-7 Eigen, 7.6e-7 oneDNN. About 7 s, nearly all of it the 55.8M parameters
     * (drawing the seeded values 3 s, assigning them 2 s); the reference pass itself takes 0.3 s.
     */
    @Test
    @Tag("slow")
    void inceptionResnetV2Small() {
        check("inception_resnet_v2", 1, 75, 7, false, 701);
    }

    /** AuxLogits' Conv2d_2a_5x5 as slim shapes it at 299: 17 endpoints, worst 8.9e-7 Eigen, 1.9e-6 oneDNN. */
    @Test
    @Tag("slow")
    void inceptionResnetV2WithAuxLogitsAt299() {
        check("inception_resnet_v2", 1, 299, 7, true, 702);
    }
}
