package jacktf.train;

import jacktf.checkpoint.CheckpointSaver;
import jacktf.checkpoint.CheckpointVariable;
import jacktf.model.BatchNormPolicy;
import jacktf.model.ModelGraph;
import jacktf.model.ModelVariable;
import jacktf.model.ResNetV1;
import jacktf.model.TinyNet;
import jacktf.runtime.Sessions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * A TinyNet warm-start checkpoint with chosen values: every variable at its seeded fresh value except
 * those given, so a test knows the network's starting point exactly and can compute what a step must do.
 */
final class CraftedTinyCheckpoint {
    private CraftedTinyCheckpoint() {}

    /** Writes {@code dir/model.ckpt-0} (V2) for a TinyNet of {@code numClasses}; returns its prefix. */
    static Path write(Path dir, int numClasses, Map<String, float[]> values) throws IOException {
        try (Graph graph = new Graph()) {
            ModelGraph model = ModelGraph.local(graph);
            Ops tf = model.ops("");
            ResNetV1.builder(TinyNet.ARCHITECTURE)
                    .numClasses(numClasses)
                    .build()
                    .apply(
                            model,
                            tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, 32, 32, 3))),
                            BatchNormPolicy.inference());
            List<Op> assigns = new ArrayList<>();
            for (ModelVariable v : model.variables().variables()) {
                float[] value = values.get(v.name());
                if (value != null) {
                    if (value.length != v.shape().size()) {
                        throw new IllegalArgumentException(
                                v.name() + " has " + v.shape().size() + " elements");
                    }
                    assigns.add(tf.assign(v.variable(), tf.constant(v.shape(), DataBuffers.of(value))));
                }
            }
            if (assigns.size() != values.size()) {
                throw new IllegalArgumentException("Not all of " + values.keySet() + " are TinyNet variables");
            }
            try (Session session = Sessions.open(graph)) {
                session.run(model.initializer());
                assigns.forEach(session::run);
                return new CheckpointSaver(model, CheckpointVariable.modelVariables(model), dir, 1).save(session, 0);
            }
        }
    }
}
