package jacktf.train;

/**
 * Accuracy and loss of the validation split at a step.
 *
 * @param step the global step of the weights evaluated
 * @param examples validation images that decoded and ran
 * @param accuracy fraction classified correctly
 * @param crossEntropy mean softmax cross-entropy (no label smoothing)
 */
public record ValidationResult(long step, int examples, float accuracy, float crossEntropy) {}
