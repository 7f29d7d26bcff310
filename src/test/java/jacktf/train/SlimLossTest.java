package jacktf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.checkpoint.Checkpoint;
import jacktf.checkpoint.RestoreOptions;
import jacktf.checkpoint.TensorInfo;
import jacktf.data.SyntheticImages;
import jacktf.model.TinyNet;
import jacktf.report.EventFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weight decay and label smoothing as slim's {@code train_image_classifier.py} applies them, read back
 * from the event file the run writes (the first step's scalars: the loss before any update).
 *
 * <p>slim's definitions: {@code resnet_arg_scope} gives every {@code conv2d} (the logits included) a
 * {@code weights_regularizer=l2_regularizer(weight_decay)}, which adds {@code weight_decay *
 * tf.nn.l2_loss(w) = weight_decay * sum(w^2) / 2} to REGULARIZATION_LOSSES when the layer is created,
 * for frozen layers as well ({@code --trainable_scopes} only picks the variables to differentiate;
 * {@code model_deploy.optimize_clones} adds the whole collection to the loss); biases and batch norm's
 * beta/gamma have no regularizer. {@code slim.losses.softmax_cross_entropy(..., label_smoothing=s)} uses
 * {@code onehot * (1 - s) + s / num_classes} as targets, averaged over the batch.
 */
@Tag("numerics")
class SlimLossTest {
    static final String NET = TinyNet.SCOPE;
    static final float WEIGHT_DECAY = 0.01f;
    static final float SMOOTHING = 0.2f;
    static final float[] BIASES = {0.7f, -0.4f};

    @Test
    void theEventFilesLossesAreSlimsRegularizationAndSmoothedCrossEntropy(@TempDir Path dir) throws IOException {
        // Four images, three of class 0 and one of class 1 (with balanced labels smoothing would not change
        // the mean), batch 4: the first batch is the whole shuffled dataset. Zero logits weights make every
        // example's logits the biases, whatever the image.
        Path data = dir.resolve("data");
        SyntheticImages.generate(data, 2, 3, 40, 3, 0, SyntheticImages.Layout.FOLDERS);
        Path secondClass;
        try (Stream<Path> classes = Files.list(data)) {
            secondClass = classes.sorted().toList().get(1);
        }
        try (Stream<Path> files = Files.list(secondClass)) {
            for (Path f : files.sorted().toList().subList(1, 3)) {
                Files.delete(f);
            }
        }
        Path start = CraftedTinyCheckpoint.write(
                dir.resolve("start"),
                2,
                Map.of(NET + "/logits/weights", new float[16 * 4 * 2], NET + "/logits/biases", BIASES));
        Path trainDir = dir.resolve("train");
        Trainer.create(TinyRun.config(data, trainDir, 2)
                        .checkpointPath(start)
                        .restoreOptions(RestoreOptions.all())
                        .trainableScopes(List.of(NET + "/block4", NET + "/logits"))
                        .weightDecay(WEIGHT_DECAY)
                        .labelSmoothing(SMOOTHING)
                        .logEveryNSteps(1)
                        .build())
                .train();

        // by hand from the checkpoint's values: every conv and the logits' weights, frozen ones included
        double sumOfSquares = 0;
        double trainableSumOfSquares = 0;
        int weightTensors = 0;
        try (Checkpoint c = Checkpoint.open(start)) {
            for (TensorInfo t : c.tensors()) {
                if (t.name().endsWith("/weights")) {
                    weightTensors++;
                    boolean trainable =
                            t.name().startsWith(NET + "/block4/") || t.name().startsWith(NET + "/logits/");
                    for (float w : c.read(t.name()).floats()) {
                        sumOfSquares += (double) w * w;
                        trainableSumOfSquares += trainable ? (double) w * w : 0;
                    }
                }
            }
        }
        assertEquals(20, weightTensors, "TinyNet: conv1, 18 bottleneck convs and the logits");
        double expectedRegularization = WEIGHT_DECAY * sumOfSquares / 2;

        double[] logProbabilities = logSoftmax(BIASES);
        double expectedCrossEntropy = 0;
        double unsmoothed = 0;
        for (int label : new int[] {0, 0, 0, 1}) {
            for (int k = 0; k < 2; k++) {
                double onehot = k == label ? 1 : 0;
                expectedCrossEntropy -= (onehot * (1 - SMOOTHING) + SMOOTHING / 2) * logProbabilities[k] / 4;
                unsmoothed -= onehot * logProbabilities[k] / 4;
            }
        }

        float regularization = firstValue(trainDir, "losses/regularization_loss");
        float crossEntropy = firstValue(trainDir, "losses/cross_entropy");
        float total = firstValue(trainDir, "total_loss");
        assertEquals(expectedRegularization, regularization, 1e-5 * expectedRegularization, "weight decay");
        assertEquals(expectedCrossEntropy, crossEntropy, 1e-6, "smoothed cross-entropy");
        assertEquals(expectedCrossEntropy + expectedRegularization, total, 1e-5, "total loss");
        // the alternatives slim does not use are far off: unsmoothed targets, or the trainable weights only
        assertTrue(Math.abs(unsmoothed - crossEntropy) > 1e-2, unsmoothed + " vs " + crossEntropy);
        assertTrue(
                trainableSumOfSquares * WEIGHT_DECAY / 2 < 0.9 * regularization,
                "frozen layers' weights are in the term: " + trainableSumOfSquares + " of " + sumOfSquares);
    }

    private static double[] logSoftmax(float[] logits) {
        double max = Math.max(logits[0], logits[1]);
        double logSum = max + Math.log(Math.exp(logits[0] - max) + Math.exp(logits[1] - max));
        return new double[] {logits[0] - logSum, logits[1] - logSum};
    }

    /** The value of {@code tag} at the first step the event file holds. */
    private static float firstValue(Path trainDir, String tag) throws IOException {
        return EventFiles.scalars(trainDir).stream()
                .filter(s -> s.tag().equals(tag))
                .min(Comparator.comparingLong(EventFiles.Scalar::step))
                .orElseThrow(() -> new AssertionError("no " + tag + " in the event file"))
                .value();
    }
}
