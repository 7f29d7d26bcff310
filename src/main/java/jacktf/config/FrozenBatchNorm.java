package jacktf.config;

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
        return SlimNames.byName(FrozenBatchNorm.class, "frozen batch norm mode", name);
    }

    /** The valid names, comma-separated. */
    public static String names() {
        return SlimNames.names(FrozenBatchNorm.class);
    }

    /** The name as the flag takes it. */
    @Override
    public String toString() {
        return SlimNames.of(this);
    }
}
