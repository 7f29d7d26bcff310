package jacktf.model;

import jacktf.config.ConfigException;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * One of slim's networks, configured (classes, head, precision, batch-norm decay): what the trainer,
 * evaluator, exporter, server and benchmark build. Every network of the zoo implements it, so adding
 * a network touches this package only: write its builder and register its {@link NetworkType} in
 * {@link Networks}.
 */
public interface Network {

    /** What built this network: its nets_factory name, default image size and options. */
    NetworkType type();

    /** The options it was built with. */
    NetworkOptions options();

    /** slim's nets_factory name, e.g. {@code mobilenet_v1_025}: what {@code --model} takes. */
    default String name() {
        return type().name();
    }

    /** The variable scope every variable lies under, e.g. {@code MobilenetV1} or {@code resnet_v2_50}. */
    String scope();

    /** Classes of the head, or null for a headless feature extractor. */
    default Integer numClasses() {
        return options().numClasses();
    }

    default Precision precision() {
        return options().precision();
    }

    /** The endpoint {@link Tower#features()} is squeezed from: {@code global_pool} for the ResNets. */
    default String featureEndpoint() {
        return "global_pool";
    }

    /** The decay of the batch-norm moving averages: the one set, else the network's arg scope's. */
    float batchNormDecay();

    /** The epsilon the network's batch norm adds to the variance (for folding batch norm into convolutions). */
    default float batchNormEpsilon() {
        return BatchNormFolding.EPSILON;
    }

    /** The input size slim's file gives as {@code default_image_size}. */
    default int defaultImageSize() {
        return type().defaultImageSize();
    }

    /** The smallest input it builds at: its type's, with auxiliary logits when it builds them. */
    default int minimumImageSize() {
        return auxLogitsScope() != null ? type().minimumImageSizeWithAuxLogits() : type().minimumImageSize();
    }

    /**
     * Checks that square images of side {@code imageSize} leave every layer a feature map, before any op is
     * built: what a too small {@code --image-size} gets instead of TensorFlow's negative-dimension error.
     *
     * @throws ConfigException naming {@code imageSize}, the network and its minimum, and {@code auxLogits} where
     *     the auxiliary logits are what need the size
     */
    default void checkImageSize(long imageSize) {
        if (imageSize >= minimumImageSize()) {
            return;
        }
        int withoutAux = type().minimumImageSize();
        if (imageSize >= withoutAux) {
            throw ConfigException.withRemedy(
                    "imageSize",
                    "at least " + minimumImageSize() + " for " + name() + " with AuxLogits (their 5x5 pool needs"
                            + " it); give a larger one, or turn AuxLogits off ({other}), which builds from "
                            + withoutAux,
                    "auxLogits",
                    imageSize);
        }
        throw new ConfigException(
                "imageSize",
                "at least " + withoutAux + " for " + name() + " (its VALID convolutions and pools leave no"
                        + " feature map below that); give a larger one",
                imageSize);
    }

    /**
     * Scope of the classifier's variables, e.g. {@code resnet_v1_50/logits}, {@code MobilenetV1/Logits}
     * or {@code Predict/logits} with {@link Head#FC}.
     */
    String headScope();

    /**
     * The scope of the layer that computes the logits, whose {@code weights}' last dimension is the number
     * of classes: {@link #headScope()} itself, or a layer in it ({@code MobilenetV1/Logits/Conv2d_1c_1x1}).
     */
    default String logitsLayerScope() {
        return headScope();
    }

    /**
     * Every scope of the head, what a new dataset retrains and a restore of a checkpoint with other
     * classes excludes: {@link #headScope()} and, where the network has them, the auxiliary logits.
     */
    default List<String> headScopes() {
        return List.of(headScope());
    }

    /**
     * Applies the network to {@code images} (float32 [B,H,W,3], preprocessed). Building a second tower
     * into the same {@link ModelGraph} reuses the first tower's variables. {@code training} turns on
     * what runs in training only (dropout); batch norm follows {@code batchNorm}.
     */
    Tower apply(ModelGraph graph, Operand<TFloat32> images, BatchNormPolicy batchNorm, boolean training);

    /** {@link #apply(ModelGraph, Operand, BatchNormPolicy, boolean)} without dropout: inference. */
    default Tower apply(ModelGraph graph, Operand<TFloat32> images, BatchNormPolicy batchNorm) {
        return apply(graph, images, batchNorm, false);
    }

    /**
     * Whether {@link #headLogits} can train the classifier alone on cached {@link Tower#features()}: true
     * when everything trainable of the head sits on the pooled features (not with auxiliary logits,
     * which branch off earlier).
     */
    default boolean hasHeadOnFeatures() {
        return numClasses() != null && auxLogitsScope() == null;
    }

    /**
     * The classifier alone on pooled features (float32 [B, D], D = {@link Tower#features()}'s width),
     * sharing the head variables of towers built into the same graph: how a head trains on cached
     * features. {@code training} turns on dropout where the network has it before its logits.
     *
     * @throws IllegalStateException when {@link #hasHeadOnFeatures()} is false
     */
    Operand<TFloat32> headLogits(ModelGraph graph, Operand<TFloat32> features, boolean training);

    /** {@link #headLogits(ModelGraph, Operand, boolean)} without dropout. */
    default Operand<TFloat32> headLogits(ModelGraph graph, Operand<TFloat32> features) {
        return headLogits(graph, features, false);
    }

    /** The scope of the auxiliary classifier ({@code InceptionV3/AuxLogits}), or null without one. */
    default String auxLogitsScope() {
        return null;
    }

    /**
     * The weight of the auxiliary logits' cross-entropy in the training loss: 0.4 for the Inceptions,
     * as slim's {@code train_image_classifier.py} adds it; 0 without auxiliary logits.
     */
    default float auxLossWeight() {
        return 0f;
    }

    /** The same network with other options, e.g. another number of classes. */
    default Network with(NetworkOptions options) {
        return type().build(options);
    }
}
