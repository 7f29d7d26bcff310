package jacktf.testing;

import jacktf.model.BatchNormPolicy;
import jacktf.model.ModelGraph;
import jacktf.model.ResNetV1;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * Checkpoints written by TensorFlow's own saver ({@link Session#save}), not by jacktf's, so the
 * assertions are tested against files jacktf did not write.
 */
final class TfCheckpoints {
    /** A float32 tensor to write: its shape and row-major values. */
    record Values(long[] shape, float[] values) {}

    private TfCheckpoints() {}

    /** Writes the variables and returns the checkpoint prefix. */
    static Path write(Path prefix, Map<String, Values> variables) {
        try (Graph graph = new Graph();
                Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            Session.Runner init = session.runner();
            for (var e : variables.entrySet()) {
                Shape shape = Shape.of(e.getValue().shape());
                // Built by full name: a name scope like "w/" cannot be made next to a variable "w" through Ops.
                Variable<TFloat32> v = new Variable<>(graph.opBuilder(Variable.OP_NAME, e.getKey(), tf.scope())
                        .setAttr("shape", shape)
                        .setAttr("dtype", DataType.DT_FLOAT)
                        .build());
                init.addTarget(tf.assign(
                        v, tf.constant(shape, DataBuffers.of(e.getValue().values()))));
            }
            init.run();
            session.save(prefix.toString());
        }
        return prefix;
    }

    /** One variable. */
    static Map<String, Values> of(String name, long[] shape, float[] values) {
        Map<String, Values> m = new LinkedHashMap<>();
        m.put(name, new Values(shape, values));
        return m;
    }

    /** A resnet's variables with their initial values (nothing trained), saved by TensorFlow. */
    static Path freshNetwork(Path prefix, ResNetV1 network) {
        try (Graph graph = new Graph();
                Session session = new Session(graph)) {
            ModelGraph model = ModelGraph.local(graph);
            network.apply(
                    model,
                    model.ops("").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 64, 64, 3))),
                    BatchNormPolicy.inference());
            session.run(model.initializer());
            session.save(prefix.toString());
        }
        return prefix;
    }

    static float[] sequence(int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i * scale;
        }
        return v;
    }
}
