/**
 * TensorFlow checkpoints: reading V1 (TensorSlice) and V2 (tensor bundle) files in Java with every
 * checksum verified, {@link jacktf.checkpoint.RestorePlan}s (what a model takes from a checkpoint:
 * restored, excluded, missing, mismatched), restoring through RestoreV2 in the graph
 * ({@link jacktf.checkpoint.Restorer}) and crash-safe saving through SaveV2
 * ({@link jacktf.checkpoint.CheckpointSaver}). {@link jacktf.checkpoint.CheckpointVariable} is a graph
 * variable as checkpoints see it.
 * {@link jacktf.checkpoint.ZooCheckpoint} is the table of slim's model zoo (each checkpoint's archive and
 * conventions: classes and labels offset, preprocessing, image size, head scopes);
 * {@link jacktf.checkpoint.PretrainedCheckpoints} fetches an entry and checks it (archive size and hash,
 * format, every tensor's checksum, the logits' classes, the network's variables).
 *
 * <p>May import: {@code config}, {@code runtime}, {@code model}.
 */
package jacktf.checkpoint;
