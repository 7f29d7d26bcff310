package jacktf.runtime;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.tensorflow.internal.c_api.Listener_String;
import org.tensorflow.internal.c_api.global.tensorflow;

/**
 * Routes what TensorFlow lets Java receive of its output to java.util.logging: the text of {@code PrintV2} ops
 * ({@code tf.print} in Python), through the C API's {@code TF_RegisterLogListener}. TF's own C++ log lines (INFO,
 * WARNING, ERROR) do not reach listeners; {@code TF_CPP_MIN_LOG_LEVEL} rules them (see {@link TensorFlowRuntime}).
 * TF still writes the printed text to its stream (stderr by default) as well.
 */
public final class TensorFlowLogging {
    /** The logger that receives TF's printed text, at {@link Level#INFO}. */
    public static final String LOGGER_NAME = "org.tensorflow";

    // TF keeps the listener's native function pointer for the life of the process and has no unregister, so the Java
    // object behind it must stay reachable: a collected one would leave TF calling freed memory.
    private static Listener_String listener;

    private TensorFlowLogging() {}

    /**
     * Sends the text of every {@code PrintV2} op this process runs to the logger {@value #LOGGER_NAME}. Registers once
     * per process; later calls do nothing.
     *
     * @throws MissingNativesException if TensorFlow's natives cannot be loaded
     */
    public static synchronized void routePrintToLogging() {
        if (listener != null) {
            return;
        }
        TensorFlowRuntime.ensureLoaded();
        Logger logger = Logger.getLogger(LOGGER_NAME);
        listener = new Listener_String() {
            @Override
            public void call(String message) {
                // Runs on a TF thread inside a kernel: nothing may be thrown back into native code.
                try {
                    logger.log(Level.INFO, stripNewline(message));
                } catch (RuntimeException e) {
                    // a failing handler must not take the TF op down with it
                }
            }
        };
        tensorflow.TF_RegisterLogListener(listener);
    }

    /**
     * Whether {@link #routePrintToLogging()} registered the listener.
     *
     * @return true once registered
     */
    public static synchronized boolean routed() {
        return listener != null;
    }

    private static String stripNewline(String message) {
        return message != null && message.endsWith("\n") ? message.substring(0, message.length() - 1) : message;
    }
}
