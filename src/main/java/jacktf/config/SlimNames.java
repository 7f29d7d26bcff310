package jacktf.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The one way jacktf's choice enums ({@link OptimizerType}, {@link LearningRateDecayType},
 * {@link Preprocessing}, {@link FrozenBatchNorm}) are named: as slim's flags spell them, lower case.
 */
final class SlimNames {
    private SlimNames() {}

    /** The lower-case name of {@code value}, as slim's flag takes it. */
    static String of(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** The constant of {@code type} named {@code name} (case-insensitive); {@code what} names the kind in the error. */
    static <E extends Enum<E>> E byName(Class<E> type, String what, String name) {
        for (E e : type.getEnumConstants()) {
            if (of(e).equals(name.toLowerCase(Locale.ROOT))) {
                return e;
            }
        }
        throw new JacktfException("Unknown " + what + " '" + name + "'. Valid: " + names(type));
    }

    /** The valid names of {@code type}, comma-separated. */
    static String names(Class<? extends Enum<?>> type) {
        return Arrays.stream(type.getEnumConstants()).map(SlimNames::of).collect(Collectors.joining(", "));
    }
}
