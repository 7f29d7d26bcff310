/**
 * TensorFlow's runtime, in one place: process-wide settings and native loading ({@link
 * jacktf.runtime.TensorFlowRuntime}, {@link jacktf.runtime.RuntimeOptions}, {@link jacktf.runtime.NativePlatform}),
 * routing of TF's printed output to java.util.logging ({@link jacktf.runtime.TensorFlowLogging}), the sessions
 * jacktf opens ({@link jacktf.runtime.Sessions}, with a target for a cluster's server), device placement
 * ({@link jacktf.runtime.Placement}), the one loop over a finite input ({@link jacktf.runtime.Batches}) and what the
 * CPU offers the kernels ({@link jacktf.runtime.CpuFeatures}). The
 * cluster itself (spec, servers, replicas) is package {@code jacktf.cluster}, above this one.
 *
 * <p>The bottom of jacktf's packages: it imports TensorFlow Java (including its C API bindings, for what the Java API
 * lacks), Gson and the JDK, and no other jacktf package. It reads no environment variable besides the documented
 * fallback ({@code JACKTF_INTRA_OP_THREADS}), and writes to neither stdout nor stderr.
 */
package jacktf.runtime;
