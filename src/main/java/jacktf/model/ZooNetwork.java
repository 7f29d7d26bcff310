package jacktf.model;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TFloating;

/**
 * What the zoo's networks share: a body from images to pooled features [B, 1, 1, D], then a head from
 * those features to logits, so {@link #headLogits} trains the head alone on cached features for every
 * network whose head sits on the pooled features. Subclasses read like slim's file for their network.
 */
abstract class ZooNetwork implements Network {
    private final NetworkType type;
    private final NetworkOptions options;

    ZooNetwork(NetworkType type, NetworkOptions options) {
        this.type = type;
        this.options = options;
    }

    @Override
    public NetworkType type() {
        return type;
    }

    @Override
    public NetworkOptions options() {
        return options;
    }

    @Override
    public String scope() {
        return type.scope();
    }

    /** slim's arg scope for the network's batch norm. */
    abstract ZooLayers.ArgScope argScope();

    @Override
    public float batchNormDecay() {
        return argScope().decay();
    }

    @Override
    public float batchNormEpsilon() {
        return argScope().epsilon();
    }

    /**
     * The body: images (compute type) to the pooled features [B, 1, 1, D] the logits are computed from,
     * recording endpoints under slim's keys on the way.
     */
    abstract Operand<TFloating> body(ZooLayers z, Operand<TFloating> images);

    /** slim's head on the pooled features: dropout where slim has it, logits, SpatialSqueeze: [B, C]. */
    abstract Operand<TFloating> slimHead(ZooLayers z, Operand<TFloating> pooled, int numClasses);

    /** The scope of slim's own logits layer. */
    abstract String slimHeadScope();

    /** The endpoint key of the softmax ({@code Predictions}; {@code predictions} for the ResNets), or null. */
    String predictionsKey() {
        return "Predictions";
    }

    /** The name scope of the softmax, under the network's scope. */
    String predictionsScope() {
        return scope() + "/" + predictionsKey();
    }

    /**
     * Auxiliary logits from the endpoints of the body, or null: the Inceptions override it. Called after
     * {@link #body}, before the main head.
     */
    Operand<TFloating> auxLogits(ZooLayers z, int numClasses) {
        return null;
    }

    @Override
    public String headScope() {
        return options.head() == Head.FC ? Head.FC.scope(scope()) : slimHeadScope();
    }

    @Override
    public List<String> headScopes() {
        return auxLogitsScope() == null ? List.of(headScope()) : List.of(headScope(), auxLogitsScope());
    }

    ZooLayers layers(ModelGraph graph, BatchNormPolicy batchNorm, Endpoints endpoints, boolean training) {
        return new ZooLayers(graph, precision(), batchNorm, argScope(), endpoints, training, collectsConvs());
    }

    /** Whether every convolution is an endpoint under its scope (slim's outputs_collections). */
    boolean collectsConvs() {
        return false;
    }

    @Override
    public Tower apply(ModelGraph graph, Operand<TFloat32> images, BatchNormPolicy batchNorm, boolean training) {
        Endpoints endpoints = new Endpoints(scope());
        ZooLayers z = layers(graph, batchNorm, endpoints, training);
        Operand<TFloating> pooled = body(z, z.input(images));
        Ops tf = graph.ops(scope());
        Operand<TFloat32> features = z.toFloat32(tf.squeeze(pooled, Squeeze.axis(1L, 2L)));
        Operand<TFloat32> logits = null;
        Operand<TFloat32> predictions = null;
        Operand<TFloat32> aux = null;
        Integer numClasses = numClasses();
        if (numClasses != null) {
            Operand<TFloating> auxLogits = auxLogitsScope() == null ? null : auxLogits(z, numClasses);
            aux = auxLogits == null ? null : z.toFloat32(auxLogits);
            logits = z.toFloat32(head(z, pooled, numClasses));
            predictions = graph.ops(predictionsScope()).nn.softmax(logits);
            endpoints.put(predictionsKey(), Layers.cast(predictions));
        }
        return new Tower(
                endpoints, logits, predictions, features, List.copyOf(z.layers().updateOps()), aux);
    }

    private Operand<TFloating> head(ZooLayers z, Operand<TFloating> pooled, int numClasses) {
        if (options.head() == Head.SLIM) {
            return slimHead(z, pooled, numClasses);
        }
        Ops tf = z.ops("Predict");
        Operand<TFloating> logits =
                z.fullyConnectedLogits(headScope(), tf.squeeze(pooled, Squeeze.axis(1L, 2L)), numClasses);
        z.endpoints().put(headScope(), logits);
        return logits;
    }

    @Override
    public Operand<TFloat32> headLogits(ModelGraph graph, Operand<TFloat32> features, boolean training) {
        if (!hasHeadOnFeatures()) {
            throw new IllegalStateException(name() + " has no head that runs on pooled features alone"
                    + (numClasses() == null ? " (it is headless)" : " (its auxiliary logits branch off earlier)"));
        }
        Endpoints endpoints = new Endpoints(scope());
        ZooLayers z = layers(graph, BatchNormPolicy.inference(), endpoints, training);
        Ops tf = graph.ops(headScope());
        Operand<TFloat32> pooled = tf.reshape(
                features,
                tf.constant(new int[] {-1, 1, 1, (int) features.shape().get(1)}));
        return z.toFloat32(head(z, z.input(pooled), numClasses()));
    }
}
