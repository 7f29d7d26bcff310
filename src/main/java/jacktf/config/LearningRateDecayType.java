package jacktf.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** slim's {@code --learning_rate_decay_type} choices, plus cosine. */
public enum LearningRateDecayType {
    /** The initial rate throughout. */
    FIXED,
    /** slim's {@code exponential_decay(staircase=True)} every {@code num_epochs_per_decay} epochs (slim's default). */
    EXPONENTIAL,
    /** slim's {@code polynomial_decay(power=1.0, cycle=False)} to the end rate over the run. */
    POLYNOMIAL,
    /** Half a cosine from the initial to the end rate over the run (not in slim). */
    COSINE;

    /** The type named as the flag names it ({@code exponential}, case-insensitive). */
    public static LearningRateDecayType byName(String name) {
        for (LearningRateDecayType t : values()) {
            if (t.toString().equals(name.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new JacktfException("Unknown learning rate decay type '" + name + "'. Valid: " + names());
    }

    /** The valid names, comma-separated. */
    public static String names() {
        return Arrays.stream(values()).map(LearningRateDecayType::toString).collect(Collectors.joining(", "));
    }

    /** The name as the flag takes it. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
