package jacktf.model;

import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/** A float32 model variable with slim's full name. */
public record ModelVariable(String name, Shape shape, VariableRole role, Variable<TFloat32> variable) {

  public boolean isUnder(String scopePrefix) {
    return name.startsWith(scopePrefix);
  }

  /** Shape as {@code tf.train.list_variables} prints it: comma-separated, empty for a scalar. */
  public String shapeString() {
    return Shapes.format(shape);
  }
}
