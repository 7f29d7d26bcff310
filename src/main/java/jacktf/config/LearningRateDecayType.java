package jacktf.config;

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
        return SlimNames.byName(LearningRateDecayType.class, "learning rate decay type", name);
    }

    /** The valid names, comma-separated. */
    public static String names() {
        return SlimNames.names(LearningRateDecayType.class);
    }

    /** The name as the flag takes it. */
    @Override
    public String toString() {
        return SlimNames.of(this);
    }
}
