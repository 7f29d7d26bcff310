package jacktf.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.config.OptimizerType;
import jacktf.data.SyntheticImages;
import jacktf.model.TinyNet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.GraphOperation;

/** The timed steps bench runs are the trainer's: same graph, same updates. */
class TrainingStepsTest {
    @Test
    void stepsRunTheTrainersGraphWithItsGradientGate(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        SyntheticImages.generate(data, 2, 4, 40, 1, 0, SyntheticImages.Layout.FOLDERS);
        TrainConfig config = TrainConfig.builder(data, dir.resolve("bench"))
                .model(TinyNet.ARCHITECTURE)
                .imageSize(32)
                .batchSize(4)
                .optimizer(OptimizerType.MOMENTUM)
                .learningRate(0.01f)
                .maxNumberOfSteps(3L)
                .build();

        TrainResult trained = Trainer.create(TrainConfig.builder(data, dir.resolve("train"))
                        .model(TinyNet.ARCHITECTURE)
                        .imageSize(32)
                        .batchSize(4)
                        .optimizer(OptimizerType.MOMENTUM)
                        .learningRate(0.01f)
                        .maxNumberOfSteps(3L)
                        .saveSummariesSecs(3600)
                        .build())
                .train();
        try (TrainingSteps steps = TrainingSteps.open(config)) {
            boolean gated = false;
            for (Iterator<GraphOperation> it = steps.graph().operations(); it.hasNext(); ) {
                gated |= it.next().name().startsWith("gradients_gate/");
            }
            assertTrue(gated, "every gradient completes before any update (TF1's GATE_GRAPH)");
            float[] losses = {steps.step(), steps.step(), steps.step()};
            for (float loss : losses) {
                assertTrue(Float.isFinite(loss) && loss > 0, "a softmax cross-entropy: " + loss);
            }
            assertFalse(losses[0] == losses[1] && losses[1] == losses[2], "the weights move between steps");
            // Same seed, data order and updates as the trainer's first three steps: the same losses.
            assertArrayEquals(new float[] {trained.lastStep().totalLoss()}, new float[] {losses[2]}, 1e-5f);
        }
        String[] written = dir.resolve("bench").toFile().list();
        assertTrue(
                written == null || Arrays.stream(written).noneMatch(f -> f.startsWith("model.ckpt")),
                "timed steps write no checkpoint: " + Arrays.toString(written));
    }
}
