package jacktf.model;

import jacktf.config.ConfigException;
import jacktf.config.Defaults;
import java.util.List;
import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TFloating;

/**
 * ResNet-v1 as TF-Slim's {@code nets/resnet_v1.py} builds it: root block (conv1 7x7/2 with
 * conv2d_same, pool1 3x3/2), four blocks of bottleneck units, global mean pool, optional head.
 * Variable names and shapes are exactly slim's, so slim checkpoints load.
 */
public final class ResNetV1 implements Network {
    private final Architecture architecture;
    private final Integer numClasses;
    private final Head head;
    private final Precision precision;
    private final float batchNormDecay;

    private ResNetV1(Builder b) {
        this.batchNormDecay = b.batchNormDecay;
        this.architecture = b.architecture;
        this.numClasses = b.numClasses;
        this.head = b.head;
        this.precision = b.precision;
    }

    public static Builder builder(Architecture architecture) {
        return new Builder(architecture);
    }

    public Architecture architecture() {
        return architecture;
    }

    @Override
    public NetworkType type() {
        return architecture;
    }

    @Override
    public float batchNormDecay() {
        return batchNormDecay;
    }

    @Override
    public NetworkOptions options() {
        return new NetworkOptions(numClasses, head, precision, batchNormDecay, false);
    }

    /** Classes of the head, or null for a headless feature extractor. */
    @Override
    public Integer numClasses() {
        return numClasses;
    }

    public Head head() {
        return head;
    }

    @Override
    public Precision precision() {
        return precision;
    }

    @Override
    public String scope() {
        return architecture.scope();
    }

    /** Scope of the classifier's variables ({@code resnet_v1_50/logits} or {@code Predict/logits}). */
    @Override
    public String headScope() {
        return head.scope(scope());
    }

    /**
     * Applies the network to {@code images} (float32 [B,H,W,3], preprocessed). Building a second
     * tower into the same {@link ModelGraph} reuses the first tower's variables. ResNet-v1 has no
     * dropout: {@code training} changes nothing.
     */
    @Override
    public Tower apply(ModelGraph graph, Operand<TFloat32> images, BatchNormPolicy batchNorm, boolean training) {
        String root = scope();
        Endpoints endpoints = new Endpoints(root);
        Layers layers = new Layers(graph, precision, batchNorm, batchNormDecay, endpoints);
        Ops tf = graph.ops(root);

        Operand<TFloating> net = precision == Precision.FP32
                ? Layers.cast(images)
                : Layers.cast(tf.dtypes.cast(images, precision.computeType()));
        net = layers.convSame(root + "/conv1", net, 64, 7, 2);
        net = layers.maxPool(root + "/pool1", net, 3, 2, "SAME");
        for (Block block : architecture.blocks()) {
            String blockScope = root + "/" + block.scope();
            List<Block.Unit> units = block.units();
            for (int i = 0; i < units.size(); i++) {
                net = bottleneck(layers, blockScope + "/unit_" + (i + 1) + "/bottleneck_v1", net, units.get(i));
            }
            endpoints.put(blockScope, net);
        }
        Operand<TFloating> pooled =
                tf.withName("pool5").math.mean(net, tf.constant(new int[] {1, 2}), Mean.keepDims(true));
        endpoints.put("global_pool", pooled);
        Operand<TFloat32> features = toFloat32(tf, tf.squeeze(pooled, Squeeze.axis(1L, 2L)));

        Operand<TFloat32> logits = null;
        Operand<TFloat32> predictions = null;
        if (numClasses != null) {
            logits = toFloat32(tf, applyHead(layers, graph, endpoints, pooled));
            Ops predictionsScope = graph.ops(head == Head.SLIM ? root + "/predictions" : "predictions");
            predictions = predictionsScope.nn.softmax(logits);
            endpoints.put("predictions", Layers.cast(predictions));
        }
        return new Tower(endpoints, logits, predictions, features, List.copyOf(layers.updateOps()));
    }

    /** slim's bottleneck_v1; the stride sits in the 3x3 conv2 as in current slim. */
    private Operand<TFloating> bottleneck(Layers layers, String scope, Operand<TFloating> x, Block.Unit unit) {
        Operand<TFloating> shortcut = Layers.channels(x) == unit.depth()
                ? layers.subsample(scope + "/shortcut", x, unit.stride())
                : layers.conv(scope + "/shortcut", x, unit.depth(), 1, unit.stride(), "SAME", false);
        Operand<TFloating> residual = layers.conv(scope + "/conv1", x, unit.depthBottleneck(), 1, 1, "SAME", true);
        residual = layers.convSame(scope + "/conv2", residual, unit.depthBottleneck(), 3, unit.stride());
        residual = layers.conv(scope + "/conv3", residual, unit.depth(), 1, 1, "SAME", false);
        Ops tf = layers.ops(scope);
        Operand<TFloating> output = tf.nn.relu(tf.math.add(shortcut, residual));
        layers.endpoints().put(scope, output);
        return output;
    }

    /**
     * The classifier alone on pooled features (float32 [B, 2048]), sharing the head variables of
     * towers built into the same graph: how a head trains on cached features.
     */
    @Override
    public Operand<TFloat32> headLogits(ModelGraph graph, Operand<TFloat32> features, boolean training) {
        if (numClasses == null) {
            throw new IllegalStateException("A headless network has no logits");
        }
        Endpoints endpoints = new Endpoints(scope());
        Layers layers = new Layers(graph, precision, BatchNormPolicy.inference(), batchNormDecay, endpoints);
        Ops tf = graph.ops(headScope());
        Operand<TFloat32> pooled = tf.reshape(
                features,
                tf.constant(new int[] {-1, 1, 1, (int) features.shape().get(1)}));
        Operand<TFloating> compute = precision == Precision.FP32
                ? Layers.cast(pooled)
                : Layers.cast(tf.dtypes.cast(pooled, precision.computeType()));
        return toFloat32(tf, applyHead(layers, graph, endpoints, compute));
    }

    private Operand<TFloating> applyHead(
            Layers layers, ModelGraph graph, Endpoints endpoints, Operand<TFloating> pooled) {
        String headScope = headScope();
        if (head == Head.SLIM) {
            Operand<TFloating> logits = layers.logitsConv(headScope, pooled, numClasses);
            endpoints.put(headScope, logits);
            Ops tf = graph.ops(scope());
            Operand<TFloating> squeezed = tf.withName("SpatialSqueeze").squeeze(logits, Squeeze.axis(1L, 2L));
            endpoints.put(scope() + "/spatial_squeeze", squeezed);
            return squeezed;
        }
        Ops tf = graph.ops("Predict");
        Operand<TFloating> flat = tf.squeeze(pooled, Squeeze.axis(1L, 2L));
        Operand<TFloating> logits = layers.fullyConnected(headScope, flat, numClasses);
        endpoints.put(headScope, logits);
        return logits;
    }

    private Operand<TFloat32> toFloat32(Ops tf, Operand<TFloating> x) {
        return precision == Precision.FP32 ? cast32(x) : tf.dtypes.cast(x, TFloat32.class);
    }

    @SuppressWarnings("unchecked")
    private static Operand<TFloat32> cast32(Operand<? extends TFloating> x) {
        return (Operand<TFloat32>) x;
    }

    /** Configures a network; unset options take slim's defaults. */
    public static final class Builder {
        private final Architecture architecture;
        private Integer numClasses;
        private Head head = Head.SLIM;
        private Precision precision = Precision.FP32;
        private float batchNormDecay = Defaults.BATCH_NORM_DECAY_DEFAULT;

        private Builder(Architecture architecture) {
            this.architecture = Objects.requireNonNull(architecture);
        }

        /** Classes of the new head; null (the default) builds no head. */
        public Builder numClasses(Integer numClasses) {
            if (numClasses != null && numClasses < 1) {
                throw new ConfigException("numClasses", "at least 1 (or null: no head)", numClasses);
            }
            this.numClasses = numClasses;
            return this;
        }

        public Builder head(Head head) {
            this.head = Objects.requireNonNull(head);
            return this;
        }

        /** Every option at once (a null batch-norm decay keeps resnet_arg_scope's 0.997). */
        public Builder options(NetworkOptions options) {
            numClasses(options.numClasses());
            head(options.head());
            precision(options.precision());
            if (options.batchNormDecay() != null) {
                batchNormDecay(options.batchNormDecay());
            }
            return this;
        }

        public Builder precision(Precision precision) {
            this.precision = Objects.requireNonNull(precision);
            return this;
        }

        /** Decay of the moving averages (slim's resnet_arg_scope batch_norm_decay, 0.997). */
        public Builder batchNormDecay(float decay) {
            if (!(decay >= 0 && decay < 1)) {
                throw new ConfigException("batchNormDecay", "in [0, 1)", decay);
            }
            this.batchNormDecay = decay;
            return this;
        }

        public ResNetV1 build() {
            return new ResNetV1(this);
        }
    }
}
