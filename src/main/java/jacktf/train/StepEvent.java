package jacktf.train;

/** What one training step measured. */
public record StepEvent(long step, double epoch, float totalLoss, float crossEntropy, float regularization,
    float accuracy, float learningRate, double secondsPerStep, double imagesPerSecond, long skippedImages) {}
