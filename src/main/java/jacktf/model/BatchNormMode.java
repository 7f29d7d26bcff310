package jacktf.model;

/** How one BatchNorm layer normalises: with the batch's statistics or the moving ones. */
public enum BatchNormMode {
    /** Batch statistics; the moving averages get an update op (slim's {@code is_training=True}). */
    TRAINING,
    /** Moving statistics, left untouched (slim's {@code is_training=False}). */
    INFERENCE
}
