package jacktf.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * Runs in its own JVM for {@link TensorFlowRuntimeTest}, which needs what TF does at a process's first session.
 * {@code natives}: loads TF and prints the outcome. {@code threads INTRA INTER}: configures, runs a first session and
 * prints how many threads the process gained (Linux {@code /proc/self/task}); then runs a second session asking TF
 * directly for more threads, prints what that added, and prints what a conflicting configure says.
 */
final class RuntimeProbe {
    private RuntimeProbe() {}

    public static void main(String[] args) throws IOException {
        switch (args[0]) {
            case "natives" -> {
                try {
                    TensorFlowRuntime.ensureLoaded();
                    System.out.println("LOADED");
                } catch (MissingNativesException e) {
                    System.out.println("MISSING " + e.getMessage());
                }
            }
            case "threads" -> {
                RuntimeOptions options = RuntimeOptions.builder()
                        .intraOpThreads(Integer.parseInt(args[1]))
                        .interOpThreads(Integer.parseInt(args[2]))
                        .build();
                TensorFlowRuntime.configure(options);
                TensorFlowRuntime.ensureLoaded();
                try (Graph g = new Graph()) {
                    Ops tf = Ops.create(g);
                    Placeholder<TFloat32> x = tf.placeholder(TFloat32.class);
                    MatMul<TFloat32> y = tf.linalg.matMul(x, x);
                    long before = threads();
                    try (Session s = Sessions.open(g)) {
                        run(s, x, y);
                    }
                    System.out.println("FIRST " + (threads() - before));
                    before = threads();
                    ConfigProto more = options.toConfigProto().toBuilder()
                            .setIntraOpParallelismThreads(options.intraOpThreads() + 4)
                            .setInterOpParallelismThreads(options.interOpThreads() + 4)
                            .build();
                    try (Session s = new Session(g, more)) {
                        run(s, x, y);
                    }
                    System.out.println("SECOND " + (threads() - before));
                }
                try {
                    TensorFlowRuntime.configure(RuntimeOptions.builder()
                            .intraOpThreads(options.intraOpThreads() + 1)
                            .build());
                    System.out.println("ACCEPTED");
                } catch (IllegalStateException e) {
                    System.out.println("REFUSED " + e.getMessage());
                }
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void run(Session s, Placeholder<TFloat32> x, MatMul<TFloat32> y) {
        try (TFloat32 in = TFloat32.tensorOf(Shape.of(256, 256))) {
            for (int i = 0; i < 10; i++) {
                s.runner().feed(x, in).fetch(y).run().close();
            }
        }
    }

    private static long threads() throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.count();
        }
    }
}
