package jacktf.config;

/** slim's {@code --optimizer} choices, each applied with TF1's update rule and slot names. */
public enum OptimizerType {
    /** {@code tf.train.GradientDescentOptimizer}. */
    SGD,
    /** {@code tf.train.MomentumOptimizer}. */
    MOMENTUM,
    /** {@code tf.train.RMSPropOptimizer} (slim's default). */
    RMSPROP,
    /** {@code tf.train.AdamOptimizer}. */
    ADAM,
    /** {@code tf.train.AdagradOptimizer}. */
    ADAGRAD,
    /** {@code tf.train.AdadeltaOptimizer}. */
    ADADELTA,
    /** {@code tf.train.FtrlOptimizer}. */
    FTRL;

    /** The optimizer named as slim's flag names it ({@code rmsprop}, case-insensitive). */
    public static OptimizerType byName(String name) {
        return SlimNames.byName(OptimizerType.class, "optimizer", name);
    }

    /** The valid names, comma-separated. */
    public static String names() {
        return SlimNames.names(OptimizerType.class);
    }

    /** The name as slim's flag takes it. */
    @Override
    public String toString() {
        return SlimNames.of(this);
    }
}
