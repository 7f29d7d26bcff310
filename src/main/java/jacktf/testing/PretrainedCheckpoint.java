package jacktf.testing;

import jacktf.checkpoint.Checkpoint;
import jacktf.config.LearningRateDecayType;
import jacktf.config.OptimizerType;
import jacktf.data.SyntheticImages;
import jacktf.export.SavedModelExporter;
import jacktf.model.Architecture;
import jacktf.model.Precision;
import jacktf.train.TrainConfig;
import jacktf.train.TrainResult;
import jacktf.train.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A small pretrained checkpoint for tests: resnet_v1_50 with TF-Slim's exact variable names and
 * shapes (a {@code resnet_v1_50/logits} head of {@link #CLASSES}), trained from seeded weights on
 * seeded synthetic shapes at {@value #IMAGE_SIZE}x{@value #IMAGE_SIZE} pixels, plus its SavedModel
 * export. Anything that warm-starts from a slim resnet_v1_50 checkpoint warm-starts from this one.
 *
 * <p>It is made once per JVM and cached on disk under {@link #cacheRoot()} in a directory named
 * after a hash of the recipe, so a second JVM (the next {@code mvn test}) reuses it; a changed
 * recipe gets a new directory. Making it takes under a minute on 2 cores. It is for tests of plumbing
 * (restoring, freezing, exporting, serving), not of accuracy: a few dozen steps from scratch do not
 * teach a ResNet-50 shapes, so its predictions are close to chance. Concurrent JVMs
 * are safe: each builds aside and moves its result into place atomically, the loser uses the
 * winner's. Treat every file here as read-only; train into your own directory (see
 * {@link TempTrainDir}).
 */
public final class PretrainedCheckpoint {
    /** The classes of the head, in class-id order: the first shapes of {@link SyntheticImages#SHAPES}. */
    public static final List<String> CLASSES = SyntheticImages.SHAPES.subList(0, 3);
    /** The image size the network was trained at (and its SavedModel preprocesses to). */
    public static final int IMAGE_SIZE = 32;
    /** Training steps of the recipe. */
    public static final long STEPS = 15;
    /** The system property naming the cache directory; default {@code target/jacktf-test-checkpoints}. */
    public static final String CACHE_PROPERTY = "jacktf.testing.cache";

    /**
     * The moving statistics must settle for features computed in inference mode to mean anything (a head trained
     * on them, {@code ClassificationAssertionTest}): 15 steps at 0.8 keep 0.8^15 = 3.5% of their initial values,
     * as the earlier recipe's 30 steps at 0.9 did (4.2%), in half the time.
     */
    static final float BATCH_NORM_DECAY = 0.8f;

    static final int PER_CLASS = 16;
    static final int DRAWN_SIZE = 40;
    static final int BATCH_SIZE = 8;
    static final long DATA_SEED = 1;
    /** Bump when the recipe or the code that follows it changes in a way the hash does not see. */
    private static final int RECIPE_VERSION = 3;

    private static PretrainedCheckpoint instance;

    private final Path root;
    private final Path checkpoint;

    private PretrainedCheckpoint(Path root, Path checkpoint) {
        this.root = root;
        this.checkpoint = checkpoint;
    }

    /**
     * The checkpoint, made on first use in this JVM or found in the cache.
     *
     * @throws UncheckedIOException if it cannot be made or written
     */
    public static synchronized PretrainedCheckpoint get() {
        if (instance == null) {
            try {
                instance = loadOrMake(cacheRoot().resolve(key()));
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "Making the pretrained test checkpoint under " + cacheRoot() + " failed: " + e.getMessage(), e);
            }
        }
        return instance;
    }

    /** Where cached checkpoints live: the {@value #CACHE_PROPERTY} property, else {@code target/jacktf-test-checkpoints}. */
    public static Path cacheRoot() {
        String configured = System.getProperty(CACHE_PROPERTY);
        return (configured != null ? Path.of(configured) : Path.of("target", "jacktf-test-checkpoints"))
                .toAbsolutePath()
                .normalize();
    }

    /** The recipe in words; its hash names the cache directory. */
    public static String recipe() {
        return "recipe v" + RECIPE_VERSION + ": " + Architecture.RESNET_V1_50.scope() + ", classes " + CLASSES
                + ", " + PER_CLASS + " images per class drawn at " + DRAWN_SIZE + "px (seed " + DATA_SEED
                + "), trained at "
                + IMAGE_SIZE + "px for " + STEPS + " steps of batch " + BATCH_SIZE
                + ", sgd lr 0.01 fixed, batch norm decay " + BATCH_NORM_DECAY + ", seed 42";
    }

    static String key() {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(recipe().getBytes(StandardCharsets.UTF_8));
            return Architecture.RESNET_V1_50.scope() + "-" + IMAGE_SIZE + "px-"
                    + HexFormat.of().formatHex(hash, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static PretrainedCheckpoint loadOrMake(Path dir) throws IOException {
        Files.createDirectories(dir.getParent());
        // Test JVMs run side by side (surefire forks, the examples): the first one to take the lock makes
        // the checkpoint, the others wait for it instead of making their own copy and racing to publish it.
        Path lockFile = dir.resolveSibling(dir.getFileName() + ".lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = channel.lock()) {
            if (!Files.isDirectory(dir)) {
                Path staging = dir.resolveSibling(
                        dir.getFileName() + ".tmp-" + ProcessHandle.current().pid());
                TempDirs.deleteRecursively(staging);
                try {
                    make(staging);
                    Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    TempDirs.deleteRecursively(staging);
                }
            }
        }
        Path trainDir = dir.resolve("train");
        Path checkpoint = Checkpoint.resolve(trainDir);
        return new PretrainedCheckpoint(dir, checkpoint);
    }

    private static void make(Path dir) throws IOException {
        Path data = dir.resolve("data");
        SyntheticImages.generate(
                data, CLASSES.size(), PER_CLASS, DRAWN_SIZE, DATA_SEED, 0, SyntheticImages.Layout.FOLDERS);
        TrainConfig config = recipeConfig(data, dir.resolve("train")).build();
        TrainResult result = Trainer.create(config).train();
        SavedModelExporter.export(result.checkpoint(), dir.resolve("savedmodel"), 1, Precision.FP32, "global_pool");
    }

    /**
     * The training recipe. Plain SGD keeps no optimizer slots, so the checkpoint holds the model's
     * ~95 MB and no more (Adam's two slots per variable would triple it).
     */
    static TrainConfig.Builder recipeConfig(Path data, Path trainDir) {
        return TrainConfig.builder(data, trainDir)
                .model(Architecture.RESNET_V1_50)
                .imageSize(IMAGE_SIZE)
                .batchSize(BATCH_SIZE)
                .optimizer(OptimizerType.SGD)
                .learningRate(0.01f)
                .learningRateDecayType(LearningRateDecayType.FIXED)
                .batchNormDecay(BATCH_NORM_DECAY)
                .seed(42)
                .maxNumberOfSteps(STEPS)
                .saveIntervalSecs(3600)
                .saveSummariesSecs(3600)
                .logEveryNSteps(1000)
                .keepCheckpoints(1);
    }

    /** The checkpoint prefix ({@code .../train/model.ckpt-15}), for {@code TrainConfig.checkpointPath}. */
    public Path checkpoint() {
        return checkpoint;
    }

    /** The train directory: the checkpoint with its {@code labels.txt} and image-size information. */
    public Path trainDir() {
        return root.resolve("train");
    }

    /** The SavedModel base path (version {@code 1/} below it), as {@code jacktf export} writes it. */
    public Path savedModel() {
        return root.resolve("savedmodel");
    }

    /** The images it was trained on: one folder per class of {@link #CLASSES}. */
    public Path datasetDir() {
        return root.resolve("data");
    }

    /** The network: resnet_v1_50. */
    public Architecture architecture() {
        return Architecture.RESNET_V1_50;
    }

    /** The class names, in class-id order (the same as {@link #CLASSES}). */
    public List<String> classNames() {
        return CLASSES;
    }

    /** The number of classes of the head. */
    public int numClasses() {
        return CLASSES.size();
    }

    /** The image size it was trained at. */
    public int imageSize() {
        return IMAGE_SIZE;
    }

    @Override
    public String toString() {
        return "PretrainedCheckpoint[" + checkpoint + "; " + recipe() + "]";
    }
}
