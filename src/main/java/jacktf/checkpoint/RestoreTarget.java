package jacktf.checkpoint;

import jacktf.model.ModelVariable;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/** A graph variable that a checkpoint can fill (model variable, optimizer slot, global step). */
public record RestoreTarget(String name, Shape shape, DataType dtype, Operand<?> variable) {

  public static RestoreTarget of(ModelVariable v) {
    return new RestoreTarget(v.name(), v.shape(), DataType.DT_FLOAT, v.variable());
  }

  /** Every model variable of a graph, in creation order. */
  public static java.util.List<RestoreTarget> modelVariables(jacktf.model.ModelGraph graph) {
    return graph.variables().variables().stream().map(RestoreTarget::of).toList();
  }

  public static RestoreTarget of(Operand<?> variable, DataType dtype) {
    return new RestoreTarget(variable.op().name(), variable.shape(), dtype, variable);
  }
}
