package jacktf.model;

import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/** A float32 model variable with slim's full name. */
public record ModelVariable(String name, Shape shape, VariableRole role, Variable<TFloat32> variable) {

    /** Whether this variable lies under {@code scope}, as {@link ScopeSet} decides. */
    public boolean isUnder(String scope) {
        return ScopeSet.of(scope).contains(name);
    }

    /** Shape as {@code tf.train.list_variables} prints it: comma-separated, empty for a scalar. */
    public String shapeString() {
        return Shapes.format(shape);
    }
}
