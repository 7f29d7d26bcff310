package jacktf.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.checkpoint.RestoreOptions;
import jacktf.config.LearningRateDecayType;
import jacktf.config.OptimizerType;
import jacktf.export.SavedModelExporter;
import jacktf.model.Precision;
import jacktf.serve.Classifier;
import jacktf.train.TrainConfig;
import jacktf.train.Trainer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opentest4j.AssertionFailedError;

/**
 * The classification assertion on a model whose answer is known from the data alone: a head
 * trained on dark against light noise images, which any feature extractor separates by brightness.
 */
@Tag("slow")
@ExtendWith(JacktfExtension.class)
@Tag("numerics")
class ClassificationAssertionTest {
    static Path savedModel;
    static Path images;
    static Classifier classifier;

    @BeforeAll
    static void trainDarkAgainstLight(
            PretrainedCheckpoint pretrained, @TempTrainDir Path trainDir, SampleImages samples) throws IOException {
        images = samples.directory();
        Path data = images.resolve("data");
        for (int i = 0; i < 12; i++) {
            noise(data.resolve("dark").resolve(i + ".png"), 0, 40, i);
            noise(data.resolve("light").resolve(i + ".png"), 215, 40, 100 + i);
        }
        Trainer.create(TrainConfig.builder(data, trainDir)
                        .imageSize(pretrained.imageSize())
                        .batchSize(8)
                        .checkpointPath(pretrained.checkpoint())
                        .restoreOptions(RestoreOptions.excluding("resnet_v1_50/logits"))
                        // Cached features: the backbone runs once per image, then each of the 400 head steps is a
                        // 2048x2 matmul.
                        .trainableScopes(List.of("resnet_v1_50/logits"))
                        .cacheFeatures(true)
                        .optimizer(OptimizerType.ADAM)
                        .learningRate(0.05f)
                        .learningRateDecayType(LearningRateDecayType.FIXED)
                        .maxNumberOfSteps(400L)
                        .saveSummariesSecs(3600)
                        .build())
                .train();
        savedModel = SavedModelExporter.export(
                trainDir, trainDir.resolveSibling("export"), null, Precision.FP32, "global_pool");
        classifier = Classifier.load(savedModel);
    }

    @AfterAll
    static void close() {
        if (classifier != null) {
            classifier.close();
        }
    }

    /** A noisy PNG with every channel in [low, low + 40]. */
    static Path noise(Path file, int low, int size, long seed) throws IOException {
        Files.createDirectories(file.getParent());
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                image.setRGB(
                        x,
                        y,
                        (low + random.nextInt(41)) << 16 | (low + random.nextInt(41)) << 8 | low + random.nextInt(41));
            }
        }
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    @Test
    void unseenDarkAndLightImagesAreClassifiedConfidently() throws IOException {
        SavedModelAssertions.assertClassifies(
                savedModel, noise(images.resolve("new_dark.png"), 0, 48, 7777), "dark", 0.9);
        SavedModelAssertions.assertClassifies(
                classifier, noise(images.resolve("new_light.png"), 215, 48, 8888), "light", 0.9);
    }

    @Test
    void theWrongLabelFailsNamingTheTopClassAndTheScores() throws IOException {
        Path dark = noise(images.resolve("dark_again.png"), 0, 48, 9999);
        AssertionFailedError e = assertThrows(
                AssertionFailedError.class,
                () -> SavedModelAssertions.assertClassifies(classifier, dark, "light", 0.5));
        assertTrue(
                e.getMessage()
                        .matches("dark_again\\.png is not classified as 'light' with probability >= 0\\.5000: "
                                + "the top class is 'dark'; scores: dark [01]\\.\\d{4}, light [01]\\.\\d{4}"),
                e.getMessage());
        assertEquals("light >= 0.5000", e.getExpected().getStringRepresentation());
        assertTrue(
                e.getActual().getStringRepresentation().matches("dark [01]\\.\\d{4}"),
                e.getActual().toString());
    }

    @Test
    void aLabelTheModelDoesNotHaveIsABadArgument() throws IOException {
        Path dark = noise(images.resolve("dark_3.png"), 0, 48, 31);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> SavedModelAssertions.assertClassifies(classifier, dark, "grey", 0.5));
        assertEquals("The model has no class 'grey'. Received: 'grey', expected one of [dark, light]", e.getMessage());
    }
}
