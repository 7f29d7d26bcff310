package jacktf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jacktf.config.FrozenBatchNorm;
import jacktf.data.SyntheticImages;
import jacktf.model.Precision;
import jacktf.runtime.CpuFeatures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 27's recipe on bf16 hardware, where it diverged: resnet_v1_50 at 64 px, pretrained from scratch until its
 * batch-norm moving statistics settle (decay 0.8), then only {@code resnet_v1_50/logits} trained from that checkpoint
 * with the frozen batch norm in inference mode, once in bf16 and once in fp32 on the same data and seed. Before the
 * mixed-precision rule, oneDNN's native AVX512_BF16 kernels took bf16's loss to 9e7 by step 5 and NaN by step 5-19
 * while fp32's stayed in the hundreds. Runs only where the CPU has AVX512_BF16 or AMX ({@link CpuFeatures}); on a
 * CPU without either bf16 is emulated and this test proves nothing, so it is skipped with the reason printed.
 */
@Tag("slow")
@Tag("numerics")
class Bf16HardwareTest {
    /** The 60 pretraining steps, at batch 16 (the CLI's default 32 halved: near a minute a path). */
    static final long PRETRAIN_STEPS = 60;

    static final int BATCH_SIZE = 16;

    static final long HEAD_STEPS = 30;

    /**
     * bf16's total loss must stay within this factor of fp32's (either way) at every one of the 30 steps. Measured
     * on this team's EPYC (Zen 5, AVX512_BF16, no AMX), 2026-12-05, worst max(bf16/fp32, fp32/bf16) over the steps
     * (the losses themselves swing between 1.8 and 95 as RMSProp at 0.01 moves the head):
     *
     * <pre>
     *                                              seed 27   seed 2
     *   oneDNN, native AVX512_BF16 (=1)            1.099     1.032
     *   oneDNN, ONEDNN_MAX_CPU_ISA=AVX512_CORE_VNNI 1.066     -
     *   Eigen (TF_ENABLE_ONEDNN_OPTS=0)            1.038     1.042
     * </pre>
     *
     * Margin 1.36x over the worst. Before the mixed-precision rule bf16's loss was 9e7 by step 5 against fp32's
     * hundreds, then NaN (issue 27).
     * Time on 2 cores (shared): oneDNN 45-53 s (pretraining 26-29 s, each head run 7-15 s), Eigen 80-114 s
     * (pretraining 70-98 s); {@code -Dtest=Bf16HardwareTest} runs both paths in 2:24 to 3:06.
     */
    static final double FACTOR = 1.5;

    /** The seed of the data, the initial weights, the shuffling: one, to keep the test near a minute a path. */
    static final long SEED = 27;

    @Test
    void bf16TrainsTheHeadOfASettledResNetAsFp32Does(@TempDir Path dir) throws IOException {
        CpuFeatures cpu = CpuFeatures.detect();
        String noBf16 = "SKIPPED: Bf16HardwareTest: no bf16 hardware (neither AVX512_BF16 nor AMX in /proc/cpuinfo): "
                + cpu.describe() + "; bf16 is emulated there, so this test of bf16 hardware says nothing";
        if (!cpu.avx512Bf16() && !cpu.amx()) {
            System.out.println(noBf16);
        }
        assumeTrue(cpu.avx512Bf16() || cpu.amx(), noBf16);
        long start = System.nanoTime();
        Path data = dir.resolve("data");
        SyntheticImages.generate(data, 2, 48, 64, SEED, 0, SyntheticImages.Layout.FOLDERS);
        TrainResult pretrained = Trainer.create(recipe(data, dir.resolve("pretrained"))
                        .batchNormDecay(0.8f)
                        .maxNumberOfSteps(PRETRAIN_STEPS)
                        .build())
                .train();
        double pretrainSeconds = (System.nanoTime() - start) / 1e9;
        List<StepEvent> fp32 = headOnly(Precision.FP32, data, pretrained.checkpoint(), dir.resolve("fp32"));
        List<StepEvent> bf16 = headOnly(Precision.BF16, data, pretrained.checkpoint(), dir.resolve("bf16"));
        System.out.printf(
                Locale.ROOT,
                "bf16 hardware, %s: pretrained %d steps in %.0f s, whole test %.0f s%n",
                cpu.describe(),
                PRETRAIN_STEPS,
                pretrainSeconds,
                (System.nanoTime() - start) / 1e9);

        assertEquals(HEAD_STEPS, fp32.size());
        assertEquals(HEAD_STEPS, bf16.size());
        double worst = 1;
        StringBuilder table = new StringBuilder("step  fp32 loss  bf16 loss  ratio\n");
        for (int i = 0; i < HEAD_STEPS; i++) {
            float f = fp32.get(i).totalLoss();
            float b = bf16.get(i).totalLoss();
            double ratio = Math.max(b / (double) f, f / (double) b);
            worst = Math.max(worst, Float.isFinite(b) ? ratio : Double.POSITIVE_INFINITY);
            table.append(String.format(
                    Locale.ROOT, "%4d  %9.4g  %9.4g  %.4f%n", fp32.get(i).step(), f, b, ratio));
        }
        System.out.print(table);
        System.out.printf(Locale.ROOT, "bf16 vs fp32: worst loss ratio %.4f (factor %.2f)%n", worst, FACTOR);
        for (int i = 0; i < HEAD_STEPS; i++) {
            float f = fp32.get(i).totalLoss();
            float b = bf16.get(i).totalLoss();
            assertTrue(Float.isFinite(f), "fp32's loss is not finite at step " + (i + 1) + ":\n" + table);
            assertTrue(Float.isFinite(b), "bf16's loss is not finite at step " + (i + 1) + ":\n" + table);
            assertTrue(
                    b <= FACTOR * f && f <= FACTOR * b,
                    "bf16's loss is not within " + FACTOR + "x fp32's at step " + (i + 1) + ":\n" + table);
        }
    }

    /** The CLI recipe: slim's defaults (RMSProp at 0.01) at 64 px, checkpoints only at the end. */
    private static TrainConfig.Builder recipe(Path data, Path trainDir) {
        return TrainConfig.builder(data, trainDir)
                .imageSize(64)
                .batchSize(BATCH_SIZE)
                .seed(SEED)
                .saveIntervalSecs(3600)
                .saveSummariesSecs(3600);
    }

    /** Only the logits trained from {@code checkpoint}, frozen batch norm on its moving statistics; every step. */
    private static List<StepEvent> headOnly(Precision precision, Path data, Path checkpoint, Path trainDir)
            throws IOException {
        List<StepEvent> steps = new ArrayList<>();
        long start = System.nanoTime();
        Trainer.create(recipe(data, trainDir)
                        .precision(precision)
                        .checkpointPath(checkpoint)
                        .trainableScopes(List.of("resnet_v1_50/logits"))
                        .frozenBatchNorm(FrozenBatchNorm.INFERENCE)
                        .maxNumberOfSteps(HEAD_STEPS)
                        .build())
                .addListener(new TrainingListener() {
                    @Override
                    public void onStep(StepEvent event) {
                        steps.add(event);
                    }
                })
                .train();
        System.out.printf(
                Locale.ROOT,
                "head only, %s: %d steps in %.0f s%n",
                precision,
                HEAD_STEPS,
                (System.nanoTime() - start) / 1e9);
        return steps;
    }
}
