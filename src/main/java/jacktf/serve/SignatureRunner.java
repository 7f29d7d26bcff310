package jacktf.serve;

import io.micrometer.core.instrument.Meter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tensorflow.proto.error.Code;

/**
 * Runs one signature of one model version for every request: a bounded queue (full: UNAVAILABLE
 * at once) and a few worker threads. With batching on and a batchable signature, a worker
 * concatenates the rows of queued requests up to {@code maxBatchSize} (never more: a request that
 * would overflow the batch starts the next one) or until {@code batchTimeoutMicros} passed, runs
 * them in one session call and splits the outputs back. When a combined batch fails (one bad
 * image), each request is rerun alone, so only the bad one fails. A request whose deadline passed
 * while queued is answered DEADLINE_EXCEEDED without running.
 */
final class SignatureRunner implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SignatureRunner.class.getName());

    /** How requests are queued and batched. {@code maxBatchSize} 1 turns batching off. */
    record Options(int maxBatchSize, long batchTimeoutMicros, int threads, int maxQueued) {}

    /**
     * One queued request: its inputs, its row count (-1 when it cannot be batched) and its answer.
     * Only the runner completes {@code result} (so a version is never closed under a running
     * batch); a caller that stops waiting {@link #abandon}s it and the runner skips it.
     */
    static final class Job {
        private final Map<String, HostTensor> inputs;
        private final List<String> outputs;
        private final int rows;
        private final long deadlineNanos;
        private final CompletableFuture<Map<String, HostTensor>> result = new CompletableFuture<>();
        private volatile boolean abandoned;

        private Job(Map<String, HostTensor> inputs, List<String> outputs, int rows, long deadlineNanos) {
            this.inputs = inputs;
            this.outputs = outputs;
            this.rows = rows;
            this.deadlineNanos = deadlineNanos;
        }

        Map<String, HostTensor> inputs() {
            return inputs;
        }

        List<String> outputs() {
            return outputs;
        }

        int rows() {
            return rows;
        }

        /** Completes with the requested outputs or a {@link ServingException}. */
        CompletableFuture<Map<String, HostTensor>> result() {
            return result;
        }

        /** The caller no longer waits: not run if not started. */
        void abandon() {
            abandoned = true;
        }

        boolean expired() {
            return System.nanoTime() - deadlineNanos > 0;
        }
    }

    private final String modelName;
    private final ServedModel model;
    private final SignatureSpec signature;
    private final Options options;
    private final ServingMetrics metrics;
    private final ArrayBlockingQueue<Job> queue;
    private final List<Thread> workers = new ArrayList<>();
    private final Meter depthGauge;
    private volatile boolean closed;

    SignatureRunner(
            String modelName,
            long version,
            ServedModel model,
            SignatureSpec signature,
            Options options,
            ServingMetrics metrics) {
        this.modelName = modelName;
        this.model = model;
        this.signature = signature;
        this.options = options;
        this.metrics = metrics;
        this.queue = new ArrayBlockingQueue<>(options.maxQueued());
        this.depthGauge = metrics.queueDepth(modelName, version, signature.key(), queue::size);
        for (int i = 0; i < options.threads(); i++) {
            Thread t = new Thread(this::work, "serve-" + modelName + "-" + version + "-" + signature.key() + "-" + i);
            t.setDaemon(true);
            t.start();
            workers.add(t);
        }
    }

    /**
     * Queues a request; its future completes with the requested outputs, or with a
     * {@link ServingException}. Refused at once with UNAVAILABLE when the queue is full.
     */
    Job submit(Map<String, HostTensor> inputs, List<String> outputs, long deadlineNanos) {
        int rows = batchRows(inputs);
        if (rows > options.maxBatchSize()) {
            throw ServingException.invalidArgument("Task size " + rows + " is larger than maximum batch size "
                    + options.maxBatchSize() + " (the server's --max-batch-size); send at most that many rows");
        }
        Job job = new Job(inputs, outputs, rows, deadlineNanos);
        if (closed) {
            throw ServingException.unavailable("The model version is being unloaded; retry");
        }
        if (!queue.offer(job)) {
            throw ServingException.unavailable("The queue of " + modelName + "/" + signature.key() + " is full ("
                    + options.maxQueued() + " requests); retry later");
        }
        return job;
    }

    /** The rows a request adds to a batch, or -1 when it runs alone. */
    private int batchRows(Map<String, HostTensor> inputs) {
        if (options.maxBatchSize() <= 1 || !signature.batchable()) {
            return -1;
        }
        int rows = -1;
        for (HostTensor t : inputs.values()) {
            if (t.rows() < 1 || (rows >= 0 && t.rows() != rows)) {
                return -1;
            }
            rows = t.rows();
        }
        return rows;
    }

    private void work() {
        Job carried = null;
        List<Job> batch = List.of();
        while (!closed) {
            try {
                Job first = carried != null ? carried : queue.poll(200, TimeUnit.MILLISECONDS);
                carried = null;
                batch = List.of();
                if (first == null || skip(first)) {
                    continue;
                }
                batch = new ArrayList<>(List.of(first));
                if (first.rows() > 0) {
                    int rows = first.rows();
                    long until = System.nanoTime() + options.batchTimeoutMicros() * 1000;
                    while (rows < options.maxBatchSize()) {
                        long wait = until - System.nanoTime();
                        Job next = wait <= 0 ? queue.poll() : queue.poll(wait, TimeUnit.NANOSECONDS);
                        if (next == null) {
                            break;
                        }
                        if (skip(next)) {
                            continue;
                        }
                        if (next.rows() < 0 || rows + next.rows() > options.maxBatchSize()) {
                            carried = next; // starts the next batch: this one never exceeds maxBatchSize
                            break;
                        }
                        batch.add(next);
                        rows += next.rows();
                    }
                }
                complete(batch);
            } catch (InterruptedException e) {
                break;
            } catch (Throwable e) {
                // never lose a worker, and never leave a job unanswered: its caller (a gRPC call, a
                // lease keeping its version loaded) waits for it
                LOG.log(Level.SEVERE, "Batch worker failed", e);
                ServingException failure = new ServingException(Code.INTERNAL, "The batch worker failed: " + e, e);
                for (Job job : batch) {
                    job.result().completeExceptionally(failure); // no effect on the jobs already answered
                }
            }
        }
        for (Job job : batch) { // interrupted mid-batch (closing): what it held is answered
            job.result().completeExceptionally(unloaded());
        }
        if (carried != null) {
            carried.result().completeExceptionally(unloaded());
        }
    }

    /** A request whose caller gave up or whose deadline passed is not run. */
    private static boolean skip(Job job) {
        if (job.result().isDone()) {
            return true;
        }
        if (job.abandoned || job.expired()) {
            job.result()
                    .completeExceptionally(new ServingException(
                            Code.DEADLINE_EXCEEDED, "The request's deadline passed while it waited in the queue"));
            return true;
        }
        return false;
    }

    private void complete(List<Job> batch) {
        try {
            List<Map<String, HostTensor>> results = run(batch);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(results.get(i));
            }
        } catch (RuntimeException combined) {
            if (batch.size() == 1) {
                batch.get(0).result().completeExceptionally(ServingException.of(combined));
                return;
            }
            for (Job job : batch) { // isolate the bad request
                try {
                    job.result().complete(run(List.of(job)).get(0));
                } catch (RuntimeException e) {
                    job.result().completeExceptionally(ServingException.of(e));
                }
            }
        }
    }

    private List<Map<String, HostTensor>> run(List<Job> jobs) {
        Map<String, HostTensor> inputs = new LinkedHashMap<>();
        for (String input : signature.inputs().keySet()) {
            inputs.put(
                    input,
                    HostTensor.concat(
                            input, jobs.stream().map(j -> j.inputs().get(input)).toList()));
        }
        List<String> outputs = new ArrayList<>(signature.outputs().keySet());
        if (jobs.size() == 1) {
            outputs = jobs.get(0).outputs();
        }
        Map<String, HostTensor> all = model.run(signature, inputs, outputs);
        int rows = jobs.get(0).rows() < 0
                ? Math.max(1, firstRows(inputs))
                : jobs.stream().mapToInt(Job::rows).sum();
        metrics.batch(modelName, signature.key(), rows);
        if (jobs.size() == 1) {
            return List.of(all);
        }
        List<Map<String, HostTensor>> perJob = new ArrayList<>();
        int offset = 0;
        for (Job job : jobs) {
            Map<String, HostTensor> mine = new LinkedHashMap<>();
            for (String o : job.outputs()) {
                HostTensor t = all.get(o);
                if (t.rows() != rows) {
                    throw new ServingException(
                            Code.INTERNAL, "Output '" + o + "' has " + t.rows() + " rows for a batch of " + rows);
                }
                mine.put(o, t.rows(offset, offset + job.rows()));
            }
            perJob.add(mine);
            offset += job.rows();
        }
        return perJob;
    }

    private static int firstRows(Map<String, HostTensor> inputs) {
        return inputs.isEmpty() ? 1 : inputs.values().iterator().next().rows();
    }

    private static ServingException unloaded() {
        return ServingException.unavailable("The model version was unloaded; retry");
    }

    @Override
    public void close() {
        closed = true;
        workers.forEach(Thread::interrupt);
        for (Job pending; (pending = queue.poll()) != null; ) {
            pending.result().completeExceptionally(unloaded());
        }
        metrics.remove(depthGauge);
    }
}
