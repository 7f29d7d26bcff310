/**
 * Training across processes on TensorFlow's gRPC runtime, as slim's {@code --ps_hosts},
 * {@code --worker_hosts} and {@code --sync_replicas} did: the cluster and this process's task in
 * it ({@link jacktf.cluster.Cluster}, from a spec string or {@code TF_CONFIG}), its TF server
 * ({@link jacktf.cluster.ClusterServer}), data-parallel training settings
 * ({@link jacktf.cluster.Replicas}), synchronous steps ({@link jacktf.cluster.SyncReplicas}), the
 * ops by which chief and workers follow each other ({@link jacktf.cluster.Coordination}), and the
 * session runs with deadlines that turn a lost peer into a {@link jacktf.cluster.ClusterException}
 * ({@link jacktf.cluster.ClusterRuns}).
 *
 * <p>Imports config, runtime and model only; train builds on it. runtime does not import it:
 * {@code runtime.Sessions} takes the target address and device filters as strings.
 */
package jacktf.cluster;
