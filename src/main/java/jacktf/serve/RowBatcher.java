package jacktf.serve;

import com.google.gson.JsonElement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.tensorflow.Result;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;

/**
 * Runs one signature for many requests at once: rows of concurrent requests are concatenated up
 * to {@code maxBatchSize} or until {@code timeoutMicros} passed, run in one session call and
 * split back. When a combined batch fails (one bad image), each request is rerun alone, so only
 * the bad one fails.
 */
final class RowBatcher implements AutoCloseable {
    /** Rows per input name in; rows per output name out. */
    record Job(
            Map<String, List<JsonElement>> inputs,
            int rows,
            CompletableFuture<Map<String, List<JsonElement>>> result) {}

    private final Classifier model;
    private final Signature signature;
    private final int maxBatchSize;
    private final long timeoutMicros;
    private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    private volatile boolean closed;

    RowBatcher(Classifier model, Signature signature, int maxBatchSize, long timeoutMicros) {
        this.model = model;
        this.signature = signature;
        this.maxBatchSize = maxBatchSize;
        this.timeoutMicros = timeoutMicros;
        if (maxBatchSize > 1) {
            worker = new Thread(this::work, "batcher-" + signature.key());
            worker.setDaemon(true);
            worker.start();
        } else {
            worker = null;
        }
    }

    Map<String, List<JsonElement>> run(Map<String, List<JsonElement>> inputs, int rows) throws Exception {
        if (worker == null || rows >= maxBatchSize) {
            return runNow(List.of(new Job(inputs, rows, null))).get(0);
        }
        Job job = new Job(inputs, rows, new CompletableFuture<>());
        queue.add(job);
        try {
            return job.result().get(5, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    private void work() {
        while (!closed) {
            try {
                Job first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<Job> batch = new ArrayList<>(List.of(first));
                int rows = first.rows();
                long deadline = System.nanoTime() + timeoutMicros * 1000;
                while (rows < maxBatchSize) {
                    long wait = deadline - System.nanoTime();
                    Job next = wait <= 0 ? queue.poll() : queue.poll(wait, TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                    rows += next.rows();
                }
                complete(batch);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void complete(List<Job> batch) {
        try {
            List<Map<String, List<JsonElement>>> results = runNow(batch);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(results.get(i));
            }
        } catch (Exception combined) {
            if (batch.size() == 1) {
                batch.get(0).result().completeExceptionally(combined);
                return;
            }
            for (Job job : batch) { // isolate the bad request
                try {
                    job.result().complete(runNow(List.of(job)).get(0));
                } catch (Exception e) {
                    job.result().completeExceptionally(e);
                }
            }
        }
    }

    private List<Map<String, List<JsonElement>>> runNow(List<Job> jobs) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try {
            for (String input : signature.inputNames()) {
                List<JsonElement> rows = new ArrayList<>();
                for (Job job : jobs) {
                    List<JsonElement> part = job.inputs().get(input);
                    if (part == null) {
                        throw new BadRequest("Missing input '" + input + "'; signature '" + signature.key() + "' takes "
                                + signature.inputNames());
                    }
                    rows.addAll(part);
                }
                tensors.put(
                        input, JsonTensors.toTensor(input, signature.getInputs().get(input), rows));
            }
            for (Job job : jobs) {
                for (String given : job.inputs().keySet()) {
                    if (!signature.inputNames().contains(given)) {
                        throw new BadRequest("Signature '" + signature.key() + "' has no input '" + given
                                + "'; it takes " + signature.inputNames());
                    }
                }
            }
            try (Result result = model.run(signature.key(), tensors)) {
                List<String> outputs = new ArrayList<>(signature.getOutputs().keySet());
                List<Map<String, List<JsonElement>>> perJob = new ArrayList<>();
                jobs.forEach(j -> perJob.add(new LinkedHashMap<>()));
                for (int o = 0; o < outputs.size(); o++) {
                    List<JsonElement> rows = JsonTensors.rows(result.get(o));
                    int offset = 0;
                    for (int j = 0; j < jobs.size(); j++) {
                        perJob.get(j)
                                .put(
                                        outputs.get(o),
                                        rows.subList(
                                                offset, offset + jobs.get(j).rows()));
                        offset += jobs.get(j).rows();
                    }
                }
                return perJob;
            }
        } finally {
            tensors.values().forEach(Tensor::close);
        }
    }

    @Override
    public void close() {
        closed = true;
        if (worker != null) {
            worker.interrupt();
        }
        for (Job pending; (pending = queue.poll()) != null; ) {
            pending.result().completeExceptionally(new IllegalStateException("The model version was unloaded; retry"));
        }
    }
}
