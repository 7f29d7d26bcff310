package jacktf.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jacktf.cluster.Cluster;
import jacktf.cluster.Replicas;
import jacktf.config.ConfigException;
import jacktf.config.FrozenBatchNorm;
import jacktf.config.LearningRateDecayType;
import jacktf.config.OptimizerType;
import jacktf.config.Preprocessing;
import jacktf.model.Architecture;
import jacktf.model.Head;
import jacktf.model.Precision;
import java.nio.file.Path;
import java.util.List;
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
                bad("preprocessing", "set", "null", b -> b.preprocessing(null)),
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
    }
}
