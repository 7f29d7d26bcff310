package jacktf.model;

/** How one BatchNorm layer normalises: with the batch's statistics, the moving ones, or folded away. */
public enum BatchNormMode {
    /** Batch statistics; the moving averages get an update op (slim's {@code is_training=True}). */
    TRAINING,
    /** Moving statistics, left untouched (slim's {@code is_training=False}). */
    INFERENCE,
    /**
     * Folded into the convolution before it: the layer has no BatchNorm variables and no batch-norm op, its
     * convolution gets a {@code biases} variable instead, and the caller assigns both from the checkpoint's values
     * through {@link BatchNormFolding} (what TF's {@code optimize_for_inference} did to a frozen graph). Inference only.
     */
    FOLDED
}
