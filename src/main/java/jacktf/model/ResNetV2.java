package jacktf.model;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.family.TFloating;

/**
 * ResNet-v2 as slim's {@code nets/resnet_v2.py} builds it: root {@code conv1} (7x7/2, conv2d_same, biases,
 * no batch norm: the first unit's {@code preact} normalizes it), {@code pool1}, blocks of pre-activation
 * bottleneck units ({@code bottleneck_v2}), {@code postnorm}, global mean pool, {@code logits}. Blocks are
 * data, as for ResNet-v1 ({@link Architecture}). Arg scope: resnet_arg_scope (batch norm epsilon 1e-5,
 * scale, decay 0.997).
 */
final class ResNetV2 extends ZooNetwork {
    /** A ResNet-v2 by scope and blocks (slim's {@code resnet_v2_block}s). */
    record Type(String name, List<Block> blocks) implements NetworkType {
        @Override
        public String scope() {
            return name;
        }

        @Override
        public int defaultImageSize() {
            return 224;
        }

        @Override
        public Network build(NetworkOptions options) {
            return new ResNetV2(this, options);
        }
    }

    static final Type RESNET_V2_50 = new Type(
            "resnet_v2_50", Architecture.slim("resnet_v2_50", 3, 4, 6, 3).blocks());
    static final Type RESNET_V2_101 = new Type(
            "resnet_v2_101", Architecture.slim("resnet_v2_101", 3, 4, 23, 3).blocks());
    static final Type RESNET_V2_152 = new Type(
            "resnet_v2_152", Architecture.slim("resnet_v2_152", 3, 8, 36, 3).blocks());

    private final Type type;

    private ResNetV2(Type type, NetworkOptions options) {
        super(type, options);
        this.type = type;
    }

    @Override
    ZooLayers.ArgScope argScope() {
        return new ZooLayers.ArgScope(Layers.BATCH_NORM_EPSILON, true, options().batchNormDecayOr(0.997f));
    }

    @Override
    boolean collectsConvs() {
        return true;
    }

    @Override
    Operand<TFloating> body(ZooLayers z, Operand<TFloating> images) {
        String root = scope();
        Operand<TFloating> net = z.convBiasSame(root + "/conv1", images, 64, 7, 2);
        net = z.maxPool(root + "/pool1", net, 3, 2, "SAME");
        for (Block block : type.blocks()) {
            String blockScope = root + "/" + block.scope();
            List<Block.Unit> units = block.units();
            for (int i = 0; i < units.size(); i++) {
                net = bottleneck(z, blockScope + "/unit_" + (i + 1) + "/bottleneck_v2", net, units.get(i));
            }
            z.endpoints().put(blockScope, net);
        }
        net = z.batchNorm(root + "/postnorm", net, ZooLayers.Activation.RELU);
        Ops tf = z.ops(root);
        Operand<TFloating> pooled =
                tf.withName("pool5").math.mean(net, tf.constant(new int[] {1, 2}), Mean.keepDims(true));
        z.endpoints().put("global_pool", pooled);
        return pooled;
    }

    /** slim's bottleneck (v2): batch norm and ReLU before the convolutions; conv3 and shortcut with biases. */
    private Operand<TFloating> bottleneck(ZooLayers z, String scope, Operand<TFloating> x, Block.Unit unit) {
        Operand<TFloating> preact = z.batchNorm(scope + "/preact", x, ZooLayers.Activation.RELU);
        Operand<TFloating> shortcut = Layers.channels(x) == unit.depth()
                ? z.layers().subsample(scope + "/shortcut", x, unit.stride())
                : z.convBias(
                        scope + "/shortcut",
                        preact,
                        unit.depth(),
                        1,
                        1,
                        unit.stride(),
                        "SAME",
                        ZooLayers.Activation.NONE);
        Operand<TFloating> residual =
                z.convBn(scope + "/conv1", preact, unit.depthBottleneck(), 1, 1, "SAME", ZooLayers.Activation.RELU);
        residual = z.convBnSame(scope + "/conv2", residual, unit.depthBottleneck(), 3, unit.stride());
        residual = z.convBias(scope + "/conv3", residual, unit.depth(), 1, 1, 1, "SAME", ZooLayers.Activation.NONE);
        Operand<TFloating> output = z.ops(scope).math.add(shortcut, residual);
        z.endpoints().put(scope, output);
        return output;
    }

    @Override
    String slimHeadScope() {
        return scope() + "/logits";
    }

    @Override
    String predictionsKey() {
        return "predictions";
    }

    @Override
    Operand<TFloating> slimHead(ZooLayers z, Operand<TFloating> pooled, int numClasses) {
        Operand<TFloating> logits = z.logits(slimHeadScope(), pooled, numClasses);
        Operand<TFloating> squeezed = z.spatialSqueeze(scope(), logits);
        z.endpoints().put(scope() + "/spatial_squeeze", squeezed);
        return squeezed;
    }
}
