package jacktf.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.checkpoint.Checkpoint;
import jacktf.checkpoint.RestoreOptions;
import jacktf.model.Architecture;
import jacktf.train.TrainConfig;
import jacktf.train.TrainResult;
import jacktf.train.Trainer;
import jacktf.traindir.TrainDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opentest4j.AssertionFailedError;
import org.tensorflow.proto.DataType;

/**
 * The pretrained checkpoint is a slim resnet_v1_50, cached, exported; a 2-step fine-tune from it
 * with frozen scopes passes and fails the checkpoint assertions where slim's semantics say.
 */
@Tag("slow")
@ExtendWith(JacktfExtension.class)
class PretrainedCheckpointTest {
    static PretrainedCheckpoint pretrained;
    static Path tuned;

    @BeforeAll
    static void fineTune(PretrainedCheckpoint checkpoint, SampleImages images, @TempTrainDir Path trainDir)
            throws IOException {
        pretrained = checkpoint;
        Path data = images.dataset(List.of("diamond", "hexagon"), 4, 40);
        TrainResult r = Trainer.create(TrainConfig.builder(data, trainDir)
                        .imageSize(checkpoint.imageSize())
                        .batchSize(4)
                        .checkpointPath(checkpoint.checkpoint())
                        .restoreOptions(RestoreOptions.excluding("resnet_v1_50/logits"))
                        .freezeScopes(List.of("resnet_v1_50/conv1", "resnet_v1_50/block1", "resnet_v1_50/block2"))
                        .learningRate(0.01f)
                        .maxNumberOfSteps(2L)
                        .saveSummariesSecs(3600)
                        .build())
                .train();
        assertEquals(2, r.finalStep());
        tuned = r.checkpoint();
    }

    @Test
    void isResnetV1FiftyWithAThreeClassHeadAndSlimsVariables(PretrainedCheckpoint again) throws IOException {
        assertSame(pretrained, again, "made once per JVM");
        CheckpointAssertions.assertRestores(pretrained.checkpoint(), Architecture.RESNET_V1_50, 3);
        try (Checkpoint c = Checkpoint.open(pretrained.checkpoint())) {
            // slim's resnet_v1_50 with logits has 267 variables; plain SGD adds no slots, so with global_step: 268
            // (and the trainer's input_position, where a resumed run continues reading).
            assertEquals(
                    268,
                    c.tensors().stream()
                            .filter(t -> !t.name().equals("input_position"))
                            .count());
            assertEquals(DataType.DT_INT64, c.find("global_step").orElseThrow().dtype());
            assertEquals(PretrainedCheckpoint.STEPS, c.read("global_step").longs()[0]);
            assertTrue(c.find("resnet_v1_50/block4/unit_3/bottleneck_v1/conv3/BatchNorm/moving_variance")
                    .isPresent());
        }
        assertEquals(
                List.of("circle", "square", "triangle"),
                TrainDir.of(pretrained.trainDir()).labels());
        assertTrue(pretrained.checkpoint().startsWith(PretrainedCheckpoint.cacheRoot()));
        assertEquals(Path.of("target", "jacktf-test-checkpoints").toAbsolutePath(), PretrainedCheckpoint.cacheRoot());
        assertTrue(Files.isDirectory(PretrainedCheckpoint.cacheRoot().resolve(PretrainedCheckpoint.key())));
    }

    @Test
    void itsSavedModelHasJacktfsServingSignature() {
        // README: serving_default takes image_bytes (encoded images) and gives probabilities, classes, class_names.
        SavedModelAssertions.assertSignature(
                pretrained.savedModel(),
                "serving_default",
                List.of(TensorSpec.of("image_bytes", DataType.DT_STRING, -1)),
                List.of(
                        TensorSpec.of("probabilities", DataType.DT_FLOAT, -1, 3),
                        TensorSpec.of("classes", DataType.DT_INT64, -1),
                        TensorSpec.of("class_names", DataType.DT_STRING, -1)));
    }

    @Test
    void fineTuneKeepsFrozenScopesBitIdenticalAndRestoresIntoATwoClassHead() {
        CheckpointAssertions.assertFrozenScopesIdentical(
                pretrained.checkpoint(), tuned, "resnet_v1_50/conv1", "resnet_v1_50/block1", "resnet_v1_50/block2");
        CheckpointAssertions.assertCheckpointsClose(
                pretrained.checkpoint(), tuned, Tolerance.absolute(0), "resnet_v1_50/block2/unit_4");
        CheckpointAssertions.assertRestores(tuned, Architecture.RESNET_V1_50, 2);
        CheckpointAssertions.assertRestores(
                pretrained.checkpoint(), Architecture.RESNET_V1_50, 2, "resnet_v1_50/logits");
    }

    @Test
    void trainedScopesAreReportedAsChanged() {
        AssertionFailedError e = assertThrows(
                AssertionFailedError.class,
                () -> CheckpointAssertions.assertFrozenScopesIdentical(
                        pretrained.checkpoint(), tuned, "resnet_v1_50/block4"));
        // block4 trained two steps with a fresh head: its weights moved (the first listed is the first in name order).
        assertTrue(
                e.getMessage().startsWith("resnet_v1_50/block4/unit_1/bottleneck_v1/conv1/BatchNorm/beta differs at ["),
                e.getMessage());
        assertTrue(e.getMessage().contains("bit-identical required); "), e.getMessage());
        AssertionFailedError head = assertThrows(
                AssertionFailedError.class,
                () -> CheckpointAssertions.assertRestores(tuned, Architecture.RESNET_V1_50, 3));
        assertTrue(
                head.getMessage()
                        .contains("mismatched resnet_v1_50/logits/weights: model float32 [1,1,2048,3], "
                                + "checkpoint float32 [1,1,2048,2]"),
                head.getMessage());
    }
}
