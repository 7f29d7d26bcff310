package jacktf.cluster;

import jacktf.model.ModelGraph;
import jacktf.model.ModelVariable;
import jacktf.runtime.Placement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.io.FifoQueue;
import org.tensorflow.op.train.ResourceConditionalAccumulator;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Synchronous data-parallel steps with the semantics of TF1's SyncReplicasOptimizer, built on
 * the same TF ops: each worker puts its gradients into a ConditionalAccumulator per variable
 * (on that variable's ps task), tagged with the step they were computed at, so stale ones are
 * dropped; the chief takes the mean of all workers' gradients, applies it with the optimizer,
 * advances {@code global_step} and releases the other workers. Unlike TF1 (one token queue that
 * a fast worker can drain twice) each worker has its own release queue, so every step averages
 * exactly one gradient per worker: 2 workers x batch 8 equals one process with batch 16.
 */
public final class SyncReplicas {
    /** Every worker, after its forward and backward pass: gradients into the accumulators. */
    private final Op accumulate;
    /** Chief: waits for all workers' gradients, applies their mean; the new global step. */
    final Operand<TInt64> aggregate;
    /** Non-chief worker: waits until the chief has applied the step; the new global step. */
    final Operand<TInt64> awaitRelease;
    /**
     * Non-chief worker: releases left in its queue by a previous run of this worker, which it
     * drains when it rejoins, so it does not run ahead of the chief.
     */
    final Operand<TInt32> pendingReleases;
    /** Chief at start: the accumulators continue from the (restored) global step. */
    final Op startAccumulators;

    /**
     * Builds the accumulators of {@code variables} (one per variable, on its ps task) and the ops
     * of a synchronous step.
     *
     * @param gradients this worker's gradient of each of {@code variables}, in the same order
     * @param applyMean builds the optimizer's update from the mean gradient of each variable (same order)
     */
    public SyncReplicas(
            ModelGraph model,
            Replicas replicas,
            List<ModelVariable> variables,
            List<Operand<TFloat32>> gradients,
            Variable<TInt64> globalStep,
            Function<List<Operand<TFloat32>>, List<Op>> applyMean) {
        int workers = replicas.workers();
        int taskIndex = replicas.cluster().taskIndex();
        Placement placement = model.placement();
        Ops tf = model.ops("sync_replicas");
        Operand<TInt64> localStep = tf.withName("local_step").identity(globalStep);
        List<Op> applied = new ArrayList<>();
        List<Op> starts = new ArrayList<>();
        List<Operand<TFloat32>> means = new ArrayList<>();
        Operand<TInt32> required = tf.constant(workers);
        for (int i = 0; i < variables.size(); i++) {
            ModelVariable variable = variables.get(i);
            String name = variable.name();
            ResourceConditionalAccumulator accumulator = placement
                    .onParameterServer(tf, placement.taskOf(name))
                    .train
                    .resourceConditionalAccumulator(
                            TFloat32.class,
                            variable.shape(),
                            ResourceConditionalAccumulator.sharedName("jacktf_grad_accumulator/" + name),
                            ResourceConditionalAccumulator.reductionType("MEAN"));
            applied.add(tf.train.resourceAccumulatorApplyGradient(accumulator.handle(), localStep, gradients.get(i)));
            starts.add(tf.train.resourceAccumulatorSetGlobalStep(accumulator.handle(), tf.identity(globalStep)));
            means.add(tf.train
                    .resourceAccumulatorTakeGradient(accumulator.handle(), required, TFloat32.class)
                    .average());
        }
        this.accumulate =
                tf.withControlDependencies(applied).withName("accumulate").noOp();
        this.startAccumulators = tf.withControlDependencies(starts)
                .withName("start_accumulators")
                .noOp();

        Operand<TInt64> next = tf.withControlDependencies(applyMean.apply(means))
                .withName("next_step")
                .assignAdd(globalStep, tf.constant(1L));
        List<Op> releases = new ArrayList<>();
        FifoQueue own = null;
        for (int w = 1; w < workers; w++) {
            FifoQueue queue = releaseQueue(placement, tf, w);
            releases.add(tf.io.queueEnqueue(queue.handle(), List.of(next)));
            if (w == taskIndex) {
                own = queue;
            }
        }
        this.aggregate =
                tf.withControlDependencies(releases).withName("aggregate").identity(next);
        this.pendingReleases = own == null ? null : tf.io.queueSize(own.handle());
        this.awaitRelease = own == null
                ? null
                : tf.withName("await_release")
                        .identity((Operand<TInt64>) (Operand<?>) tf.io.queueDequeue(own.handle(), List.of(TInt64.class))
                                .components()
                                .get(0));
    }

    /** Every worker's part of a step, after its forward and backward pass: its gradients into the accumulators. */
    public Op accumulate() {
        return accumulate;
    }

    private static FifoQueue releaseQueue(Placement placement, Ops tf, int worker) {
        return placement
                .onParameterServer(tf, 0)
                .io
                .fifoQueue(
                        List.of(TInt64.class),
                        FifoQueue.sharedName("jacktf_sync_release/worker_" + worker),
                        FifoQueue.shapes(Shape.scalar()));
    }
}
