package jacktf.examples.service;

import jacktf.checkpoint.RestoreOptions;
import jacktf.export.SavedModelExporter;
import jacktf.model.Precision;
import jacktf.serve.Classifier;
import jacktf.train.StepEvent;
import jacktf.train.TrainConfig;
import jacktf.train.TrainResult;
import jacktf.train.Trainer;
import jacktf.train.TrainingListener;
import jacktf.traindir.TrainDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;

/**
 * The README's "Java API" section, verbatim between the markers (the root project's
 * {@code ReadmeJavaApiTest} compares the two), compiled and run here against the installed jar.
 */
public final class ReadmeJavaApi {
    private static final Logger LOG = Logger.getLogger(ReadmeJavaApi.class.getName());

    private ReadmeJavaApi() {}

    // README:begin
    /** Fine-tunes a slim checkpoint on a folder of images with a new head, exports it, classifies a photo. */
    static Classifier.Score fineTune(
            Path images, Path slimCheckpoint, Path trainDir, Path savedModels, long steps, Path photo)
            throws IOException {
        TrainConfig config = TrainConfig.builder(images, trainDir)
                .checkpointPath(slimCheckpoint) // load every variable ...
                .restoreOptions(RestoreOptions.excluding("resnet_v1_50/logits")) // ... but the old head
                .trainableScopes(List.of("resnet_v1_50/logits")) // freeze the rest
                .imageSize(TrainDir.containing(slimCheckpoint).modelInfo().imageSize()) // 224 for a zoo checkpoint
                .maxNumberOfSteps(steps)
                .build(); // a bad value throws ConfigException naming the field and its range
        Trainer trainer = Trainer.create(config).addListener(new TrainingListener() {
            @Override
            public void onStep(StepEvent e) {
                LOG.info("step " + e.step() + ": loss " + e.totalLoss());
            }
        });
        TrainResult result = trainer.train(); // blocks; trainer.cancel() from another thread stops it cleanly

        SavedModelExporter.export(result.checkpoint(), savedModels, null, Precision.FP32, "global_pool");
        try (Classifier classifier = Classifier.load(savedModels)) { // thread-safe; the newest version
            return classifier.classify(Files.readAllBytes(photo)).top();
        }
    }
    // README:end
}
