package jacktf.train;

import jacktf.runtime.Cluster;

/**
 * Data-parallel training over a TF cluster, slim's {@code --sync_replicas}: this worker's place in
 * the cluster, synchronous (gradients of all workers averaged per step) or asynchronous (each
 * worker updates the ps variables on its own), and how long a worker waits for the others before
 * it gives up with a message naming the one that is missing.
 */
public record Replicas(Cluster cluster, boolean synchronous, int timeoutSecs) {
  public Replicas {
    if (!cluster.isWorker()) {
      throw new IllegalArgumentException("Only workers train; a ps task serves variables (" + cluster.taskName() + ")");
    }
    if (timeoutSecs < 1) {
      throw new IllegalArgumentException("--replica-timeout-secs must be at least 1, got " + timeoutSecs);
    }
  }

  public int workers() {
    return cluster.workers().size();
  }

  public boolean isChief() {
    return cluster.isChief();
  }

  /** Examples the whole cluster consumes per global step. */
  public int examplesPerStep(int batchSize) {
    return synchronous ? batchSize * workers() : batchSize;
  }
}
