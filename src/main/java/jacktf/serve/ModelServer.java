package jacktf.serve;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;

/**
 * A model server compatible with TF Serving's APIs: REST (status, metadata, predict in row and
 * columnar formats, classify and regress, {@code {"b64"}} binaries, {@code {"error"}} bodies) and
 * gRPC ({@code PredictionService} Predict, Classify, Regress, MultiInference and
 * GetModelMetadata, {@code ModelService} GetModelStatus), for any SavedModel TF Serving loads,
 * availability first (a failed version leaves the previous one serving), one model by base
 * path or several from a model config file, concurrent requests batched together, Prometheus metrics at
 * {@code /monitoring/prometheus/metrics}. Overload is refused at once (503 / UNAVAILABLE): bounded
 * queues, a limit on requests in flight, a deadline per request.
 *
 * <p>This class only wires the parts together: the models ({@code ModelRegistry} of
 * {@code ModelVersions}, each version with a {@code SignatureRunner} per signature), the shared
 * request path ({@code InferenceService}), the APIs ({@code RestApi}, {@code GrpcApi}) and their
 * transports ({@code HttpTransport}, {@code GrpcTransport}).
 */
public final class ModelServer implements AutoCloseable {
    /**
     * How the server runs. Exactly one of {@code basePath} (one model, named {@code modelName})
     * and {@code modelConfigFile}. Ports: 0 takes any free port, {@code grpcPort} -1 turns gRPC
     * off. {@code maxBatchSize} 1 turns batching off.
     */
    public record Config(
            Path basePath,
            String modelName,
            Path modelConfigFile,
            String host,
            int port,
            int grpcPort,
            int maxBatchSize,
            long batchTimeoutMicros,
            int batchThreads,
            int maxQueuedRequests,
            int maxInFlight,
            long requestTimeoutMillis,
            long maxBodyBytes,
            long maxTensorBytes,
            long pollSeconds,
            int threads) {
        public Config {
            if ((basePath == null) == (modelConfigFile == null)) {
                throw new IllegalArgumentException("Give exactly one of --model-base-path and --model-config-file. "
                        + "Received: " + (basePath == null ? "neither" : "both"));
            }
            if (maxTensorBytes < 1) {
                throw new IllegalArgumentException(
                        "--max-tensor-bytes must be at least 1. Received: " + maxTensorBytes);
            }
            if (maxBatchSize < 1 || batchThreads < 1 || maxQueuedRequests < 1 || maxInFlight < 1 || threads < 1) {
                throw new IllegalArgumentException("--max-batch-size, --batch-threads, --max-queued-requests, "
                        + "--max-in-flight and the thread count must be at least 1");
            }
        }

        /**
         * The default of {@code --max-tensor-bytes}: four times the default body limit, room for
         * any tensor a body can spell out in JSON, while a {@code TensorProto} that fills a huge
         * declared shape from one value is refused before anything is allocated.
         */
        public static final long DEFAULT_MAX_TENSOR_BYTES = 128L << 20;

        /** The {@code jacktf serve} defaults for one base path, the model named after its folder. */
        public static Config defaults(Path basePath) {
            return new Config(
                    basePath,
                    basePath.toAbsolutePath().normalize().getFileName().toString(),
                    null,
                    "127.0.0.1",
                    8501,
                    8500,
                    32,
                    2000,
                    2,
                    64,
                    64,
                    30_000,
                    32L << 20,
                    DEFAULT_MAX_TENSOR_BYTES,
                    2,
                    16);
        }

        /** The defaults with the models of a config file instead of one base path. */
        public static Config defaultsForConfigFile(Path modelConfigFile) {
            Copy c = new Copy(defaults(Path.of("models")));
            c.basePath = null;
            c.modelName = null;
            c.modelConfigFile = modelConfigFile;
            return c.build();
        }

        /** This config on other ports (0: any free; grpc -1: off). */
        public Config withPorts(int rest, int grpc) {
            Copy c = new Copy(this);
            c.port = rest;
            c.grpcPort = grpc;
            return c.build();
        }

        /** This config with other batching: {@code maxBatchSize} 1 turns it off. */
        public Config withBatching(int maxBatchSize, long batchTimeoutMicros) {
            Copy c = new Copy(this);
            c.maxBatchSize = maxBatchSize;
            c.batchTimeoutMicros = batchTimeoutMicros;
            return c.build();
        }

        /** This config with other limits: queued requests per signature, requests in flight, deadline, body. */
        public Config withLimits(int maxQueuedRequests, int maxInFlight, long requestTimeoutMillis, long maxBodyBytes) {
            Copy c = new Copy(this);
            c.maxQueuedRequests = maxQueuedRequests;
            c.maxInFlight = maxInFlight;
            c.requestTimeoutMillis = requestTimeoutMillis;
            c.maxBodyBytes = maxBodyBytes;
            return c.build();
        }

        /** This config with another limit on the bytes of one request tensor (its elements times their width). */
        public Config withMaxTensorBytes(long maxTensorBytes) {
            Copy c = new Copy(this);
            c.maxTensorBytes = maxTensorBytes;
            return c.build();
        }

        /** This config with other threads: batch threads per signature, HTTP request threads, and the poll period. */
        public Config withThreads(int batchThreads, int threads, long pollSeconds) {
            Copy c = new Copy(this);
            c.batchThreads = batchThreads;
            c.threads = threads;
            c.pollSeconds = pollSeconds;
            return c.build();
        }

        /** This config with the one model named {@code name} in URLs. */
        public Config withModelName(String name) {
            Copy c = new Copy(this);
            c.modelName = Objects.requireNonNull(name);
            return c.build();
        }

        /** This config bound to {@code host}. */
        public Config withHost(String host) {
            Copy c = new Copy(this);
            c.host = Objects.requireNonNull(host);
            return c.build();
        }

        /**
         * A config's fields, for the {@code with...} methods to change a few and build the result, which the
         * canonical constructor checks.
         */
        private static final class Copy {
            Path basePath;
            String modelName;
            Path modelConfigFile;
            String host;
            int port;
            int grpcPort;
            int maxBatchSize;
            long batchTimeoutMicros;
            int batchThreads;
            int maxQueuedRequests;
            int maxInFlight;
            long requestTimeoutMillis;
            long maxBodyBytes;
            long maxTensorBytes;
            long pollSeconds;
            int threads;

            Copy(Config c) {
                basePath = c.basePath;
                modelName = c.modelName;
                modelConfigFile = c.modelConfigFile;
                host = c.host;
                port = c.port;
                grpcPort = c.grpcPort;
                maxBatchSize = c.maxBatchSize;
                batchTimeoutMicros = c.batchTimeoutMicros;
                batchThreads = c.batchThreads;
                maxQueuedRequests = c.maxQueuedRequests;
                maxInFlight = c.maxInFlight;
                requestTimeoutMillis = c.requestTimeoutMillis;
                maxBodyBytes = c.maxBodyBytes;
                maxTensorBytes = c.maxTensorBytes;
                pollSeconds = c.pollSeconds;
                threads = c.threads;
            }

            Config build() {
                return new Config(
                        basePath,
                        modelName,
                        modelConfigFile,
                        host,
                        port,
                        grpcPort,
                        maxBatchSize,
                        batchTimeoutMicros,
                        batchThreads,
                        maxQueuedRequests,
                        maxInFlight,
                        requestTimeoutMillis,
                        maxBodyBytes,
                        maxTensorBytes,
                        pollSeconds,
                        threads);
            }
        }
    }

    private final ModelRegistry registry;
    private final InferenceService service;
    private final HttpTransport http;
    private final GrpcTransport grpc;

    private ModelServer(ModelRegistry registry, InferenceService service, HttpTransport http, GrpcTransport grpc) {
        this.registry = registry;
        this.service = service;
        this.http = http;
        this.grpc = grpc;
    }

    /** Loads the models and starts answering; close it to stop. */
    public static ModelServer start(Config config) throws IOException {
        ServingMetrics metrics = new ServingMetrics();
        SignatureRunner.Options runner = new SignatureRunner.Options(
                config.maxBatchSize(), config.batchTimeoutMicros(), config.batchThreads(), config.maxQueuedRequests());
        ModelRegistry registry = ModelRegistry.start(
                Optional.ofNullable(config.modelConfigFile()),
                config.basePath(),
                config.modelName(),
                config.pollSeconds(),
                runner,
                metrics);
        HttpTransport http = null;
        try {
            InferenceService service = new InferenceService(
                    registry, metrics, config.maxInFlight(), config.requestTimeoutMillis(), config.maxTensorBytes());
            // a request thread per admitted request and a few more, so a refusal never waits for a thread
            int threads = Math.max(config.threads(), config.maxInFlight() + 4);
            http = HttpTransport.start(
                    config.host(),
                    config.port(),
                    threads,
                    config.maxInFlight(),
                    new RequestLimits(config.maxBodyBytes()),
                    new RestApi(service));
            GrpcTransport grpc = config.grpcPort() < 0
                    ? null
                    : GrpcTransport.start(
                            config.host(), config.grpcPort(), config.maxBodyBytes(), new GrpcApi(service));
            return new ModelServer(registry, service, http, grpc);
        } catch (IOException | RuntimeException e) {
            if (http != null) {
                http.close();
            }
            registry.close();
            throw e;
        }
    }

    /** The REST port (the bound one when the config asked for 0). */
    public int port() {
        return http.port();
    }

    /** The gRPC port (the bound one when the config asked for 0), or -1 when gRPC is off. */
    public int grpcPort() {
        return grpc == null ? -1 : grpc.port();
    }

    /** The version numbers of {@code model} being served, lowest first (empty for an unknown model). */
    public NavigableSet<Long> servedVersions(String model) {
        return registry.models().stream()
                .filter(m -> m.name().equals(model))
                .findFirst()
                .map(ModelVersions::servedVersions)
                .orElse(Collections.emptyNavigableSet());
    }

    /** The names of the served models. */
    public List<String> modelNames() {
        return registry.models().stream().map(ModelVersions::name).sorted().toList();
    }

    /** The shared request path (tests reach its shut-down switch and the metrics). */
    InferenceService service() {
        return service;
    }

    /** Refuses new requests (503 / UNAVAILABLE), stops listening and closes the loaded versions. */
    @Override
    public void close() {
        service.shutDown();
        if (grpc != null) {
            grpc.close();
        }
        http.close();
        registry.close();
    }
}
