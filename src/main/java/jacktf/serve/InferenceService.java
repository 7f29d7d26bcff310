package jacktf.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tensorflow.proto.error.Code;

/**
 * What REST and gRPC share: admission (at most {@code maxInFlight} requests at once, none while
 * shutting down: UNAVAILABLE), finding the model version, queueing a run on its signature's
 * runner under a deadline, and counting every answer by its status code. The transports only
 * decode and encode.
 */
final class InferenceService {
    private static final Logger LOG = Logger.getLogger(InferenceService.class.getName());
    /** The {@code model} label of requests for a model the registry does not know. */
    static final String UNKNOWN_MODEL = "_unknown";

    /** Which model version a request names: a number, a label, or neither (the newest served). */
    record ModelRef(String name, Optional<Long> version, Optional<String> label) {}

    /** A decoded run: the signature, its inputs by alias and the outputs to fetch. */
    record RunRequest(SignatureSpec signature, Map<String, HostTensor> inputs, List<String> outputs) {}

    /** The answer of a run: the version that ran it and the outputs by alias. */
    record RunResult(long version, SignatureSpec signature, Map<String, HostTensor> outputs) {}

    /**
     * One request from admission to answer, for the metrics: the transport sets the model,
     * method and signature as it learns them and calls {@link #finish} once.
     */
    final class Call {
        private final String api;
        private final long start = System.nanoTime();
        String model = "";
        String method = "";
        String signature = "";
        private boolean admitted;
        private boolean finished;

        private Call(String api, String model, String method) {
            this.api = api;
            this.model = model;
            this.method = method;
        }

        /** Records the answer's code and releases the admission. */
        void finish(Code code) {
            if (finished) {
                return;
            }
            finished = true;
            if (admitted) {
                inFlight.decrementAndGet();
            }
            // clients choose the name: only the registry's names become label values, so random
            // names cannot grow the metrics (heap and Prometheus series) without bound
            String label = registry.serves(model) ? model : UNKNOWN_MODEL;
            metrics.request(api, label, method, signature, code, System.nanoTime() - start);
        }
    }

    private final ModelRegistry registry;
    private final ServingMetrics metrics;
    private final int maxInFlight;
    private final long timeoutNanos;
    private final long maxTensorBytes;
    private final AtomicInteger inFlight;
    private volatile boolean shuttingDown;

    InferenceService(
            ModelRegistry registry, ServingMetrics metrics, int maxInFlight, long timeoutMillis, long maxTensorBytes) {
        this.maxTensorBytes = maxTensorBytes;
        this.registry = registry;
        this.metrics = metrics;
        this.maxInFlight = maxInFlight;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.inFlight = metrics.inFlight();
    }

    ModelRegistry registry() {
        return registry;
    }

    ServingMetrics metrics() {
        return metrics;
    }

    /** The most bytes one request tensor may hold (--max-tensor-bytes), checked before it is allocated. */
    long maxTensorBytes() {
        return maxTensorBytes;
    }

    /** Refuses new requests from now on (UNAVAILABLE). */
    void shutDown() {
        shuttingDown = true;
    }

    /**
     * Admits a request to {@code model}'s {@code method} through {@code api} (rest, grpc) or throws
     * UNAVAILABLE (counted); the caller must {@link Call#finish} the returned call.
     */
    Call admit(String api, String model, String method) {
        Call call = admitUnlimited(api, model, method);
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            call.finish(Code.UNAVAILABLE);
            throw ServingException.unavailable(
                    "The server is at its limit of " + maxInFlight + " requests in flight (--max-in-flight); retry");
        }
        call.admitted = true;
        return call;
    }

    /**
     * Admits a status request: refused (UNAVAILABLE, counted) only while shutting down, not held
     * to the limit of requests in flight, as it runs no model and is what an operator looks at
     * when the server is overloaded.
     */
    Call admitUnlimited(String api, String model, String method) {
        Call call = new Call(api, model, method);
        if (shuttingDown) {
            call.finish(Code.UNAVAILABLE);
            throw ServingException.unavailable("The server is shutting down");
        }
        return call;
    }

    /** Counts a request refused before admission (the transport's own queue was full) and returns its error. */
    ServingException reject(String api, String model, String method) {
        new Call(api, model, method).finish(Code.UNAVAILABLE);
        return ServingException.unavailable("The server is overloaded (its request queue is full); retry");
    }

    /** The server's own deadline for a request admitted now, or the caller's if sooner (nanoTime). */
    long deadline(Optional<Long> callerDeadlineNanos) {
        long own = System.nanoTime() + timeoutNanos;
        return callerDeadlineNanos.map(d -> d - own < 0 ? d : own).orElse(own);
    }

    /** Runs a decoded request on the named version; the future completes with the outputs or a ServingException. */
    CompletableFuture<RunResult> run(
            Call call, ModelRef ref, Function<ServedModel, RunRequest> decode, long deadlineNanos) {
        call.model = ref.name();
        ModelVersions.Lease lease = registry.model(ref.name()).lease(ref.version(), ref.label());
        try {
            RunRequest run = decode.apply(lease.loaded().model);
            call.signature = run.signature().key();
            SignatureRunner.Job job =
                    lease.loaded().runner(run.signature()).submit(run.inputs(), run.outputs(), deadlineNanos);
            long version = lease.loaded().version;
            job.result().whenComplete((r, e) -> lease.close()); // the version stays open until its run ends
            CompletableFuture<RunResult> answer =
                    job.result().thenApply(outputs -> new RunResult(version, run.signature(), outputs));
            answer.whenComplete((r, e) -> {
                if (e != null) { // cancelled or timed out by the caller: not run if not started
                    job.abandon();
                }
            });
            return answer;
        } catch (Throwable e) { // an Error too (a decode out of memory): the lease must not leak
            lease.close();
            throw e;
        }
    }

    /**
     * Runs several decoded requests on one version (MultiInference's tasks): one lease for all,
     * each request on its signature's runner; the future completes with the results in order, or
     * with the first failure.
     */
    CompletableFuture<List<RunResult>> runAll(
            Call call, ModelRef ref, Function<ServedModel, List<RunRequest>> decode, long deadlineNanos) {
        call.model = ref.name();
        ModelVersions.Lease lease = registry.model(ref.name()).lease(ref.version(), ref.label());
        List<RunRequest> runs;
        try {
            runs = decode.apply(lease.loaded().model);
        } catch (Throwable e) { // an Error too: the lease must not leak
            lease.close();
            throw e;
        }
        long version = lease.loaded().version;
        List<SignatureRunner.Job> jobs = new ArrayList<>();
        List<CompletableFuture<RunResult>> answers = new ArrayList<>();
        try {
            for (RunRequest run : runs) {
                SignatureRunner.Job job =
                        lease.loaded().runner(run.signature()).submit(run.inputs(), run.outputs(), deadlineNanos);
                jobs.add(job);
                answers.add(job.result().thenApply(outputs -> new RunResult(version, run.signature(), outputs)));
            }
        } catch (Throwable refused) { // a full queue: the runs already queued are not run
            jobs.forEach(SignatureRunner.Job::abandon);
            throw refused;
        } finally {
            // the version stays open until every queued run is answered (the runner answers abandoned ones too)
            CompletableFuture.allOf(
                            jobs.stream().map(SignatureRunner.Job::result).toArray(CompletableFuture[]::new))
                    .whenComplete((r, e) -> lease.close());
        }
        CompletableFuture<List<RunResult>> all = CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                .thenApply(v -> answers.stream().map(CompletableFuture::join).toList());
        all.whenComplete((r, e) -> {
            if (e != null) { // cancelled, timed out or one run failed: the others are not run if not started
                jobs.forEach(SignatureRunner.Job::abandon);
            }
        });
        return all;
    }

    /**
     * The run, failed with a {@link java.util.concurrent.TimeoutException} (DEADLINE_EXCEEDED, see
     * {@link ServingException#of}) when not answered by the deadline; the run is then abandoned if
     * not started. For callers that do not wait (gRPC).
     */
    static <T> CompletableFuture<T> within(CompletableFuture<T> result, long deadlineNanos) {
        return result.orTimeout(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Waits for a run until the deadline (DEADLINE_EXCEEDED after it: the run is abandoned if not started). */
    static <T> T await(CompletableFuture<T> result, long deadlineNanos) {
        try {
            return result.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            result.cancel(false);
            throw ServingException.of(e);
        } catch (ExecutionException e) {
            throw ServingException.of(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ServingException.unavailable("The server is shutting down");
        }
    }

    /** Reads something of a version (metadata) under a lease. */
    <T> T withVersion(Call call, ModelRef ref, Function<ModelVersions.Loaded, T> read) {
        call.model = ref.name();
        try (ModelVersions.Lease lease = registry.model(ref.name()).lease(ref.version(), ref.label())) {
            return read.apply(lease.loaded());
        }
    }

    /** Logs an internal failure once, with an id the client's generic message repeats. */
    static String logInternal(ServingException e) {
        String id = Long.toHexString(System.nanoTime());
        LOG.log(Level.SEVERE, "Internal error " + id, e);
        return "Internal error (id " + id + "); the details are in the server log";
    }
}
