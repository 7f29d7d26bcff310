package jacktf.model;

import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/** Java tensor classes to proto dtypes, for ops built by name. */
public final class TensorTypes {
  private TensorTypes() {}

  public static DataType dataType(Class<? extends TType> type) {
    if (type == TFloat32.class) {
      return DataType.DT_FLOAT;
    } else if (type == TInt64.class) {
      return DataType.DT_INT64;
    } else if (type == TInt32.class) {
      return DataType.DT_INT32;
    } else if (type == TFloat64.class) {
      return DataType.DT_DOUBLE;
    } else if (type == TBool.class) {
      return DataType.DT_BOOL;
    } else if (type == TString.class) {
      return DataType.DT_STRING;
    }
    throw new IllegalArgumentException("No dtype for " + type.getSimpleName());
  }
}
