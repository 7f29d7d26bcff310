package jacktf.model;

import jacktf.config.JacktfException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * slim's networks by their {@code nets_factory} name ({@code networks_map}): the one registry
 * {@code --model}, the zoo table, the trainer and the benchmark look names up in.
 */
public final class Networks {
    private static final Map<String, NetworkType> BY_NAME = new LinkedHashMap<>();

    static {
        for (NetworkType t : List.<NetworkType>of(
                Architecture.RESNET_V1_50,
                Architecture.RESNET_V1_101,
                Architecture.RESNET_V1_152,
                ResNetV2.RESNET_V2_50,
                ResNetV2.RESNET_V2_101,
                ResNetV2.RESNET_V2_152,
                Vgg.VGG_16,
                Vgg.VGG_19,
                InceptionV1.INCEPTION_V1,
                InceptionV3.INCEPTION_V3,
                InceptionResnetV2.INCEPTION_RESNET_V2,
                MobileNetV1.MOBILENET_V1,
                MobileNetV1.MOBILENET_V1_075,
                MobileNetV1.MOBILENET_V1_050,
                MobileNetV1.MOBILENET_V1_025,
                MobileNetV2.MOBILENET_V2,
                MobileNetV2.MOBILENET_V2_140)) {
            BY_NAME.put(t.name(), t);
        }
    }

    private Networks() {}

    /** The network named {@code name} (nets_factory's spelling, case-insensitive). */
    public static NetworkType byName(String name) {
        return find(name)
                .orElseThrow(() -> new JacktfException("Unknown model '" + name + "'. Valid models: " + names()));
    }

    /** The network named {@code name}, if slim's nets_factory has it and jacktf builds it. */
    public static Optional<NetworkType> find(String name) {
        return Optional.ofNullable(name == null ? null : BY_NAME.get(name.toLowerCase(Locale.ROOT)));
    }

    /** Every registered network, in nets_factory's families' order. */
    public static List<NetworkType> all() {
        return List.copyOf(BY_NAME.values());
    }

    /** The names, comma-separated, for messages and help texts. */
    public static String names() {
        return String.join(", ", BY_NAME.keySet());
    }
}
