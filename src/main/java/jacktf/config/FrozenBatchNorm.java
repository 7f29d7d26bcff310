package jacktf.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the batch norm layers of frozen (not trained) layers normalise during training. */
public enum FrozenBatchNorm {
    /**
     * On their moving statistics, left untouched: a frozen layer computes what the checkpoint
     * computed. jacktf's default, since short fine-tuning runs otherwise drift the statistics.
     */
    INFERENCE,
    /**
     * On the batch's statistics, updating the moving averages: slim's way, where {@code is_training}
     * is one switch for the whole network whatever {@code --trainable_scopes} says.
     */
    TRAIN;

    /** The mode named as the flag names it ({@code inference} or {@code train}, case-insensitive). */
    public static FrozenBatchNorm byName(String name) {
        for (FrozenBatchNorm t : values()) {
            if (t.toString().equals(name.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new JacktfException("Unknown frozen batch norm mode '" + name + "'. Valid: " + names());
    }

    /** The valid names, comma-separated. */
    public static String names() {
        return Arrays.stream(values()).map(FrozenBatchNorm::toString).collect(Collectors.joining(", "));
    }

    /** The name as the flag takes it. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
