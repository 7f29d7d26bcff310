package jacktf.train;

import java.nio.file.Path;

/** How a run ended. */
public record TrainResult(Status status, long finalStep, StepEvent lastStep, ValidationResult lastValidation,
    Path checkpoint) {
  /** Why the run stopped. */
  public enum Status { COMPLETED, CANCELLED }
}
