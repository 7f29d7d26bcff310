package jacktf.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.TestData;
import jacktf.TfWrittenCheckpoints;
import jacktf.checkpoint.RestoreOptions;
import jacktf.model.Architecture;
import jacktf.model.ResNetV1;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/**
 * Each checkpoint assertion passes and fails as specified, on checkpoints written by TensorFlow's
 * own saver with hand-chosen values (multiples of 1/16, so every difference below is exact) and
 * on the real TF files of ../shared/testdata.
 */
class CheckpointAssertionsTest {
    static final String W = "resnet_v1_50/block1/unit_1/bottleneck_v1/conv1/weights";
    static final String B = "resnet_v1_50/logits/biases";
    static final long[] W_SHAPE = {2, 2, 3, 4};

    @TempDir
    static Path dir;

    static Path base;
    static Path otherLogits;
    static Path twoChanged;
    static Path noLogits;

    @BeforeAll
    static void write() {
        float[] w = TfCheckpoints.sequence(48, 0.25f);
        base = TfCheckpoints.write(dir.resolve("base/model.ckpt"), vars(w, new float[] {1, 2, 3}));
        otherLogits = TfCheckpoints.write(dir.resolve("logits/model.ckpt"), vars(w, new float[] {1, 2, 4}));
        float[] changed = w.clone();
        changed[0] = 0.0625f; // [0,0,0,0]: 0 -> 0.0625
        changed[23] = 5.875f; // [0,1,2,3] (23 = 1*12 + 2*4 + 3): 5.75 -> 5.875
        twoChanged = TfCheckpoints.write(dir.resolve("changed/model.ckpt"), vars(changed, new float[] {1, 2, 3}));
        noLogits = TfCheckpoints.write(dir.resolve("nologits/model.ckpt"), TfCheckpoints.of(W, W_SHAPE, w));
    }

    static Map<String, TfCheckpoints.Values> vars(float[] w, float[] b) {
        Map<String, TfCheckpoints.Values> m = new LinkedHashMap<>(TfCheckpoints.of(W, W_SHAPE, w));
        m.put(B, new TfCheckpoints.Values(new long[] {3}, b));
        return m;
    }

    // (b) frozen scopes bit-identical

    @Test
    void frozenScopeIdenticalWhileAnotherScopeChanged() {
        CheckpointAssertions.assertFrozenScopesIdentical(base, otherLogits, "resnet_v1_50/block1");
    }

    @Test
    void frozenScopeThatChangedFailsNamingTheWorstElement() {
        AssertionFailedError e = assertThrows(
                AssertionFailedError.class,
                () -> CheckpointAssertions.assertFrozenScopesIdentical(base, twoChanged, "resnet_v1_50/block1"));
        assertTrue(
                e.getMessage()
                        .startsWith(
                                W + " differs at [0,1,2,3]: expected 5.75, was 5.875 "
                                        + "(|diff| 0.125; bit-identical required); 2 of 48 elements differ\n(bit-identical, comparing "),
                e.getMessage());
        assertEquals("5.75", e.getExpected().getStringRepresentation());
        assertEquals("5.875", e.getActual().getStringRepresentation());
    }

    @Test
    void optimizerSlotsOfFrozenVariablesMayBeDroppedButNotForCloseness() {
        // The run a frozen variable came from kept an Adam slot for it; the run that froze it keeps none.
        Map<String, TfCheckpoints.Values> withSlot =
                new LinkedHashMap<>(TfCheckpoints.of(W, W_SHAPE, TfCheckpoints.sequence(48, 0.25f)));
        withSlot.put(W + "/Adam", new TfCheckpoints.Values(W_SHAPE, TfCheckpoints.sequence(48, 0.5f)));
        Path adam = TfCheckpoints.write(dir.resolve("adam/model.ckpt"), withSlot);
        CheckpointAssertions.assertFrozenScopesIdentical(adam, noLogits, "resnet_v1_50/block1");
        AssertionFailedError e = assertThrows(
                AssertionFailedError.class,
                () -> CheckpointAssertions.assertCheckpointsClose(
                        adam, noLogits, Tolerance.absolute(0), "resnet_v1_50/block1"));
        assertTrue(
                e.getMessage().startsWith(W + "/Adam is missing from " + noLogits + " (expected float32 [2,2,3,4])"),
                e.getMessage());
    }

    @Test
    void misspelledFrozenScopeFailsInsteadOfPassingVacuously() {
        AssertionFailedError e = assertThrows(
                AssertionFailedError.class,
                () -> CheckpointAssertions.assertFrozenScopesIdentical(base, otherLogits, "resnet_v1_50/blok1"));
        assertTrue(e.getMessage().startsWith("Scope 'resnet_v1_50/blok1' matches no tensor of "), e.getMessage());
        assertTrue(e.getMessage().endsWith("its top-level names start with [resnet_v1_50]"), e.getMessage());
    }

    @Test
    void realTfCheckpointsV1AndV2AgreeOnGlobalStep() {
        // written by TF's SaveSlices (V1) and SaveV2 + MergeV2Checkpoints (two-shard V2): global_step = 1 in both
        CheckpointAssertions.assertFrozenScopesIdentical(v1(), v2(), "global_step");
    }

    @Test
    void realTfCheckpointsScopeNetCoversTensorsOnlyInV2() {
        // scope net: net/w only in the V1, net/conv1/... only in the V2
        AssertionFailedError e = assertThrows(
                AssertionFailedError.class, () -> CheckpointAssertions.assertFrozenScopesIdentical(v1(), v2(), "net"));
        assertTrue(
                e.getMessage()
                        .contains("net/conv1/biases is in " + v2().resolve("model.ckpt-1") + " but not in " + v1()),
                e.getMessage());
    }

    @Test
    void olderTfsV1AndSnappyV2AgreeOnB() {
        // half_plus_two (TF Serving's files, ../shared/testdata): b = 2.0 in both the V1 and the Snappy-index V2
        CheckpointAssertions.assertFrozenScopesIdentical(
                TestData.checkpoints().resolve("half_plus_two_v1").resolve("export-00000-of-00001"),
                TestData.checkpoints().resolve("half_plus_two_v2_snappy"),
                "b");
    }

    // (c) equal within a tolerance

    @Test
    void withinAbsoluteAndRelativeTolerance() {
        // |0.0625 - 0| <= 0.1 and |5.875 - 5.75| = 0.125 <= 0.1 + 0.05 * 5.75 = 0.3875
        CheckpointAssertions.assertCheckpointsClose(base, twoChanged, Tolerance.of(0.1, 0.05));
    }

    @Test
    void absoluteToleranceExceededAtOneElement() {
        AssertionFailedError e = assertThrows(
                AssertionFailedError.class,
                () -> CheckpointAssertions.assertCheckpointsClose(base, twoChanged, Tolerance.absolute(0.1)));
        assertTrue(
                e.getMessage()
                        .startsWith(
                                W + " differs at [0,1,2,3]: expected 5.75, was 5.875 "
                                        + "(|diff| 0.125 > tolerance 0.100); 1 of 48 elements differ\n(tolerance absolute 0.1, comparing "),
                e.getMessage());
    }

    @Test
    void relativeToleranceScalesWithTheExpectedValueSoZeroMustStayZero() {
        // relative 0.05: 5.75 may move by 0.2875 (passes), 0 may not move at all (0.0625 fails).
        AssertionFailedError e = assertThrows(
                AssertionFailedError.class,
                () -> CheckpointAssertions.assertCheckpointsClose(base, twoChanged, Tolerance.relative(0.05)));
        assertTrue(
                e.getMessage()
                        .startsWith(W + " differs at [0,0,0,0]: expected 0.0, was 0.0625 "
                                + "(|diff| 0.0625 > tolerance 0.00); 1 of 48 elements differ"),
                e.getMessage());
    }

    @Test
    void aMissingTensorAndAChangedOneAreBothListed() {
        AssertionFailedError e = assertThrows(
                AssertionFailedError.class,
                () -> CheckpointAssertions.assertCheckpointsClose(otherLogits, noLogits, Tolerance.absolute(0.5)));
        assertTrue(
                e.getMessage().startsWith(B + " is missing from " + noLogits + " (expected float32 [3])\n"),
                e.getMessage());
        AssertionFailedError values = assertThrows(
                AssertionFailedError.class,
                () -> CheckpointAssertions.assertCheckpointsClose(
                        base, otherLogits, Tolerance.absolute(0.5), "resnet_v1_50/logits"));
        assertTrue(
                values.getMessage()
                        .startsWith(B + " differs at [2]: expected 3.0, was 4.0 (|diff| 1.00 > tolerance "
                                + "0.500); 1 of 3 elements differ"),
                values.getMessage());
    }

    // (a) restores into a model config

    @Test
    @Tag("slow") // initialising and saving 25M parameters, then four graph builds: over a minute on a busy 2-core box
    void restoresIntoTheSameNetworkAndIntoANewHeadWhenLogitsAreExcluded(@TempDir Path tmp) {
        Path ckpt = TfCheckpoints.freshNetwork(
                tmp.resolve("model.ckpt"),
                ResNetV1.builder(Architecture.RESNET_V1_50).numClasses(3).build());
        CheckpointAssertions.assertRestores(ckpt, Architecture.RESNET_V1_50, 3);
        CheckpointAssertions.assertRestores(ckpt, Architecture.RESNET_V1_50, 2, "resnet_v1_50/logits");
        CheckpointAssertions.assertRestores(ckpt, Architecture.RESNET_V1_50, null);

        AssertionFailedError head = assertThrows(
                AssertionFailedError.class,
                () -> CheckpointAssertions.assertRestores(ckpt, Architecture.RESNET_V1_50, 2));
        // slim's resnet_v1_50: conv1 (weights + 4 batch norm) 5, 16 units x 3 convs x 5, 4 shortcuts x 5, logits 2 =
        // 267
        assertEquals(
                "Checkpoint " + ckpt + " does not restore into resnet_v1_50 with 2 classes: 2 mismatched and 0 missing "
                        + "of 267 variables\n"
                        + "  mismatched resnet_v1_50/logits/weights: model float32 [1,1,2048,2], checkpoint float32 [1,1,2048,3]\n"
                        + "  mismatched resnet_v1_50/logits/biases: model float32 [2], checkpoint float32 [3]",
                head.getMessage());

        AssertionFailedError deeper = assertThrows(
                AssertionFailedError.class,
                () -> CheckpointAssertions.assertRestores(
                        ckpt,
                        ResNetV1.builder(Architecture.RESNET_V1_101).build(),
                        new RestoreOptions(List.of(), Map.of("resnet_v1_50/", "resnet_v1_101/"), false)));
        // resnet_v1_101's block3 has 23 units where 50's has 6: units 7..23 are 17 x 15 = 255 variables of 520
        // (5 + 33 units x 15 + 4 shortcuts x 5).
        assertTrue(
                deeper.getMessage()
                        .startsWith("Checkpoint " + ckpt + " does not restore into resnet_v1_101 without a "
                                + "head: 0 mismatched and 255 missing of 520 variables\n  missing resnet_v1_101/block3/unit_7/bottleneck_v1/"
                                + "conv1/weights (looked up as resnet_v1_50/block3/unit_7/bottleneck_v1/conv1/weights): model float32 "
                                + "[1,1,1024,256], not in the checkpoint\n"),
                deeper.getMessage());
        assertTrue(deeper.getMessage().endsWith("\n  ... and 245 more"), deeper.getMessage());
    }

    static Path v1() {
        return TfWrittenCheckpoints.v1File();
    }

    static Path v2() {
        return TfWrittenCheckpoints.twoShardsDir();
    }
}
