package jacktf.train;

import jacktf.config.ConfigException;
import jacktf.model.Precision;
import jacktf.runtime.Bf16SelfCheck;
import jacktf.runtime.Sessions;
import jacktf.runtime.StepProfile;
import jacktf.runtime.TensorFlowRuntime;
import java.io.IOException;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TInt64;

/**
 * The training graph {@link Trainer} runs for a config, ready for single steps: the same input
 * pipeline, network, loss, gradients (with the gate that makes every gradient complete before any
 * update), optimizer and batch-norm updates, started from the same values (the train dir's
 * checkpoint, else the warm-start checkpoint, else fresh). No checkpoints, summaries or validation
 * are written. {@code jacktf bench train} and {@code bench head} time these steps, so they measure
 * the graph training really runs.
 *
 * <pre>{@code
 * try (TrainingSteps steps = TrainingSteps.open(config)) {   // config.datasetDir(): real or synthetic images
 *   steps.step();                                           // warm-up
 *   long t0 = System.nanoTime();
 *   for (int i = 0; i < 10; i++) steps.step();
 * }
 * }</pre>
 *
 * For synthetic data, write a folder with {@code jacktf.data.SyntheticImages.generate} first.
 */
public final class TrainingSteps implements AutoCloseable {
    private final Graph graph;
    private final Session session;
    private final TrainingGraph g;

    private TrainingSteps(Graph graph, Session session, TrainingGraph g) {
        this.graph = graph;
        this.session = session;
        this.g = g;
    }

    /**
     * Builds the training graph of {@code config} on its dataset and initialises it, in this process
     * alone ({@code config.replicas()} must be null).
     */
    public static TrainingSteps open(TrainConfig config) throws IOException {
        TensorFlowRuntime.ensureLoaded(); // a missing platform names its Maven classifier, not an UnsatisfiedLinkError
        if (config.replicas() != null) {
            throw new ConfigException("replicas", "null: timed steps run in this process alone", config.replicas());
        }
        TrainingData data = TrainingData.load(config);
        FeatureCache cache = config.cacheFeatures() ? FeatureCache.forRun(config, data.splits()) : null;
        Graph graph = new Graph();
        Session session = null;
        try {
            TrainingGraph g = new TrainingGraph(graph, config, data, cache);
            if (config.precision() == Precision.BF16) {
                Bf16SelfCheck.requireAgreement(graph, "training steps");
            }
            session = Sessions.open(graph);
            Trainer.initializeOrRestore(session, g, config);
            try (TInt64 start = TInt64.scalarOf(0L)) {
                session.runner()
                        .feed(g.input.skip(), start)
                        .addTarget(g.input.initializer())
                        .run();
            }
            return new TrainingSteps(graph, session, g);
        } catch (RuntimeException e) {
            if (session != null) {
                session.close();
            }
            graph.close();
            throw e;
        }
    }

    /** The graph, e.g. to count its FLOPs. */
    public Graph graph() {
        return graph;
    }

    /** Runs one training step, as the trainer does; returns its total loss. */
    public float step() {
        try (Result r = StepFetches.addTo(session.runner(), g).run()) {
            return StepFetches.decode(r).totalLoss();
        }
    }

    /**
     * Runs one training step with TF's full tracing and adds its statistics to {@code profile}; tracing slows
     * the step, so time steps with {@link #step()}.
     */
    public float step(StepProfile profile) {
        try (Result r = StepFetches.addTo(session.runner(), g)
                .setOptions(StepProfile.RUN_OPTIONS)
                .runAndFetchMetadata()) {
            profile.add(r.getMetadata().orElseThrow(() -> new IllegalStateException("TF returned no run metadata")));
            return StepFetches.decode(r).totalLoss();
        }
    }

    @Override
    public void close() {
        session.close();
        graph.close();
    }
}
