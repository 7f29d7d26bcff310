package jacktf.export;

import jacktf.checkpoint.Checkpoint;
import jacktf.checkpoint.Restorer;
import jacktf.config.Defaults;
import jacktf.config.JacktfException;
import jacktf.data.ImagePreprocessing;
import jacktf.data.VggPreprocessing;
import jacktf.model.BatchNormPolicy;
import jacktf.model.ModelGraph;
import jacktf.model.ModelSpec;
import jacktf.model.Network;
import jacktf.model.Precision;
import jacktf.model.Tower;
import jacktf.runtime.Bf16SelfCheck;
import jacktf.runtime.Placement;
import java.util.List;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TFloating;
import org.tensorflow.types.family.TType;

/**
 * The lean inference graph of a trained model: encoded image bytes are decoded and
 * eval-preprocessed in the graph (the model's preprocessing; {@code predict_images} takes its output), one
 * tower runs with batch norm in inference mode, and the outputs are probabilities, class ids and class names.
 * Exported as a SavedModel and used in memory by predict.
 */
public final class InferenceGraph {
    public static final String METHOD_NAME = "tensorflow/serving/predict";
    public static final String SERVING_DEFAULT = "serving_default";
    public static final String PREDICT_IMAGES = "predict_images";
    public static final String FEATURES = "features";

    private final List<Signature> signatures;

    private InferenceGraph(List<Signature> signatures) {
        this.signatures = signatures;
    }

    public List<Signature> signatures() {
        return signatures;
    }

    /**
     * Builds the graph for the checkpoint's model into {@code graph} and restores its variables
     * into {@code session}. {@code preprocessing} is the model's (its {@code ModelInfo}'s): the eval path of
     * the one it was trained with.
     */
    public static InferenceGraph build(
            Graph graph,
            Session session,
            Checkpoint checkpoint,
            List<String> classNames,
            ImagePreprocessing preprocessing,
            Precision precision,
            String featureEndpoint) {
        return build(
                graph,
                session,
                checkpoint,
                classNames,
                preprocessing,
                ExportOptions.defaults().withPrecision(precision).withFeatureEndpoint(featureEndpoint));
    }

    /**
     * Builds the graph for the checkpoint's model into {@code graph} and gives its variables their
     * values in {@code session}: restored from the checkpoint, or folded from it with
     * {@link ExportOptions#optimize()}. {@code preprocessing} is the model's (its {@code ModelInfo}'s).
     */
    public static InferenceGraph build(
            Graph graph,
            Session session,
            Checkpoint checkpoint,
            List<String> classNames,
            ImagePreprocessing preprocessing,
            ExportOptions options) {
        Precision precision = options.precision();
        String featureEndpoint = options.featureEndpoint();
        ModelSpec spec = checkpoint.modelSpec();
        if (spec.numClasses() == null) {
            throw new JacktfException("Checkpoint " + checkpoint.path() + " has no classifier head to serve");
        }
        if (classNames.size() != spec.numClasses()) {
            throw new JacktfException("labels.txt names " + classNames.size()
                    + " classes but the checkpoint's head has " + spec.numClasses());
        }
        ModelGraph model = new ModelGraph(graph, Placement.local(), Defaults.SEED_DEFAULT);
        Ops tf = model.ops("");
        Placeholder<TString> imageBytes =
                tf.withName("image_bytes").placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
        int imageSize = preprocessing.imageSize();
        // Decode a batch of strings image by image with tf.data, then take the batch back as one element.
        ConcreteFunction decode = ConcreteFunction.create(fn -> {
            Placeholder<TString> bytes = fn.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
            return Signature.builder()
                    .input("bytes", bytes)
                    .output("image", preprocessing.eval(fn, VggPreprocessing.decode(fn, bytes)))
                    .build();
        });
        List<Class<? extends TType>> types = List.of(TFloat32.class);
        Ops data = model.ops("decode");
        Operand<? extends TType> ds = data.data.tensorSliceDataset(List.of(imageBytes), List.of(Shape.scalar()));
        ds = data.data.mapDataset(ds, List.of(), decode, types, List.of(Shape.of(imageSize, imageSize, 3)));
        ds = data.data.batchDataset(
                ds,
                data.constant(1L << 20),
                data.constant(false),
                types,
                List.of(Shape.of(-1, imageSize, imageSize, 3)));
        @SuppressWarnings("unchecked")
        Operand<TFloat32> decoded = (Operand<TFloat32>) data.data
                .datasetToSingleElement(ds, types, List.of(Shape.of(-1, imageSize, imageSize, 3)))
                .components()
                .get(0);
        // Fed directly, the decoding above is pruned away: predict_images takes preprocessed pixels.
        Operand<TFloat32> images =
                tf.withName("images").placeholderWithDefault(decoded, Shape.of(-1, imageSize, imageSize, 3));

        Network network = spec.network(precision);
        Tower tower = network.apply(
                model, images, options.optimize() ? BatchNormPolicy.folded() : BatchNormPolicy.inference());
        Operand<TFloat32> probabilities = tf.withName("probabilities").identity(tower.predictions());
        Operand<TInt64> classes = tf.withName("classes").math.argMax(tower.logits(), tf.constant(1));
        Operand<TString> names = tf.withName("class_names")
                .gather(
                        tf.constant(NdArrays.vectorOfObjects(classNames.toArray(String[]::new))),
                        classes,
                        tf.constant(0));
        if (featureEndpoint.equals(ExportOptions.FEATURE_ENDPOINT_DEFAULT)
                && !tower.endpoints().names().contains(featureEndpoint)) {
            // the default is the ResNets' name of the pooled features; the other networks' is their own
            // (MobileNet's AvgPool_1a, Inception-v3's PreLogits): predict and export work on every network unasked
            featureEndpoint = network.featureEndpoint();
        }
        Operand<TFloat32> features = features(tf, tower, featureEndpoint);
        if (precision == Precision.BF16) {
            Bf16SelfCheck.requireAgreement(graph, "inference"); // export, Classifier.fromCheckpoint, eval
        }

        if (options.optimize()) {
            FoldedRestore.restore(
                    session,
                    model,
                    checkpoint,
                    network.batchNormEpsilon()); // every variable assigned: no initializer to run
        } else {
            session.run(model.initializer());
            Restorer.restoreModel(session, model, checkpoint);
        }

        Signature serving = Signature.builder()
                .key(SERVING_DEFAULT)
                .methodName(METHOD_NAME)
                .input("image_bytes", imageBytes)
                .output("probabilities", probabilities)
                .output("classes", classes)
                .output("class_names", names)
                .build();
        Signature pixels = Signature.builder()
                .key(PREDICT_IMAGES)
                .methodName(METHOD_NAME)
                .input("images", images)
                .output("probabilities", probabilities)
                .output("classes", classes)
                .output("class_names", names)
                .build();
        Signature featureSignature = Signature.builder()
                .key(FEATURES)
                .methodName(METHOD_NAME)
                .input("image_bytes", imageBytes)
                .output("features", features)
                .build();
        return new InferenceGraph(List.of(serving, pixels, featureSignature));
    }

    private static Operand<TFloat32> features(Ops tf, Tower tower, String endpoint) {
        Operand<TFloating> value = tower.endpoints().get(endpoint);
        Operand<TFloat32> asFloat = tf.dtypes.cast(value, TFloat32.class);
        if (value.shape().numDimensions() == 4
                && value.shape().get(1) == 1
                && value.shape().get(2) == 1) {
            asFloat = tf.squeeze(asFloat, Squeeze.axis(1L, 2L));
        }
        return tf.withName("features").identity(asFloat);
    }
}
