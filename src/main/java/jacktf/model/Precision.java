package jacktf.model;

import jacktf.config.JacktfException;
import java.util.Locale;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TFloating;

/**
 * Compute precision, and the one place of the mixed-precision rule (ARCHITECTURE.md, "Mixed precision"):
 * under {@link #BF16} convolutions and matmuls and their gradients compute in bfloat16, and so do the
 * activations between layers (ReLU, max pool, padding, residual adds); variables and their optimizer
 * updates, batch norm, the global mean pool, the logits, softmax and the loss stay float32. A convolution
 * whose input has an odd number of channels (the image's 3) stays float32 too ({@link #convolutionType}).
 */
public enum Precision {
    FP32(TFloat32.class),
    /** bfloat16 compute with float32 master weights (AMX/AVX-512 BF16 on recent CPUs). */
    BF16(TBfloat16.class);

    private final Class<? extends TFloating> computeType;

    Precision(Class<? extends TFloating> computeType) {
        this.computeType = computeType;
    }

    /** The dtype of the activations between layers, and of the convolutions and matmuls on them. */
    public Class<? extends TFloating> computeType() {
        return computeType;
    }

    /**
     * The dtype a convolution on {@code inputChannels} channels computes in: the compute type, but float32
     * for an odd channel count. oneDNN v3.5's bfloat16 convolutions (TF 2.18) pair input channels, and with
     * an odd count they return wrong values on AVX-512 CPUs, both with the native AVX512_BF16 kernels (large
     * garbage that changes run to run) and with bf16 emulated (ONEDNN_MAX_CPU_ISA=AVX512_CORE_VNNI: 45-60%
     * off, every run), while every even count measured agrees with float32 (BENCHMARKS.md, "bf16"). Such a
     * convolution is the stem on the RGB image: ~3% of resnet_v1_50's FLOPs.
     */
    public Class<? extends TFloating> convolutionType(long inputChannels) {
        return inputChannels % 2 == 1 ? TFloat32.class : computeType;
    }

    public static Precision byName(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new JacktfException("Unknown precision '" + name + "'. Valid: fp32, bf16");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
