package jacktf.checkpoint;

import jacktf.model.ModelGraph;
import jacktf.runtime.Sessions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * A child JVM for crash tests: resumes from the train dir's latest checkpoint, then keeps setting
 * every variable to the step number and saving, until it is killed.
 */
public final class SaveLoop {
    static final int VARIABLES = 4;
    static final long ELEMENTS = 2_000_000;

    public static void main(String[] args) throws Exception {
        Path trainDir = Path.of(args[0]);
        CheckpointSaver.removeTemporaries(trainDir);
        try (Graph g = new Graph()) {
            ModelGraph mg = ModelGraph.local(g);
            Ops tf = mg.ops("");
            Placeholder<TFloat32> value =
                    tf.withName("value").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
            List<CheckpointVariable> targets = new ArrayList<>();
            List<Op> assigns = new ArrayList<>();
            for (int i = 0; i < VARIABLES; i++) {
                Variable<TFloat32> v =
                        tf.withName("layer" + i + "_weights").variable(Shape.of(ELEMENTS), TFloat32.class);
                targets.add(CheckpointVariable.of(v, DataType.DT_FLOAT));
                assigns.add(tf.assign(v, tf.fill(tf.constant(new long[] {ELEMENTS}), value)));
            }
            Op setAll = tf.withControlDependencies(assigns).noOp();
            try (Session s = Sessions.open(g)) {
                long step = 0;
                var latest = CheckpointSaver.latest(trainDir);
                if (latest.isPresent()) {
                    try (Checkpoint c = Checkpoint.open(latest.get())) {
                        Restorer.restore(s, mg, RestorePlan.create(targets, c, RestoreOptions.all()));
                    }
                    try (Result r = s.runner().fetch(targets.get(0).variable()).run()) {
                        step = (long) ((TFloat32) r.get(0)).getFloat(0);
                    }
                    System.out.println("resumed " + step);
                }
                CheckpointSaver saver = new CheckpointSaver(mg, targets, trainDir, 3);
                while (true) {
                    step++;
                    try (TFloat32 t = TFloat32.scalarOf(step)) {
                        s.runner().feed(value, t).addTarget(setAll).run();
                    }
                    saver.save(s, step);
                    System.out.println("saved " + step);
                }
            }
        }
    }
}
