package jacktf.checkpoint;

import jacktf.model.ModelGraph;
import jacktf.model.ModelVariable;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;

/**
 * A graph variable as checkpoints see it: what a restore fills and a save writes (model variable,
 * optimizer slot, global step), by its checkpoint name.
 */
public record CheckpointVariable(String name, Shape shape, DataType dtype, Operand<?> variable) {

    public static CheckpointVariable of(ModelVariable v) {
        return new CheckpointVariable(v.name(), v.shape(), DataType.DT_FLOAT, v.variable());
    }

    /** Every model variable of a graph, in creation order. */
    public static List<CheckpointVariable> modelVariables(ModelGraph graph) {
        return graph.variables().variables().stream()
                .map(CheckpointVariable::of)
                .toList();
    }

    public static CheckpointVariable of(Operand<?> variable, DataType dtype) {
        return new CheckpointVariable(variable.op().name(), variable.shape(), dtype, variable);
    }
}
