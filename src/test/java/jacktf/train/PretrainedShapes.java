package jacktf.train;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import jacktf.checkpoint.CheckpointSaver;
import jacktf.config.Defaults;
import jacktf.config.LearningRateDecayType;
import jacktf.config.OptimizerType;
import jacktf.data.SyntheticImages;
import jacktf.model.TinyNet;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

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

    private static final String RESULT = "pretraining.properties";
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
        return PRETRAINED_TINY.computeIfAbsent(seed, PretrainedShapes::pretrainOnce);
    }

    private static TrainResult pretrainOnce(long seed) {
        Path trainDir = shared("pretrain_tiny_seed" + seed, dir -> {
            TrainResult r = Trainer.create(recipe(shapesA(), dir)
                            .model(TinyNet.ARCHITECTURE)
                            .learningRate(TINY_LEARNING_RATE)
                            .seed(seed)
                            .batchSize(32)
                            .validationSplit(0.1)
                            .maxNumberOfSteps(600L)
                            .build())
                    .train();
            Properties facts = new Properties();
            facts.setProperty("step", Long.toString(r.finalStep()));
            facts.setProperty("examples", Integer.toString(r.lastValidation().examples()));
            facts.setProperty("accuracy", Float.toString(r.lastValidation().accuracy()));
            facts.setProperty("cross_entropy", Float.toString(r.lastValidation().crossEntropy()));
            try (Writer w = Files.newBufferedWriter(dir.resolve(RESULT))) {
                facts.store(w, "the pretraining's result, for the other test JVMs of this run");
            }
        });
        Properties facts = new Properties();
        try (Reader r = Files.newBufferedReader(trainDir.resolve(RESULT))) {
            facts.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long step = Long.parseLong(facts.getProperty("step"));
        ValidationResult validation = new ValidationResult(
                step,
                Integer.parseInt(facts.getProperty("examples")),
                Float.parseFloat(facts.getProperty("accuracy")),
                Float.parseFloat(facts.getProperty("cross_entropy")));
        Path checkpoint = CheckpointSaver.latest(trainDir).orElseThrow();
        return new TrainResult(TrainResult.Status.COMPLETED, step, null, validation, checkpoint);
    }

    private static Path shapesA() {
        // circle .. star
        return shared(
                "shapes_a", dir -> SyntheticImages.generate(dir, 6, 400, 40, 1, 0, SyntheticImages.Layout.FOLDERS));
    }

    /** Task B: diamond, hexagon, crescent, stripes; 60 images each. */
    static Path taskB() {
        return shared(
                "shapes_b", dir -> SyntheticImages.generate(dir, 4, 60, 40, 2, 6, SyntheticImages.Layout.FOLDERS));
    }

    private interface Maker {
        void make(Path dir) throws IOException;
    }

    /**
     * {@code root/name}, made by the first test JVM of this Maven run that asks (surefire's forks run side by
     * side and would otherwise each spend the pretraining's half a minute); the others wait on a file lock.
     */
    private static synchronized Path shared(String name, Maker maker) {
        Path dir = root().resolve(name);
        Path done = root().resolve(name + ".done");
        try (FileChannel channel = FileChannel.open(
                        root().resolve(name + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = channel.lock()) {
            if (!Files.exists(done)) {
                deleteRecursively(dir); // a JVM killed while making it
                maker.make(dir);
                Files.createFile(done);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /**
     * {@code target/jacktf-test-run/RUN} where the pom passes RUN (one per Maven run) as {@code jacktf.testRun};
     * a temporary directory deleted on exit when a test runs outside Maven.
     */
    private static synchronized Path root() {
        if (root == null) {
            String run = System.getProperty("jacktf.testRun");
            try {
                if (run != null && !run.isBlank()) {
                    root = Files.createDirectories(
                            Path.of("target", "jacktf-test-run", run).toAbsolutePath());
                } else {
                    root = Files.createTempDirectory("jacktf-shapes");
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(root)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    private static void deleteRecursively(Path dir) {
        if (Files.exists(dir)) {
            try {
                MoreFiles.deleteRecursively(dir, RecursiveDeleteOption.ALLOW_INSECURE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
