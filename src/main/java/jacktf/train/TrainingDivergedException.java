package jacktf.train;

/** The loss became NaN or infinite; the last good checkpoint is kept untouched. */
public final class TrainingDivergedException extends RuntimeException {
  private final long step;

  public TrainingDivergedException(long step, float loss, String lastCheckpoint) {
    super("Training diverged at step " + step + ": loss = " + loss + ". Nothing was saved from this step; "
        + (lastCheckpoint == null ? "no checkpoint had been saved yet" : "the last good checkpoint is " + lastCheckpoint)
        + ". Lower --learning-rate (or add --warmup-steps) and rerun; training resumes from that checkpoint.");
    this.step = step;
  }

  public long step() {
    return step;
  }
}
