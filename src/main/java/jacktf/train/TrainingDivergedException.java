package jacktf.train;

import jacktf.config.JacktfException;

/** The loss became NaN or infinite; the last good checkpoint is kept untouched. */
public final class TrainingDivergedException extends JacktfException {
    private static final long serialVersionUID = 1L;

    private final long step;

    /** Divergence detected at {@code step}; {@code lastCheckpoint} is the last good one, or null. */
    public TrainingDivergedException(long step, float loss, String lastCheckpoint) {
        super("Training diverged at step " + step + ": loss = " + loss + ". Nothing was saved from this step; "
                + (lastCheckpoint == null
                        ? "no checkpoint had been saved yet"
                        : "the last good checkpoint is " + lastCheckpoint)
                + ". Lower learningRate (or add warmupSteps) and rerun; training resumes from that checkpoint. "
                + "To find the op that first produced the Inf/NaN, rerun with --check-numerics (TrainConfig"
                + ".checkNumerics).");
        this.step = step;
    }

    /** The global step at which the loss was not finite. */
    public long step() {
        return step;
    }
}
