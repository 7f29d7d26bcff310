package jacktf.bench;

import jacktf.model.BatchNormPolicy;
import jacktf.model.ModelGraph;
import jacktf.model.Network;
import jacktf.model.Precision;
import jacktf.model.Tower;
import jacktf.runtime.Bf16SelfCheck;
import jacktf.runtime.Sessions;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The network of the compute modes on one random batch of 1000-class images and labels. The batch
 * lives in variables, so a step measures the network, not the feeding.
 */
final class BenchNetwork implements AutoCloseable {
    final Graph graph;
    final ModelGraph model;
    final Ops tf;
    final Variable<TInt64> labels;
    final Network net;
    final Tower tower;
    /** Forward FLOPs per image, counted before anything else (gradients) is added to the graph. */
    final double forwardFlopsPerImage;

    private final List<Op> setInputs;

    private BenchNetwork(
            Graph graph,
            ModelGraph model,
            Ops tf,
            Variable<TInt64> labels,
            Network net,
            Tower tower,
            double forwardFlopsPerImage,
            List<Op> setInputs) {
        this.graph = graph;
        this.model = model;
        this.tf = tf;
        this.labels = labels;
        this.net = net;
        this.tower = tower;
        this.forwardFlopsPerImage = forwardFlopsPerImage;
        this.setInputs = setInputs;
    }

    /** Builds the network of the config's model, precision, batch and image size. */
    static BenchNetwork build(BenchConfig config, BatchNormPolicy batchNorm) {
        Graph graph = new Graph();
        try {
            ModelGraph model = ModelGraph.local(graph);
            Ops tf = model.ops("bench");
            Shape shape = Shape.of(config.batchSize(), config.imageSize(), config.imageSize(), 3);
            Variable<TFloat32> images = tf.withName("images").variable(shape, TFloat32.class);
            Op setImages = tf.assign(
                    images,
                    tf.math.mul(
                            tf.random.randomUniform(tf.constant(shape.asArray()), TFloat32.class), tf.constant(255f)));
            Variable<TInt64> labels = tf.withName("labels").variable(Shape.of(config.batchSize()), TInt64.class);
            Op setLabels = tf.assign(
                    labels,
                    tf.math.mod(
                            tf.range(tf.constant(0L), tf.constant((long) config.batchSize()), tf.constant(1L)),
                            tf.constant(1000L)));
            Network net = config.network(1000);
            Tower tower = net.apply(model, tf.identity(images), batchNorm);
            double flopsPerImage = FlopCounter.forwardFlops(graph) / config.batchSize();
            return new BenchNetwork(graph, model, tf, labels, net, tower, flopsPerImage, List.of(setImages, setLabels));
        } catch (RuntimeException e) {
            graph.close();
            throw e;
        }
    }

    /** A session with every variable initialised and the batch drawn; call once the graph is complete. */
    Session start() {
        if (net.precision() == Precision.BF16) {
            Bf16SelfCheck.requireAgreement(graph, "the benchmark");
        }
        Session session = Sessions.open(graph);
        session.run(model.initializer());
        setInputs.forEach(session::run);
        return session;
    }

    @Override
    public void close() {
        graph.close();
    }
}
