package jacktf.model;

/** Chooses the batch norm mode per layer, so a frozen part can run in inference mode while the rest trains. */
@FunctionalInterface
public interface BatchNormPolicy {

    BatchNormMode modeFor(String layerScope);

    static BatchNormPolicy training() {
        return layer -> BatchNormMode.TRAINING;
    }

    static BatchNormPolicy inference() {
        return layer -> BatchNormMode.INFERENCE;
    }

    /** Every batch norm folded into its convolution ({@link BatchNormMode#FOLDED}): a lean inference graph. */
    static BatchNormPolicy folded() {
        return layer -> BatchNormMode.FOLDED;
    }
}
