package jacktf.model;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.family.TFloating;

/**
 * MobileNet-v2 as slim's {@code nets/mobilenet/mobilenet_v2.py} ({@code V2_DEF}) and
 * {@code mobilenet.py}/{@code conv_blocks.py} build it: {@code Conv} (3x3/2), seventeen expanded
 * convolutions ({@code expanded_conv}, {@code expanded_conv_1} ...: 1x1 {@code expand} by 6 but for the
 * first, 3x3 {@code depthwise}, linear 1x1 {@code project}, the input added back when stride and depth
 * allow), {@code Conv_1} (1x1, 1280), then {@code Logits}: global pool, {@code Dropout} (keep 0.8) and
 * {@code Conv2d_1c_1x1}. Every layer has batch norm (epsilon 1e-3, scale, decay 0.997) and ReLU6 but the
 * projections. The depth multiplier scales every layer's outputs, rounded to a multiple of 8.
 */
final class MobileNetV2 extends ZooNetwork {
    /** One op of {@code V2_DEF['spec']}: an expanded conv (or, {@code conv}, a plain one) of stride and depth. */
    record Op(boolean conv, int kernel, int stride, int depth, int expansion) {
        static Op conv(int kernel, int stride, int depth) {
            return new Op(true, kernel, stride, depth, 0);
        }

        static Op expanded(int stride, int depth, int expansion) {
            return new Op(false, 3, stride, depth, expansion);
        }
    }

    /** slim's {@code V2_DEF['spec']}. */
    static final List<Op> SPEC = List.of(
            Op.conv(3, 2, 32),
            Op.expanded(1, 16, 1),
            Op.expanded(2, 24, 6),
            Op.expanded(1, 24, 6),
            Op.expanded(2, 32, 6),
            Op.expanded(1, 32, 6),
            Op.expanded(1, 32, 6),
            Op.expanded(2, 64, 6),
            Op.expanded(1, 64, 6),
            Op.expanded(1, 64, 6),
            Op.expanded(1, 64, 6),
            Op.expanded(1, 96, 6),
            Op.expanded(1, 96, 6),
            Op.expanded(1, 96, 6),
            Op.expanded(2, 160, 6),
            Op.expanded(1, 160, 6),
            Op.expanded(1, 160, 6),
            Op.expanded(1, 320, 6),
            Op.conv(1, 1, 1280));

    /** A MobileNet-v2 at a depth multiplier, under nets_factory's name for it. */
    record Type(String name, float depthMultiplier) implements NetworkType {
        @Override
        public String scope() {
            return "MobilenetV2";
        }

        @Override
        public int defaultImageSize() {
            return 224;
        }

        /** Told apart by {@code Conv}'s depth: 32 at 1.0, 48 at 1.4. */
        @Override
        public boolean matches(java.util.Map<String, long[]> shapes) {
            long[] conv = shapes.get("MobilenetV2/Conv/weights");
            return conv != null && conv[3] == makeDivisible(32 * depthMultiplier, 8);
        }

        @Override
        public Network build(NetworkOptions options) {
            return new MobileNetV2(this, options);
        }
    }

    static final Type MOBILENET_V2 = new Type("mobilenet_v2", 1.0f);
    static final Type MOBILENET_V2_140 = new Type("mobilenet_v2_140", 1.4f);

    private static final float DROPOUT_KEEP_PROB = 0.8f;

    private final Type type;

    private MobileNetV2(Type type, NetworkOptions options) {
        super(type, options);
        this.type = type;
    }

    /**
     * slim's {@code _make_divisible}: {@code v} rounded to the nearest multiple of {@code divisor}, at least
     * {@code divisor}, and up by one more divisor should rounding lose over 10%.
     */
    static int makeDivisible(double v, int divisor) {
        int rounded = Math.max(divisor, (int) (v + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * v ? rounded + divisor : rounded;
    }

    @Override
    ZooLayers.ArgScope argScope() {
        return new ZooLayers.ArgScope(0.001f, true, options().batchNormDecayOr(0.997f));
    }

    /** mobilenet_base over V2_DEF, then the global pool of mobilenet's Logits scope. */
    @Override
    Operand<TFloating> body(ZooLayers z, Operand<TFloating> images) {
        String root = scope();
        Operand<TFloating> net = images;
        int convs = 0;
        int expanded = 0;
        for (int i = 0; i < SPEC.size(); i++) {
            Op op = SPEC.get(i);
            String layer = "layer_" + (i + 1);
            int depth = makeDivisible(op.depth() * type.depthMultiplier(), 8);
            if (op.conv()) {
                String scope = root + "/" + (convs++ == 0 ? "Conv" : "Conv_" + (convs - 1));
                net = z.convBn(scope, net, depth, op.kernel(), op.stride(), "SAME", ZooLayers.Activation.RELU6);
            } else {
                String scope = root + "/" + (expanded++ == 0 ? "expanded_conv" : "expanded_conv_" + (expanded - 1));
                net = expandedConv(z, scope, layer, net, op, depth);
            }
            z.endpoints().put(layer, net);
        }
        Ops tf = z.ops(root + "/Logits");
        Operand<TFloating> pooled =
                tf.withName("global_pool").math.mean(net, tf.constant(new int[] {1, 2}), Mean.keepDims(true));
        z.endpoints().put("global_pool", pooled);
        return pooled;
    }

    /** conv_blocks.expanded_conv: expand (when it widens), depthwise, linear projection, residual. */
    private Operand<TFloating> expandedConv(
            ZooLayers z, String scope, String layer, Operand<TFloating> input, Op op, int depth) {
        long inputDepth = Layers.channels(input);
        int inner = op.expansion() == 1 ? (int) inputDepth : makeDivisible(inputDepth * op.expansion(), 8);
        Operand<TFloating> net = input;
        if (inner > inputDepth) {
            net = z.convBn(scope + "/expand", net, inner, 1, 1, "SAME", ZooLayers.Activation.RELU6);
            z.endpoints().put(layer + "/expansion_output", net);
        }
        net = z.depthwiseBn(scope + "/depthwise", net, op.kernel(), op.stride(), "SAME", ZooLayers.Activation.RELU6);
        z.endpoints().put(layer + "/depthwise_output", net);
        net = z.convBn(scope + "/project", net, depth, 1, 1, "SAME", ZooLayers.Activation.NONE);
        if (op.stride() == 1 && inputDepth == depth) {
            net = z.ops(scope).math.add(net, input);
        }
        // mobilenet_base names every op of a layer's scope that ends in 'output': the block ends in
        // tf.identity(net, name='output'), after the residual (conv_blocks' projection_output is a dict
        // entry only, which mobilenet_base does not pass).
        z.endpoints().put(layer + "/output", net);
        return net;
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
        Operand<TFloating> net = z.dropout(slimHeadScope() + "/Dropout", pooled, DROPOUT_KEEP_PROB);
        net = z.logits(slimHeadScope() + "/Conv2d_1c_1x1", net, numClasses);
        Operand<TFloating> logits = z.ops(slimHeadScope()).squeeze(net, org.tensorflow.op.core.Squeeze.axis(1L, 2L));
        z.endpoints().put("Logits", logits);
        return logits;
    }
}
