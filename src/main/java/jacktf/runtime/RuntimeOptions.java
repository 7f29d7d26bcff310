package jacktf.runtime;

import java.util.Map;
import org.tensorflow.proto.ConfigProto;

/**
 * Process-wide TensorFlow settings: the sizes of TF's CPU thread pools. TF sizes its intra-op pool (the threads one op
 * such as a convolution splits its work over) and its inter-op pool (the threads that run independent ops side by
 * side) once per process, at the first session, so these are set once with {@link TensorFlowRuntime#configure}
 * before any session opens.
 *
 * <pre>{@code
 * TensorFlowRuntime.configure(RuntimeOptions.builder().intraOpThreads(4).interOpThreads(1).build());
 * }</pre>
 *
 * <p>Without a call, {@link #fromEnvironment()} applies: 2 intra-op threads (the best measured on 2-core machines),
 * or the value of the environment variable {@value #INTRA_OP_THREADS_ENV}, and 2 inter-op threads.
 *
 * @param intraOpThreads threads of TF's intra-op pool; 0 lets TF use one per core
 * @param interOpThreads threads of TF's inter-op pool; 0 lets TF use one per core
 */
public record RuntimeOptions(int intraOpThreads, int interOpThreads) {
    /** Environment variable giving the intra-op thread count when {@link TensorFlowRuntime#configure} was not called. */
    public static final String INTRA_OP_THREADS_ENV = "JACKTF_INTRA_OP_THREADS";

    /** Intra-op threads when neither Java nor the environment sets them: the best measured on 2-core machines. */
    public static final int DEFAULT_INTRA_OP_THREADS = 2;

    /** Inter-op threads when Java does not set them. */
    public static final int DEFAULT_INTER_OP_THREADS = 2;

    /**
     * Checks the thread counts.
     *
     * @throws IllegalArgumentException if a count is negative
     */
    public RuntimeOptions {
        requireThreads("intraOpThreads", intraOpThreads);
        requireThreads("interOpThreads", interOpThreads);
    }

    /**
     * A builder starting from the defaults ({@value #DEFAULT_INTRA_OP_THREADS} intra-op and
     * {@value #DEFAULT_INTER_OP_THREADS} inter-op threads); the environment is not read.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The defaults with the intra-op count taken from {@value #INTRA_OP_THREADS_ENV} when that is set: what sessions
     * use when {@link TensorFlowRuntime#configure} was not called (the command line's way to set threads).
     *
     * @return the options from the process environment
     * @throws IllegalArgumentException if the variable is not a non-negative integer
     */
    public static RuntimeOptions fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * As {@link #fromEnvironment()}, from the given variables.
     *
     * @param environment environment variables, e.g. {@link System#getenv()}
     * @return the options these variables give
     * @throws IllegalArgumentException if {@value #INTRA_OP_THREADS_ENV} is not a non-negative integer
     */
    public static RuntimeOptions fromEnvironment(Map<String, String> environment) {
        String value = environment.get(INTRA_OP_THREADS_ENV);
        if (value == null || value.isBlank()) {
            return builder().build();
        }
        int threads;
        try {
            threads = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            threads = -1;
        }
        if (threads < 0) {
            throw new IllegalArgumentException(INTRA_OP_THREADS_ENV
                    + " must be a non-negative integer (0 = one thread per " + "core). Received: '" + value + "'");
        }
        return builder().intraOpThreads(threads).build();
    }

    /**
     * The session configuration carrying these thread counts (soft placement on, so ops without a kernel for the
     * requested device fall back to the CPU).
     *
     * @return a new {@link ConfigProto}
     */
    public ConfigProto toConfigProto() {
        return ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(intraOpThreads)
                .setInterOpParallelismThreads(interOpThreads)
                .setAllowSoftPlacement(true)
                .build();
    }

    @Override
    public String toString() {
        return "intra-op threads " + describe(intraOpThreads) + ", inter-op threads " + describe(interOpThreads);
    }

    private static String describe(int threads) {
        return threads == 0 ? "0 (one per core)" : Integer.toString(threads);
    }

    private static void requireThreads(String name, int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException(name + " must be >= 0 (0 = one thread per core). Received: " + threads);
        }
    }

    /** Builds {@link RuntimeOptions}; starts from the defaults. */
    public static final class Builder {
        private int intraOpThreads = DEFAULT_INTRA_OP_THREADS;
        private int interOpThreads = DEFAULT_INTER_OP_THREADS;

        private Builder() {}

        /**
         * Threads one op may split its work over (TF's intra-op pool).
         *
         * @param threads a count >= 0; 0 lets TF use one per core
         * @return this builder
         */
        public Builder intraOpThreads(int threads) {
            requireThreads("intraOpThreads", threads);
            this.intraOpThreads = threads;
            return this;
        }

        /**
         * Threads that run independent ops at the same time (TF's inter-op pool).
         *
         * @param threads a count >= 0; 0 lets TF use one per core
         * @return this builder
         */
        public Builder interOpThreads(int threads) {
            requireThreads("interOpThreads", threads);
            this.interOpThreads = threads;
            return this;
        }

        /**
         * The options.
         *
         * @return the options set on this builder
         */
        public RuntimeOptions build() {
            return new RuntimeOptions(intraOpThreads, interOpThreads);
        }
    }
}
