package jacktf.cluster;

import jacktf.config.ConfigException;

/**
 * Data-parallel training over a TF cluster, slim's {@code --sync_replicas}: this worker's place in
 * the cluster, synchronous (gradients of all workers averaged per step) or asynchronous (each
 * worker updates the ps variables on its own), and how long a worker waits for the others before
 * it gives up with a message naming the one that is missing.
 *
 * @param cluster the cluster and this process's task in it, a worker
 * @param synchronous whether every step averages one gradient of each worker
 * @param timeoutSecs how long a wait on another process may take
 */
public record Replicas(Cluster cluster, boolean synchronous, int timeoutSecs) {
    /** Checks that this process is a worker and that the timeout is positive. */
    public Replicas {
        if (!cluster.isWorker()) {
            throw new ConfigException(
                    "cluster", "a worker's task (only workers train; a ps task serves variables)", cluster.taskName());
        }
        if (timeoutSecs < 1) {
            throw new ConfigException("timeoutSecs", "at least 1 (seconds)", timeoutSecs);
        }
    }

    /** How many workers train. */
    public int workers() {
        return cluster.workers().size();
    }

    /** Whether this process is worker 0, which restores, saves and applies synchronous updates. */
    public boolean isChief() {
        return cluster.isChief();
    }

    /** Examples the whole cluster consumes per global step. */
    public int examplesPerStep(int batchSize) {
        return synchronous ? batchSize * workers() : batchSize;
    }
}
