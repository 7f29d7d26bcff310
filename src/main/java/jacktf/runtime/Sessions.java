package jacktf.runtime;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.tensorflow.proto.ConfigProto;

/**
 * Opens every session jacktf runs, with the process's thread settings ({@link TensorFlowRuntime#configure}; the
 * environment variable {@value RuntimeOptions#INTRA_OP_THREADS_ENV} when Java set none).
 */
public final class Sessions {
    private Sessions() {}

    /**
     * A local session on {@code graph}.
     *
     * @param graph the graph the session runs
     * @return a new session; the caller closes it
     * @throws MissingNativesException if TensorFlow's natives cannot be loaded
     */
    public static Session open(Graph graph) {
        return new Session(graph, config());
    }

    /**
     * A session run by the in-process TF server at {@code target} (such as
     * {@code grpc://localhost:2222}), so ops can be placed on other tasks of its cluster, limited to
     * the devices {@code deviceFilters} match. TF Java 1.1.0 has no public way to give a session a
     * target: this sets it with the C API's {@code TF_SetTarget} (the bindings TF Java ships) and
     * wraps the native session in TF Java's own {@link Session} through its package-private
     * constructor (the one SavedModelBundle uses).
     *
     * @param graph the graph the session runs
     * @param target the in-process server's address, e.g. {@code grpc://localhost:2222}
     * @param deviceFilters the devices the session may use, e.g. {@code /job:ps} and its own task
     * @return a new session; the caller closes it
     */
    public static Session open(Graph graph, String target, List<String> deviceFilters) {
        ConfigProto config =
                config().toBuilder().addAllDeviceFilters(deviceFilters).build();
        byte[] bytes = config.toByteArray();
        TF_SessionOptions options = tensorflow.TF_NewSessionOptions();
        try (TF_Status status = TF_Status.newStatus();
                BytePointer serialized = new BytePointer(bytes)) {
            tensorflow.TF_SetTarget(options, target);
            tensorflow.TF_SetConfig(options, serialized, bytes.length, status);
            status.throwExceptionIfNotOK();
            TF_Session handle = tensorflow.TF_NewSession(nativeGraph(graph), options, status);
            status.throwExceptionIfNotOK();
            return wrap(graph, handle);
        } finally {
            tensorflow.TF_DeleteSessionOptions(options);
        }
    }

    private static TF_Graph nativeGraph(Graph graph) {
        try {
            Field handle = Graph.class.getDeclaredField("nativeHandle");
            handle.setAccessible(true);
            return (TF_Graph) handle.get(graph);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(
                    "This TensorFlow Java version does not expose Graph.nativeHandle, which "
                            + "distributed sessions need (written for TF Java 1.1.0): " + e,
                    e);
        }
    }

    private static Session wrap(Graph graph, TF_Session handle) {
        try {
            Constructor<Session> constructor = Session.class.getDeclaredConstructor(Graph.class, TF_Session.class);
            constructor.setAccessible(true);
            return constructor.newInstance(graph, handle);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(
                    "This TensorFlow Java version has no Session(Graph, TF_Session) constructor, "
                            + "which distributed sessions need (written for TF Java 1.1.0): " + e,
                    e);
        }
    }

    /**
     * The configuration of jacktf's sessions and servers: the process's thread counts, soft placement. The first call
     * fixes the thread counts for the process (see {@link TensorFlowRuntime}).
     *
     * @return the session configuration
     * @throws MissingNativesException if TensorFlow's natives cannot be loaded
     */
    public static ConfigProto config() {
        return TensorFlowRuntime.sessionConfig();
    }
}
