package jacktf.model;

import jacktf.config.JacktfException;
import java.util.Locale;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TFloating;

/** Compute precision of convolutions and matmuls; variables always stay float32. */
public enum Precision {
    FP32(TFloat32.class),
    /** bfloat16 compute with float32 master weights (AMX/AVX-512 BF16 on recent CPUs). */
    BF16(TBfloat16.class);

    private final Class<? extends TFloating> computeType;

    Precision(Class<? extends TFloating> computeType) {
        this.computeType = computeType;
    }

    public Class<? extends TFloating> computeType() {
        return computeType;
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
