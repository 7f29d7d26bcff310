package jacktf.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.checkpoint.RestoreOptions;
import jacktf.model.Precision;
import jacktf.model.TinyNet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * bf16 training learns as well as fp32 on the shapes task, within {@link #MARGIN}: the same new head
 * trained from the same pretrained checkpoint (the one {@link TransferTest} starts from) with the same
 * seed, once in each precision, on three seeds. bf16 rounds every activation to 8 bits of mantissa, so
 * the two runs part ways after the first step; the margin is the difference a user may see.
 */
@Tag("slow")
@Tag("numerics")
class Bf16TrainingTest {
    /**
     * Validation accuracy on 80 images: one image is 0.0125. Measured bf16 vs fp32 (seeds 42 / 1 / 2) on this
     * team's EPYC (AVX512_BF16, no AMX), 2026-12-05: oneDNN kernels (TF's default there) 0.7000 vs 0.7000,
     * 0.6625 vs 0.6625, 0.8750 vs 0.8750; TF's own kernels (TF_ENABLE_ONEDNN_OPTS=0) 0.8125 vs 0.8125, 0.7500 vs 0.7500, 0.7375 vs 0.7500. Before
     * the mixed-precision rule (batch norm and the RGB stem convolution in bf16) every seed diverged on oneDNN.
     */
    static final float MARGIN = 0.05f;

    /**
     * fp32 must have learned the task for the comparison to mean anything: 0.60 against a chance of 0.5.
     * fp32 measured 0.7000 / 0.6625 / 0.8750 on oneDNN (seed 1 misses TransferTest's 0.70 there), and
     * 0.8125 / 0.7500 / 0.7500 on TF's own kernels.
     */
    static final float LEARNED = 0.60f;

    static final long STEPS = 60;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {42, 1, 2})
    void bf16ReachesFp32sValidationAccuracyWithinTheMargin(long seed, @TempDir Path dir) throws IOException {
        float fp32 = train(seed, Precision.FP32, dir.resolve("fp32"));
        float bf16 = train(seed, Precision.BF16, dir.resolve("bf16"));
        System.out.printf("bf16 vs fp32, seed %d: validation accuracy %.4f vs %.4f%n", seed, bf16, fp32);
        assertTrue(fp32 >= LEARNED, "seed " + seed + ": fp32 reached only " + fp32);
        assertTrue(
                bf16 >= fp32 - MARGIN,
                "seed " + seed + ": bf16 reached " + bf16 + ", fp32 " + fp32 + " (margin " + MARGIN + ")");
    }

    static float train(long seed, Precision precision, Path trainDir) throws IOException {
        TrainResult r = Trainer.create(TransferTest.common(PretrainedShapes.taskB(), trainDir, seed)
                        .precision(precision)
                        .checkpointPath(PretrainedShapes.pretrainedTiny(seed).checkpoint())
                        .restoreOptions(RestoreOptions.excluding(TinyNet.SCOPE + "/logits"))
                        .trainableScopes(List.of(TinyNet.SCOPE + "/logits"))
                        .validationEvery((int) STEPS)
                        .maxNumberOfSteps(STEPS)
                        .build())
                .train();
        return r.lastValidation().accuracy();
    }
}
