package jacktf.cluster;

import jacktf.model.ModelGraph;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TInt64;

/**
 * The ops by which the processes of a training cluster follow each other, built into every
 * worker's graph alike (TF shares them by name on the ps tasks): the chief's "variables are ready"
 * flag, its heartbeat, and the queue into which each worker reports that it completed.
 */
public final class Coordination {
    /** Whether the chief has initialised or restored the shared variables. */
    final Operand<TBool> chiefReady;
    /** Chief, last at start: resets the heartbeat and raises the ready flag. */
    final Op markChiefReady;
    /** Chief, every step: advances the heartbeat. */
    final Op chiefHeartbeat;
    /** The other workers, every step: the chief's heartbeat, which must move within the timeout. */
    final Operand<TInt64> chiefHeartbeatValue;
    /** Every worker that completed: tells each ps task so. */
    final Op reportCompleted;

    private Coordination(
            Operand<TBool> chiefReady,
            Op markChiefReady,
            Op chiefHeartbeat,
            Operand<TInt64> chiefHeartbeatValue,
            Op reportCompleted) {
        this.chiefReady = chiefReady;
        this.markChiefReady = markChiefReady;
        this.chiefHeartbeat = chiefHeartbeat;
        this.chiefHeartbeatValue = chiefHeartbeatValue;
        this.reportCompleted = reportCompleted;
    }

    /** Builds the coordination ops of {@code replicas}'s worker into {@code model}'s graph. */
    public static Coordination build(ModelGraph model, Replicas replicas) {
        Ops tf = model.ops("");
        // Not among the initializers: the chief sets it last, after restoring.
        Ops ready = model.placement().onParameterServer(model.ops(""), 0);
        Variable<TBool> flag = ready.withName("chief_ready").variable(Shape.scalar(), TBool.class);
        Variable<TInt64> heartbeat = ready.withName("chief_heartbeat").variable(Shape.scalar(), TInt64.class);
        Operand<TBool> chiefReady = tf.isVariableInitialized(flag);
        Op markChiefReady = tf.withControlDependencies(List.of(tf.assign(heartbeat, tf.constant(0L))))
                .assign(flag, tf.constant(true));
        Op chiefHeartbeat = tf.assignAdd(heartbeat, tf.constant(1L));
        Operand<TInt64> chiefHeartbeatValue = tf.identity(heartbeat);
        List<Op> reports = new ArrayList<>();
        for (int k = 0; k < replicas.cluster().ps().size(); k++) {
            reports.add(tf.io.queueEnqueue(
                    ClusterServer.workersDone(model.ops(""), k).handle(),
                    List.of(tf.constant(replicas.cluster().taskIndex()))));
        }
        Op reportCompleted =
                tf.withControlDependencies(reports).withName("report_completed").noOp();
        return new Coordination(chiefReady, markChiefReady, chiefHeartbeat, chiefHeartbeatValue, reportCompleted);
    }
}
