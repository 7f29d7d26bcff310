package jacktf.cluster;

import jacktf.runtime.Placement;
import jacktf.runtime.Sessions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Server;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.io.FifoQueue;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.ServerDef;
import org.tensorflow.types.TInt32;

/**
 * TensorFlow's own gRPC server for this process's task. TF cannot stop one ("clean shutdown is
 * not implemented"), so each address gets one server per JVM, kept until the JVM exits.
 */
public final class ClusterServer {
    private static final Map<String, Server> STARTED = new HashMap<>();

    private ClusterServer() {}

    /** Starts the server of {@code cluster}'s own task unless this JVM already runs it. */
    public static synchronized Server ensureStarted(Cluster cluster) {
        return ensureStarted(cluster, cluster.serverDef());
    }

    /**
     * Starts the server of {@code replicas}'s worker unless this JVM already runs it. Every session run on
     * it gets the replica timeout as its deadline unless it sets its own: also the runs no cluster code
     * wraps (a checkpoint's read of the variables, a restore), which would otherwise wait without end on a
     * ps behind a partition - TCP retransmits for many minutes before it gives up, and nothing resets.
     */
    public static synchronized Server ensureStarted(Replicas replicas) {
        return ensureStarted(replicas.cluster(), serverDef(replicas));
    }

    /** The server of {@code replicas}'s worker: its cluster's, with the replica timeout as default deadline. */
    static ServerDef serverDef(Replicas replicas) {
        ServerDef def = replicas.cluster().serverDef();
        ConfigProto withDeadline = def.getDefaultSessionConfig().toBuilder()
                .setOperationTimeoutInMs(replicas.timeoutSecs() * 1000L)
                .build();
        return def.toBuilder().setDefaultSessionConfig(withDeadline).build();
    }

    private static synchronized Server ensureStarted(Cluster cluster, ServerDef def) {
        Server server = STARTED.get(cluster.address());
        if (server == null) {
            try {
                server = new Server(def);
                server.start();
            } catch (RuntimeException e) {
                throw new ClusterException(
                        "Could not start the TensorFlow server of " + cluster.taskName() + " at " + cluster.address()
                                + " (is the port in use, or the host not this machine?): " + e.getMessage(),
                        e);
            }
            STARTED.put(cluster.address(), server);
        }
        return server;
    }

    /**
     * A ps task: serves its variables until every worker has reported that it completed (TF1's ps
     * tasks ran until killed, which leaves a Kubernetes Job unfinished). A worker that fails does not
     * report, so the ps keeps serving for its restart.
     */
    public static void serveUntilWorkersFinish(Cluster cluster) {
        ensureStarted(cluster);
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            FifoQueue done = workersDone(tf, cluster.taskIndex());
            var all = tf.io.queueDequeueMany(
                    done.handle(), tf.constant(cluster.workers().size()), List.of(TInt32.class));
            try (Session session = openSession(graph, cluster)) {
                session.runner().addTarget(all).run();
            }
        }
    }

    /**
     * A session of {@code cluster}'s own task, run by its server (started by {@link #ensureStarted}),
     * so ops can be placed on the ps tasks.
     */
    public static Session openSession(Graph graph, Cluster cluster) {
        return Sessions.open(graph, cluster.localTarget(), cluster.deviceFilters());
    }

    /**
     * The queue on ps task {@code psTask} into which each worker puts its index when it completes;
     * workers and the ps build it alike, and TF shares it by name.
     */
    static FifoQueue workersDone(Ops tf, int psTask) {
        return tf.withDevice(Placement.psDevice(psTask))
                .withName("workers_done_" + psTask)
                .io
                .fifoQueue(
                        List.of(TInt32.class),
                        FifoQueue.sharedName("jacktf_workers_done/ps_" + psTask),
                        FifoQueue.shapes(Shape.scalar()));
    }
}
