package jacktf.model;

/** What a model variable is for; decides trainability and weight decay. */
public enum VariableRole {
    WEIGHTS(true, true),
    /** A depthwise convolution's weights: the MobileNets' arg scopes leave them out of weight decay. */
    DEPTHWISE_WEIGHTS(true, false),
    BIASES(true, false),
    BN_GAMMA(true, false),
    BN_BETA(true, false),
    BN_MOVING_MEAN(false, false),
    BN_MOVING_VARIANCE(false, false);

    private final boolean trainable;
    private final boolean regularized;

    VariableRole(boolean trainable, boolean regularized) {
        this.trainable = trainable;
        this.regularized = regularized;
    }

    /** Whether slim puts it in TRAINABLE_VARIABLES (moving statistics are not). */
    public boolean trainable() {
        return trainable;
    }

    /** Whether slim's weight decay applies (conv and fc weights). */
    public boolean regularized() {
        return regularized;
    }
}
