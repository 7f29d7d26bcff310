package jacktf.traindir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.config.JacktfException;
import jacktf.config.Preprocessing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The layout of a train dir, the round trip of its files, and the writer lock within one JVM. */
class TrainDirTest {

    @Test
    void layoutIsSlimsTrainDirPlusJacktfsFiles(@TempDir Path root) {
        TrainDir dir = TrainDir.of(root);
        assertEquals(root.resolve("labels.txt"), dir.labelsFile());
        assertEquals(root.resolve("jacktf.properties"), dir.modelInfoFile());
        assertEquals(root.resolve("train_plan.json"), dir.planFile());
        assertEquals(root, dir.eventsDir());
        assertEquals(root.resolve("eval"), dir.evalDir());
        assertEquals(root.resolve("eval/metrics.json"), dir.metricsFile());
        assertEquals(root.resolve("report.html"), dir.reportFile());
        assertEquals(root.resolve("jacktf.lock"), dir.lockFile());
    }

    @Test
    void containingResolvesADirectoryAPrefixOrABareCheckpointFile(@TempDir Path root) throws IOException {
        Path train = Files.createDirectories(root.resolve("train"));
        assertEquals(train, TrainDir.containing(train).path());
        // a V2 prefix is not a file itself: its directory is the train dir
        assertEquals(
                train.toAbsolutePath(),
                TrainDir.containing(train.resolve("model.ckpt-100")).path());
        Path zoo = Files.writeString(
                Files.createDirectories(root.resolve("models")).resolve("resnet_v1_50.ckpt"), "x");
        TrainDir models = TrainDir.containing(zoo);
        assertEquals(zoo.getParent().toAbsolutePath(), models.path());
        // slim's zoo files come without jacktf.properties: 224 pixels (vgg_preprocessing's default), vgg
        // (slim's preprocessing_factory for resnet_v1), no hold-out
        assertEquals(new ModelInfo(224, Preprocessing.VGG, 0, 0), models.modelInfo());
        IOException noLabels = assertThrows(IOException.class, models::labels);
        assertTrue(noLabels.getMessage().contains("labels.txt"), noLabels.getMessage());
        assertTrue(models.latestCheckpoint().isEmpty());
    }

    @Test
    void aModelInfoWithoutPreprocessingIsVggAndAnUnknownOneIsNamed(@TempDir Path root) throws IOException {
        TrainDir dir = TrainDir.of(root);
        // what jacktf wrote before --preprocessing-name existed
        Files.writeString(dir.modelInfoFile(), "image_size=64\nvalidation_split=0.5\nsplit_seed=3\n");
        assertEquals(new ModelInfo(64, Preprocessing.VGG, 0.5, 3), dir.modelInfo());
        Files.writeString(dir.modelInfoFile(), "image_size=64\npreprocessing_name=lenet\n");
        IOException unknown = assertThrows(IOException.class, dir::modelInfo);
        assertTrue(
                unknown.getMessage().contains("preprocessing_name 'lenet'")
                        && unknown.getMessage().contains("vgg, inception"),
                unknown.getMessage());
    }

    @Test
    void filesRoundTripInTheirFormats(@TempDir Path root) throws IOException {
        TrainDir dir = TrainDir.of(root.resolve("new/dir"));
        dir.writeLabels(List.of("cat", "dog"));
        assertEquals("0:cat\n1:dog\n", Files.readString(dir.labelsFile()));
        assertEquals(List.of("cat", "dog"), dir.labels());

        dir.writeModelInfo(new ModelInfo(96, Preprocessing.INCEPTION, 0.25, 7));
        String properties = Files.readString(dir.modelInfoFile());
        assertTrue(
                properties.contains("image_size=96")
                        && properties.contains("preprocessing_name=inception")
                        && properties.contains("validation_split=0.25")
                        && properties.contains("split_seed=7"),
                properties);
        assertEquals(new ModelInfo(96, Preprocessing.INCEPTION, 0.25, 7), dir.modelInfo());

        assertTrue(dir.plan().isEmpty());
        TrainingPlan plan = new TrainingPlan(
                List.of("cat", "dog"),
                10,
                2,
                5,
                20,
                List.of("a/weights"),
                List.of("b/weights"),
                null,
                "model.ckpt-5",
                List.of(),
                null,
                false);
        dir.writePlan(plan);
        String json = Files.readString(dir.planFile());
        assertTrue(json.contains("\"startStep\": 5") && json.contains("\"resumedFrom\": \"model.ckpt-5\""), json);
        TrainingPlan.Summary read = dir.plan().orElseThrow();
        assertEquals(
                new TrainingPlan.Summary(
                        List.of("cat", "dog"),
                        10,
                        2,
                        5,
                        20,
                        List.of("a/weights"),
                        List.of("b/weights"),
                        null,
                        Map.of(),
                        "model.ckpt-5",
                        List.of(),
                        null),
                read);
        try (var files = Files.list(dir.path())) {
            assertFalse(files.anyMatch(f -> f.toString().endsWith(".tmp")), "no temporaries left");
        }
    }

    @Test
    void secondWriterInTheSameJvmIsToldWhoHoldsTheDir(@TempDir Path root) throws IOException {
        TrainDir dir = TrainDir.of(root.resolve("run"));
        try (WriterLock first = dir.lockForWriting()) {
            TrainDirInUseException e = assertThrows(TrainDirInUseException.class, () -> dir.lockForWriting());
            assertTrue(
                    e.getMessage()
                            .startsWith("Train dir " + dir.path() + " is being written by pid "
                                    + ProcessHandle.current().pid() + " on host "),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith("; stop that run or choose another train dir"), e.getMessage());
            // the same dir reached by another spelling of its path is the same lock
            assertThrows(TrainDirInUseException.class, () -> TrainDir.of(root.resolve("run/../run"))
                    .lockForWriting());
            String content = Files.readString(dir.lockFile());
            assertTrue(content.startsWith("pid=" + ProcessHandle.current().pid() + "\n"), content);
        }
        try (WriterLock again = dir.lockForWriting()) {
            assertTrue(Files.isRegularFile(dir.lockFile()), "released locks are taken again");
        }
    }

    @Test
    void aFileIsNoTrainDir(@TempDir Path root) throws IOException {
        Path file = Files.writeString(root.resolve("f"), "");
        JacktfException e =
                assertThrows(JacktfException.class, () -> TrainDir.of(file).lockForWriting());
        assertTrue(e.getMessage().contains("is a file, not a directory"), e.getMessage());
    }
}
