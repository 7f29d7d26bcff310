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
 * BatchNorm (scale, epsilon 1e-5, decay 0.997 unless set) and ReLU; He-initialised weights. Activations are
 * in the precision's compute type; variables are float32 and cast where used.
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
        Ops tf = ops(scope);
        Operand<TFloat32> value = tf.identity(v.variable());
        return precision == Precision.FP32 ? cast(value) : cast(tf.dtypes.cast(value, precision.computeType()));
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
        Operand<TFloating> net = tf.nn.conv2d(x, read(scope, weights), strides(stride), padding);
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
            net = tf.nn.biasAdd(net, read(scope, biases));
        } else {
            net = batchNorm(batchNormScope, net, depth);
        }
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
        Operand<TFloating> zero = cast(tf.dtypes.cast(tf.constant(0f), precision.computeType()));
        return tf.pad(x, tf.constant(new int[][] {{0, 0}, {padBegin, padEnd}, {padBegin, padEnd}, {0, 0}}), zero);
    }

    /** A 1x1 conv with biases and neither batch norm nor activation (slim's logits layer). */
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
        Operand<TFloating> net = tf.nn.conv2d(x, read(scope, weights), strides(1), "SAME");
        return tf.nn.biasAdd(net, read(scope, biases));
    }

    /** slim.fully_connected without activation: {@code x @ weights + biases}. */
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
        return tf.nn.biasAdd(tf.linalg.matMul(x, read(scope, weights)), read(scope, biases));
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
