package jacktf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.data.SyntheticImages;
import jacktf.model.Precision;
import jacktf.model.TinyNet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code checkNumerics}: one layer made to overflow (its weights near float32's largest value, all positive, on
 * ReLU outputs: every sum of two terms is infinite) is the one reported, its Conv2D and scope, at step 1 —
 * not the batch norm, ReLU or gradients after it, which are infinite or NaN too. Without the checks the same
 * run is a {@link TrainingDivergedException} whose message points at {@code --check-numerics}.
 */
@Tag("numerics")
class CheckNumericsTest {
    static final String LAYER = TinyNet.SCOPE + "/block2/unit_1/bottleneck_v1/conv2";

    @ParameterizedTest
    @EnumSource(Precision.class)
    void theOverflowingLayerIsNamed(Precision precision, @TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        SyntheticImages.generate(data, 2, 4, 32, 1, 0, SyntheticImages.Layout.FOLDERS);
        // conv2 of block2: 3x3, 8 -> 8 channels (TinyNet's block2 has a bottleneck depth of 8)
        float[] huge = new float[3 * 3 * 8 * 8];
        Arrays.fill(huge, Float.MAX_VALUE / 2);
        Path checkpoint = CraftedTinyCheckpoint.write(dir.resolve("ckpt"), 2, Map.of(LAYER + "/weights", huge));

        NonFiniteValueException e = assertThrows(NonFiniteValueException.class, () -> Trainer.create(
                        config(data, dir.resolve("checked"), checkpoint, precision)
                                .checkNumerics(true)
                                .build())
                .train());
        System.out.println(precision + ": " + e.getMessage());
        assertEquals(LAYER + "/Conv2d", e.op(), e.getMessage()); // TF Java's name for its Conv2D op
        assertEquals("Conv2D", e.opType());
        assertEquals(LAYER, e.scope());
        assertEquals(1, e.step());
        assertTrue(e.getMessage().contains("Inf"), e.getMessage());

        TrainingDivergedException unchecked = assertThrows(TrainingDivergedException.class, () -> Trainer.create(
                        config(data, dir.resolve("unchecked"), checkpoint, precision)
                                .build())
                .train());
        assertTrue(unchecked.getMessage().contains("--check-numerics"), unchecked.getMessage());
    }

    private static TrainConfig.Builder config(Path data, Path trainDir, Path checkpoint, Precision precision) {
        return TinyRun.config(data, trainDir, 2)
                .precision(precision)
                .checkpointPath(checkpoint)
                .weightDecay(0f); // else the weights' L2 term overflows beside the layer, in parallel with it
    }
}
