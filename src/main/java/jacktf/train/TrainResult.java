package jacktf.train;

import java.nio.file.Path;

/**
 * How a run ended.
 *
 * @param status completed, or cancelled before the last step
 * @param finalStep the global step reached
 * @param lastStep the last step's event, or null when no step ran
 * @param lastValidation the last validation, or null without a validation split (or on a non-chief worker)
 * @param checkpoint the last checkpoint written, or null (a non-chief worker writes none)
 */
public record TrainResult(
        Status status, long finalStep, StepEvent lastStep, ValidationResult lastValidation, Path checkpoint) {
    /** Why the run stopped. */
    public enum Status {
        COMPLETED,
        CANCELLED
    }
}
