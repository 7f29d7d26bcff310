package jacktf.bench;

import jacktf.config.LearningRateDecayType;
import jacktf.config.OptimizerType;
import jacktf.data.SyntheticImages;
import jacktf.model.BatchNormPolicy;
import jacktf.runtime.StepProfile;
import jacktf.train.TrainConfig;
import jacktf.train.TrainingSteps;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@link BenchMode#TRAIN} and {@link BenchMode#HEAD}: steps of the graph {@code jacktf train} runs
 * ({@link TrainingSteps}: the JPEG input pipeline with slim's training preprocessing, the network, slim's
 * loss with weight decay, gradients behind the gate that completes them before any update, momentum
 * updates and batch-norm updates), against the MatMul peak. {@code train} trains every variable,
 * {@code head} only the logits (the rest frozen, its batch norm in inference mode).
 */
final class TrainStepMeasurement implements Measurement {
    /** Which variables a step trains. */
    enum Trained {
        /** Every trainable variable, batch norm in training mode ({@code train}). */
        ALL,
        /** The logits layer only, batch norm in inference mode ({@code head}). */
        HEAD
    }

    /** Synthetic classes of the bench dataset; the head's size barely matters next to the backbone. */
    private static final int CLASSES = 2;

    private final Trained trained;

    TrainStepMeasurement(Trained trained) {
        this.trained = trained;
    }

    @Override
    public BenchResult measure(BenchConfig config) throws IOException {
        double peak = MatMulPeak.measure(config.precision());
        double forwardFlopsPerImage;
        // FLOPs from the forward graph alone, with static shapes (the pipeline's batch dimension is dynamic).
        try (BenchNetwork forward = BenchNetwork.build(config, BatchNormPolicy.inference())) {
            forwardFlopsPerImage = forward.forwardFlopsPerImage;
        }
        // forward + gradients w.r.t. activations and weights: ~3x the forward FLOPs (head: the forward)
        double flopsPerStepImage = trained == Trained.ALL ? 3 * forwardFlopsPerImage : forwardFlopsPerImage;
        Path data = config.work().resolve("train-data");
        // Enough images that a step never waits for the pipeline to wrap around; photo-sized so the
        // preprocessing (resize of the smaller side to 256..512, crop) does the work it does on real data.
        SyntheticImages.generate(
                data, CLASSES, Math.max(2, config.batchSize()), 320, 7, 0, SyntheticImages.Layout.FOLDERS);
        TrainConfig.Builder training = TrainConfig.builder(data, config.work().resolve("train-dir"))
                .model(config.model())
                .precision(config.precision())
                .auxLogits(config.auxLogits())
                .imageSize(config.imageSize())
                .batchSize(config.batchSize())
                .optimizer(OptimizerType.MOMENTUM)
                .learningRate(0.001f)
                .learningRateDecayType(LearningRateDecayType.FIXED);
        if (trained == Trained.HEAD) {
            training.trainableScopes(List.of(config.model().build(CLASSES).headScope()));
        }
        try (TrainingSteps steps = TrainingSteps.open(training.build())) {
            Timing t = Timing.of(steps::step, config.warmup(), config.steps());
            if (config.profileDir() != null) {
                StepProfile profile = new StepProfile(steps.graph());
                for (int i = 0; i < BenchConfig.PROFILED_STEPS; i++) {
                    steps.step(profile);
                }
                profile.writeTo(config.profileDir());
            }
            BenchMode mode = trained == Trained.ALL ? BenchMode.TRAIN : BenchMode.HEAD;
            return t.result(config, mode, config.batchSize(), flopsPerStepImage, peak);
        }
    }
}
