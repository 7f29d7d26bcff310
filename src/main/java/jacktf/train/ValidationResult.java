package jacktf.train;

/** Accuracy and loss of the validation split at a step. */
public record ValidationResult(long step, int examples, float accuracy, float crossEntropy) {}
