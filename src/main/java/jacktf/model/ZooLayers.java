package jacktf.model;

import java.util.Arrays;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.AvgPool;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TFloating;

/**
 * The slim layers the zoo's networks add to {@link Layers}' (which keeps ResNet-v1's): convolutions of any
 * kernel with batch norm or with biases, depthwise convolutions, stand-alone batch norm, ReLU6, average
 * pooling, dropout and concatenation, each under an {@link ArgScope} (slim's {@code *_arg_scope}: batch norm
 * epsilon, scale, decay). Activations are in the precision's compute type; variables are read through
 * {@link Layers#read}, so mixed precision applies as to ResNet-v1's layers.
 *
 * <p>Endpoints: with {@code collectConvs} every convolution is recorded under its scope, as slim's
 * {@code outputs_collections} does for the ResNets and VGG; the other networks record slim's
 * {@code end_points} keys themselves.
 */
final class ZooLayers {
    /** The activation after a layer ({@code activation_fn}). */
    enum Activation {
        NONE,
        RELU,
        RELU6
    }

    /**
     * A network's arg scope for batch norm.
     *
     * @param epsilon added to the variance (1e-3 for the Inceptions and MobileNets; 1e-5, which fused
     *     batch norm raises to 1.001e-5, for the ResNets)
     * @param scale whether batch norm has {@code gamma} (the Inceptions' arg scopes have none)
     * @param decay of the moving averages
     */
    record ArgScope(float epsilon, boolean scale, float decay) {}

    private final Layers layers;
    private final ModelGraph graph;
    private final Precision precision;
    private final BatchNormPolicy batchNorm;
    private final ArgScope argScope;
    private final boolean training;
    private final boolean collectConvs;

    ZooLayers(
            ModelGraph graph,
            Precision precision,
            BatchNormPolicy batchNorm,
            ArgScope argScope,
            Endpoints endpoints,
            boolean training,
            boolean collectConvs) {
        this.collectConvs = collectConvs;
        this.layers = new Layers(graph, precision, batchNorm, argScope.decay(), endpoints);
        this.graph = graph;
        this.precision = precision;
        this.batchNorm = batchNorm;
        this.argScope = argScope;
        this.training = training;
    }

    /** The ResNet-v1 layers sharing this one's graph, endpoints and update ops. */
    Layers layers() {
        return layers;
    }

    Endpoints endpoints() {
        return layers.endpoints();
    }

    Ops ops(String scope) {
        return graph.ops(scope);
    }

    /**
     * The network's input in the type its first convolution computes in: the RGB image (3 channels) stays
     * float32 ({@link Precision#convolutionType}), so it is not rounded to bfloat16 on the way in.
     */
    Operand<TFloating> input(Operand<TFloat32> images) {
        return Layers.castTo(graph.ops(""), images, precision.convolutionType(Layers.channels(images)));
    }

    /** Back to float32 (logits, features). */
    Operand<TFloat32> toFloat32(Operand<TFloating> x) {
        return precision == Precision.FP32 ? float32(x) : graph.ops("").dtypes.cast(x, TFloat32.class);
    }

    /** slim.conv2d with {@code normalizer_fn=slim.batch_norm} (no biases); FOLDED mode adds biases instead. */
    Operand<TFloating> convBn(
            String scope, Operand<TFloating> x, int depth, int kh, int kw, int stride, String padding, Activation act) {
        ModelVariable weights = weights(scope, "weights", Shape.of(kh, kw, Layers.channels(x), depth), true);
        Ops tf = ops(scope);
        Class<? extends TFloating> type = precision.convolutionType(Layers.channels(x));
        Operand<TFloating> net =
                tf.nn.conv2d(Layers.castTo(tf, x, type), layers.read(scope, weights, type), strides(stride), padding);
        String bnScope = BatchNormFolding.batchNormScope(scope);
        if (batchNorm.modeFor(bnScope) == BatchNormMode.FOLDED) {
            net = tf.nn.biasAdd(net, layers.read(scope, biases(scope, depth), type));
        } else {
            net = batchNorm(bnScope, net);
        }
        net = activation(tf, layers.toActivation(scope, net), act);
        collect(scope, net);
        return net;
    }

    /** Square-kernel {@link #convBn(String, Operand, int, int, int, int, String, Activation)}. */
    Operand<TFloating> convBn(
            String scope, Operand<TFloating> x, int depth, int kernel, int stride, String padding, Activation act) {
        return convBn(scope, x, depth, kernel, kernel, stride, padding, act);
    }

    /** slim.conv2d with {@code normalizer_fn=None}: weights and biases (logits, VGG, ResNet-v2's shortcut). */
    Operand<TFloating> convBias(
            String scope, Operand<TFloating> x, int depth, int kh, int kw, int stride, String padding, Activation act) {
        return convBias(scope, x, depth, kh, kw, stride, padding, act, false);
    }

    /**
     * A logits layer: a 1x1 {@link #convBias} without activation, computed and returned in float32 in every
     * precision (the mixed-precision rule keeps the logits, softmax and loss in float32).
     */
    Operand<TFloating> logits(String scope, Operand<TFloating> x, int numClasses) {
        return convBias(scope, x, numClasses, 1, 1, 1, "SAME", Activation.NONE, true);
    }

    /** slim.fully_connected as a logits layer: on float32 input, so it computes in float32 in every precision. */
    Operand<TFloating> fullyConnectedLogits(String scope, Operand<TFloating> x, int numClasses) {
        return layers.fullyConnected(scope, layers.toFloat32(scope, x), numClasses);
    }

    private Operand<TFloating> convBias(
            String scope,
            Operand<TFloating> x,
            int depth,
            int kh,
            int kw,
            int stride,
            String padding,
            Activation act,
            boolean logits) {
        Class<? extends TFloating> type = logits ? TFloat32.class : precision.convolutionType(Layers.channels(x));
        ModelVariable weights = weights(scope, "weights", Shape.of(kh, kw, Layers.channels(x), depth), true);
        Ops tf = ops(scope);
        Operand<TFloating> net =
                tf.nn.conv2d(Layers.castTo(tf, x, type), layers.read(scope, weights, type), strides(stride), padding);
        net = tf.nn.biasAdd(net, layers.read(scope, biases(scope, depth), type));
        if (!logits) {
            net = layers.toActivation(scope, net);
        }
        net = activation(tf, net, act);
        collect(scope, net);
        return net;
    }

    /**
     * slim.separable_conv2d with {@code num_outputs=None}: a depthwise convolution (multiplier 1,
     * {@code depthwise_weights} [k, k, C, 1]) with batch norm. Batch norm stays unfolded in FOLDED mode.
     */
    Operand<TFloating> depthwiseBn(
            String scope, Operand<TFloating> x, int kernel, int stride, String padding, Activation act) {
        ModelVariable weights =
                weights(scope, "depthwise_weights", Shape.of(kernel, kernel, Layers.channels(x), 1), false);
        Ops tf = ops(scope);
        Class<? extends TFloating> type = precision.convolutionType(Layers.channels(x));
        Operand<TFloating> net = tf.nn.depthwiseConv2dNative(
                Layers.castTo(tf, x, type), layers.read(scope, weights, type), strides(stride), padding);
        net = batchNorm(BatchNormFolding.batchNormScope(scope), net);
        net = activation(tf, layers.toActivation(scope, net), act);
        collect(scope, net);
        return net;
    }

    /** slim.batch_norm on its own (ResNet-v2's {@code preact}, {@code postnorm}); FOLDED runs as INFERENCE. */
    Operand<TFloating> batchNorm(String scope, Operand<TFloating> x, Activation act) {
        return activation(ops(scope), layers.toActivation(scope, batchNorm(scope, x)), act);
    }

    /** resnet_utils.conv2d_same with biases and no batch norm (ResNet-v2's root {@code conv1}). */
    Operand<TFloating> convBiasSame(String scope, Operand<TFloating> x, int depth, int kernel, int stride) {
        if (stride == 1) {
            return convBias(scope, x, depth, kernel, kernel, 1, "SAME", Activation.NONE);
        }
        return convBias(
                scope, layers.padSame(scope, x, kernel), depth, kernel, kernel, stride, "VALID", Activation.NONE);
    }

    /** resnet_utils.conv2d_same with batch norm and ReLU. */
    Operand<TFloating> convBnSame(String scope, Operand<TFloating> x, int depth, int kernel, int stride) {
        if (stride == 1) {
            return convBn(scope, x, depth, kernel, 1, "SAME", Activation.RELU);
        }
        return convBn(scope, layers.padSame(scope, x, kernel), depth, kernel, stride, "VALID", Activation.RELU);
    }

    Operand<TFloating> maxPool(String scope, Operand<TFloating> x, int kernel, int stride, String padding) {
        return layers.maxPool(scope, x, kernel, stride, padding);
    }

    Operand<TFloating> avgPool(String scope, Operand<TFloating> x, int kh, int kw, int stride, String padding) {
        Ops tf = ops(scope);
        Operand<TFloating> net = tf.nn.avgPool(
                x, Arrays.asList(1L, (long) kh, (long) kw, 1L), strides(stride), padding, AvgPool.dataFormat("NHWC"));
        return net;
    }

    /**
     * slim.dropout: in training, keeps each value with probability {@code keepProb} and scales it by
     * {@code 1 / keepProb} (tf.nn.dropout); the identity otherwise. The draw is stateless, a function of
     * the graph seed, the layer's scope and {@code global_step} alone: a stateful op would restart its
     * stream in a resumed run's new session and replay step 1's masks, so N steps then M more would not
     * equal N + M steps.
     */
    Operand<TFloating> dropout(String scope, Operand<TFloating> x, float keepProb) {
        if (!training || keepProb >= 1f) {
            return x;
        }
        Ops tf = ops(scope);
        long key = graph.variables().seed() * 1_000_003L + (scope.hashCode() & 0x7fffffffL);
        Operand<TInt64> seed = tf.stack(List.of(tf.constant(key), tf.identity(graph.globalStep())));
        Operand<TFloat32> uniform = tf.random.statelessRandomUniform(tf.shape(x), seed, TFloat32.class);
        Operand<TFloat32> keep =
                tf.dtypes.cast(tf.math.greaterEqual(uniform, tf.constant(1f - keepProb)), TFloat32.class);
        Operand<TFloat32> mask = tf.math.mul(keep, tf.constant(1f / keepProb));
        Operand<TFloating> scaled = precision == Precision.FP32
                ? Layers.cast(mask)
                : Layers.cast(tf.dtypes.cast(mask, precision.computeType()));
        return tf.math.mul(x, scaled);
    }

    /** tf.concat along channels. */
    Operand<TFloating> concat(String scope, List<Operand<TFloating>> parts) {
        Ops tf = ops(scope);
        return tf.concat(parts, tf.constant(3));
    }

    /** tf.squeeze(x, [1, 2], name='SpatialSqueeze') in {@code scope}. */
    Operand<TFloating> spatialSqueeze(String scope, Operand<TFloating> x) {
        return ops(scope).withName("SpatialSqueeze").squeeze(x, org.tensorflow.op.core.Squeeze.axis(1L, 2L));
    }

    /** slim's {@code _reduced_kernel_size_for_small_input}: the kernel, at most the input's spatial size. */
    static int[] reducedKernel(Operand<?> x, int kh, int kw) {
        long h = x.shape().get(1);
        long w = x.shape().get(2);
        return new int[] {h < 0 ? kh : (int) Math.min(h, kh), w < 0 ? kw : (int) Math.min(w, kw)};
    }

    /** slim's {@code outputs_collections} on conv2d: the ResNets and VGG key endpoints by the layer's scope. */
    private void collect(String scope, Operand<TFloating> net) {
        if (collectConvs) {
            endpoints().put(scope, net);
        }
    }

    private Operand<TFloating> activation(Ops tf, Operand<TFloating> x, Activation act) {
        return switch (act) {
            case NONE -> x;
            case RELU -> tf.nn.relu(x);
            case RELU6 -> tf.nn.relu6(x);
        };
    }

    private ModelVariable weights(String scope, String name, Shape shape, boolean regularized) {
        return graph.variables()
                .getOrCreate(
                        scope,
                        name,
                        shape,
                        regularized ? VariableRole.WEIGHTS : VariableRole.DEPTHWISE_WEIGHTS,
                        Initializers.varianceScaling());
    }

    private ModelVariable biases(String scope, int depth) {
        return graph.variables()
                .getOrCreate(scope, "biases", Shape.of(depth), VariableRole.BIASES, Initializers.constant(0f));
    }

    /**
     * slim.batch_norm with the arg scope's epsilon, scale and decay; moving averages updated in training.
     * Computes in float32 in every precision and returns float32 (the caller casts to the activations' type).
     */
    private Operand<TFloating> batchNorm(String scope, Operand<TFloating> input) {
        Operand<TFloating> x = layers.toFloat32(scope, input);
        long depth = Layers.channels(x);
        var variables = graph.variables();
        ModelVariable beta =
                variables.getOrCreate(scope, "beta", Shape.of(depth), VariableRole.BN_BETA, Initializers.constant(0f));
        ModelVariable gamma = argScope.scale()
                ? variables.getOrCreate(
                        scope, "gamma", Shape.of(depth), VariableRole.BN_GAMMA, Initializers.constant(1f))
                : null;
        ModelVariable movingMean = variables.getOrCreate(
                scope, "moving_mean", Shape.of(depth), VariableRole.BN_MOVING_MEAN, Initializers.constant(0f));
        ModelVariable movingVariance = variables.getOrCreate(
                scope, "moving_variance", Shape.of(depth), VariableRole.BN_MOVING_VARIANCE, Initializers.constant(1f));
        Ops tf = ops(scope);
        boolean train = batchNorm.modeFor(scope) == BatchNormMode.TRAINING;
        Operand<TFloat32> mean = tf.identity(movingMean.variable());
        Operand<TFloat32> variance = tf.identity(movingVariance.variable());
        Operand<TFloat32> scale = gamma != null
                ? tf.identity(gamma.variable())
                : tf.fill(tf.constant(new long[] {depth}), tf.constant(1f));
        FusedBatchNorm<TFloating, TFloat32> bn = tf.nn.fusedBatchNorm(
                x,
                scale,
                tf.identity(beta.variable()),
                mean,
                variance,
                FusedBatchNorm.epsilon(argScope.epsilon()),
                FusedBatchNorm.isTraining(train),
                FusedBatchNorm.dataFormat("NHWC"));
        if (train) {
            // moving -= (moving - batch) * (1 - decay); batchVariance is already Bessel-corrected.
            Ops update = ops(scope + "/AssignMovingAvg");
            Operand<TFloat32> rate = update.constant(1f - argScope.decay());
            layers.updateOps()
                    .add(update.assignSub(
                            movingMean.variable(), update.math.mul(update.math.sub(mean, bn.batchMean()), rate)));
            layers.updateOps()
                    .add(update.assignSub(
                            movingVariance.variable(),
                            update.math.mul(update.math.sub(variance, bn.batchVariance()), rate)));
        }
        return bn.y();
    }

    private static List<Long> strides(int stride) {
        return Arrays.asList(1L, (long) stride, (long) stride, 1L);
    }

    @SuppressWarnings("unchecked")
    private static Operand<TFloat32> float32(Operand<? extends TFloating> x) {
        return (Operand<TFloat32>) x;
    }
}
