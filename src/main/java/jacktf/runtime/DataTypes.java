package jacktf.runtime;

import java.util.Locale;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TType;

/**
 * TensorFlow dtypes in their three forms, in one place: the proto enum a file or an op attribute
 * holds, the TF Java tensor class, and the name people type ({@code float32}, {@code int64}, ...).
 */
public final class DataTypes {
    private DataTypes() {}

    /** The proto dtype of a TF Java tensor class. */
    public static DataType of(Class<? extends TType> type) {
        for (DataType t : DataType.values()) {
            if (t != DataType.UNRECOGNIZED && t != DataType.DT_INVALID && isSupported(t) && tensorClass(t) == type) {
                return t;
            }
        }
        throw new IllegalArgumentException("No TensorFlow dtype for " + type.getSimpleName());
    }

    /** Whether {@link #tensorClass} knows {@code type}. */
    public static boolean isSupported(DataType type) {
        return switch (type) {
            case DT_FLOAT, DT_DOUBLE, DT_INT32, DT_INT64, DT_BOOL, DT_UINT8, DT_STRING, DT_HALF, DT_BFLOAT16 -> true;
            default -> false;
        };
    }

    /** The TF Java tensor class of a proto dtype. */
    public static Class<? extends TType> tensorClass(DataType type) {
        return switch (type) {
            case DT_FLOAT -> TFloat32.class;
            case DT_DOUBLE -> TFloat64.class;
            case DT_INT32 -> TInt32.class;
            case DT_INT64 -> TInt64.class;
            case DT_BOOL -> TBool.class;
            case DT_UINT8 -> TUint8.class;
            case DT_STRING -> TString.class;
            case DT_HALF -> TFloat16.class;
            case DT_BFLOAT16 -> TBfloat16.class;
            default ->
                throw new IllegalArgumentException("jacktf handles no tensors of dtype " + name(type)
                        + "; supported: float32, float64, int32, int64, bool, uint8, string, float16, bfloat16");
        };
    }

    /** The name Python's {@code tf.dtypes} uses: {@code float32}, {@code int64}, {@code string}, ... */
    public static String name(DataType type) {
        return switch (type) {
            case DT_FLOAT -> "float32";
            case DT_DOUBLE -> "float64";
            case DT_HALF -> "float16";
            default ->
                type.name().startsWith("DT_")
                        ? type.name().substring(3).toLowerCase(Locale.ROOT)
                        : type.name().toLowerCase(Locale.ROOT);
        };
    }

    /** Bytes per element of a fixed-size type; -1 for strings and other variable-size types. */
    public static int size(DataType type) {
        return switch (type) {
            case DT_BOOL, DT_INT8, DT_UINT8, DT_QINT8, DT_QUINT8 -> 1;
            case DT_INT16, DT_UINT16, DT_HALF, DT_BFLOAT16, DT_QINT16, DT_QUINT16 -> 2;
            case DT_FLOAT, DT_INT32, DT_UINT32, DT_QINT32 -> 4;
            case DT_DOUBLE, DT_INT64, DT_UINT64, DT_COMPLEX64 -> 8;
            case DT_COMPLEX128 -> 16;
            default -> -1;
        };
    }
}
