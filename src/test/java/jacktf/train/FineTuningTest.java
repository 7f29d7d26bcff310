package jacktf.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.checkpoint.Checkpoint;
import jacktf.checkpoint.CheckpointException;
import jacktf.checkpoint.RestoreOptions;
import jacktf.checkpoint.TensorInfo;
import jacktf.config.ConfigException;
import jacktf.config.JacktfException;
import jacktf.config.LearningRateDecayType;
import jacktf.config.OptimizerType;
import jacktf.data.SyntheticImages;
import jacktf.model.TinyNet;
import jacktf.traindir.TrainDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;

/**
 * The seed's operations through the Trainer on small synthetic data and {@link TinyNet}, a
 * ResNet-v1 with every structural case of resnet_v1_50 that trains in milliseconds per step
 * ({@link ResNetFineTuningTest} does the head replacement on the real resnet_v1_50).
 */
class FineTuningTest {
    static final String NET = TinyNet.SCOPE;

    @TempDir
    static Path shared;

    static Path pretrainData;
    static Path catsDogs;
    static Path pretrained;

    @BeforeAll
    static void pretrain() throws IOException {
        pretrainData = shared.resolve("shapes");
        catsDogs = shared.resolve("cats_dogs");
        SyntheticImages.generate(pretrainData, 4, 6, 40, 1, 0, SyntheticImages.Layout.FOLDERS);
        SyntheticImages.generate(catsDogs, 2, 6, 40, 2, 6, SyntheticImages.Layout.FLAT);
        Path dir = shared.resolve("pretrain");
        train(config(pretrainData, dir).maxNumberOfSteps(3L).build());
        pretrained = dir.resolve("model.ckpt-3");
    }

    static TrainConfig.Builder config(Path data, Path trainDir) {
        return TrainConfig.builder(data, trainDir)
                .model(TinyNet.ARCHITECTURE)
                .imageSize(32)
                .batchSize(4)
                .optimizer(OptimizerType.MOMENTUM)
                .learningRate(0.0001f)
                .learningRateDecayType(LearningRateDecayType.FIXED)
                .batchNormDecay(0.9f)
                .saveSummariesSecs(3600);
    }

    static TrainResult train(TrainConfig config) throws IOException {
        return Trainer.create(config).train();
    }

    static Map<String, float[]> floats(Path checkpoint) {
        Map<String, float[]> values = new HashMap<>();
        try (Checkpoint c = Checkpoint.open(checkpoint)) {
            for (TensorInfo t : c.tensors()) {
                if (t.dtype() == DataType.DT_FLOAT && !t.name().endsWith("/Momentum")) {
                    values.put(t.name(), c.read(t.name()).floats());
                }
            }
        }
        return values;
    }

    @Test
    void newHeadFromAThousandClassStyleCheckpoint(@TempDir Path dir) throws IOException {
        // exclude scopes given that leave the head in: its other classes fail, naming the scope to exclude
        CheckpointException mismatch = assertThrows(
                CheckpointException.class,
                () -> train(config(catsDogs, dir.resolve("a"))
                        .checkpointPath(pretrained)
                        .restoreOptions(RestoreOptions.excluding(NET + "/block4"))
                        .maxNumberOfSteps(0L)
                        .build()));
        assertTrue(
                mismatch.getMessage().contains("--checkpoint-exclude-scopes " + NET + "/logits"),
                mismatch.getMessage());

        TrainResult r = train(config(catsDogs, dir.resolve("b"))
                .checkpointPath(pretrained) // no exclude scopes: the head, as its classes differ
                .maxNumberOfSteps(0L)
                .build());
        Map<String, float[]> source = floats(pretrained);
        Map<String, float[]> warm = floats(r.checkpoint());
        assertEquals(4, source.get(NET + "/logits/biases").length);
        assertEquals(2, warm.get(NET + "/logits/biases").length);
        for (var e : warm.entrySet()) {
            if (e.getKey().startsWith(NET + "/") && !e.getKey().startsWith(NET + "/logits")) {
                assertArrayEquals(source.get(e.getKey()), e.getValue(), 0f, e.getKey());
            }
        }
        assertEquals(
                List.of("diamond", "hexagon"), TrainDir.of(dir.resolve("b")).labels());
    }

    @Test
    void excludedBlockStartsFreshAndTheRestIsLoaded(@TempDir Path dir) throws IOException {
        Map<String, float[]> fresh = floats(train(config(pretrainData, dir.resolve("fresh"))
                        .maxNumberOfSteps(0L)
                        .build())
                .checkpoint());
        Map<String, float[]> warm = floats(train(config(pretrainData, dir.resolve("warm"))
                        .checkpointPath(pretrained)
                        .restoreOptions(RestoreOptions.excluding(NET + "/block4"))
                        .maxNumberOfSteps(0L)
                        .build())
                .checkpoint());
        Map<String, float[]> source = floats(pretrained);
        int freshCount = 0;
        for (var e : warm.entrySet()) {
            boolean excluded = e.getKey().startsWith(NET + "/block4");
            assertArrayEquals((excluded ? fresh : source).get(e.getKey()), e.getValue(), 0f, e.getKey());
            freshCount += excluded ? 1 : 0;
        }
        assertEquals(20, freshCount, "block4's 1 unit: 3 convs + the projection shortcut, 5 variables each");
        assertFalse(Arrays.equals(fresh.get(NET + "/conv1/weights"), source.get(NET + "/conv1/weights")));
    }

    @Test
    void onlyTrainableScopesChangeEverythingElseIsBitIdentical(@TempDir Path dir) throws IOException {
        TrainResult r = train(config(pretrainData, dir)
                .checkpointPath(pretrained)
                .trainableScopes(List.of(NET + "/logits", NET + "/block4"))
                .maxNumberOfSteps(4L)
                .build());
        assertEquals(4, r.finalStep());
        Map<String, float[]> before = floats(pretrained);
        Map<String, float[]> after = floats(r.checkpoint());
        int changed = 0;
        for (var e : before.entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(NET + "/")) {
                continue;
            }
            boolean trainable = name.startsWith(NET + "/logits") || name.startsWith(NET + "/block4");
            if (trainable) {
                changed += Arrays.equals(e.getValue(), after.get(name)) ? 0 : 1;
            } else {
                assertArrayEquals(e.getValue(), after.get(name), 0f, name + " is frozen");
            }
        }
        // block4: 4 convs x 5 variables (batch norm trains there: its moving statistics move too), logits: 2
        assertTrue(changed >= 20, "trainable variables moved: " + changed);
        try (Checkpoint c = Checkpoint.open(r.checkpoint())) {
            assertTrue(c.find(NET + "/block4/unit_1/bottleneck_v1/conv1/weights/Momentum")
                    .isPresent());
            assertFalse(
                    c.find(NET + "/block1/unit_1/bottleneck_v1/conv1/weights/Momentum")
                            .isPresent(),
                    "frozen variables get no optimizer slots");
        }
    }

    @Test
    void cachedFeaturesTrainTheHeadAloneAndResume(@TempDir Path dir) throws IOException {
        ConfigException needsHead = assertThrows(
                ConfigException.class,
                () -> train(config(pretrainData, dir.resolve("x"))
                        .cacheFeatures(true)
                        .build()));
        assertEquals("trainableScopes", needsHead.field());
        assertTrue(
                needsHead.getMessage().contains("the classifier's scope alone, " + NET + "/logits"),
                needsHead.getMessage());

        List<Integer> cached = new ArrayList<>();
        TrainingListener recorder = new TrainingListener() {
            @Override
            public void onFeaturesCached(int images, double seconds) {
                cached.add(images);
            }
        };
        TrainConfig.Builder cachedRun = config(pretrainData, dir.resolve("cached"))
                .checkpointPath(pretrained)
                .trainableScopes(List.of(NET + "/logits"))
                .cacheFeatures(true)
                .validationSplit(0.25);
        TrainResult r = Trainer.create(cachedRun.maxNumberOfSteps(12L).build())
                .addListener(recorder)
                .train();
        assertEquals(12, r.finalStep());
        assertEquals(List.of(24), cached, "16 training + 8 validation images, each through the backbone once");
        assertEquals(8, r.lastValidation().examples(), "round(6 * 0.25) = 2 of each of the 4 classes");
        Map<String, float[]> before = floats(pretrained);
        Map<String, float[]> after = floats(r.checkpoint());
        assertEquals(before.keySet(), after.keySet(), "the checkpoint holds the whole network");
        for (var e : before.entrySet()) {
            if (e.getKey().startsWith(NET + "/logits")) {
                assertFalse(Arrays.equals(e.getValue(), after.get(e.getKey())), e.getKey() + " trained");
            } else {
                assertArrayEquals(e.getValue(), after.get(e.getKey()), 0f, e.getKey() + " frozen");
            }
        }
        TrainResult resumed = Trainer.create(cachedRun.maxNumberOfSteps(14L).build())
                .addListener(recorder)
                .train();
        assertEquals(14, resumed.finalStep());
    }

    @Test
    void badConfigurationsAreClearErrors(@TempDir Path dir) throws IOException {
        ConfigException nothing = assertThrows(
                ConfigException.class,
                () -> train(config(pretrainData, dir.resolve("a"))
                        .trainableScopes(List.of(NET + "/block9"))
                        .build()));
        assertTrue(
                nothing.getMessage().startsWith("trainableScopes must be scopes that select at least one variable"),
                nothing.getMessage());
        ConfigException classes = assertThrows(
                ConfigException.class,
                () -> train(config(pretrainData, dir.resolve("b")).numClasses(3).build()));
        assertTrue(
                classes.getMessage().startsWith("numClasses must be the dataset's number of classes, 4 "),
                classes.getMessage());
        assertEquals("3", classes.received());
        Path file = Files.writeString(dir.resolve("file"), "x");
        ConfigException trainDirFile = assertThrows(
                ConfigException.class, () -> train(config(pretrainData, file).build()));
        assertTrue(trainDirFile.getMessage().contains("is a file"), trainDirFile.getMessage());
        assertThrows(JacktfException.class, () -> OptimizerType.byName("adamw"));
    }
}
