package jacktf.runtime;

import java.util.Objects;
import java.util.Optional;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.ConfigProto;

/**
 * TensorFlow's process-wide state, in one place: loading the natives (with a clear error when this platform's are
 * missing) and the thread pools' sizes.
 *
 * <p><b>Threads.</b> TF sizes its CPU intra-op pool and its inter-op pool once per process, from the first session's
 * configuration; later sessions share them whatever they ask for (only the environment variable
 * {@code TF_OVERRIDE_GLOBAL_THREADPOOL}, read by TF itself, gives each session its own pools). So a service that
 * embeds jacktf calls {@link #configure} once at start-up, before anything opens a session:
 *
 * <pre>{@code
 * TensorFlowRuntime.configure(RuntimeOptions.builder().intraOpThreads(2).interOpThreads(1).build());
 * }</pre>
 *
 * Every session jacktf opens (training, evaluation, export, serving) then uses these counts. Without the call, the
 * first session takes {@link RuntimeOptions#fromEnvironment()}. A session another library opens first in the same
 * JVM sizes the pools too, and jacktf cannot see that.
 *
 * <p><b>Native logs.</b> TF's C++ logging is ruled by the environment variable {@code TF_CPP_MIN_LOG_LEVEL} (0 all,
 * 1 no INFO, 2 no WARNING, 3 no ERROR), read when the natives load; set it in the process environment, a JVM cannot
 * set it for itself. What a graph prints with {@code PrintV2} can go to java.util.logging: see
 * {@link TensorFlowLogging}.
 */
public final class TensorFlowRuntime {
    /** The TensorFlow Java version jacktf is built against (pom.xml {@code tensorflow.version}). */
    public static final String TENSORFLOW_JAVA_VERSION = "1.1.0";

    private static RuntimeOptions configured;
    private static RuntimeOptions sized;
    private static boolean loaded;
    private static MissingNativesException loadFailure;

    private TensorFlowRuntime() {}

    /**
     * Sets the process-wide thread counts and loads the natives, so a missing platform fails here, at start-up. Call
     * it before the first session of the process; calling it again with the same options is harmless, and so is
     * calling it with other options before any session opened.
     *
     * @param options the thread counts
     * @throws IllegalStateException if a session already sized TF's pools with other counts: TF cannot resize them,
     *     so the request would silently have no effect
     * @throws MissingNativesException if TensorFlow's natives cannot be loaded
     */
    public static synchronized void configure(RuntimeOptions options) {
        Objects.requireNonNull(options, "options");
        ensureLoaded();
        if (sized != null && !sized.equals(options)) {
            throw new IllegalStateException("TensorFlow's thread pools are already sized for this process (" + sized
                    + ") by its first session, and TF sizes them only once. Call TensorFlowRuntime.configure before the first "
                    + "session (e.g. at start-up). Received: " + options);
        }
        configured = options;
    }

    /**
     * The options sessions use: those of the first session once one opened, else those given to {@link #configure},
     * else {@link RuntimeOptions#fromEnvironment()}.
     *
     * @return the effective options
     */
    public static synchronized RuntimeOptions options() {
        return sized != null ? sized : configured != null ? configured : RuntimeOptions.fromEnvironment();
    }

    /**
     * Whether a session of this process already sized TF's thread pools (after which {@link #configure} accepts only
     * the same options).
     *
     * @return true once jacktf handed out a session configuration
     */
    public static synchronized boolean poolsSized() {
        return sized != null;
    }

    /**
     * The configuration for a new session: loads the natives and fixes the process's thread counts at the first call.
     *
     * @return the session configuration
     * @throws MissingNativesException if TensorFlow's natives cannot be loaded
     */
    public static synchronized ConfigProto sessionConfig() {
        ensureLoaded();
        if (sized == null) {
            sized = options();
        }
        return sized.toConfigProto();
    }

    /**
     * Loads TensorFlow's natives unless already loaded. Entry points call it so that a missing platform shows as a
     * {@link MissingNativesException} naming the dependency to add, not as an {@link UnsatisfiedLinkError} deep in TF.
     *
     * @throws MissingNativesException if the natives cannot be loaded (again on every call: the JVM does not retry)
     */
    public static synchronized void ensureLoaded() {
        if (loaded) {
            return;
        }
        if (loadFailure == null) {
            try {
                TensorFlow.version();
                loaded = true;
                return;
            } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
                String message = missingNativesMessage(
                        System.getProperty("os.name", "?"), System.getProperty("os.arch", "?"), String.valueOf(e));
                loadFailure = new MissingNativesException(message, e);
            }
        }
        throw new MissingNativesException(loadFailure.getMessage(), loadFailure.getCause());
    }

    /**
     * The explanation for natives that failed to load on the given platform.
     *
     * @param osName the JVM's {@code os.name}
     * @param osArch the JVM's {@code os.arch}
     * @param cause what the loader reported
     * @return a message naming the platform and the Maven dependency to add
     */
    static String missingNativesMessage(String osName, String osArch, String cause) {
        String detected = "os.name=" + osName + ", os.arch=" + osArch;
        Optional<NativePlatform> platform = NativePlatform.of(osName, osArch);
        if (platform.isEmpty()) {
            return "TensorFlow's native library could not be loaded: TensorFlow Java " + TENSORFLOW_JAVA_VERSION
                    + " ships natives for linux-x86_64 (and " + NativePlatform.LINUX_X86_64_GPU
                    + "), linux-arm64, macosx-arm64"
                    + " and windows-x86_64 only, and this JVM runs on " + detected + ". Run on one of those platforms. "
                    + "Loader error: " + cause;
        }
        String classifier = platform.get().classifier();
        return "TensorFlow's native library could not be loaded on " + classifier + " (" + detected + "). Add this "
                + "platform's natives to the class path: org.tensorflow:tensorflow-core-native:"
                + TENSORFLOW_JAVA_VERSION
                + ":" + classifier + " (Maven: <classifier>" + classifier + "</classifier>), or depend on "
                + "org.tensorflow:tensorflow-core-platform:" + TENSORFLOW_JAVA_VERSION
                + ", which has them all. If that jar "
                + "is present, the loader error says what else is missing (e.g. a too old C library): " + cause;
    }
}
