package jacktf.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.checkpoint.CheckpointException;
import jacktf.checkpoint.RestoreOptions;
import jacktf.config.LearningRateDecayType;
import jacktf.config.OptimizerType;
import jacktf.data.SyntheticImages;
import jacktf.testing.PretrainedCheckpoint;
import jacktf.traindir.TrainDir;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fine-tuning recipe end to end on the real resnet_v1_50: a checkpoint with a 3-class head
 * (jacktf.testing's {@link PretrainedCheckpoint}, standing in for the model zoo's 1000 classes)
 * fine-tuned to 2 classes with the head replaced. The mechanics are tested on TinyNet in
 * {@link FineTuningTest}.
 */
@Tag("slow")
class ResNetFineTuningTest {

    @Test
    void newHeadFromAThousandClassStyleCheckpoint(@TempDir Path dir) throws IOException {
        Path catsDogs = dir.resolve("cats_dogs");
        SyntheticImages.generate(catsDogs, 2, 6, 40, 2, 6, SyntheticImages.Layout.FLAT);
        Path pretrained = PretrainedCheckpoint.get().checkpoint();

        // exclude scopes given that leave the head in: its other classes fail, naming the scope to exclude
        CheckpointException mismatch = assertThrows(
                CheckpointException.class,
                () -> FineTuningTest.train(config(catsDogs, dir.resolve("a"))
                        .checkpointPath(pretrained)
                        .restoreOptions(RestoreOptions.excluding("resnet_v1_50/block4"))
                        .maxNumberOfSteps(0L)
                        .build()));
        assertTrue(
                mismatch.getMessage().contains("--checkpoint-exclude-scopes resnet_v1_50/logits"),
                mismatch.getMessage());

        TrainResult r = FineTuningTest.train(config(catsDogs, dir.resolve("b"))
                .checkpointPath(pretrained) // no exclude scopes: the head, as its classes differ
                .maxNumberOfSteps(0L)
                .build());
        Map<String, float[]> source = FineTuningTest.floats(pretrained);
        Map<String, float[]> warm = FineTuningTest.floats(r.checkpoint());
        assertEquals(PretrainedCheckpoint.CLASSES.size(), source.get("resnet_v1_50/logits/biases").length);
        assertEquals(2, warm.get("resnet_v1_50/logits/biases").length);
        int loaded = 0;
        for (var e : warm.entrySet()) {
            if (e.getKey().startsWith("resnet_v1_50/") && !e.getKey().startsWith("resnet_v1_50/logits")) {
                assertArrayEquals(source.get(e.getKey()), e.getValue(), 0f, e.getKey());
                loaded++;
            }
        }
        // slim's resnet_v1_50: conv1 + 16 units of 3 convs + 4 shortcuts = 53 convs, 5 variables each
        assertEquals(265, loaded);
        assertEquals(
                List.of("diamond", "hexagon"), TrainDir.of(dir.resolve("b")).labels());
    }

    static TrainConfig.Builder config(Path data, Path trainDir) {
        return TrainConfig.builder(data, trainDir)
                .imageSize(PretrainedCheckpoint.IMAGE_SIZE)
                .batchSize(4)
                .optimizer(OptimizerType.MOMENTUM)
                .learningRate(0.0001f)
                .learningRateDecayType(LearningRateDecayType.FIXED)
                .batchNormDecay(0.9f)
                .saveSummariesSecs(3600);
    }
}
