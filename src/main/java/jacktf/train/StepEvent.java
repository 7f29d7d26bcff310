package jacktf.train;

/**
 * What one training step measured.
 *
 * @param step the global step after it
 * @param epoch passes over the training split so far (examples consumed by the whole job / split size)
 * @param totalLoss cross-entropy plus regularization
 * @param crossEntropy the batch's mean softmax cross-entropy (with label smoothing)
 * @param regularization the weight-decay term
 * @param accuracy the batch's training accuracy
 * @param learningRate the rate the step used
 * @param secondsPerStep wall time of the step
 * @param imagesPerSecond this process's images per second in the step
 * @param skippedImages training files that failed to decode so far
 */
public record StepEvent(
        long step,
        double epoch,
        float totalLoss,
        float crossEntropy,
        float regularization,
        float accuracy,
        float learningRate,
        double secondsPerStep,
        double imagesPerSecond,
        long skippedImages) {}
