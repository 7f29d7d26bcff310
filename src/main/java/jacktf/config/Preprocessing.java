package jacktf.config;

/**
 * slim's {@code --preprocessing_name} choices that jacktf implements: how an image becomes the
 * network's input, for training (augmented) and for evaluation, export and serving. A model is
 * trained, evaluated and served with one of them, so the train dir records it.
 */
public enum Preprocessing {
    /**
     * slim's {@code vgg_preprocessing}, which slim's {@code preprocessing_factory} maps every resnet_v1 to:
     * aspect-preserving resize and crop, RGB means subtracted (values roughly in [-124, 152]).
     */
    VGG,
    /**
     * slim's {@code inception_preprocessing} (fast mode): distorted bounding-box crop, flip, brightness
     * and saturation for training; central crop of 87.5% for evaluation; values in [-1, 1].
     */
    INCEPTION;

    /** The preprocessing named as slim's flag names it ({@code vgg} or {@code inception}, case-insensitive). */
    public static Preprocessing byName(String name) {
        return SlimNames.byName(Preprocessing.class, "preprocessing", name);
    }

    /** The valid names, comma-separated. */
    public static String names() {
        return SlimNames.names(Preprocessing.class);
    }

    /** The name as slim's flag takes it. */
    @Override
    public String toString() {
        return SlimNames.of(this);
    }
}
