package jacktf.model;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.types.family.TFloating;

/**
 * MobileNet-v1 as slim's {@code nets/mobilenet_v1.py} builds it: {@code Conv2d_0} (3x3/2), thirteen
 * depthwise-separable layers ({@code Conv2d_N_depthwise} then {@code Conv2d_N_pointwise}), each with batch
 * norm and ReLU6, then {@code Logits/AvgPool_1a}, {@code Dropout_1b} (keep 0.999) and the 1x1
 * {@code Logits/Conv2d_1c_1x1}. The depth multiplier thins every layer to {@code max(int(d * m), 8)}. Arg
 * scope: mobilenet_v1_arg_scope (batch norm epsilon 1e-3, scale, decay 0.9997; depthwise weights without
 * weight decay).
 */
final class MobileNetV1 extends ZooNetwork {
    /** slim's {@code Conv} / {@code DepthSepConv} tuples: a layer's kind, stride and depth (kernel 3x3). */
    record ConvDef(boolean separable, int stride, int depth) {}

    /** slim's {@code MOBILENETV1_CONV_DEFS}. */
    static final List<ConvDef> CONV_DEFS = List.of(
            new ConvDef(false, 2, 32),
            new ConvDef(true, 1, 64),
            new ConvDef(true, 2, 128),
            new ConvDef(true, 1, 128),
            new ConvDef(true, 2, 256),
            new ConvDef(true, 1, 256),
            new ConvDef(true, 2, 512),
            new ConvDef(true, 1, 512),
            new ConvDef(true, 1, 512),
            new ConvDef(true, 1, 512),
            new ConvDef(true, 1, 512),
            new ConvDef(true, 1, 512),
            new ConvDef(true, 2, 1024),
            new ConvDef(true, 1, 1024));

    /** A MobileNet-v1 at a depth multiplier, under nets_factory's name for it. */
    record Type(String name, float depthMultiplier) implements NetworkType {
        @Override
        public String scope() {
            return "MobilenetV1";
        }

        @Override
        public int defaultImageSize() {
            return 224;
        }

        /** Told apart from the other depth multipliers by {@code Conv2d_0}'s depth. */
        @Override
        public boolean matches(java.util.Map<String, long[]> shapes) {
            long[] conv0 = shapes.get("MobilenetV1/Conv2d_0/weights");
            return conv0 != null && conv0[3] == Math.max((int) (32 * depthMultiplier), MIN_DEPTH);
        }

        @Override
        public Network build(NetworkOptions options) {
            return new MobileNetV1(this, options);
        }
    }

    static final Type MOBILENET_V1 = new Type("mobilenet_v1", 1.0f);
    static final Type MOBILENET_V1_075 = new Type("mobilenet_v1_075", 0.75f);
    static final Type MOBILENET_V1_050 = new Type("mobilenet_v1_050", 0.50f);
    static final Type MOBILENET_V1_025 = new Type("mobilenet_v1_025", 0.25f);

    private static final int MIN_DEPTH = 8;
    private static final float DROPOUT_KEEP_PROB = 0.999f;

    private final Type type;

    private MobileNetV1(Type type, NetworkOptions options) {
        super(type, options);
        this.type = type;
    }

    @Override
    ZooLayers.ArgScope argScope() {
        return new ZooLayers.ArgScope(0.001f, true, options().batchNormDecayOr(0.9997f));
    }

    private int depth(int d) {
        return Math.max((int) (d * type.depthMultiplier()), MIN_DEPTH);
    }

    /** mobilenet_v1_base, then the pooling of mobilenet_v1's Logits scope. */
    @Override
    Operand<TFloating> body(ZooLayers z, Operand<TFloating> images) {
        String root = scope();
        Operand<TFloating> net = images;
        for (int i = 0; i < CONV_DEFS.size(); i++) {
            ConvDef def = CONV_DEFS.get(i);
            String base = "Conv2d_" + i;
            if (!def.separable()) {
                net = z.convBn(
                        root + "/" + base,
                        net,
                        depth(def.depth()),
                        3,
                        def.stride(),
                        "SAME",
                        ZooLayers.Activation.RELU6);
                z.endpoints().put(base, net);
            } else {
                net = z.depthwiseBn(
                        root + "/" + base + "_depthwise", net, 3, def.stride(), "SAME", ZooLayers.Activation.RELU6);
                z.endpoints().put(base + "_depthwise", net);
                net = z.convBn(
                        root + "/" + base + "_pointwise",
                        net,
                        depth(def.depth()),
                        1,
                        1,
                        "SAME",
                        ZooLayers.Activation.RELU6);
                z.endpoints().put(base + "_pointwise", net);
            }
        }
        int[] kernel = ZooLayers.reducedKernel(net, 7, 7);
        net = z.avgPool(root + "/Logits/AvgPool_1a", net, kernel[0], kernel[1], 2, "VALID");
        z.endpoints().put("AvgPool_1a", net);
        return net;
    }

    @Override
    public String logitsLayerScope() {
        return options().head() == Head.FC ? headScope() : slimHeadScope() + "/Conv2d_1c_1x1";
    }

    @Override
    public String featureEndpoint() {
        return "AvgPool_1a";
    }

    @Override
    String slimHeadScope() {
        return scope() + "/Logits";
    }

    @Override
    Operand<TFloating> slimHead(ZooLayers z, Operand<TFloating> pooled, int numClasses) {
        String logitsScope = slimHeadScope();
        Operand<TFloating> net = z.dropout(logitsScope + "/Dropout_1b", pooled, DROPOUT_KEEP_PROB);
        net = z.logits(slimHeadScope() + "/Conv2d_1c_1x1", net, numClasses);
        Operand<TFloating> logits = z.spatialSqueeze(logitsScope, net);
        z.endpoints().put("Logits", logits);
        return logits;
    }
}
