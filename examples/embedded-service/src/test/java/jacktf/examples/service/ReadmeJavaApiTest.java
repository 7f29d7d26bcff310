package jacktf.examples.service;

import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.serve.Classifier;
import jacktf.testing.JacktfExtension;
import jacktf.testing.PretrainedCheckpoint;
import jacktf.testing.SampleImages;
import jacktf.testing.TempTrainDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The README's Java API, run as written from a project that depends only on io.jacktf:jacktf. */
@ExtendWith(JacktfExtension.class)
class ReadmeJavaApiTest {

    @Test
    void trainExportClassify(
            PretrainedCheckpoint pretrained,
            SampleImages images,
            @TempTrainDir Path trainDir,
            @TempDir Path savedModels)
            throws IOException {
        Path data = images.dataset(List.of("diamond", "hexagon"), 8, 64);
        Classifier.Score top =
                ReadmeJavaApi.fineTune(data, pretrained.checkpoint(), trainDir, savedModels, 3, images.jpeg("diamond"));
        // a 2-class head was trained, exported as version 1 with the dataset's labels, and answered
        assertTrue(Files.isDirectory(savedModels.resolve("1")), "version 1 exported");
        assertTrue(List.of("diamond", "hexagon").contains(top.className()), top.toString());
        assertTrue(top.probability() >= 0.5f && top.probability() <= 1f, top.toString());
        assertTrue(Files.isRegularFile(trainDir.resolve("model.ckpt-3.index")), "the step-3 checkpoint was written");
    }
}
