package jacktf.model;

import jacktf.config.ConfigException;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.types.family.TFloating;

/**
 * Inception-v3 as slim's {@code nets/inception_v3.py} builds it: the VALID stem ({@code Conv2d_1a_3x3} ...
 * {@code MaxPool_5a_3x3}), the Mixed modules 5b-5d, 6a (reduction), 6b-6e (factorised 1x7/7x1), 7a
 * (reduction), 7b-7c (split 1x3/3x1), then {@code Logits}: average pool (8x8, smaller for small inputs),
 * {@code Dropout_1b} (keep 0.8), {@code Conv2d_1c_1x1}; and {@code AuxLogits} on {@code Mixed_6e}, whose
 * {@code Conv2d_2a_KxK} is named and shaped after the feature map (5x5 at 299). slim's own names are kept,
 * quirks included ({@code Mixed_5c/Branch_1/Conv_1_0c_5x5}, {@code Mixed_6a/Branch_0/Conv2d_1a_1x1} for a
 * 3x3 kernel, {@code Mixed_7b/Branch_1/Conv2d_0b_3x1}). Batch norm per inception_arg_scope (epsilon 1e-3, no
 * gamma, decay 0.9997).
 */
final class InceptionV3 extends ZooNetwork {
    /** slim's inception_v3. */
    record Type() implements NetworkType {
        @Override
        public String name() {
            return "inception_v3";
        }

        @Override
        public String scope() {
            return "InceptionV3";
        }

        @Override
        public int defaultImageSize() {
            return 299;
        }

        /** The smallest input the stem and both reductions leave a feature map for. */
        @Override
        public int minimumImageSize() {
            return 75;
        }

        @Override
        public Network build(NetworkOptions options) {
            return new InceptionV3(this, options);
        }
    }

    static final Type INCEPTION_V3 = new Type();

    private static final float DROPOUT_KEEP_PROB = 0.8f;
    private static final float AUX_LOSS_WEIGHT = 0.4f;
    private static final ZooLayers.Activation RELU = ZooLayers.Activation.RELU;

    private InceptionV3(Type type, NetworkOptions options) {
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

    private static Operand<TFloating> conv(ZooLayers z, String scope, Operand<TFloating> x, int depth, int k) {
        return conv(z, scope, x, depth, k, k, 1, "SAME");
    }

    @Override
    Operand<TFloating> body(ZooLayers z, Operand<TFloating> images) {
        String r = scope() + "/";
        Operand<TFloating> net = conv(z, r + "Conv2d_1a_3x3", images, 32, 3, 3, 2, "VALID");
        z.endpoints().put("Conv2d_1a_3x3", net);
        net = conv(z, r + "Conv2d_2a_3x3", net, 32, 3, 3, 1, "VALID");
        z.endpoints().put("Conv2d_2a_3x3", net);
        net = conv(z, r + "Conv2d_2b_3x3", net, 64, 3, 3, 1, "SAME");
        z.endpoints().put("Conv2d_2b_3x3", net);
        net = z.maxPool(r + "MaxPool_3a_3x3", net, 3, 2, "VALID");
        z.endpoints().put("MaxPool_3a_3x3", net);
        net = conv(z, r + "Conv2d_3b_1x1", net, 80, 1, 1, 1, "VALID");
        z.endpoints().put("Conv2d_3b_1x1", net);
        net = conv(z, r + "Conv2d_4a_3x3", net, 192, 3, 3, 1, "VALID");
        z.endpoints().put("Conv2d_4a_3x3", net);
        net = z.maxPool(r + "MaxPool_5a_3x3", net, 3, 2, "VALID");
        z.endpoints().put("MaxPool_5a_3x3", net);

        net = mixed5(z, r + "Mixed_5b", net, "Conv2d_0a_1x1", "Conv2d_0b_5x5", 32);
        net = mixed5(z, r + "Mixed_5c", net, "Conv2d_0b_1x1", "Conv_1_0c_5x5", 64);
        net = mixed5(z, r + "Mixed_5d", net, "Conv2d_0a_1x1", "Conv2d_0b_5x5", 64);

        String s = r + "Mixed_6a";
        Operand<TFloating> b0 = conv(z, s + "/Branch_0/Conv2d_1a_1x1", net, 384, 3, 3, 2, "VALID");
        Operand<TFloating> b1 = conv(z, s + "/Branch_1/Conv2d_0a_1x1", net, 64, 1);
        b1 = conv(z, s + "/Branch_1/Conv2d_0b_3x3", b1, 96, 3);
        b1 = conv(z, s + "/Branch_1/Conv2d_1a_1x1", b1, 96, 3, 3, 2, "VALID");
        Operand<TFloating> b2 = z.maxPool(s + "/Branch_2/MaxPool_1a_3x3", net, 3, 2, "VALID");
        net = z.concat(s, List.of(b0, b1, b2));
        z.endpoints().put("Mixed_6a", net);

        net = mixed6(z, r + "Mixed_6b", net, 128);
        net = mixed6(z, r + "Mixed_6c", net, 160);
        net = mixed6(z, r + "Mixed_6d", net, 160);
        net = mixed6(z, r + "Mixed_6e", net, 192);

        s = r + "Mixed_7a";
        b0 = conv(z, s + "/Branch_0/Conv2d_0a_1x1", net, 192, 1);
        b0 = conv(z, s + "/Branch_0/Conv2d_1a_3x3", b0, 320, 3, 3, 2, "VALID");
        b1 = conv(z, s + "/Branch_1/Conv2d_0a_1x1", net, 192, 1);
        b1 = conv(z, s + "/Branch_1/Conv2d_0b_1x7", b1, 192, 1, 7, 1, "SAME");
        b1 = conv(z, s + "/Branch_1/Conv2d_0c_7x1", b1, 192, 7, 1, 1, "SAME");
        b1 = conv(z, s + "/Branch_1/Conv2d_1a_3x3", b1, 192, 3, 3, 2, "VALID");
        b2 = z.maxPool(s + "/Branch_2/MaxPool_1a_3x3", net, 3, 2, "VALID");
        net = z.concat(s, List.of(b0, b1, b2));
        z.endpoints().put("Mixed_7a", net);

        net = mixed7(z, r + "Mixed_7b", net, "Conv2d_0b_3x1");
        net = mixed7(z, r + "Mixed_7c", net, "Conv2d_0c_3x1");

        int[] k = ZooLayers.reducedKernel(net, 8, 8);
        net = z.avgPool(r + "Logits/AvgPool_1a_" + k[0] + "x" + k[1], net, k[0], k[1], 2, "VALID");
        z.endpoints().put("AvgPool_1a", net);
        // slim's PreLogits follows Dropout_1b; in inference (and for the features) the two are the same.
        z.endpoints().put("PreLogits", net);
        return net;
    }

    /** Mixed_5b/5c/5d: 1x1; 1x1 then 5x5; 1x1, 3x3, 3x3; 3x3 average pool then 1x1 of {@code pool}. */
    private static Operand<TFloating> mixed5(
            ZooLayers z, String s, Operand<TFloating> net, String b1a, String b1b, int pool) {
        Operand<TFloating> b0 = conv(z, s + "/Branch_0/Conv2d_0a_1x1", net, 64, 1);
        Operand<TFloating> b1 = conv(z, s + "/Branch_1/" + b1a, net, 48, 1);
        b1 = conv(z, s + "/Branch_1/" + b1b, b1, 64, 5);
        Operand<TFloating> b2 = conv(z, s + "/Branch_2/Conv2d_0a_1x1", net, 64, 1);
        b2 = conv(z, s + "/Branch_2/Conv2d_0b_3x3", b2, 96, 3);
        b2 = conv(z, s + "/Branch_2/Conv2d_0c_3x3", b2, 96, 3);
        Operand<TFloating> b3 = z.avgPool(s + "/Branch_3/AvgPool_0a_3x3", net, 3, 3, 1, "SAME");
        b3 = conv(z, s + "/Branch_3/Conv2d_0b_1x1", b3, pool, 1);
        return put(z, s, z.concat(s, List.of(b0, b1, b2, b3)));
    }

    /** Mixed_6b-6e: factorised 7x7 convolutions of {@code mid} channels, 192 out of every branch. */
    private static Operand<TFloating> mixed6(ZooLayers z, String s, Operand<TFloating> net, int mid) {
        Operand<TFloating> b0 = conv(z, s + "/Branch_0/Conv2d_0a_1x1", net, 192, 1);
        Operand<TFloating> b1 = conv(z, s + "/Branch_1/Conv2d_0a_1x1", net, mid, 1);
        b1 = conv(z, s + "/Branch_1/Conv2d_0b_1x7", b1, mid, 1, 7, 1, "SAME");
        b1 = conv(z, s + "/Branch_1/Conv2d_0c_7x1", b1, 192, 7, 1, 1, "SAME");
        Operand<TFloating> b2 = conv(z, s + "/Branch_2/Conv2d_0a_1x1", net, mid, 1);
        b2 = conv(z, s + "/Branch_2/Conv2d_0b_7x1", b2, mid, 7, 1, 1, "SAME");
        b2 = conv(z, s + "/Branch_2/Conv2d_0c_1x7", b2, mid, 1, 7, 1, "SAME");
        b2 = conv(z, s + "/Branch_2/Conv2d_0d_7x1", b2, mid, 7, 1, 1, "SAME");
        b2 = conv(z, s + "/Branch_2/Conv2d_0e_1x7", b2, 192, 1, 7, 1, "SAME");
        Operand<TFloating> b3 = z.avgPool(s + "/Branch_3/AvgPool_0a_3x3", net, 3, 3, 1, "SAME");
        b3 = conv(z, s + "/Branch_3/Conv2d_0b_1x1", b3, 192, 1);
        return put(z, s, z.concat(s, List.of(b0, b1, b2, b3)));
    }

    /** Mixed_7b/7c: 1x1; 1x1 split into 1x3 and 3x1 ({@code b1b3x1} names the latter); 1x1, 3x3, split; pool. */
    private static Operand<TFloating> mixed7(ZooLayers z, String s, Operand<TFloating> net, String b1b3x1) {
        Operand<TFloating> b0 = conv(z, s + "/Branch_0/Conv2d_0a_1x1", net, 320, 1);
        Operand<TFloating> b1 = conv(z, s + "/Branch_1/Conv2d_0a_1x1", net, 384, 1);
        b1 = z.concat(
                s + "/Branch_1",
                List.of(
                        conv(z, s + "/Branch_1/Conv2d_0b_1x3", b1, 384, 1, 3, 1, "SAME"),
                        conv(z, s + "/Branch_1/" + b1b3x1, b1, 384, 3, 1, 1, "SAME")));
        Operand<TFloating> b2 = conv(z, s + "/Branch_2/Conv2d_0a_1x1", net, 448, 1);
        b2 = conv(z, s + "/Branch_2/Conv2d_0b_3x3", b2, 384, 3);
        b2 = z.concat(
                s + "/Branch_2",
                List.of(
                        conv(z, s + "/Branch_2/Conv2d_0c_1x3", b2, 384, 1, 3, 1, "SAME"),
                        conv(z, s + "/Branch_2/Conv2d_0d_3x1", b2, 384, 3, 1, 1, "SAME")));
        Operand<TFloating> b3 = z.avgPool(s + "/Branch_3/AvgPool_0a_3x3", net, 3, 3, 1, "SAME");
        b3 = conv(z, s + "/Branch_3/Conv2d_0b_1x1", b3, 192, 1);
        return put(z, s, z.concat(s, List.of(b0, b1, b2, b3)));
    }

    private static Operand<TFloating> put(ZooLayers z, String scope, Operand<TFloating> net) {
        z.endpoints().put(scope.substring(scope.lastIndexOf('/') + 1), net);
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

    /** slim's AuxLogits on Mixed_6e: 5x5/3 average pool, 1x1 (128), KxK VALID (768), 1x1 logits. */
    @Override
    Operand<TFloating> auxLogits(ZooLayers z, int numClasses) {
        String s = auxLogitsScope();
        Operand<TFloating> net = z.endpoints().get("Mixed_6e");
        if (net.shape().get(1) < 5 || net.shape().get(2) < 5) {
            throw new ConfigException(
                    "auxLogits",
                    "false for images this small (Mixed_6e is " + net.shape().get(1) + "x"
                            + net.shape().get(2) + ", AuxLogits pools 5x5; --no-aux-logits)",
                    true);
        }
        net = z.avgPool(s + "/AvgPool_1a_5x5", net, 5, 5, 3, "VALID");
        net = conv(z, s + "/Conv2d_1b_1x1", net, 128, 1);
        int[] k = ZooLayers.reducedKernel(net, 5, 5);
        net = conv(z, s + "/Conv2d_2a_" + k[0] + "x" + k[1], net, 768, k[0], k[1], 1, "VALID");
        net = z.logits(s + "/Conv2d_2b_1x1", net, numClasses);
        Operand<TFloating> aux = z.spatialSqueeze(s, net);
        z.endpoints().put("AuxLogits", aux);
        return aux;
    }

    @Override
    public String featureEndpoint() {
        return "PreLogits";
    }

    @Override
    public String logitsLayerScope() {
        return options().head() == Head.FC ? headScope() : slimHeadScope() + "/Conv2d_1c_1x1";
    }

    @Override
    String slimHeadScope() {
        return scope() + "/Logits";
    }

    @Override
    Operand<TFloating> slimHead(ZooLayers z, Operand<TFloating> pooled, int numClasses) {
        Operand<TFloating> net = z.dropout(slimHeadScope() + "/Dropout_1b", pooled, DROPOUT_KEEP_PROB);
        net = z.logits(slimHeadScope() + "/Conv2d_1c_1x1", net, numClasses);
        Operand<TFloating> logits = z.spatialSqueeze(slimHeadScope(), net);
        z.endpoints().put("Logits", logits);
        return logits;
    }
}
