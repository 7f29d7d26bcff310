package jacktf.model;

import jacktf.config.JacktfException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A ResNet-v1 as TF-Slim's {@code resnet_v1(inputs, blocks)} takes it: a variable scope and a short
 * list of blocks. The three of {@code nets/resnet_v1.py} are constants; {@link #of} builds any other
 * (a tiny one makes tests of training mechanics take seconds).
 *
 * @param scope the variable scope, e.g. {@code resnet_v1_50}: also the name users type
 * @param blocks the blocks in order, each a list of bottleneck units
 */
public record Architecture(String scope, List<Block> blocks) implements NetworkType {
    /** slim's {@code resnet_v1_50}: 3, 4, 6, 3 units. */
    public static final Architecture RESNET_V1_50 = slim("resnet_v1_50", 3, 4, 6, 3);
    /** slim's {@code resnet_v1_101}: 3, 4, 23, 3 units. */
    public static final Architecture RESNET_V1_101 = slim("resnet_v1_101", 3, 4, 23, 3);
    /** slim's {@code resnet_v1_152}: 3, 8, 36, 3 units. */
    public static final Architecture RESNET_V1_152 = slim("resnet_v1_152", 3, 8, 36, 3);

    private static final List<Architecture> SLIM = List.of(RESNET_V1_50, RESNET_V1_101, RESNET_V1_152);

    /** Checks the scope (one path segment) and the blocks (at least one, distinct scopes). */
    public Architecture {
        Objects.requireNonNull(scope, "scope");
        if (scope.isBlank() || scope.contains("/")) {
            throw new JacktfException("An architecture's scope is one name without '/', such as resnet_v1_50. "
                    + "Received: '" + scope + "'");
        }
        blocks = List.copyOf(blocks);
        if (blocks.isEmpty()) {
            throw new JacktfException("Architecture " + scope + " needs at least one block");
        }
        Set<String> seen = new HashSet<>();
        for (Block b : blocks) {
            if (!seen.add(b.scope())) {
                throw new JacktfException("Architecture " + scope + " has two blocks named " + b.scope());
            }
        }
    }

    /** Any ResNet-v1 under {@code scope}, e.g. a tiny one for tests. */
    public static Architecture of(String scope, List<Block> blocks) {
        return new Architecture(scope, blocks);
    }

    /**
     * The layout of slim's four-block nets: blocks of base depth 64, 128, 256, 512 with the given
     * numbers of units, strided by 2 at the end of every block but the last.
     */
    public static Architecture slim(String scope, int units1, int units2, int units3, int units4) {
        return new Architecture(
                scope,
                List.of(
                        new Block("block1", 64, units1, 2),
                        new Block("block2", 128, units2, 2),
                        new Block("block3", 256, units3, 2),
                        new Block("block4", 512, units4, 1)));
    }

    /** The three networks of slim's {@code nets/resnet_v1.py}. */
    public static List<Architecture> slimNetworks() {
        return SLIM;
    }

    /** One of slim's networks by scope ({@code resnet_v1_50}, case-insensitive). */
    public static Architecture byName(String name) {
        for (Architecture a : SLIM) {
            if (a.scope.equals(name.toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new JacktfException("Unknown model '" + name + "'. Valid models: " + names());
    }

    /** The scopes of slim's networks, comma-separated, for messages and help texts. */
    public static String names() {
        return SLIM.stream().map(Architecture::scope).collect(Collectors.joining(", "));
    }

    /** The scope is the name: slim's nets_factory names the ResNets by their scopes. */
    @Override
    public String name() {
        return scope;
    }

    /** 224, {@code resnet_v1.default_image_size}. */
    @Override
    public int defaultImageSize() {
        return 224;
    }

    /** A checkpoint holds this ResNet-v1 when it has its {@code conv1/weights}. */
    @Override
    public boolean matches(java.util.Map<String, long[]> shapes) {
        return shapes.containsKey(scope + "/conv1/weights");
    }

    @Override
    public ResNetV1 build(NetworkOptions options) {
        return ResNetV1.builder(this).options(options).build();
    }

    @Override
    public ResNetV1 build(Integer numClasses) {
        return ResNetV1.builder(this).numClasses(numClasses).build();
    }

    @Override
    public String toString() {
        return scope;
    }
}
