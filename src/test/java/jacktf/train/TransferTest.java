package jacktf.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.checkpoint.RestoreOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transfer really works: features learned on six shapes make four other shapes learnable in far
 * fewer steps than training the same network from scratch. Everything is seeded, so a run is
 * repeatable; the margins below absorb the small numeric differences between CPUs. The curves
 * are written to {@code target/transfer-curves.tsv} (BENCHMARKS.md quotes one run).
 */
@Tag("slow")
class TransferTest {
    static final float TARGET = 0.65f;
    static final long PRETRAINED_WITHIN = 60;
    static final long SCRATCH_NOT_BEFORE = 120;
    static final int VALIDATE_EVERY = 10;

    @Test
    void fineTuningFromARelatedTaskReachesTheTargetInFarFewerStepsThanScratch(@TempDir Path dir) throws IOException {
        TrainResult pretrained = PretrainedShapes.pretrained();
        Path shapesB = PretrainedShapes.taskB();
        List<ValidationResult> fineTuned = curve(common(shapesB, dir.resolve("fine_tuned"))
                .checkpointPath(pretrained.checkpoint())
                .restoreOptions(RestoreOptions.excluding("resnet_v1_50/logits"))
                .trainableScopes(List.of("resnet_v1_50/logits"))
                .maxNumberOfSteps(PRETRAINED_WITHIN)
                .build());
        List<ValidationResult> scratch = curve(common(shapesB, dir.resolve("scratch"))
                .maxNumberOfSteps(SCRATCH_NOT_BEFORE)
                .build());
        writeCurves(pretrained, fineTuned, scratch);

        OptionalLong fineTunedAt = firstStepReaching(fineTuned);
        OptionalLong scratchAt = firstStepReaching(scratch);
        assertTrue(
                fineTunedAt.isPresent(),
                "fine-tuned from the shapes-A checkpoint never reached " + TARGET + " within " + PRETRAINED_WITHIN
                        + " steps: " + fineTuned);
        assertTrue(
                scratchAt.isEmpty(),
                "from scratch reached " + TARGET + " at step " + scratchAt
                        + ", not clearly slower than fine-tuning (step " + fineTunedAt.getAsLong() + "): " + scratch);
    }

    static TrainConfig.Builder common(Path data, Path trainDir) {
        return PretrainedShapes.recipe(data, trainDir).validationSplit(0.34).validationEvery(VALIDATE_EVERY);
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

    static void writeCurves(TrainResult pretrained, List<ValidationResult> fineTuned, List<ValidationResult> scratch)
            throws IOException {
        StringBuilder tsv = new StringBuilder("# pretraining on shapes A: validation accuracy "
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
        Files.writeString(Path.of("target", "transfer-curves.tsv"), tsv.toString());
    }
}
