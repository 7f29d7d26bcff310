package jacktf.checkpoint;

import java.util.Locale;
import org.tensorflow.proto.DataType;

/** TensorFlow dtypes as people name them ({@code float32}, {@code int64}, {@code string}, ...). */
public final class DTypes {
  private DTypes() {}

  public static String name(DataType type) {
    return switch (type) {
      case DT_FLOAT -> "float32";
      case DT_DOUBLE -> "float64";
      case DT_HALF -> "float16";
      default -> type.name().startsWith("DT_")
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
