package jacktf.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.op.nn.MaxPool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TFloating;

/**
 * slim's layers with {@code resnet_arg_scope}'s defaults: convolutions without biases followed by
 * BatchNorm (scale, epsilon 1e-5, decay 0.997 unless set) and ReLU; He-initialised weights. Variables are
 * float32 and cast where used. Which op computes in which dtype is {@link Precision}'s rule, applied here
 * by the helpers {@link #toActivation}, {@link #toFloat32} and {@link #castTo}: a convolution computes in
 * {@link Precision#convolutionType}, batch norm always in float32 (cast around it), activations between
 * layers are in {@link Precision#computeType}; a layer added here calls the same helpers.
 */
final class Layers {
    /**
     * slim's {@code resnet_arg_scope} asks for 1e-5, but {@code slim.batch_norm} runs
     * {@code tf.nn.fused_batch_norm}, which raises any epsilon below 1.001e-5 to 1.001e-5 (cuDNN's
     * minimum): what slim computes, and so what its checkpoints were trained with, is 1.001e-5.
     */
    static final float BATCH_NORM_EPSILON = 1.001e-5f;

    private final ModelGraph graph;
    private final Precision precision;
    private final BatchNormPolicy batchNorm;
    private final float batchNormDecay;
    private final Endpoints endpoints;
    private final List<Op> updateOps = new ArrayList<>();

    Layers(
            ModelGraph graph,
            Precision precision,
            BatchNormPolicy batchNorm,
            float batchNormDecay,
            Endpoints endpoints) {
        this.graph = graph;
        this.batchNormDecay = batchNormDecay;
        this.precision = precision;
        this.batchNorm = batchNorm;
        this.endpoints = endpoints;
    }

    Endpoints endpoints() {
        return endpoints;
    }

    List<Op> updateOps() {
        return updateOps;
    }

    Ops ops(String scope) {
        return graph.ops(scope);
    }

    /** A variable read as the compute type (through Identity: math on a ref output breaks gradients). */
    Operand<TFloating> read(String scope, ModelVariable v) {
        return read(scope, v, precision.computeType());
    }

    /** A variable read as {@code type} (through Identity: math on a ref output breaks gradients). */
    Operand<TFloating> read(String scope, ModelVariable v, Class<? extends TFloating> type) {
        Ops tf = ops(scope);
        return castTo(tf, tf.identity(v.variable()), type);
    }

    /** {@code x} in the activations' dtype between layers ({@link Precision#computeType}). */
    Operand<TFloating> toActivation(String scope, Operand<? extends TFloating> x) {
        return castTo(ops(scope), x, precision.computeType());
    }

    /** {@code x} in float32 (batch norm, reductions, logits and loss keep float32 in every precision). */
    Operand<TFloating> toFloat32(String scope, Operand<? extends TFloating> x) {
        return castTo(ops(scope), x, TFloat32.class);
    }

    /** {@code x} as {@code type}: itself when it already is, else one Cast. */
    static Operand<TFloating> castTo(Ops tf, Operand<? extends TFloating> x, Class<? extends TFloating> type) {
        return x.type() == type ? cast(x) : cast(tf.dtypes.cast(x, type));
    }

    /** slim.conv2d with batch norm; ReLU when {@code relu}. Recorded as endpoint {@code scope}. */
    Operand<TFloating> conv(
            String scope, Operand<TFloating> x, int depth, int kernel, int stride, String padding, boolean relu) {
        ModelVariable weights = graph.variables()
                .getOrCreate(
                        scope,
                        "weights",
                        Shape.of(kernel, kernel, channels(x), depth),
                        VariableRole.WEIGHTS,
                        Initializers.varianceScaling());
        Ops tf = ops(scope);
        Class<? extends TFloating> type = precision.convolutionType(channels(x));
        Operand<TFloating> net =
                tf.nn.conv2d(castTo(tf, x, type), read(scope, weights, type), strides(stride), padding);
        String batchNormScope = BatchNormFolding.batchNormScope(scope);
        if (batchNorm.modeFor(batchNormScope) == BatchNormMode.FOLDED) {
            // Conv2D + BiasAdd (+ Relu) is a pattern TF's grappler fuses into one oneDNN convolution.
            ModelVariable biases = graph.variables()
                    .getOrCreate(
                            scope,
                            BatchNormFolding.BIASES,
                            Shape.of(depth),
                            VariableRole.BIASES,
                            Initializers.constant(0f));
            net = tf.nn.biasAdd(net, read(scope, biases, type));
        } else {
            net = batchNorm(batchNormScope, net, depth);
        }
        net = toActivation(scope, net);
        if (relu) {
            net = tf.nn.relu(net);
        }
        endpoints.put(scope, net);
        return net;
    }

    /**
     * resnet_utils.conv2d_same: SAME-like output size that does not depend on the input being even
     * or odd; strided convolutions pad explicitly by {@code (k-1)/2, k-1-(k-1)/2} then run VALID.
     */
    Operand<TFloating> convSame(String scope, Operand<TFloating> x, int depth, int kernel, int stride) {
        if (stride == 1) {
            return conv(scope, x, depth, kernel, 1, "SAME", true);
        }
        return conv(scope, padSame(scope, x, kernel), depth, kernel, stride, "VALID", true);
    }

    Operand<TFloating> padSame(String scope, Operand<TFloating> x, int kernel) {
        int padTotal = kernel - 1;
        int padBegin = padTotal / 2;
        int padEnd = padTotal - padBegin;
        Ops tf = ops(scope);
        Operand<TFloating> zero = castTo(tf, tf.constant(0f), x.type());
        return tf.pad(x, tf.constant(new int[][] {{0, 0}, {padBegin, padEnd}, {padBegin, padEnd}, {0, 0}}), zero);
    }

    /**
     * A 1x1 conv with biases and neither batch norm nor activation (slim's logits layer), in float32 whatever
     * the precision: logits and softmax stay float32 (TF's mixed-precision guide; measured in BENCHMARKS.md).
     */
    Operand<TFloating> logitsConv(String scope, Operand<TFloating> x, int numClasses) {
        ModelVariable weights = graph.variables()
                .getOrCreate(
                        scope,
                        "weights",
                        Shape.of(1, 1, channels(x), numClasses),
                        VariableRole.WEIGHTS,
                        Initializers.varianceScaling());
        ModelVariable biases = graph.variables()
                .getOrCreate(scope, "biases", Shape.of(numClasses), VariableRole.BIASES, Initializers.constant(0f));
        Ops tf = ops(scope);
        Operand<TFloating> net =
                tf.nn.conv2d(toFloat32(scope, x), read(scope, weights, TFloat32.class), strides(1), "SAME");
        return tf.nn.biasAdd(net, read(scope, biases, TFloat32.class));
    }

    /**
     * slim.fully_connected without activation: {@code x @ weights + biases}, in {@code x}'s dtype (a
     * logits layer gets float32 input; a hidden layer gets {@link #toActivation}'s).
     */
    Operand<TFloating> fullyConnected(String scope, Operand<TFloating> x, int numOutputs) {
        ModelVariable weights = graph.variables()
                .getOrCreate(
                        scope,
                        "weights",
                        Shape.of(x.shape().get(1), numOutputs),
                        VariableRole.WEIGHTS,
                        Initializers.varianceScaling());
        ModelVariable biases = graph.variables()
                .getOrCreate(scope, "biases", Shape.of(numOutputs), VariableRole.BIASES, Initializers.constant(0f));
        Ops tf = ops(scope);
        Class<? extends TFloating> type = x.type();
        return tf.nn.biasAdd(tf.linalg.matMul(x, read(scope, weights, type)), read(scope, biases, type));
    }

    Operand<TFloating> maxPool(String scope, Operand<TFloating> x, int kernel, int stride, String padding) {
        Ops tf = ops(scope);
        return tf.nn.maxPool(
                x,
                tf.constant(new int[] {1, kernel, kernel, 1}),
                tf.constant(new int[] {1, stride, stride, 1}),
                padding,
                MaxPool.dataFormat("NHWC"));
    }

    /** resnet_utils.subsample: identity, or a 1x1 max pool with the stride. */
    Operand<TFloating> subsample(String scope, Operand<TFloating> x, int factor) {
        return factor == 1 ? x : maxPool(scope, x, 1, factor, "SAME");
    }

    private Operand<TFloating> batchNorm(String scope, Operand<TFloating> x, int depth) {
        var variables = graph.variables();
        ModelVariable beta =
                variables.getOrCreate(scope, "beta", Shape.of(depth), VariableRole.BN_BETA, Initializers.constant(0f));
        ModelVariable gamma = variables.getOrCreate(
                scope, "gamma", Shape.of(depth), VariableRole.BN_GAMMA, Initializers.constant(1f));
        ModelVariable movingMean = variables.getOrCreate(
                scope, "moving_mean", Shape.of(depth), VariableRole.BN_MOVING_MEAN, Initializers.constant(0f));
        ModelVariable movingVariance = variables.getOrCreate(
                scope, "moving_variance", Shape.of(depth), VariableRole.BN_MOVING_VARIANCE, Initializers.constant(1f));
        Ops tf = ops(scope);
        boolean training = batchNorm.modeFor(scope) == BatchNormMode.TRAINING;
        // float32 statistics and normalisation in every precision, as Keras's BatchNormalization under
        // mixed_bfloat16: the caller casts the result back to the activations' dtype.
        x = toFloat32(scope, x);
        Operand<TFloat32> mean = tf.identity(movingMean.variable());
        Operand<TFloat32> variance = tf.identity(movingVariance.variable());
        FusedBatchNorm<TFloating, TFloat32> bn = tf.nn.fusedBatchNorm(
                x,
                tf.identity(gamma.variable()),
                tf.identity(beta.variable()),
                mean,
                variance,
                FusedBatchNorm.epsilon(BATCH_NORM_EPSILON),
                FusedBatchNorm.isTraining(training),
                FusedBatchNorm.dataFormat("NHWC"));
        if (training) {
            // moving -= (moving - batch) * (1 - decay); batchVariance is already Bessel-corrected.
            Ops update = ops(scope + "/AssignMovingAvg");
            Operand<TFloat32> rate = update.constant(1f - batchNormDecay);
            updateOps.add(update.assignSub(
                    movingMean.variable(), update.math.mul(update.math.sub(mean, bn.batchMean()), rate)));
            updateOps.add(update.assignSub(
                    movingVariance.variable(), update.math.mul(update.math.sub(variance, bn.batchVariance()), rate)));
        }
        return bn.y();
    }

    static long channels(Operand<?> x) {
        Shape shape = x.shape();
        long c = shape.get(shape.numDimensions() - 1);
        if (c < 0) {
            throw new IllegalArgumentException("Input channels must be known, got shape " + shape);
        }
        return c;
    }

    private static List<Long> strides(int stride) {
        return Arrays.asList(1L, (long) stride, (long) stride, 1L);
    }

    @SuppressWarnings("unchecked")
    static Operand<TFloating> cast(Operand<? extends TFloating> x) {
        return (Operand<TFloating>) x;
    }
}
