package jacktf.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The folding maths on a 1x1 convolution of two input and two output channels, worked out by hand. */
@Tag("numerics")
class BatchNormFoldingTest {
    // var + eps = 4 and 0.25 exactly (up to float rounding): sqrt = 2 and 0.5.
    private static final float EPS = BatchNormFolding.EPSILON;
    private static final float[] WEIGHTS = {2f, -1f, 0.5f, 3f}; // [1, 1, in=2, out=2]: w[in][out]
    private static final float[] GAMMA = {3f, 0.5f};
    private static final float[] BETA = {1f, -2f};
    private static final float[] MEAN = {0.5f, 1f};
    private static final float[] VARIANCE = {4f - EPS, 0.25f - EPS};

    @Test
    void foldsScaleIntoEachOutputChannelAndTheRestIntoABias() {
        BatchNormFolding.Folded f = BatchNormFolding.fold(WEIGHTS, GAMMA, BETA, MEAN, VARIANCE);
        // s = gamma / sqrt(var + eps) = {3 / 2, 0.5 / 0.5} = {1.5, 1}
        // w' = w * s per output channel: {2 * 1.5, -1 * 1, 0.5 * 1.5, 3 * 1}
        assertArrayEquals(new float[] {3f, -1f, 0.75f, 3f}, f.weights(), 1e-6f);
        // b' = beta - mean * s = {1 - 0.5 * 1.5, -2 - 1 * 1}
        assertArrayEquals(new float[] {0.25f, -3f}, f.biases(), 1e-6f);
    }

    @Test
    void theFoldedConvolutionGivesWhatBatchNormAfterTheConvolutionGives() {
        float[] x = {1f, 2f}; // one pixel, two input channels
        // conv: y[out] = sum_in x[in] * w[in][out] = {1*2 + 2*0.5, 1*(-1) + 2*3} = {3, 5}
        // BN:   gamma * (y - mean) / sqrt(var + eps) + beta = {3 * 2.5 / 2 + 1, 0.5 * 4 / 0.5 - 2} = {4.75, 2}
        float[] expected = {4.75f, 2f};
        BatchNormFolding.Folded f = BatchNormFolding.fold(WEIGHTS, GAMMA, BETA, MEAN, VARIANCE);
        for (int out = 0; out < 2; out++) {
            float y = f.biases()[out];
            for (int in = 0; in < 2; in++) {
                y += x[in] * f.weights()[in * 2 + out];
            }
            assertEquals(expected[out], y, 1e-5f, "output channel " + out);
        }
    }

    @Test
    void leavesItsInputsAlone() {
        float[] weights = WEIGHTS.clone();
        BatchNormFolding.fold(weights, GAMMA, BETA, MEAN, VARIANCE);
        assertArrayEquals(WEIGHTS, weights);
    }

    @Test
    void refusesStatisticsThatDoNotMatchTheOutputChannels() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> BatchNormFolding.fold(WEIGHTS, GAMMA, BETA, new float[] {0f}, VARIANCE));
        assertTrue(e.getMessage().contains("Received lengths 2, 2, 1, 2"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> BatchNormFolding.fold(new float[] {1f, 2f, 3f}, GAMMA, BETA, MEAN, VARIANCE));
        assertTrue(e.getMessage().contains("out = 2"), e.getMessage());
    }
}
