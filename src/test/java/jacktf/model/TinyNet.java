package jacktf.model;

import java.util.List;

/**
 * A ResNet-v1 small enough that a training step takes milliseconds, with every structural case of
 * resnet_v1_50: a block of two units, projection shortcuts, an identity shortcut that subsamples
 * (block3 keeps block2's depth), strided and unstrided blocks. Tests of mechanics (freezing,
 * optimizers, restore plans, resume, cluster sync) use it; a few end-to-end tests keep the real net.
 */
public final class TinyNet {
    /** {@code resnet_v1_tiny}: blocks of depth 16 (2 units), 32, 32, 64; strides 2, 2, 2, 1. */
    public static final Architecture ARCHITECTURE = Architecture.of(
            "resnet_v1_tiny",
            List.of(
                    new Block("block1", 4, 2, 2),
                    new Block("block2", 8, 1, 2),
                    new Block("block3", 8, 1, 2),
                    new Block("block4", 16, 1, 1)));

    /** The variable scope, {@code resnet_v1_tiny}. */
    public static final String SCOPE = ARCHITECTURE.scope();

    private TinyNet() {}
}
