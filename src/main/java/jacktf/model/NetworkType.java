package jacktf.model;

/**
 * A kind of network before its options are chosen: slim's nets_factory entry. {@link Networks} holds
 * slim's by name; {@link Architecture} is one for any ResNet-v1 (tiny ones for tests included).
 */
public interface NetworkType {

    /** slim's nets_factory name, e.g. {@code inception_v3}, {@code mobilenet_v1_050}. */
    String name();

    /** The variable scope of the network's variables, e.g. {@code InceptionV3}. */
    String scope();

    /** slim's {@code default_image_size} for the network. */
    int defaultImageSize();

    /**
     * Whether a checkpoint's variables (shapes by full name) are this network's: by default, whether any
     * lies under {@link #scope()}; networks that share a scope (MobileNet's depth multipliers) tell
     * themselves apart by a shape.
     */
    default boolean matches(java.util.Map<String, long[]> shapes) {
        String prefix = scope() + "/";
        return shapes.keySet().stream().anyMatch(n -> n.startsWith(prefix));
    }

    /** The smallest input it builds at: 32 (the total stride); VGG, whose fc6 is a 7x7 VALID conv, 224. */
    default int minimumImageSize() {
        return 32;
    }

    /**
     * The smallest input it builds at with its auxiliary logits: {@link #minimumImageSize()} unless it has some
     * (the Inceptions: their 5x5 pool needs a 5x5 map where they branch off).
     */
    default int minimumImageSizeWithAuxLogits() {
        return minimumImageSize();
    }

    /** The network with these options. */
    Network build(NetworkOptions options);

    /** The network with default options and {@code numClasses} (null: headless). */
    default Network build(Integer numClasses) {
        return build(NetworkOptions.defaults().withNumClasses(numClasses));
    }
}
