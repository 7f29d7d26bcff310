package jacktf.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.checkpoint.RestoreOptions;
import jacktf.model.TinyNet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Transfer really works: features learned on six shapes make four other shapes learnable in far
 * fewer steps than training the same network from scratch. {@link TinyNet} (19 convolutions, 16
 * channels at the end) pretrains in seconds, so the claim is checked on three seeds, each seeding
 * the pretraining, the fine-tuning and the scratch run (initial values, shuffling, augmentation,
 * the validation split). The curves are written to {@code target/transfer-curves-seed*.tsv}
 * (BENCHMARKS.md quotes one run).
 */
@Tag("slow")
@Tag("numerics")
class TransferTest {
    /**
     * Validation accuracy on four classes (chance 0.25; 80 validation images, so steps of 0.0125). Measured on
     * both kernel paths (AMD EPYC Zen 5, AVX-512 + AVX512_BF16; 2026-12-05), seeds 42, 1, 2, 3, 4, validated every
     * 10 steps, fine-tuned for 60 steps to see where each run levels off:
     *
     * <pre>
     *                  best fine-tuned within 30 steps        best scratch within 60 steps
     *   oneDNN (=1)    0.775 0.6875 0.875 0.725 0.7625        0.45 0.475 0.4625 0.4375 0.60
     *   Eigen  (=0)    0.825 0.80   0.75  0.75  0.75          0.50 0.4375 0.50  0.4375 0.3625
     * </pre>
     *
     * The earlier target, 0.70, was calibrated on Eigen alone: on oneDNN seed 1's head levels off at 0.6875 (55 of
     * 80) and more steps do not lift it (0.675, 0.60, 0.6625 at steps 40-60), so the claim is made at 0.65 (2.6x
     * chance): every fine-tuned run of the ten reaches it by step 20 (lowest best 0.6875, margin 3 images), and no
     * scratch run within twice the steps (highest 0.60, oneDNN seed 4 at step 50: margin 4 images).
     */
    static final float TARGET = 0.65f;
    /** The fine-tuned head must reach {@link #TARGET} within this many steps. */
    static final long FINE_TUNED_WITHIN = 30;
    /** ...and the scratch run must not reach it within twice as many. */
    static final long SCRATCH_NOT_WITHIN = 60;

    static final int VALIDATE_EVERY = 10;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {42, 1, 2})
    void fineTuningFromARelatedTaskReachesTheTargetInFarFewerStepsThanScratch(long seed, @TempDir Path dir)
            throws IOException {
        TrainResult pretrained = PretrainedShapes.pretrainedTiny(seed);
        Path shapesB = PretrainedShapes.taskB();
        List<ValidationResult> fineTuned = curve(common(shapesB, dir.resolve("fine_tuned"), seed)
                .checkpointPath(pretrained.checkpoint())
                .restoreOptions(RestoreOptions.excluding(TinyNet.SCOPE + "/logits"))
                .trainableScopes(List.of(TinyNet.SCOPE + "/logits"))
                .maxNumberOfSteps(FINE_TUNED_WITHIN)
                .build());
        List<ValidationResult> scratch = curve(common(shapesB, dir.resolve("scratch"), seed)
                .maxNumberOfSteps(SCRATCH_NOT_WITHIN)
                .build());
        writeCurves(seed, pretrained, fineTuned, scratch);

        OptionalLong fineTunedAt = firstStepReaching(fineTuned);
        OptionalLong scratchAt = firstStepReaching(scratch);
        assertTrue(
                fineTunedAt.isPresent(),
                "seed " + seed + ": fine-tuned from the shapes-A checkpoint never reached " + TARGET + " within "
                        + FINE_TUNED_WITHIN + " steps: " + fineTuned);
        assertTrue(
                scratchAt.isEmpty(),
                "seed " + seed + ": from scratch reached " + TARGET + " at step " + scratchAt
                        + ", not clearly slower than fine-tuning (step " + fineTunedAt.getAsLong() + "): " + scratch);
    }

    /** Task B with the pretraining's recipe, a third of it held out, validated every 10 steps. */
    static TrainConfig.Builder common(Path data, Path trainDir, long seed) {
        return PretrainedShapes.recipe(data, trainDir)
                .model(TinyNet.ARCHITECTURE)
                .learningRate(PretrainedShapes.TINY_LEARNING_RATE)
                .seed(seed)
                .validationSplit(0.34)
                .validationEvery(VALIDATE_EVERY);
    }

    static List<ValidationResult> curve(TrainConfig config) throws IOException {
        List<ValidationResult> curve = new ArrayList<>();
        Trainer trainer = Trainer.create(config).addListener(new TrainingListener() {
            @Override
            public void onValidation(ValidationResult result) {
                curve.add(result);
            }
        });
        trainer.train();
        return curve;
    }

    static OptionalLong firstStepReaching(List<ValidationResult> curve) {
        return curve.stream()
                .filter(v -> v.accuracy() >= TARGET)
                .mapToLong(ValidationResult::step)
                .findFirst();
    }

    static void writeCurves(
            long seed, TrainResult pretrained, List<ValidationResult> fineTuned, List<ValidationResult> scratch)
            throws IOException {
        StringBuilder tsv = new StringBuilder("# seed " + seed + "; pretraining on shapes A: validation accuracy "
                + pretrained.lastValidation().accuracy() + " at step " + pretrained.finalStep()
                + "\nstep\tfine_tuned\tscratch\n");
        for (int i = 0; i < scratch.size(); i++) {
            tsv.append(scratch.get(i).step())
                    .append('\t')
                    .append(
                            i < fineTuned.size()
                                    ? String.format("%.4f", fineTuned.get(i).accuracy())
                                    : "")
                    .append('\t')
                    .append(String.format("%.4f", scratch.get(i).accuracy()))
                    .append('\n');
        }
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "transfer-curves-seed" + seed + ".tsv"), tsv.toString());
        System.out.print("transfer " + tsv);
    }
}
