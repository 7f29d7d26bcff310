package jacktf.train;

import jacktf.config.Defaults;
import jacktf.config.LearningRateDecayType;
import jacktf.config.OptimizerType;
import jacktf.data.SyntheticImages;
import jacktf.model.TinyNet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@link TinyNet} pretrained on six synthetic shapes (task A) and a related task B of four other
 * shapes, made once per seed and test JVM (about 20 s on 2 cores) for the tests that need features
 * worth transferring.
 */
final class PretrainedShapes {
    /**
     * TinyNet's rate on these tasks: at 0.001 its few channels reach only 0.40 validation accuracy on
     * task A in 600 steps, at 0.01 0.60-0.78 depending on the seed.
     */
    static final float TINY_LEARNING_RATE = 0.01f;

    private static Path root;
    private static final Map<Long, TrainResult> PRETRAINED_TINY = new HashMap<>();

    private PretrainedShapes() {}

    /** The same recipe for every run on these tasks, so runs differ only where their weights start. */
    static TrainConfig.Builder recipe(Path data, Path trainDir) {
        return TrainConfig.builder(data, trainDir)
                .imageSize(32)
                .batchSize(16)
                .optimizer(OptimizerType.ADAM)
                .optimizerParams(Optimizer.Params.slimDefaults().withEpsilon(1e-8f))
                .learningRate(0.001f)
                .learningRateDecayType(LearningRateDecayType.FIXED)
                .batchNormDecay(0.9f)
                .saveIntervalSecs(3600)
                .saveSummariesSecs(3600)
                .logEveryNSteps(50);
    }

    /** Pretraining with the default seed. */
    static TrainResult pretrainedTiny() {
        return pretrainedTiny(Defaults.SEED_DEFAULT);
    }

    /** Pretraining on task A with this seed: 600 steps of batch 32 on 2,160 images, rate 0.01. */
    static synchronized TrainResult pretrainedTiny(long seed) {
        TrainResult cached = PRETRAINED_TINY.get(seed);
        if (cached == null) {
            try {
                Path shapesA = shapesA();
                cached = Trainer.create(recipe(shapesA, root().resolve("pretrain_tiny_seed" + seed))
                                .model(TinyNet.ARCHITECTURE)
                                .learningRate(TINY_LEARNING_RATE)
                                .seed(seed)
                                .batchSize(32)
                                .validationSplit(0.1)
                                .maxNumberOfSteps(600L)
                                .build())
                        .train();
                PRETRAINED_TINY.put(seed, cached);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return cached;
    }

    private static synchronized Path shapesA() throws IOException {
        Path shapesA = root().resolve("shapes_a");
        if (!Files.isDirectory(shapesA)) {
            SyntheticImages.generate(shapesA, 6, 400, 40, 1, 0, SyntheticImages.Layout.FOLDERS); // circle .. star
        }
        return shapesA;
    }

    /** Task B: diamond, hexagon, crescent, stripes; 60 images each. */
    static synchronized Path taskB() {
        Path shapesB = root().resolve("shapes_b");
        if (!Files.isDirectory(shapesB)) {
            try {
                SyntheticImages.generate(shapesB, 4, 60, 40, 2, 6, SyntheticImages.Layout.FOLDERS);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shapesB;
    }

    private static Path root() {
        if (root == null) {
            try {
                root = Files.createTempDirectory("jacktf-shapes");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (Stream<Path> files = Files.walk(root)) {
                    files.sorted(Comparator.reverseOrder())
                            .forEach(p -> p.toFile().delete());
                } catch (IOException ignored) {
                    // a temp dir left behind is harmless
                }
            }));
        }
        return root;
    }
}
