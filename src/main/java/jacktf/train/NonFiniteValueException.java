package jacktf.train;

import jacktf.config.JacktfException;

/**
 * {@code --check-numerics} found an Inf or NaN: the first op of the training step that produced one, its
 * scope and the step.
 */
public final class NonFiniteValueException extends JacktfException {
    private static final long serialVersionUID = 1L;

    private final String op;
    private final String opType;
    private final String scope;
    private final long step;

    NonFiniteValueException(String op, String opType, String scope, long step, String detail) {
        super("Step " + step + ": op '" + op + "' (" + opType + ") in scope '" + scope
                + "' produced a non-finite value (" + detail + "); it is the first op of the step to do so. "
                + "Nothing was saved from this step. If the scope is one layer, its inputs or weights overflow there: "
                + "lower learningRate (or add warmupSteps), or check the checkpoint's values for that layer.");
        this.op = op;
        this.opType = opType;
        this.scope = scope;
        this.step = step;
    }

    /** The op's full name, e.g. {@code resnet_v1_50/block1/unit_1/bottleneck_v1/conv1/Conv2D}. */
    public String op() {
        return op;
    }

    /** The op's type, e.g. {@code Conv2D}. */
    public String opType() {
        return opType;
    }

    /** The op's name scope: its name without the last part. */
    public String scope() {
        return scope;
    }

    /** The global step that produced the value. */
    public long step() {
        return step;
    }
}
