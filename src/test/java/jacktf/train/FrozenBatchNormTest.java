package jacktf.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import jacktf.checkpoint.Checkpoint;
import jacktf.checkpoint.RestoreOptions;
import jacktf.config.FrozenBatchNorm;
import jacktf.data.SyntheticImages;
import jacktf.model.TinyNet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code --frozen-bn} does to a frozen layer's batch norm, as documented ({@link FrozenBatchNorm}):
 * {@code inference} normalises with the moving statistics and leaves them as they are; {@code train}
 * (slim's one {@code is_training} switch) normalises with the batch's statistics and updates the moving
 * averages.
 *
 * <p>The frozen layer is {@code conv1} with zero weights: its output is 0 everywhere, so its batch mean and
 * variance are 0 and what its batch norm produces is known without the images. In inference mode each
 * channel becomes {@code relu(gamma * (0 - moving_mean) / sqrt(moving_variance + eps) + beta)}, in train
 * mode {@code relu(beta)}; either is a constant that max pooling keeps. The trainable 1x1 {@code shortcut}
 * of {@code block1/unit_1} sees that constant, so its batch mean is {@code W^T c} and its moving mean after
 * one step (decay d, starting at 0) is {@code (1 - d) * W^T c}: that shows which statistics conv1 used.
 */
@Tag("numerics")
class FrozenBatchNormTest {
    static final String NET = TinyNet.SCOPE;
    static final String CONV1 = NET + "/conv1";
    static final String SHORTCUT = NET + "/block1/unit_1/bottleneck_v1/shortcut";
    static final float DECAY = 0.5f;
    /** FusedBatchNorm's epsilon (slim's 1e-5, raised by TF to its minimum 1.001e-5). */
    static final double EPSILON = 1.001e-5;

    static final int CHANNELS = 64;
    static final float[] GAMMA = new float[CHANNELS];
    static final float[] BETA = new float[CHANNELS];
    static final float[] MOVING_MEAN = new float[CHANNELS];
    static final float[] MOVING_VARIANCE = new float[CHANNELS];

    @TempDir
    static Path shared;

    static Path data;
    static Path start;

    @BeforeAll
    static void craftAStart() throws IOException {
        for (int i = 0; i < CHANNELS; i++) {
            GAMMA[i] = 0.5f + 0.02f * i;
            BETA[i] = 0.3f * (i % 3 - 1); // -0.3, 0, 0.3: relu cuts some channels in train mode
            MOVING_MEAN[i] = (float) (0.8 * Math.sin(i + 1));
            MOVING_VARIANCE[i] = 0.4f + 0.05f * i;
        }
        data = shared.resolve("data");
        SyntheticImages.generate(data, 2, 2, 40, 4, 0, SyntheticImages.Layout.FOLDERS);
        Map<String, float[]> values = new HashMap<>();
        values.put(CONV1 + "/weights", new float[7 * 7 * 3 * CHANNELS]);
        values.put(CONV1 + "/BatchNorm/gamma", GAMMA);
        values.put(CONV1 + "/BatchNorm/beta", BETA);
        values.put(CONV1 + "/BatchNorm/moving_mean", MOVING_MEAN);
        values.put(CONV1 + "/BatchNorm/moving_variance", MOVING_VARIANCE);
        start = CraftedTinyCheckpoint.write(shared.resolve("start"), 2, values);
    }

    /** One step with everything but conv1 trainable; returns the checkpoint after it. */
    private static Checkpoint oneStep(Path dir, FrozenBatchNorm mode) throws IOException {
        TrainResult r = Trainer.create(TinyRun.config(data, dir, 1)
                        .checkpointPath(start)
                        .restoreOptions(RestoreOptions.all())
                        .freezeScopes(List.of(CONV1))
                        .frozenBatchNorm(mode)
                        .batchNormDecay(DECAY)
                        .build())
                .train();
        assertEquals(1, r.finalStep());
        return Checkpoint.open(r.checkpoint());
    }

    /** {@code (1 - decay) * W^T c}: the shortcut's moving mean after one step from 0, for conv1's output c. */
    private static float[] shortcutMovingMean(float[] c) {
        float[] w;
        try (Checkpoint before = Checkpoint.open(start)) {
            w = before.read(SHORTCUT + "/weights").floats(); // [1, 1, 64, depth]
        }
        int depth = w.length / CHANNELS;
        float[] expected = new float[depth];
        for (int o = 0; o < depth; o++) {
            double batchMean = 0;
            for (int i = 0; i < CHANNELS; i++) {
                batchMean += (double) w[i * depth + o] * c[i];
            }
            expected[o] = (float) ((1 - DECAY) * batchMean);
        }
        return expected;
    }

    @Test
    void inferenceModeNormalisesWithTheMovingStatisticsAndKeepsThem(@TempDir Path dir) throws IOException {
        float[] c = new float[CHANNELS];
        for (int i = 0; i < CHANNELS; i++) {
            c[i] = (float)
                    Math.max(0, GAMMA[i] * (0 - MOVING_MEAN[i]) / Math.sqrt(MOVING_VARIANCE[i] + EPSILON) + BETA[i]);
        }
        try (Checkpoint after = oneStep(dir, FrozenBatchNorm.INFERENCE)) {
            assertArrayEquals(
                    MOVING_MEAN, after.read(CONV1 + "/BatchNorm/moving_mean").floats(), 0f);
            assertArrayEquals(
                    MOVING_VARIANCE,
                    after.read(CONV1 + "/BatchNorm/moving_variance").floats(),
                    0f);
            assertArrayEquals(
                    shortcutMovingMean(c),
                    after.read(SHORTCUT + "/BatchNorm/moving_mean").floats(),
                    1e-5f);
            assertArrayEquals(GAMMA, after.read(CONV1 + "/BatchNorm/gamma").floats(), 0f, "frozen");
        }
    }

    @Test
    void trainModeNormalisesWithTheBatchStatisticsAndUpdatesTheMovingAverages(@TempDir Path dir) throws IOException {
        float[] c = new float[CHANNELS];
        float[] mean = new float[CHANNELS];
        float[] variance = new float[CHANNELS];
        for (int i = 0; i < CHANNELS; i++) {
            c[i] = Math.max(0, BETA[i]); // (0 - batch mean 0) * rsqrt(batch variance 0 + eps) = 0
            mean[i] = MOVING_MEAN[i] * DECAY; // moving -= (moving - 0) * (1 - decay)
            variance[i] = MOVING_VARIANCE[i] * DECAY;
        }
        try (Checkpoint after = oneStep(dir, FrozenBatchNorm.TRAIN)) {
            assertArrayEquals(mean, after.read(CONV1 + "/BatchNorm/moving_mean").floats(), 1e-6f);
            assertArrayEquals(
                    variance, after.read(CONV1 + "/BatchNorm/moving_variance").floats(), 1e-6f);
            assertArrayEquals(
                    shortcutMovingMean(c),
                    after.read(SHORTCUT + "/BatchNorm/moving_mean").floats(),
                    1e-5f);
            assertArrayEquals(GAMMA, after.read(CONV1 + "/BatchNorm/gamma").floats(), 0f, "frozen");
            assertArrayEquals(BETA, after.read(CONV1 + "/BatchNorm/beta").floats(), 0f, "frozen");
        }
    }
}
