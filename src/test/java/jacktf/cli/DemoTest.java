package jacktf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.checkpoint.Checkpoint;
import jacktf.data.ImageFolder;
import jacktf.report.EventFiles;
import jacktf.serve.Classifier;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, end to end: the demo runs once, then every artifact and the SavedModel's
 * classification are checked ({@link #quickDemoProducesEveryArtifact}, never skipped), and the report is
 * rendered in Chromium ({@link #theReportRendersItsCharts}, the one check skipped, with its reason, when
 * Chromium is missing).
 */
@Tag("slow")
class DemoTest {
    @TempDir
    static Path work;

    static CliTest.Run demo;

    @BeforeAll
    static void runTheDemo() {
        demo = CliTest.run("demo", "--quick", "--workdir", work.toString());
    }

    /** Opens the report in headless Chromium and finds the curves' colours on the screenshot. */
    static void assertRendersCharts(Path report, Path work) throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        if (!Files.isExecutable(chromium)) {
            String reason = "SKIPPED: the report's Chromium render check only (every other demo check ran): " + chromium
                    + " is not installed (.ci/run installs Debian's chromium)";
            System.out.println(reason);
            Assumptions.abort(reason);
        }
        Path png = work.resolve("report.png");
        Process p = new ProcessBuilder(
                        chromium.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--no-first-run",
                        "--user-data-dir=" + work.resolve("chromium-profile"),
                        "--window-size=1200,900",
                        "--screenshot=" + png,
                        report.toUri().toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium finished");
        BufferedImage shot = ImageIO.read(png.toFile());
        int trainBlue = 0;
        int evalRed = 0;
        for (int y = 0; y < shot.getHeight(); y++) {
            for (int x = 0; x < shot.getWidth(); x++) {
                int rgb = shot.getRGB(x, y) & 0xffffff;
                trainBlue += near(rgb, 0x1f77b4) ? 1 : 0;
                evalRed += near(rgb, 0xd62728) ? 1 : 0;
            }
        }
        assertTrue(trainBlue > 200, "train curves drawn: " + trainBlue + " pixels");
        assertTrue(evalRed > 50, "eval curves drawn: " + evalRed + " pixels");
    }

    private static boolean near(int rgb, int target) {
        int dr = ((rgb >> 16) & 255) - ((target >> 16) & 255);
        int dg = ((rgb >> 8) & 255) - ((target >> 8) & 255);
        int db = (rgb & 255) - (target & 255);
        return dr * dr + dg * dg + db * db < 40 * 40;
    }

    @Test
    void quickDemoProducesEveryArtifact() throws Exception {
        CliTest.Run r = demo;
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("Done in"), r.out());

        try (Checkpoint pretrained = Checkpoint.open(work.resolve("models/resnet_v1_50_shapes"))) {
            assertTrue(pretrained
                    .find("resnet_v1_50/block4/unit_3/bottleneck_v1/conv3/weights")
                    .isPresent());
            assertEquals(
                    4,
                    pretrained.find("resnet_v1_50/logits/biases").orElseThrow().shape()[0]);
        }
        Path trainDir = work.resolve("demo/train/cats_vs_dogs");
        try (Checkpoint tuned = Checkpoint.open(trainDir)) {
            assertEquals(
                    2, tuned.find("resnet_v1_50/logits/biases").orElseThrow().shape()[0]);
        }
        Set<String> tags = EventFiles.scalars(trainDir).stream()
                .map(EventFiles.Scalar::tag)
                .collect(Collectors.toSet());
        assertTrue(
                tags.containsAll(List.of("total_loss", "losses/cross_entropy", "learning_rate", "accuracy")),
                tags.toString());
        Set<String> evalTags = EventFiles.scalars(trainDir.resolve("eval")).stream()
                .map(EventFiles.Scalar::tag)
                .collect(Collectors.toSet());
        assertTrue(evalTags.containsAll(List.of("accuracy", "eval/Accuracy", "eval/Recall_5")), evalTags.toString());

        Path features = work.resolve("demo/features/cats_vs_dogs");
        assertTrue(Files.size(features.resolve("features.npy")) > 2048 * 4);
        assertTrue(Files.exists(features.resolve("projector/projector_config.pbtxt")));

        Path report = trainDir.resolve("report.html");
        String html = Files.readString(report);
        assertEquals(3, html.split("<svg class=\"chart\"", -1).length - 1, "loss, accuracy and learning-rate charts");
        assertTrue(html.split("<polyline class=\"series\"", -1).length - 1 >= 5, "train and eval curves");
        assertTrue(html.contains("Confusion matrix") && html.contains("data:image/png;base64,"), "metrics and samples");
        assertTrue(html.contains("restored 265, excluded 2"), "restore plan");

        try (Classifier classifier = Classifier.load(work.resolve("savedmodels/cats_vs_dogs"))) {
            Path image = ImageFolder.load(work.resolve("demo/data/cats_vs_dogs"), 0, 0)
                    .train()
                    .examples()
                    .get(0)
                    .file();
            Classifier.Prediction p = classifier.classify(Files.readAllBytes(image));
            assertEquals(List.of("crescent", "stripes"), classifier.classNames());
            assertEquals(
                    1.0,
                    p.scores().stream()
                            .mapToDouble(Classifier.Score::probability)
                            .sum(),
                    1e-5);
        }
    }

    @Test
    void theReportRendersItsCharts() throws Exception {
        assertEquals(0, demo.exitCode(), demo.out() + demo.err());
        assertRendersCharts(work.resolve("demo/train/cats_vs_dogs/report.html"), work);
    }
}
