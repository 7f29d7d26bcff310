package jacktf.model.zoo;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * TF's ops in plain Java, from their documented semantics, for the reference forward passes: naive
 * loops in double precision over NHWC arrays, weights as float32 in TF's layouts (conv HWIO,
 * depthwise [kh, kw, in, 1], fully connected [in, out]). Nothing here uses TF or jacktf.
 */
final class RefOps {
    private RefOps() {}

    /** An NHWC activation. */
    record Act(int n, int h, int w, int c, double[] v) {
        double get(int b, int y, int x, int ch) {
            return v[((b * h + y) * w + x) * c + ch];
        }

        Act copy() {
            return new Act(n, h, w, c, v.clone());
        }
    }

    enum Padding {
        SAME,
        VALID
    }

    /** Output size along one axis: SAME ceil(in / stride), VALID ceil((in - k + 1) / stride). */
    static int outSize(int in, int k, int stride, Padding p) {
        return p == Padding.SAME ? (in + stride - 1) / stride : (in - k) / stride + 1;
    }

    /** TF's SAME padding before the input: half the total, rounded down. */
    static int padBefore(int in, int k, int stride, Padding p) {
        if (p == Padding.VALID) {
            return 0;
        }
        int out = outSize(in, k, stride, p);
        return Math.max((out - 1) * stride + k - in, 0) / 2;
    }

    /** tf.nn.conv2d; input positions outside the array count as zeros. */
    static Act conv(Act x, float[] w, int kh, int kw, int cout, int stride, Padding p) {
        if (w.length != kh * kw * x.c() * cout) {
            throw new IllegalStateException(
                    "weights of " + w.length + " for " + kh + "x" + kw + "x" + x.c() + "x" + cout);
        }
        int outH = outSize(x.h(), kh, stride, p);
        int outW = outSize(x.w(), kw, stride, p);
        int padTop = padBefore(x.h(), kh, stride, p);
        int padLeft = padBefore(x.w(), kw, stride, p);
        int cin = x.c();
        double[] out = new double[x.n() * outH * outW * cout];
        double[] acc = new double[cout];
        for (int b = 0; b < x.n(); b++) {
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    Arrays.fill(acc, 0);
                    for (int ky = 0; ky < kh; ky++) {
                        int iy = oy * stride + ky - padTop;
                        if (iy < 0 || iy >= x.h()) {
                            continue;
                        }
                        for (int kx = 0; kx < kw; kx++) {
                            int ix = ox * stride + kx - padLeft;
                            if (ix < 0 || ix >= x.w()) {
                                continue;
                            }
                            int in = ((b * x.h() + iy) * x.w() + ix) * cin;
                            for (int ci = 0; ci < cin; ci++) {
                                double xv = x.v()[in + ci];
                                if (xv == 0) {
                                    continue;
                                }
                                int wBase = ((ky * kw + kx) * cin + ci) * cout;
                                for (int co = 0; co < cout; co++) {
                                    acc[co] += xv * w[wBase + co];
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

    /** tf.nn.depthwise_conv2d with channel multiplier 1: weights [k, k, c, 1]. */
    static Act depthwise(Act x, float[] w, int k, int stride, Padding p) {
        int c = x.c();
        if (w.length != k * k * c) {
            throw new IllegalStateException("depthwise weights of " + w.length + " for " + k + "x" + k + "x" + c);
        }
        int outH = outSize(x.h(), k, stride, p);
        int outW = outSize(x.w(), k, stride, p);
        int padTop = padBefore(x.h(), k, stride, p);
        int padLeft = padBefore(x.w(), k, stride, p);
        double[] out = new double[x.n() * outH * outW * c];
        for (int b = 0; b < x.n(); b++) {
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    int o = ((b * outH + oy) * outW + ox) * c;
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
                            int in = ((b * x.h() + iy) * x.w() + ix) * c;
                            int wBase = (ky * k + kx) * c;
                            for (int ch = 0; ch < c; ch++) {
                                out[o + ch] += x.v()[in + ch] * w[wBase + ch];
                            }
                        }
                    }
                }
            }
        }
        return new Act(x.n(), outH, outW, c, out);
    }

    /** tf.pad with zeros on H and W. */
    static Act zeroPad(Act x, int before, int after) {
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

    /**
     * Batch norm at inference, in place: gamma * (x - mean) / sqrt(variance + eps) + beta; gamma 1
     * when slim's batch norm has no scale.
     */
    static Act batchNorm(Act x, Map<String, float[]> values, String bnScope, double epsilon, boolean gamma) {
        float[] g = gamma ? value(values, bnScope + "/gamma") : null;
        float[] beta = value(values, bnScope + "/beta");
        float[] mean = value(values, bnScope + "/moving_mean");
        float[] var = value(values, bnScope + "/moving_variance");
        double[] v = x.v();
        int c = x.c();
        for (int i = 0; i < v.length; i++) {
            int ch = i % c;
            v[i] = (g == null ? 1 : g[ch]) * (v[i] - mean[ch]) / Math.sqrt(var[ch] + epsilon) + beta[ch];
        }
        return x;
    }

    static Act addBias(Act x, float[] biases) {
        double[] v = x.v();
        for (int i = 0; i < v.length; i++) {
            v[i] += biases[i % x.c()];
        }
        return x;
    }

    static Act relu(Act x) {
        double[] v = x.v();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.max(0, v[i]);
        }
        return x;
    }

    static Act relu6(Act x) {
        double[] v = x.v();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.min(6, Math.max(0, v[i]));
        }
        return x;
    }

    /** tf.nn.max_pool: the max over the window's positions inside the input. */
    static Act maxPool(Act x, int k, int stride, Padding p) {
        return pool(x, k, k, stride, p, true);
    }

    /**
     * tf.nn.avg_pool: the mean over the window's positions inside the input (SAME padding does not
     * count the padded positions).
     */
    static Act avgPool(Act x, int kh, int kw, int stride, Padding p) {
        return pool(x, kh, kw, stride, p, false);
    }

    private static Act pool(Act x, int kh, int kw, int stride, Padding p, boolean max) {
        int outH = outSize(x.h(), kh, stride, p);
        int outW = outSize(x.w(), kw, stride, p);
        if (outH < 1 || outW < 1) {
            throw new IllegalStateException("pool " + kh + "x" + kw + " on " + x.h() + "x" + x.w());
        }
        int padTop = padBefore(x.h(), kh, stride, p);
        int padLeft = padBefore(x.w(), kw, stride, p);
        double[] out = new double[x.n() * outH * outW * x.c()];
        for (int b = 0; b < x.n(); b++) {
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    for (int c = 0; c < x.c(); c++) {
                        double acc = max ? Double.NEGATIVE_INFINITY : 0;
                        int count = 0;
                        for (int ky = 0; ky < kh; ky++) {
                            for (int kx = 0; kx < kw; kx++) {
                                int iy = oy * stride + ky - padTop;
                                int ix = ox * stride + kx - padLeft;
                                if (iy >= 0 && ix >= 0 && iy < x.h() && ix < x.w()) {
                                    double v = x.get(b, iy, ix, c);
                                    acc = max ? Math.max(acc, v) : acc + v;
                                    count++;
                                }
                            }
                        }
                        out[((b * outH + oy) * outW + ox) * x.c() + c] = max ? acc : acc / count;
                    }
                }
            }
        }
        return new Act(x.n(), outH, outW, x.c(), out);
    }

    /** tf.concat on the channel axis. */
    static Act concat(List<Act> parts) {
        Act first = parts.get(0);
        int c = 0;
        for (Act a : parts) {
            if (a.n() != first.n() || a.h() != first.h() || a.w() != first.w()) {
                throw new IllegalStateException("concat of different spatial shapes");
            }
            c += a.c();
        }
        int pixels = first.n() * first.h() * first.w();
        double[] out = new double[pixels * c];
        int offset = 0;
        for (Act a : parts) {
            for (int i = 0; i < pixels; i++) {
                System.arraycopy(a.v(), i * a.c(), out, i * c + offset, a.c());
            }
            offset += a.c();
        }
        return new Act(first.n(), first.h(), first.w(), c, out);
    }

    /** a + scale * b, a new activation. */
    static Act add(Act a, Act b, double scale) {
        if (a.v().length != b.v().length) {
            throw new IllegalStateException("add of different shapes");
        }
        double[] out = new double[a.v().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.v()[i] + scale * b.v()[i];
        }
        return new Act(a.n(), a.h(), a.w(), a.c(), out);
    }

    /** reduce_mean over H and W, keep_dims. */
    static Act mean(Act x) {
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

    /** slim.fully_connected without activation on a [B, 1, 1, D] (or flattened) input. */
    static Act fullyConnected(Act x, float[] w, float[] biases) {
        int in = x.h() * x.w() * x.c();
        int outD = biases.length;
        double[] out = new double[x.n() * outD];
        for (int b = 0; b < x.n(); b++) {
            for (int i = 0; i < in; i++) {
                double xv = x.v()[b * in + i];
                for (int o = 0; o < outD; o++) {
                    out[b * outD + o] += xv * w[i * outD + o];
                }
            }
            for (int o = 0; o < outD; o++) {
                out[b * outD + o] += biases[o];
            }
        }
        return new Act(x.n(), 1, 1, outD, out);
    }

    /** Softmax over the channels of a [B, 1, 1, C] activation. */
    static Act softmax(Act logits) {
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

    static float[] value(Map<String, float[]> values, String name) {
        float[] v = values.get(name);
        if (v == null) {
            throw new IllegalStateException("no value for variable " + name);
        }
        return v;
    }
}
