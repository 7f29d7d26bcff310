package jacktf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.checkpoint.Checkpoint;
import jacktf.serve.Classifier;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jacktf demo --model mobilenet_v1_025 --quick}: the whole workflow (train from scratch, restore with
 * the head excluded, fine-tune, eval, extract AvgPool_1a, export, classify) on a network other than
 * ResNet-v1, with slim's MobileNet variable names throughout.
 */
@Tag("slow")
class ZooDemoTest {
    @TempDir
    Path work;

    @Test
    void quickMobileNetDemoRunsEndToEnd() throws Exception {
        CliTest.Run r = CliTest.run("demo", "--model", "mobilenet_v1_025", "--quick", "--workdir", work.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        Path trainDir = work.resolve("demo/train/cats_vs_dogs");
        try (Checkpoint c = Checkpoint.open(trainDir)) {
            // the fine-tuned head: 2 classes on MobileNet-v1 0.25's 256 channels
            assertTrue(c.find("MobilenetV1/Logits/Conv2d_1c_1x1/weights").isPresent());
            assertTrue(
                    c.find("MobilenetV1/Conv2d_13_depthwise/depthwise_weights").isPresent());
            assertEquals(2, c.modelSpec().numClasses());
            assertEquals("mobilenet_v1_025", c.modelSpec().type().name());
        }
        assertTrue(r.out().contains("Taking out AvgPool_1a"), r.out());
        assertTrue(r.out().contains("features.npy shape [") && r.out().contains(", 256]"), r.out());
        Path exportBase = work.resolve("savedmodels/cats_vs_dogs");
        try (Classifier classifier = Classifier.load(exportBase)) {
            Path image;
            try (var files = Files.walk(work.resolve("demo/data/cats_vs_dogs"))) {
                image = files.filter(p -> p.toString().endsWith(".jpg"))
                        .findFirst()
                        .orElseThrow();
            }
            var top = classifier.classify(Files.readAllBytes(image)).top();
            assertTrue(top.probability() > 0 && top.probability() <= 1, "probability " + top.probability());
        }
    }
}
