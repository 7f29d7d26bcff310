package jacktf.model;

/**
 * Batch norm in inference mode folded into the convolution before it. With the moving statistics fixed,
 * {@code BN(conv(x, w)) = gamma * (conv(x, w) - mean) / sqrt(variance + eps) + beta} is one convolution and a bias:
 * per output channel {@code c}, {@code w'[..., c] = w[..., c] * s[c]} and {@code b'[c] = beta[c] - mean[c] * s[c]}
 * with {@code s = gamma / sqrt(variance + eps)}. The graph side is {@link BatchNormMode#FOLDED}; the values come
 * from {@link #fold}.
 */
public final class BatchNormFolding {
    /** The name of the bias variable a folded convolution gets, as slim names a convolution's biases. */
    public static final String BIASES = "biases";

    /**
     * The epsilon the unfolded graph's batch norm adds to the variance: 1.001e-5, what slim's fused batch norm really
     * uses for resnet_arg_scope's 1e-5 (TF raises any epsilon below cuDNN's minimum to it).
     */
    public static final float EPSILON = Layers.BATCH_NORM_EPSILON;

    private BatchNormFolding() {}

    /** The scope of the batch norm that follows the convolution in {@code convScope}, as slim names it. */
    public static String batchNormScope(String convScope) {
        return convScope + "/BatchNorm";
    }

    /**
     * A convolution's weights and biases with its batch norm folded in.
     *
     * @param weights the folded weights, in the layout of the input ({@code [h, w, in, out]}, row-major)
     * @param biases the folded biases, one per output channel
     */
    public record Folded(float[] weights, float[] biases) {}

    /**
     * Folds a batch norm into the weights of the convolution before it. The scale is computed in double, so the only
     * rounding is the final one to float.
     *
     * @param weights the convolution's weights {@code [h, w, in, out]} flattened row-major: output channel fastest
     * @param gamma the batch norm's scale, one per output channel
     * @param beta the batch norm's offset
     * @param movingMean the batch norm's moving mean
     * @param movingVariance the batch norm's moving variance
     * @return new arrays; the inputs are left unchanged
     * @throws IllegalArgumentException if the per-channel arrays differ in length or the weights are not a whole
     *     number of output-channel rows
     */
    public static Folded fold(
            float[] weights, float[] gamma, float[] beta, float[] movingMean, float[] movingVariance) {
        return fold(weights, gamma, beta, movingMean, movingVariance, EPSILON);
    }

    /**
     * {@link #fold(float[], float[], float[], float[], float[])} for a batch norm with another epsilon (the
     * Inceptions' and MobileNets' 1e-3); a batch norm without scale has {@code gamma} all ones.
     */
    public static Folded fold(
            float[] weights, float[] gamma, float[] beta, float[] movingMean, float[] movingVariance, float epsilon) {
        int channels = gamma.length;
        if (channels == 0
                || beta.length != channels
                || movingMean.length != channels
                || movingVariance.length != channels) {
            throw new IllegalArgumentException("gamma, beta, moving_mean and moving_variance must have one value per "
                    + "output channel. Received lengths " + gamma.length + ", " + beta.length + ", "
                    + movingMean.length + ", " + movingVariance.length);
        }
        if (weights.length % channels != 0) {
            throw new IllegalArgumentException(
                    "weights of " + weights.length + " values are not [h, w, in, out] with out = " + channels);
        }
        double[] scale = new double[channels];
        float[] biases = new float[channels];
        for (int c = 0; c < channels; c++) {
            scale[c] = gamma[c] / Math.sqrt((double) movingVariance[c] + epsilon);
            biases[c] = (float) (beta[c] - movingMean[c] * scale[c]);
        }
        float[] folded = new float[weights.length];
        for (int i = 0; i < weights.length; i++) {
            folded[i] = (float) (weights[i] * scale[i % channels]);
        }
        return new Folded(folded, biases);
    }
}
