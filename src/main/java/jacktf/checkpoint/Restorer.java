package jacktf.checkpoint;

import jacktf.model.ModelGraph;
import jacktf.runtime.DataTypes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.train.Restore;
import org.tensorflow.types.family.TType;

/**
 * Runs a restore plan inside the graph: one RestoreV2 op reads every restored tensor and Assign
 * ops write them into the variables, so the weights never pass through Java. The Java reader
 * verifies every checksum first; TensorFlow's native reader only sees checked files.
 */
public final class Restorer {
    private Restorer() {}

    /** Checks the plan, verifies the checkpoint and restores; returns the number of variables restored. */
    public static int restore(Session session, ModelGraph graph, RestorePlan plan) {
        plan.check();
        List<RestorePlan.Item> items = plan.items(RestorePlan.Status.RESTORED);
        if (items.isEmpty()) {
            return 0;
        }
        plan.checkpoint()
                .verify(items.stream().map(RestorePlan.Item::checkpointName).toList());
        session.run(restoreOp(graph, plan.checkpoint().path().toString(), items));
        return items.size();
    }

    /** Restores every model variable, strictly: the checkpoint must hold all of them, matching. */
    public static int restoreModel(Session session, ModelGraph graph, Checkpoint checkpoint) {
        return restore(
                session,
                graph,
                RestorePlan.create(CheckpointVariable.modelVariables(graph), checkpoint, RestoreOptions.all()));
    }

    private static Op restoreOp(ModelGraph graph, String path, List<RestorePlan.Item> items) {
        Ops tf = graph.ops("restore");
        String[] names = items.stream().map(RestorePlan.Item::checkpointName).toArray(String[]::new);
        String[] slices = new String[names.length];
        Arrays.fill(slices, "");
        List<Class<? extends TType>> types = new ArrayList<>();
        for (RestorePlan.Item item : items) {
            types.add(DataTypes.tensorClass(item.target().dtype()));
        }
        Restore restored = tf.train.restore(
                tf.constant(path),
                tf.constant(NdArrays.vectorOfObjects(names)),
                tf.constant(NdArrays.vectorOfObjects(slices)),
                types);
        List<Op> assigns = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            assigns.add(assign(
                    tf, items.get(i).target().variable(), restored.tensors().get(i)));
        }
        return tf.withControlDependencies(assigns).noOp();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Op assign(Ops tf, Operand<?> variable, Operand<?> value) {
        return tf.assign((Operand) variable, (Operand) value, Assign.validateShape(true));
    }
}
