package jacktf.model;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.types.family.TFloating;

/**
 * Inception-v1 (GoogLeNet) as slim's {@code nets/inception_v1.py} builds it: the stem
 * ({@code Conv2d_1a_7x7}, {@code MaxPool_2a_3x3}, {@code Conv2d_2b_1x1}, {@code Conv2d_2c_3x3},
 * {@code MaxPool_3a_3x3}), nine four-branch {@code Mixed} modules between max pools, then {@code Logits}:
 * {@code AvgPool_0a_7x7}, {@code Dropout_0b} (keep 0.8), {@code Conv2d_0c_1x1}. Convolutions and max pools
 * are SAME, stride 1 unless given; batch norm per inception_arg_scope (epsilon 1e-3, no scale, decay
 * 0.9997). The modules are data. Below 224 px the 7x7 average pool shrinks to the feature map (as
 * MobileNet's {@code _reduced_kernel_size_for_small_input}), so small sizes run; at 224 it is slim's.
 */
final class InceptionV1 extends ZooNetwork {
    /**
     * One Mixed module's depths: Branch_0 1x1; Branch_1 1x1 then 3x3; Branch_2 1x1 then 3x3 (named
     * {@code branch2b}: slim's Mixed_5b calls it {@code Conv2d_0a_3x3}); Branch_3 max pool then 1x1.
     */
    record Mixed(String name, int b0, int b1a, int b1b, int b2a, int b2b, String branch2b, int b3) {
        static Mixed of(String name, int b0, int b1a, int b1b, int b2a, int b2b, int b3) {
            return new Mixed(name, b0, b1a, b1b, b2a, b2b, "Conv2d_0b_3x3", b3);
        }
    }

    /** Null entries are the max pools between the module groups. */
    private static final List<Object> LAYERS = List.of(
            Mixed.of("Mixed_3b", 64, 96, 128, 16, 32, 32),
            Mixed.of("Mixed_3c", 128, 128, 192, 32, 96, 64),
            "MaxPool_4a_3x3",
            Mixed.of("Mixed_4b", 192, 96, 208, 16, 48, 64),
            Mixed.of("Mixed_4c", 160, 112, 224, 24, 64, 64),
            Mixed.of("Mixed_4d", 128, 128, 256, 24, 64, 64),
            Mixed.of("Mixed_4e", 112, 144, 288, 32, 64, 64),
            Mixed.of("Mixed_4f", 256, 160, 320, 32, 128, 128),
            "MaxPool_5a_2x2",
            new Mixed("Mixed_5b", 256, 160, 320, 32, 128, "Conv2d_0a_3x3", 128),
            Mixed.of("Mixed_5c", 384, 192, 384, 48, 128, 128));

    /** slim's inception_v1. */
    record Type() implements NetworkType {
        @Override
        public String name() {
            return "inception_v1";
        }

        @Override
        public String scope() {
            return "InceptionV1";
        }

        @Override
        public int defaultImageSize() {
            return 224;
        }

        @Override
        public Network build(NetworkOptions options) {
            return new InceptionV1(this, options);
        }
    }

    static final Type INCEPTION_V1 = new Type();

    private static final float DROPOUT_KEEP_PROB = 0.8f;
    private static final ZooLayers.Activation RELU = ZooLayers.Activation.RELU;

    private InceptionV1(Type type, NetworkOptions options) {
        super(type, options);
    }

    /** inception_utils.inception_arg_scope: epsilon 0.001, no gamma, decay 0.9997. */
    @Override
    ZooLayers.ArgScope argScope() {
        return new ZooLayers.ArgScope(0.001f, false, options().batchNormDecayOr(0.9997f));
    }

    @Override
    Operand<TFloating> body(ZooLayers z, Operand<TFloating> images) {
        String root = scope();
        Operand<TFloating> net = z.convBn(root + "/Conv2d_1a_7x7", images, 64, 7, 2, "SAME", RELU);
        z.endpoints().put("Conv2d_1a_7x7", net);
        net = z.maxPool(root + "/MaxPool_2a_3x3", net, 3, 2, "SAME");
        z.endpoints().put("MaxPool_2a_3x3", net);
        net = z.convBn(root + "/Conv2d_2b_1x1", net, 64, 1, 1, "SAME", RELU);
        z.endpoints().put("Conv2d_2b_1x1", net);
        net = z.convBn(root + "/Conv2d_2c_3x3", net, 192, 3, 1, "SAME", RELU);
        z.endpoints().put("Conv2d_2c_3x3", net);
        net = z.maxPool(root + "/MaxPool_3a_3x3", net, 3, 2, "SAME");
        z.endpoints().put("MaxPool_3a_3x3", net);
        for (Object layer : LAYERS) {
            if (layer instanceof Mixed m) {
                net = mixed(z, root + "/" + m.name(), net, m);
                z.endpoints().put(m.name(), net);
            } else {
                String pool = (String) layer;
                net = z.maxPool(root + "/" + pool, net, pool.endsWith("2x2") ? 2 : 3, 2, "SAME");
                z.endpoints().put(pool, net);
            }
        }
        int[] kernel = ZooLayers.reducedKernel(net, 7, 7);
        net = z.avgPool(root + "/Logits/AvgPool_0a_7x7", net, kernel[0], kernel[1], 1, "VALID");
        z.endpoints().put("AvgPool_0a_7x7", net);
        return net;
    }

    private static Operand<TFloating> mixed(ZooLayers z, String scope, Operand<TFloating> net, Mixed m) {
        Operand<TFloating> b0 = z.convBn(scope + "/Branch_0/Conv2d_0a_1x1", net, m.b0(), 1, 1, "SAME", RELU);
        Operand<TFloating> b1 = z.convBn(scope + "/Branch_1/Conv2d_0a_1x1", net, m.b1a(), 1, 1, "SAME", RELU);
        b1 = z.convBn(scope + "/Branch_1/Conv2d_0b_3x3", b1, m.b1b(), 3, 1, "SAME", RELU);
        Operand<TFloating> b2 = z.convBn(scope + "/Branch_2/Conv2d_0a_1x1", net, m.b2a(), 1, 1, "SAME", RELU);
        b2 = z.convBn(scope + "/Branch_2/" + m.branch2b(), b2, m.b2b(), 3, 1, "SAME", RELU);
        Operand<TFloating> b3 = z.maxPool(scope + "/Branch_3/MaxPool_0a_3x3", net, 3, 1, "SAME");
        b3 = z.convBn(scope + "/Branch_3/Conv2d_0b_1x1", b3, m.b3(), 1, 1, "SAME", RELU);
        return z.concat(scope, List.of(b0, b1, b2, b3));
    }

    @Override
    public String featureEndpoint() {
        return "AvgPool_0a_7x7";
    }

    @Override
    public String logitsLayerScope() {
        return options().head() == Head.FC ? headScope() : slimHeadScope() + "/Conv2d_0c_1x1";
    }

    @Override
    String slimHeadScope() {
        return scope() + "/Logits";
    }

    @Override
    Operand<TFloating> slimHead(ZooLayers z, Operand<TFloating> pooled, int numClasses) {
        Operand<TFloating> net = z.dropout(slimHeadScope() + "/Dropout_0b", pooled, DROPOUT_KEEP_PROB);
        net = z.logits(slimHeadScope() + "/Conv2d_0c_1x1", net, numClasses);
        Operand<TFloating> logits = z.spatialSqueeze(slimHeadScope(), net);
        z.endpoints().put("Logits", logits);
        return logits;
    }
}
