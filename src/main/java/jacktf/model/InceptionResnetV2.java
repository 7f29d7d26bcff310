package jacktf.model;

import jacktf.config.ConfigException;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TFloating;

/**
 * Inception-ResNet-v2 as slim's {@code nets/inception_resnet_v2.py} builds it, with its defaults
 * ({@code align_feature_maps=False}, so VALID where slim passes {@code padding}; {@code output_stride=16}):
 * the stem ({@code Conv2d_1a_3x3} ... {@code MaxPool_5a_3x3}, Inception-v3's but for a SAME
 * {@code Conv2d_2b_3x3}), {@code Mixed_5b}, {@code slim.repeat} of 10 {@code block35} at scale 0.17
 * ({@code Repeat/block35_1..10}), the reduction {@code Mixed_6a}, 20 {@code block17} at 0.10
 * ({@code Repeat_1/block17_N}; their output is {@code PreAuxLogits}), the reduction {@code Mixed_7a}, 9
 * {@code block8} at 0.20 ({@code Repeat_2/block8_N}) and one more {@code block8} at scale 1 without
 * activation under its default scope {@code Block8}, then {@code Conv2d_7b_1x1} (1536). Each residual block
 * concatenates its branches and projects them back with {@code Conv2d_1x1}, which has biases and no batch
 * norm, scales that and adds it to its input. {@code Logits}: an average pool over the whole map
 * ({@code AvgPool_1a_8x8}, {@code global_pool}), flatten, {@code Dropout} (keep 0.8), fully connected
 * {@code Logits}; {@code AuxLogits} on {@code PreAuxLogits}: 5x5/3 average pool, {@code Conv2d_1b_1x1} (128),
 * {@code Conv2d_2a_5x5} (768, VALID, its kernel the whole map: 5x5 at 299), flatten, fully connected
 * {@code Logits}. Batch norm per inception_resnet_v2_arg_scope (epsilon 1e-3, no gamma, decay 0.9997).
 */
final class InceptionResnetV2 extends ZooNetwork {
    /** slim's inception_resnet_v2. */
    record Type() implements NetworkType {
        @Override
        public String name() {
            return "inception_resnet_v2";
        }

        @Override
        public String scope() {
            return "InceptionResnetV2";
        }

        @Override
        public int defaultImageSize() {
            return 299;
        }

        /** The smallest input the VALID stem and both reductions leave a feature map for (75 to 1x1). */
        @Override
        public int minimumImageSize() {
            return 75;
        }

        @Override
        public Network build(NetworkOptions options) {
            return new InceptionResnetV2(this, options);
        }
    }

    static final Type INCEPTION_RESNET_V2 = new Type();

    private static final float DROPOUT_KEEP_PROB = 0.8f;
    private static final float AUX_LOSS_WEIGHT = 0.4f;
    private static final ZooLayers.Activation RELU = ZooLayers.Activation.RELU;

    /** The three residual blocks: the scale slim.repeat passes and the branches between concat and Conv2d_1x1. */
    private enum Kind {
        BLOCK35("block35", 0.17f),
        BLOCK17("block17", 0.10f),
        BLOCK8("block8", 0.20f);

        final String name;
        final float scale;

        Kind(String name, float scale) {
            this.name = name;
            this.scale = scale;
        }
    }

    private InceptionResnetV2(Type type, NetworkOptions options) {
        super(type, options);
    }

    @Override
    ZooLayers.ArgScope argScope() {
        return new ZooLayers.ArgScope(0.001f, false, options().batchNormDecayOr(0.9997f));
    }

    private static Operand<TFloating> conv(
            ZooLayers z, String scope, Operand<TFloating> x, int depth, int kh, int kw, int stride, String padding) {
        return z.convBn(scope, x, depth, kh, kw, stride, padding, RELU);
    }

    /** slim.conv2d under the base's arg scope: stride 1, SAME. */
    private static Operand<TFloating> conv(ZooLayers z, String scope, Operand<TFloating> x, int depth, int k) {
        return conv(z, scope, x, depth, k, k, 1, "SAME");
    }

    @Override
    Operand<TFloating> body(ZooLayers z, Operand<TFloating> images) {
        String r = scope() + "/";
        Operand<TFloating> net = put(z, "Conv2d_1a_3x3", conv(z, r + "Conv2d_1a_3x3", images, 32, 3, 3, 2, "VALID"));
        net = put(z, "Conv2d_2a_3x3", conv(z, r + "Conv2d_2a_3x3", net, 32, 3, 3, 1, "VALID"));
        net = put(z, "Conv2d_2b_3x3", conv(z, r + "Conv2d_2b_3x3", net, 64, 3));
        net = put(z, "MaxPool_3a_3x3", z.maxPool(r + "MaxPool_3a_3x3", net, 3, 2, "VALID"));
        net = put(z, "Conv2d_3b_1x1", conv(z, r + "Conv2d_3b_1x1", net, 80, 1, 1, 1, "VALID"));
        net = put(z, "Conv2d_4a_3x3", conv(z, r + "Conv2d_4a_3x3", net, 192, 3, 3, 1, "VALID"));
        net = put(z, "MaxPool_5a_3x3", z.maxPool(r + "MaxPool_5a_3x3", net, 3, 2, "VALID"));

        String s = r + "Mixed_5b";
        Operand<TFloating> b0 = conv(z, s + "/Branch_0/Conv2d_1x1", net, 96, 1);
        Operand<TFloating> b1 = conv(z, s + "/Branch_1/Conv2d_0a_1x1", net, 48, 1);
        b1 = conv(z, s + "/Branch_1/Conv2d_0b_5x5", b1, 64, 5);
        Operand<TFloating> b2 = conv(z, s + "/Branch_2/Conv2d_0a_1x1", net, 64, 1);
        b2 = conv(z, s + "/Branch_2/Conv2d_0b_3x3", b2, 96, 3);
        b2 = conv(z, s + "/Branch_2/Conv2d_0c_3x3", b2, 96, 3);
        Operand<TFloating> b3 = z.avgPool(s + "/Branch_3/AvgPool_0a_3x3", net, 3, 3, 1, "SAME");
        b3 = conv(z, s + "/Branch_3/Conv2d_0b_1x1", b3, 64, 1);
        net = put(z, "Mixed_5b", z.concat(s, List.of(b0, b1, b2, b3)));

        net = repeat(z, r + "Repeat", net, 10, Kind.BLOCK35);

        s = r + "Mixed_6a";
        b0 = conv(z, s + "/Branch_0/Conv2d_1a_3x3", net, 384, 3, 3, 2, "VALID");
        b1 = conv(z, s + "/Branch_1/Conv2d_0a_1x1", net, 256, 1);
        b1 = conv(z, s + "/Branch_1/Conv2d_0b_3x3", b1, 256, 3);
        b1 = conv(z, s + "/Branch_1/Conv2d_1a_3x3", b1, 384, 3, 3, 2, "VALID");
        b2 = z.maxPool(s + "/Branch_2/MaxPool_1a_3x3", net, 3, 2, "VALID");
        net = put(z, "Mixed_6a", z.concat(s, List.of(b0, b1, b2)));

        net = put(z, "PreAuxLogits", repeat(z, r + "Repeat_1", net, 20, Kind.BLOCK17));

        s = r + "Mixed_7a";
        b0 = conv(z, s + "/Branch_0/Conv2d_0a_1x1", net, 256, 1);
        b0 = conv(z, s + "/Branch_0/Conv2d_1a_3x3", b0, 384, 3, 3, 2, "VALID");
        b1 = conv(z, s + "/Branch_1/Conv2d_0a_1x1", net, 256, 1);
        b1 = conv(z, s + "/Branch_1/Conv2d_1a_3x3", b1, 288, 3, 3, 2, "VALID");
        b2 = conv(z, s + "/Branch_2/Conv2d_0a_1x1", net, 256, 1);
        b2 = conv(z, s + "/Branch_2/Conv2d_0b_3x3", b2, 288, 3);
        b2 = conv(z, s + "/Branch_2/Conv2d_1a_3x3", b2, 320, 3, 3, 2, "VALID");
        b3 = z.maxPool(s + "/Branch_3/MaxPool_1a_3x3", net, 3, 2, "VALID");
        net = put(z, "Mixed_7a", z.concat(s, List.of(b0, b1, b2, b3)));

        net = repeat(z, r + "Repeat_2", net, 9, Kind.BLOCK8);
        net = block(z, r + "Block8", net, Kind.BLOCK8, 1f, false);
        net = put(z, "Conv2d_7b_1x1", conv(z, r + "Conv2d_7b_1x1", net, 1536, 1));

        // slim averages over the whole map (AvgPool_1a_8x8 at 299) when its size is known, else reduce_mean
        long h = net.shape().get(1);
        long w = net.shape().get(2);
        Operand<TFloating> pooled;
        if (h > 0 && w > 0) {
            pooled = z.avgPool(r + "Logits/AvgPool_1a_8x8", net, (int) h, (int) w, 1, "VALID");
        } else {
            Ops tf = z.ops(r + "Logits");
            pooled = tf.withName("global_pool").math.mean(net, tf.constant(new int[] {1, 2}), Mean.keepDims(true));
        }
        return put(z, "global_pool", pooled);
    }

    /**
     * slim.repeat(net, n, blockN, scale): {@code n} blocks under {@code scope} (slim's default
     * {@code Repeat}, uniquified to {@code Repeat_1}, {@code Repeat_2}), named after the block function.
     */
    private static Operand<TFloating> repeat(ZooLayers z, String scope, Operand<TFloating> net, int n, Kind kind) {
        for (int i = 1; i <= n; i++) {
            net = block(z, scope + "/" + kind.name + "_" + i, net, kind, kind.scale, true);
        }
        return net;
    }

    /**
     * block35 / block17 / block8: the branches, concatenated; {@code Conv2d_1x1} back to the input's depth
     * with biases and neither batch norm nor activation; {@code net + scale * up}; ReLU unless {@code relu}
     * is false (the last block8).
     */
    private static Operand<TFloating> block(
            ZooLayers z, String s, Operand<TFloating> net, Kind kind, float scale, boolean relu) {
        List<Operand<TFloating>> branches =
                switch (kind) {
                    case BLOCK35 -> {
                        Operand<TFloating> b0 = conv(z, s + "/Branch_0/Conv2d_1x1", net, 32, 1);
                        Operand<TFloating> b1 = conv(z, s + "/Branch_1/Conv2d_0a_1x1", net, 32, 1);
                        b1 = conv(z, s + "/Branch_1/Conv2d_0b_3x3", b1, 32, 3);
                        Operand<TFloating> b2 = conv(z, s + "/Branch_2/Conv2d_0a_1x1", net, 32, 1);
                        b2 = conv(z, s + "/Branch_2/Conv2d_0b_3x3", b2, 48, 3);
                        b2 = conv(z, s + "/Branch_2/Conv2d_0c_3x3", b2, 64, 3);
                        yield List.of(b0, b1, b2);
                    }
                    case BLOCK17 -> {
                        Operand<TFloating> b0 = conv(z, s + "/Branch_0/Conv2d_1x1", net, 192, 1);
                        Operand<TFloating> b1 = conv(z, s + "/Branch_1/Conv2d_0a_1x1", net, 128, 1);
                        b1 = conv(z, s + "/Branch_1/Conv2d_0b_1x7", b1, 160, 1, 7, 1, "SAME");
                        b1 = conv(z, s + "/Branch_1/Conv2d_0c_7x1", b1, 192, 7, 1, 1, "SAME");
                        yield List.of(b0, b1);
                    }
                    case BLOCK8 -> {
                        Operand<TFloating> b0 = conv(z, s + "/Branch_0/Conv2d_1x1", net, 192, 1);
                        Operand<TFloating> b1 = conv(z, s + "/Branch_1/Conv2d_0a_1x1", net, 192, 1);
                        b1 = conv(z, s + "/Branch_1/Conv2d_0b_1x3", b1, 224, 1, 3, 1, "SAME");
                        b1 = conv(z, s + "/Branch_1/Conv2d_0c_3x1", b1, 256, 3, 1, 1, "SAME");
                        yield List.of(b0, b1);
                    }
                };
        Operand<TFloating> mixed = z.concat(s, branches);
        Operand<TFloating> up = z.convBias(
                s + "/Conv2d_1x1", mixed, (int) Layers.channels(net), 1, 1, 1, "SAME", ZooLayers.Activation.NONE);
        Ops tf = z.ops(s);
        Operand<TFloating> out = tf.math.add(net, tf.math.mul(up, constant(tf, scale, up)));
        return relu ? tf.nn.relu(out) : out;
    }

    /** {@code value} as a scalar of {@code like}'s type (the compute type under mixed precision). */
    private static Operand<TFloating> constant(Ops tf, float value, Operand<TFloating> like) {
        Operand<TFloat32> c = tf.constant(value);
        return TFloat32.class.equals(like.type()) ? Layers.cast(c) : tf.dtypes.cast(c, like.type());
    }

    private static Operand<TFloating> put(ZooLayers z, String key, Operand<TFloating> net) {
        z.endpoints().put(key, net);
        return net;
    }

    @Override
    public String auxLogitsScope() {
        return options().auxLogits() && numClasses() != null ? scope() + "/AuxLogits" : null;
    }

    @Override
    public float auxLossWeight() {
        return auxLogitsScope() == null ? 0f : AUX_LOSS_WEIGHT;
    }

    /**
     * slim's AuxLogits on PreAuxLogits: 5x5/3 VALID average pool (under the scope slim gives it,
     * {@code Conv2d_1a_3x3}), 1x1 (128), a VALID convolution as large as the map (768; named 5x5 whatever
     * its kernel), flatten, fully connected logits.
     */
    @Override
    Operand<TFloating> auxLogits(ZooLayers z, int numClasses) {
        String s = auxLogitsScope();
        Operand<TFloating> net = z.endpoints().get("PreAuxLogits");
        if (net.shape().get(1) < 5 || net.shape().get(2) < 5) {
            throw new ConfigException(
                    "auxLogits",
                    "false for images this small or of unknown size (PreAuxLogits is "
                            + net.shape().get(1) + "x" + net.shape().get(2) + ", AuxLogits pools 5x5; --no-aux-logits)",
                    true);
        }
        net = z.avgPool(s + "/Conv2d_1a_3x3", net, 5, 5, 3, "VALID");
        net = conv(z, s + "/Conv2d_1b_1x1", net, 128, 1);
        int kh = (int) net.shape().get(1);
        int kw = (int) net.shape().get(2);
        net = conv(z, s + "/Conv2d_2a_5x5", net, 768, kh, kw, 1, "VALID");
        Operand<TFloating> aux = z.fullyConnectedLogits(s + "/Logits", flatten(z, s, net), numClasses);
        z.endpoints().put("AuxLogits", aux);
        return aux;
    }

    /** slim.flatten of a [B, 1, 1, D] map: [B, D]. */
    private static Operand<TFloating> flatten(ZooLayers z, String scope, Operand<TFloating> x) {
        Ops tf = z.ops(scope + "/Flatten");
        return tf.reshape(x, tf.constant(new int[] {-1, (int) Layers.channels(x)}));
    }

    @Override
    public String logitsLayerScope() {
        return options().head() == Head.FC ? headScope() : slimHeadScope() + "/Logits";
    }

    @Override
    String slimHeadScope() {
        return scope() + "/Logits";
    }

    /** Flatten, Dropout (PreLogitsFlatten), fully connected Logits. */
    @Override
    Operand<TFloating> slimHead(ZooLayers z, Operand<TFloating> pooled, int numClasses) {
        Operand<TFloating> net = flatten(z, slimHeadScope(), pooled);
        net = z.dropout(slimHeadScope() + "/Dropout", net, DROPOUT_KEEP_PROB);
        z.endpoints().put("PreLogitsFlatten", net);
        Operand<TFloating> logits = z.fullyConnectedLogits(slimHeadScope() + "/Logits", net, numClasses);
        z.endpoints().put("Logits", logits);
        return logits;
    }
}
