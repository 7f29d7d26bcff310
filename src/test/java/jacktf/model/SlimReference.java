package jacktf.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A plain-Java ResNet-v1 forward pass in inference mode, written from TF-Slim's definitions
 * ({@code nets/resnet_v1.py}, {@code nets/resnet_utils.py}) and TF's op semantics, not from jacktf's
 * layers: naive loops in double precision over NHWC arrays. Used to check the TF graph's numerics.
 *
 * <ul>
 *   <li>{@code resnet_v1}: conv1 = conv2d_same(64, 7, stride 2); pool1 = max_pool2d 3x3 stride 2
 *       with padding SAME (resnet_arg_scope); the blocks; global_pool = reduce_mean over H, W;
 *       logits = conv2d 1x1 with biases, no normalizer, no activation; spatial_squeeze; softmax.
 *   <li>{@code resnet_v1_block(scope, base_depth, num_units, stride)}: units of depth 4*base_depth,
 *       depth_bottleneck base_depth, stride 1 except the last unit, which has the block's stride.
 *   <li>{@code bottleneck}: shortcut = subsample(x, stride) (max_pool2d 1x1 with the stride) when the
 *       input depth equals depth, else conv2d 1x1 with the stride and no activation; residual =
 *       conv1 1x1, conv2 = conv2d_same 3x3 with the stride, conv3 1x1 without activation;
 *       relu(shortcut + residual).
 *   <li>{@code conv2d_same}: stride 1 is a SAME conv; otherwise pad (k-1)/2 before and the rest
 *       after, then a VALID conv.
 *   <li>slim.conv2d under resnet_arg_scope: no biases, batch norm (scale), ReLU.
 *   <li>batch norm at inference: gamma * (x - moving_mean) / sqrt(moving_variance + eps) + beta.
 * </ul>
 */
final class SlimReference {
    /**
     * resnet_arg_scope passes batch_norm_epsilon=1e-5; slim.batch_norm runs the fused kernel for NHWC
     * inputs through tf.nn.fused_batch_norm, which raises any epsilon below 1.001e-5 to 1.001e-5
     * (cuDNN's minimum). So slim computes with 1.001e-5.
     */
    static final double SLIM_EFFECTIVE_EPSILON = 1.001e-5;

    /** An NHWC activation. */
    record Act(int n, int h, int w, int c, double[] v) {
        double get(int b, int y, int x, int ch) {
            return v[((b * h + y) * w + x) * c + ch];
        }
    }

    private final Map<String, float[]> values;
    private final double epsilon;
    /** slim's end_points of the last forward pass, by slim's keys. */
    final Map<String, Act> endpoints = new LinkedHashMap<>();

    SlimReference(Map<String, float[]> values, double epsilon) {
        this.values = values;
        this.epsilon = epsilon;
    }

    private float[] value(String name) {
        float[] v = values.get(name);
        if (v == null) {
            throw new IllegalStateException("no value for variable " + name);
        }
        return v;
    }

    /** resnet_v1 with the blocks given as slim's (scope, base_depth, num_units, stride). */
    Act forward(Act images, String scope, int[][] blocks, String[] blockScopes, Integer numClasses) {
        Act net = conv2dSame(scope + "/conv1", images, 64, 7, 2);
        net = maxPoolSame(net, 3, 2);
        for (int b = 0; b < blocks.length; b++) {
            int baseDepth = blocks[b][0];
            int numUnits = blocks[b][1];
            int blockStride = blocks[b][2];
            String blockScope = scope + "/" + blockScopes[b];
            for (int u = 0; u < numUnits; u++) {
                int stride = u == numUnits - 1 ? blockStride : 1;
                net = bottleneck(
                        blockScope + "/unit_" + (u + 1) + "/bottleneck_v1", net, 4 * baseDepth, baseDepth, stride);
            }
            endpoints.put(blockScope, net);
        }
        Act pooled = mean(net);
        endpoints.put("global_pool", pooled);
        if (numClasses == null) {
            return pooled;
        }
        Act logits = conv(pooled, value(scope + "/logits/weights"), 1, pooled.c(), numClasses, 1, 0, 0, 0, 0);
        float[] biases = value(scope + "/logits/biases");
        for (int i = 0; i < logits.v().length; i++) {
            logits.v()[i] += biases[i % numClasses];
        }
        endpoints.put(scope + "/logits", logits);
        endpoints.put(scope + "/spatial_squeeze", logits);
        endpoints.put("predictions", softmax(logits));
        return logits;
    }

    private Act bottleneck(String scope, Act x, int depth, int depthBottleneck, int stride) {
        Act shortcut =
                x.c() == depth ? maxPoolSame(x, 1, stride) : slimConv(scope + "/shortcut", x, depth, 1, stride, false);
        Act residual = slimConv(scope + "/conv1", x, depthBottleneck, 1, 1, true);
        residual = conv2dSame(scope + "/conv2", residual, depthBottleneck, 3, stride);
        residual = slimConv(scope + "/conv3", residual, depth, 1, 1, false);
        double[] out = new double[residual.v().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(0, shortcut.v()[i] + residual.v()[i]);
        }
        Act output = new Act(residual.n(), residual.h(), residual.w(), residual.c(), out);
        endpoints.put(scope, output);
        return output;
    }

    /** resnet_utils.conv2d_same. */
    private Act conv2dSame(String scope, Act x, int depth, int k, int stride) {
        if (stride == 1) {
            return slimConv(scope, x, depth, k, 1, true);
        }
        int padBeg = (k - 1) / 2;
        int padEnd = k - 1 - padBeg;
        Act padded = zeroPad(x, padBeg, padEnd);
        return slimConvPadded(scope, padded, depth, k, stride, 0, 0, true);
    }

    /** slim.conv2d with padding SAME under resnet_arg_scope: conv, batch norm, optional ReLU. */
    private Act slimConv(String scope, Act x, int depth, int k, int stride, boolean relu) {
        // TF's SAME: out = ceil(in / stride), total padding max((out - 1) * stride + k - in, 0), the
        // smaller half before
        int outH = (x.h() + stride - 1) / stride;
        int padH = Math.max((outH - 1) * stride + k - x.h(), 0);
        int outW = (x.w() + stride - 1) / stride;
        int padW = Math.max((outW - 1) * stride + k - x.w(), 0);
        return slimConvPadded(scope, x, depth, k, stride, padH / 2, padW / 2, relu, outH, outW);
    }

    private Act slimConvPadded(
            String scope, Act x, int depth, int k, int stride, int padTop, int padLeft, boolean relu) {
        int outH = (x.h() - k) / stride + 1; // VALID
        int outW = (x.w() - k) / stride + 1;
        return slimConvPadded(scope, x, depth, k, stride, padTop, padLeft, relu, outH, outW);
    }

    private Act slimConvPadded(
            String scope,
            Act x,
            int depth,
            int k,
            int stride,
            int padTop,
            int padLeft,
            boolean relu,
            int outH,
            int outW) {
        Act y = conv(x, value(scope + "/weights"), k, x.c(), depth, stride, padTop, padLeft, outH, outW);
        float[] gamma = value(scope + "/BatchNorm/gamma");
        float[] beta = value(scope + "/BatchNorm/beta");
        float[] mean = value(scope + "/BatchNorm/moving_mean");
        float[] variance = value(scope + "/BatchNorm/moving_variance");
        double[] v = y.v();
        for (int i = 0; i < v.length; i++) {
            int c = i % depth;
            double bn = gamma[c] * (v[i] - mean[c]) / Math.sqrt(variance[c] + epsilon) + beta[c];
            v[i] = relu ? Math.max(0, bn) : bn;
        }
        endpoints.put(scope, y);
        return y;
    }

    /** conv2d, weights HWIO; input positions outside the array count as zeros. outH 0 means VALID 1x1. */
    private static Act conv(
            Act x, float[] weights, int k, int cin, int cout, int stride, int padTop, int padLeft, int outH, int outW) {
        if (outH == 0) {
            outH = (x.h() - k) / stride + 1;
            outW = (x.w() - k) / stride + 1;
        }
        double[] out = new double[x.n() * outH * outW * cout];
        double[] acc = new double[cout];
        for (int b = 0; b < x.n(); b++) {
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    Arrays.fill(acc, 0);
                    for (int ky = 0; ky < k; ky++) {
                        int iy = oy * stride + ky - padTop;
                        if (iy < 0 || iy >= x.h()) {
                            continue;
                        }
                        for (int kx = 0; kx < k; kx++) {
                            int ix = ox * stride + kx - padLeft;
                            if (ix < 0 || ix >= x.w()) {
                                continue;
                            }
                            int in = ((b * x.h() + iy) * x.w() + ix) * cin;
                            for (int ci = 0; ci < cin; ci++) {
                                double xv = x.v()[in + ci];
                                int wBase = ((ky * k + kx) * cin + ci) * cout;
                                for (int co = 0; co < cout; co++) {
                                    acc[co] += xv * weights[wBase + co];
                                }
                            }
                        }
                    }
                    System.arraycopy(acc, 0, out, ((b * outH + oy) * outW + ox) * cout, cout);
                }
            }
        }
        return new Act(x.n(), outH, outW, cout, out);
    }

    /** tf.pad with zeros on H and W. */
    private static Act zeroPad(Act x, int before, int after) {
        int h = x.h() + before + after;
        int w = x.w() + before + after;
        double[] out = new double[x.n() * h * w * x.c()];
        for (int b = 0; b < x.n(); b++) {
            for (int y = 0; y < x.h(); y++) {
                for (int xx = 0; xx < x.w(); xx++) {
                    System.arraycopy(
                            x.v(),
                            ((b * x.h() + y) * x.w() + xx) * x.c(),
                            out,
                            ((b * h + y + before) * w + xx + before) * x.c(),
                            x.c());
                }
            }
        }
        return new Act(x.n(), h, w, x.c(), out);
    }

    /** max_pool2d with TF's SAME padding: the max over the window's positions inside the input. */
    private static Act maxPoolSame(Act x, int k, int stride) {
        if (k == 1 && stride == 1) {
            return x;
        }
        int outH = (x.h() + stride - 1) / stride;
        int outW = (x.w() + stride - 1) / stride;
        int padTop = Math.max((outH - 1) * stride + k - x.h(), 0) / 2;
        int padLeft = Math.max((outW - 1) * stride + k - x.w(), 0) / 2;
        double[] out = new double[x.n() * outH * outW * x.c()];
        for (int b = 0; b < x.n(); b++) {
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    for (int c = 0; c < x.c(); c++) {
                        double max = Double.NEGATIVE_INFINITY;
                        for (int ky = 0; ky < k; ky++) {
                            for (int kx = 0; kx < k; kx++) {
                                int iy = oy * stride + ky - padTop;
                                int ix = ox * stride + kx - padLeft;
                                if (iy >= 0 && ix >= 0 && iy < x.h() && ix < x.w()) {
                                    max = Math.max(max, x.get(b, iy, ix, c));
                                }
                            }
                        }
                        out[((b * outH + oy) * outW + ox) * x.c() + c] = max;
                    }
                }
            }
        }
        return new Act(x.n(), outH, outW, x.c(), out);
    }

    /** reduce_mean over H and W, keep_dims. */
    private static Act mean(Act x) {
        double[] out = new double[x.n() * x.c()];
        for (int b = 0; b < x.n(); b++) {
            for (int y = 0; y < x.h(); y++) {
                for (int xx = 0; xx < x.w(); xx++) {
                    for (int c = 0; c < x.c(); c++) {
                        out[b * x.c() + c] += x.get(b, y, xx, c) / (x.h() * x.w());
                    }
                }
            }
        }
        return new Act(x.n(), 1, 1, x.c(), out);
    }

    private static Act softmax(Act logits) {
        int c = logits.c();
        double[] out = new double[logits.v().length];
        for (int b = 0; b < logits.n(); b++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < c; i++) {
                max = Math.max(max, logits.v()[b * c + i]);
            }
            double z = 0;
            for (int i = 0; i < c; i++) {
                z += Math.exp(logits.v()[b * c + i] - max);
            }
            for (int i = 0; i < c; i++) {
                out[b * c + i] = Math.exp(logits.v()[b * c + i] - max) / z;
            }
        }
        return new Act(logits.n(), 1, 1, c, out);
    }
}
