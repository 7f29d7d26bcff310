package jacktf.model;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.types.family.TFloating;

/**
 * VGG-16 and VGG-19 as slim's {@code nets/vgg.py} builds them: five stacks of 3x3 convolutions with biases
 * and ReLU ({@code conv1/conv1_1} ... as {@code slim.repeat} names them), each followed by a 2x2 max pool,
 * then the fully connected layers as convolutions: {@code fc6} (7x7 VALID, so the network runs at 224),
 * {@code dropout6}, {@code fc7} (1x1), {@code dropout7}, {@code fc8} (the logits). Dropout keeps 0.5 in
 * training. No batch norm.
 */
final class Vgg extends ZooNetwork {
    /** A VGG by scope and the number of convolutions of each of its five stacks. */
    record Type(String name, List<Integer> repeats) implements NetworkType {
        @Override
        public String scope() {
            return name;
        }

        @Override
        public int defaultImageSize() {
            return 224;
        }

        @Override
        public int minimumImageSize() {
            return 224;
        }

        @Override
        public Network build(NetworkOptions options) {
            return new Vgg(this, options);
        }
    }

    static final Type VGG_16 = new Type("vgg_16", List.of(2, 2, 3, 3, 3));
    static final Type VGG_19 = new Type("vgg_19", List.of(2, 2, 4, 4, 4));

    private static final int[] DEPTHS = {64, 128, 256, 512, 512};
    private static final float DROPOUT_KEEP_PROB = 0.5f;

    private final Type type;

    private Vgg(Type type, NetworkOptions options) {
        super(type, options);
        this.type = type;
    }

    /** VGG has no batch norm; the arg scope is never read. */
    @Override
    ZooLayers.ArgScope argScope() {
        return new ZooLayers.ArgScope(0.001f, true, options().batchNormDecayOr(0.997f));
    }

    @Override
    boolean collectsConvs() {
        return true;
    }

    @Override
    Operand<TFloating> body(ZooLayers z, Operand<TFloating> images) {
        String root = scope();
        Operand<TFloating> net = images;
        for (int stack = 1; stack <= 5; stack++) {
            String conv = root + "/conv" + stack;
            for (int i = 1; i <= type.repeats().get(stack - 1); i++) {
                net = z.convBias(
                        conv + "/conv" + stack + "_" + i,
                        net,
                        DEPTHS[stack - 1],
                        3,
                        3,
                        1,
                        "SAME",
                        ZooLayers.Activation.RELU);
            }
            String pool = root + "/pool" + stack;
            net = z.maxPool(pool, net, 2, 2, "VALID");
            z.endpoints().put(pool, net);
        }
        net = z.convBias(root + "/fc6", net, 4096, 7, 7, 1, "VALID", ZooLayers.Activation.RELU);
        net = z.dropout(root + "/dropout6", net, DROPOUT_KEEP_PROB);
        return z.convBias(root + "/fc7", net, 4096, 1, 1, 1, "SAME", ZooLayers.Activation.RELU);
    }

    @Override
    public String featureEndpoint() {
        return scope() + "/fc7";
    }

    @Override
    String slimHeadScope() {
        return scope() + "/fc8";
    }

    /** slim's VGG returns no softmax endpoint; jacktf adds {@code predictions} as for the ResNets. */
    @Override
    String predictionsKey() {
        return "predictions";
    }

    @Override
    Operand<TFloating> slimHead(ZooLayers z, Operand<TFloating> pooled, int numClasses) {
        Operand<TFloating> net = z.dropout(scope() + "/dropout7", pooled, DROPOUT_KEEP_PROB);
        net = z.logits(slimHeadScope(), net, numClasses);
        Operand<TFloating> logits =
                z.ops(slimHeadScope()).withName("squeezed").squeeze(net, org.tensorflow.op.core.Squeeze.axis(1L, 2L));
        z.endpoints().put(slimHeadScope(), logits);
        return logits;
    }
}
