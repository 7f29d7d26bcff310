package jacktf.train;

import jacktf.config.LearningRateDecayType;
import jacktf.config.OptimizerType;
import jacktf.model.TinyNet;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * A training run on TinyNet at 32 pixels, a checkpoint every step: the same config in the tests and
 * in the child JVM they start and kill ({@link #main}).
 */
public final class TinyRun {
    private TinyRun() {}

    static TrainConfig.Builder config(Path data, Path trainDir, long maxSteps) {
        return TrainConfig.builder(data, trainDir)
                .model(TinyNet.ARCHITECTURE)
                .imageSize(32)
                .batchSize(4)
                .optimizer(OptimizerType.MOMENTUM)
                .learningRate(0.01f)
                .learningRateDecayType(LearningRateDecayType.FIXED)
                .batchNormDecay(0.9f)
                .saveSummariesSecs(3600)
                .saveEverySteps(1L)
                .maxNumberOfSteps(maxSteps);
    }

    /** Trains on {@code args[0]} into {@code args[1]} until killed, printing "checkpoint STEP" after each save. */
    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        Trainer.create(config(Path.of(args[0]), Path.of(args[1]), 1_000_000).build())
                .addListener(new TrainingListener() {
                    @Override
                    public void onCheckpoint(Path checkpoint, long step) {
                        out.println("checkpoint " + step);
                        out.flush();
                    }
                })
                .train();
    }
}
