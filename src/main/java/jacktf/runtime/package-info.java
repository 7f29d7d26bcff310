/**
 * TensorFlow's runtime, in one place: process-wide settings and native loading ({@link
 * jacktf.runtime.TensorFlowRuntime}, {@link jacktf.runtime.RuntimeOptions}, {@link jacktf.runtime.NativePlatform}),
 * routing of TF's printed output to java.util.logging ({@link jacktf.runtime.TensorFlowLogging}), the sessions
 * jacktf opens ({@link jacktf.runtime.Sessions}), device placement ({@link jacktf.runtime.Placement}) and the
 * cluster (TF servers, ps tasks: {@link jacktf.runtime.Cluster}, {@link jacktf.runtime.ClusterServer}).
 *
 * <p>The bottom of jacktf's packages: it imports TensorFlow Java (including its C API bindings, for what the Java API
 * lacks), Gson and the JDK, and no other jacktf package. It reads no environment variable besides the documented
 * fallbacks ({@code JACKTF_INTRA_OP_THREADS}, {@code TF_CONFIG}), and writes to neither stdout nor stderr.
 */
package jacktf.runtime;
