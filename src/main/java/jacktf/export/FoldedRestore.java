package jacktf.export;

import jacktf.checkpoint.Checkpoint;
import jacktf.checkpoint.CheckpointException;
import jacktf.model.BatchNormFolding;
import jacktf.model.ModelGraph;
import jacktf.model.ModelVariable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Gives the variables of a graph built with {@code BatchNormPolicy.folded()} their values: a folded
 * convolution's {@code weights} and {@code biases} come from the checkpoint's weights and batch-norm statistics
 * through {@link BatchNormFolding#fold}, every other variable (the logits) is the checkpoint's value. The values pass
 * through Java once, at export, and are fed to one assign per variable.
 */
final class FoldedRestore {
    private FoldedRestore() {}

    /** Assigns every model variable of {@code model}; returns how many convolutions were folded. */
    static int restore(Session session, ModelGraph model, Checkpoint checkpoint) {
        return restore(session, model, checkpoint, BatchNormFolding.EPSILON);
    }

    /**
     * As {@link #restore(Session, ModelGraph, Checkpoint)} for batch norms with {@code epsilon}. A convolution is
     * folded when the graph gave it biases and the checkpoint has its batch norm (depthwise convolutions and
     * stand-alone batch norms stay unfolded); a batch norm without {@code gamma} scales by one.
     */
    static int restore(Session session, ModelGraph model, Checkpoint checkpoint, float epsilon) {
        java.util.Set<String> inGraph = new java.util.HashSet<>();
        model.variables().variables().forEach(v -> inGraph.add(v.name()));
        Map<String, float[]> values = new HashMap<>();
        int folded = 0;
        for (ModelVariable v : model.variables().variables()) {
            if (values.containsKey(v.name())) {
                continue;
            }
            String scope = v.name().substring(0, v.name().lastIndexOf('/'));
            String batchNorm = BatchNormFolding.batchNormScope(scope);
            if (inGraph.contains(scope + "/" + BatchNormFolding.BIASES)
                    && inGraph.contains(scope + "/weights")
                    && checkpoint.find(batchNorm + "/moving_mean").isPresent()) {
                float[] beta = read(checkpoint, batchNorm + "/beta");
                float[] gamma;
                if (checkpoint.find(batchNorm + "/gamma").isPresent()) {
                    gamma = read(checkpoint, batchNorm + "/gamma");
                } else {
                    gamma = new float[beta.length];
                    java.util.Arrays.fill(gamma, 1f);
                }
                BatchNormFolding.Folded f = BatchNormFolding.fold(
                        read(checkpoint, scope + "/weights"),
                        gamma,
                        beta,
                        read(checkpoint, batchNorm + "/moving_mean"),
                        read(checkpoint, batchNorm + "/moving_variance"),
                        epsilon);
                values.put(scope + "/weights", f.weights());
                values.put(scope + "/" + BatchNormFolding.BIASES, f.biases());
                folded++;
            } else {
                values.put(v.name(), read(checkpoint, v.name()));
            }
        }
        Ops tf = model.ops("restore_folded");
        Session.Runner runner = session.runner();
        List<Tensor> fed = new ArrayList<>();
        List<Op> assigns = new ArrayList<>();
        try {
            for (ModelVariable v : model.variables().variables()) {
                float[] value = values.get(v.name());
                if (value == null || value.length != v.shape().size()) {
                    throw new CheckpointException(
                            checkpoint.path(),
                            "no value of shape " + v.shapeString() + " for " + v.name()
                                    + " of the folded graph; export without --optimize");
                }
                Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(v.shape()));
                assigns.add(tf.assign(v.variable(), in, Assign.validateShape(true)));
                TFloat32 t = TFloat32.tensorOf(v.shape(), DataBuffers.of(value, true, false));
                fed.add(t);
                runner.feed(in, t);
            }
            runner.addTarget(tf.withControlDependencies(assigns).noOp()).run();
        } finally {
            fed.forEach(Tensor::close);
        }
        return folded;
    }

    private static float[] read(Checkpoint checkpoint, String name) {
        if (checkpoint.find(name).isEmpty()) {
            throw new CheckpointException(
                    checkpoint.path(), "no " + name + ", which the folded graph needs; export without --optimize");
        }
        return checkpoint.read(name).floats();
    }
}
