package jacktf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jacktf.checkpoint.RestoreOptions;
import jacktf.cluster.Cluster;
import jacktf.cluster.Replicas;
import jacktf.config.ConfigException;
import jacktf.config.FrozenBatchNorm;
import jacktf.config.LearningRateDecayType;
import jacktf.config.OptimizerType;
import jacktf.config.Preprocessing;
import jacktf.model.Architecture;
import jacktf.model.Head;
import jacktf.model.NetworkType;
import jacktf.model.Networks;
import jacktf.model.Precision;
import jacktf.model.TinyNet;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A TrainConfig built from Java refuses each bad field, naming it and its valid range. */
class TrainConfigTest {
    private static TrainConfig.Builder valid() {
        return TrainConfig.builder(Path.of("data"), Path.of("train"));
    }

    static Stream<Arguments> invalidFields() {
        return Stream.of(
                bad("batchSize", "at least 1", "0", b -> b.batchSize(0)),
                bad("learningRate", "a finite number > 0", "-1.0", b -> b.learningRate(-1f)),
                bad("learningRate", "a finite number > 0", "0.0", b -> b.learningRate(0f)),
                bad("learningRate", "a finite number > 0", "NaN", b -> b.learningRate(Float.NaN)),
                bad("learningRate", "a finite number > 0", "Infinity", b -> b.learningRate(Float.POSITIVE_INFINITY)),
                bad("validationSplit", "in [0, 1)", "1.0", b -> b.validationSplit(1)),
                bad("validationSplit", "in [0, 1)", "-0.1", b -> b.validationSplit(-0.1)),
                bad("imageSize", "at least 32 (the network's total stride)", "31", b -> b.imageSize(31)),
                bad("numClasses", "at least 1 (or null: the dataset's classes)", "0", b -> b.numClasses(0)),
                // the network's own minimum (by hand: ZooConventionsCliTest's comment)
                bad(
                        "imageSize",
                        "at least 224 for vgg_16 (its VALID convolutions and pools leave no feature map below"
                                + " that); give a larger one",
                        "64",
                        b -> b.model(Networks.byName("vgg_16")).imageSize(64)),
                bad(
                        "imageSize",
                        "at least 107 for inception_v3 with AuxLogits (their 5x5 pool needs it); give a larger one,"
                                + " or turn AuxLogits off (auxLogits), which builds from 75",
                        "100",
                        b -> b.model(Networks.byName("inception_v3")).imageSize(100)),
                bad("batchNormDecay", "in [0, 1)", "1.0", b -> b.batchNormDecay(1f)),
                bad("learningRateDecayFactor", "in (0, 1]", "0.0", b -> b.learningRateDecayFactor(0f)),
                bad("learningRateDecayFactor", "in (0, 1]", "1.5", b -> b.learningRateDecayFactor(1.5f)),
                bad("numEpochsPerDecay", "a finite number > 0", "0.0", b -> b.numEpochsPerDecay(0f)),
                bad("endLearningRate", "a finite number >= 0", "-1.0E-4", b -> b.endLearningRate(-1e-4f)),
                bad("warmupSteps", ">= 0", "-1", b -> b.warmupSteps(-1)),
                bad("weightDecay", "a finite number >= 0", "-1.0", b -> b.weightDecay(-1f)),
                bad("labelSmoothing", "in [0, 1)", "1.0", b -> b.labelSmoothing(1f)),
                bad("maxNumberOfSteps", ">= 0 (or null: train for epochs)", "-1", b -> b.maxNumberOfSteps(-1L)),
                bad("epochs", "a finite number > 0 (or null)", "0.0", b -> b.epochs(0.0)),
                bad("epochs", "unset when maxNumberOfSteps is set", "2.0", b -> b.epochs(2.0)
                        .maxNumberOfSteps(5L)),
                bad(
                        "saveEverySteps",
                        "at least 1 (or null: save every saveIntervalSecs)",
                        "0",
                        b -> b.saveEverySteps(0L)),
                bad("saveIntervalSecs", ">= 0", "-1", b -> b.saveIntervalSecs(-1)),
                bad("saveSummariesSecs", ">= 0", "-1", b -> b.saveSummariesSecs(-1)),
                bad("logEveryNSteps", "at least 1", "0", b -> b.logEveryNSteps(0)),
                bad("validationEvery", ">= 0 (0: only at the end)", "-1", b -> b.validationEvery(-1)),
                bad("keepCheckpoints", "at least 1", "0", b -> b.keepCheckpoints(0)),
                bad("freezeScopes", "unset when trainableScopes is set", "[a/b]", b -> b.trainableScopes(List.of("a"))
                        .freezeScopes(List.of("a/b"))),
                bad("cacheFeatures", "unset when replicas is set", "true", b -> b.cacheFeatures(true)
                        .replicas(new Replicas(
                                Cluster.parse("ps=127.0.0.1:1;worker=127.0.0.1:2", "worker", 0), false, 60))),
                bad("optimizer", "set", "null", b -> b.optimizer(null)),
                bad("datasetDir", "set, or a dataset given", "null", b -> TrainConfig.builder(null, Path.of("train"))));
    }

    private static Arguments bad(String field, String expected, String received, UnaryOperator<TrainConfig.Builder> b) {
        return Arguments.of(field, expected, received, b);
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("invalidFields")
    void eachInvalidFieldIsNamedWithItsRange(
            String field, String expected, String received, UnaryOperator<TrainConfig.Builder> change) {
        ConfigException e =
                assertThrows(ConfigException.class, () -> change.apply(valid()).build());
        assertEquals(field, e.field());
        assertEquals(expected, e.expected());
        assertEquals(received, e.received());
        assertEquals(field + " must be " + expected + ". Received: " + received, e.getMessage());
    }

    @Test
    void defaultsAreSlims() {
        // train_image_classifier.py's flag defaults, resnet_arg_scope's batch_norm_decay, resnet_v1's image size
        TrainConfig c = valid().build();
        assertEquals(OptimizerType.RMSPROP, c.optimizer());
        // preprocessing_factory: resnet_v1_* -> vgg_preprocessing
        assertEquals(Preprocessing.VGG, c.preprocessing());
        assertEquals(0.01f, c.learningRate());
        assertEquals(32, c.batchSize());
        assertEquals(0.00004f, c.weightDecay());
        assertEquals(0f, c.labelSmoothing());
        assertEquals(LearningRateDecayType.EXPONENTIAL, c.learningRateDecayType());
        assertEquals(0.94f, c.learningRateDecayFactor());
        assertEquals(2.0f, c.numEpochsPerDecay());
        assertEquals(0.0001f, c.endLearningRate());
        assertEquals(10, c.logEveryNSteps());
        assertEquals(600, c.saveSummariesSecs());
        assertEquals(600, c.saveIntervalSecs());
        assertEquals(0.997f, c.batchNormDecay());
        assertEquals(224, c.imageSize());
        // jacktf's own
        assertEquals(Architecture.RESNET_V1_50, c.model());
        assertEquals(Head.SLIM, c.head());
        assertEquals(Precision.FP32, c.precision());
        assertEquals(FrozenBatchNorm.INFERENCE, c.frozenBatchNorm());
        assertEquals(42, c.seed());
        assertEquals(5, c.keepCheckpoints());
    }

    /**
     * slim's README: the Inceptions, MobileNets and ResNet-v2 (its footnote: "ResNet V2 models use Inception
     * pre-processing") were trained with inception preprocessing; ResNet-v1 and VGG, converted from Caffe, with
     * vgg's (preprocessing_factory.py). Written out here per nets_factory name, not read from jacktf's table.
     */
    @Test
    void preprocessingDefaultsToTheNetworksZooConvention() {
        Map<String, Preprocessing> slims = new LinkedHashMap<>();
        for (String inception : List.of(
                "inception_v1",
                "inception_v3",
                "inception_resnet_v2",
                "mobilenet_v1",
                "mobilenet_v1_075",
                "mobilenet_v1_050",
                "mobilenet_v1_025",
                "mobilenet_v2",
                "mobilenet_v2_140",
                "resnet_v2_50",
                "resnet_v2_101",
                "resnet_v2_152")) {
            slims.put(inception, Preprocessing.INCEPTION);
        }
        for (String vgg : List.of("resnet_v1_50", "resnet_v1_101", "resnet_v1_152", "vgg_16", "vgg_19")) {
            slims.put(vgg, Preprocessing.VGG);
        }
        for (NetworkType network : Networks.all()) {
            assertEquals(
                    slims.get(network.name()), valid().model(network).build().preprocessing(), network.name());
        }
        // a ResNet-v1 of other blocks has no zoo entry: vgg, slim's for resnet_v1
        assertEquals(
                Preprocessing.VGG, valid().model(TinyNet.ARCHITECTURE).build().preprocessing());
        // a given one wins, either way
        NetworkType mobilenet = Networks.byName("mobilenet_v1_025");
        assertEquals(
                Preprocessing.VGG,
                valid().model(mobilenet)
                        .preprocessing(Preprocessing.VGG)
                        .build()
                        .preprocessing());
        assertEquals(
                Preprocessing.INCEPTION,
                valid().preprocessing(Preprocessing.INCEPTION).build().preprocessing());
    }

    /**
     * Without head scopes in the restore options, the network's head (slim's fine-tuning scripts' exclude
     * scopes: finetune_inception_v3_on_flowers.sh's InceptionV3/Logits,InceptionV3/AuxLogits) is what a
     * checkpoint of other classes leaves out, as `jacktf train` does; given ones are kept.
     */
    @Test
    void restoreOptionsDefaultToTheNetworksHead() {
        assertEquals(
                List.of("resnet_v1_50/logits"), valid().build().restoreOptions().headScopes());
        NetworkType inception = Networks.byName("inception_v3");
        assertEquals(
                List.of("InceptionV3/Logits", "InceptionV3/AuxLogits"),
                valid().model(inception).build().restoreOptions().headScopes());
        assertEquals(
                List.of("InceptionV3/Logits"),
                valid().model(inception)
                        .auxLogits(false)
                        .build()
                        .restoreOptions()
                        .headScopes());
        assertEquals(
                List.of("MobilenetV1/Logits"),
                valid().model(Networks.byName("mobilenet_v1_025"))
                        .restoreOptions(RestoreOptions.excluding("MobilenetV1/Conv2d_0"))
                        .build()
                        .restoreOptions()
                        .headScopes());
        RestoreOptions given = RestoreOptions.excluding("resnet_v1_50/block4").withHeadScopes(List.of("mine"));
        TrainConfig c = valid().restoreOptions(given).build();
        assertEquals(given, c.restoreOptions());
    }

    @Test
    void boundaryValuesAreAccepted() {
        TrainConfig c = valid().batchSize(1)
                .imageSize(32)
                .validationSplit(0)
                .learningRateDecayFactor(1f)
                .labelSmoothing(0f)
                .batchNormDecay(0f)
                .maxNumberOfSteps(0L)
                .keepCheckpoints(1)
                .logEveryNSteps(1)
                .build();
        assertEquals(1, c.batchSize());
        // the smallest inputs the Inceptions build at, without and with AuxLogits
        NetworkType inception = Networks.byName("inception_v3");
        assertEquals(
                75,
                valid().model(inception).auxLogits(false).imageSize(75).build().imageSize());
        assertEquals(107, valid().model(inception).imageSize(107).build().imageSize());
    }
}
