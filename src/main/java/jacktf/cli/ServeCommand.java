package jacktf.cli;

import jacktf.config.ConfigException;
import jacktf.serve.ModelServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jacktf serve}: TF Serving's REST and gRPC APIs for SavedModels. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serve SavedModels with TF Serving's REST API (--rest-api-port) and gRPC API (--grpc-port).",
            "",
            "TF Serving-compatible: REST /v1/models/NAME[/versions/N|/labels/L][/metadata|:predict|:classify|:regress] "
                    + "(row and columnar formats, {\"b64\"} binaries, examples with context, {\"results\"} and "
                    + "{\"error\"} bodies, TF Serving's status codes); gRPC tensorflow.serving.PredictionService Predict, "
                    + "Classify, Regress, MultiInference and GetModelMetadata, and ModelService.GetModelStatus; TF "
                    + "Serving's request validation (signature, inputs' count and names; dtypes and shapes left to the "
                    + "runtime); every SavedModel tagged serve that TF Serving loads, signatures TF Java refuses "
                    + "included (float, double, int32, int64, uint8, bool and string tensors); availability first: a "
                    + "new version serves only once loaded and warmed up (assets.extra/tf_serving_warmup_requests), "
                    + "a version that fails leaves the previous one serving and "
                    + "shows END with its error in the status (retried when its directory changes); at start-up a "
                    + "model that cannot load is an error naming it (exit 1); --model-config-file in "
                    + "model_config_list text format (name, base_path, model_version_policy latest/all/specific, "
                    + "version_labels), reloaded when it changes; Prometheus metrics at "
                    + "/monitoring/prometheus/metrics.",
            "",
            "Not compatible: warm-up iterations and threads (each request runs once); MultiInference runs a "
                    + "session per task; "
                    + "ModelService.HandleReloadConfigRequest (the config file is reloaded instead); TF Serving's "
                    + "load retry flags, batching parameters file, monitoring config, SSL and request logging "
                    + "(logging_config is accepted and ignored); float16/complex/quantized tensors; metric names "
                    + "(jacktf_serving_*, not TF Serving's :tensorflow:serving:*); TF runtime errors other than the 7 "
                    + "codes TF Java distinguishes (INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE, "
                    + "RESOURCE_EXHAUSTED, UNIMPLEMENTED, PERMISSION_DENIED, UNAUTHENTICATED) are answered "
                    + "500/INTERNAL.",
            "",
            "Note: TF Serving's own --port is its gRPC port; here --port is the REST port (as --rest-api-port) and "
                    + "gRPC has --grpc-port.",
            ""
        })
final class ServeCommand implements Callable<Integer> {
    @Option(
            names = "--model-base-path",
            paramLabel = "DIR",
            description = "One model: the folder of its numeric version folders, e.g. savedmodels/cats_dogs.")
    Path basePath;

    @Option(
            names = "--model-name",
            paramLabel = "NAME",
            description = "Name in the URL of the --model-base-path model (default: the base path's folder name).")
    String modelName;

    @Option(
            names = "--model-config-file",
            paramLabel = "FILE",
            description = "Several models: TF Serving's model_config_list text file, instead of --model-base-path.")
    Path modelConfigFile;

    @Option(
            names = {"--rest-api-port", "--port"},
            defaultValue = "8501",
            description = "REST (HTTP) port; 0 takes a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--grpc-port",
            defaultValue = "8500",
            description = "gRPC port (TF Serving's --port); 0 takes a free one, -1 turns gRPC off "
                    + "(default: ${DEFAULT-VALUE}).")
    int grpcPort;

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            description = "Address to bind (default: ${DEFAULT-VALUE}; 0.0.0.0 to accept other machines).")
    String host;

    @Option(
            names = "--max-batch-size",
            defaultValue = "32",
            description = "Rows of concurrent requests run together, never more; 1 turns batching off; a request "
                    + "with more rows is refused (default: ${DEFAULT-VALUE}).")
    int maxBatchSize;

    @Option(
            names = "--batch-timeout-micros",
            defaultValue = "2000",
            description = "How long a batch waits to fill (default: ${DEFAULT-VALUE}).")
    long batchTimeoutMicros;

    @Option(
            names = "--num-batch-threads",
            defaultValue = "2",
            description = "Threads running each signature's batches (default: ${DEFAULT-VALUE}).")
    int batchThreads;

    @Option(
            names = "--max-queued-requests",
            defaultValue = "64",
            description = "Requests waiting per signature; more are refused at once with 503/UNAVAILABLE "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxQueuedRequests;

    @Option(
            names = "--max-in-flight",
            defaultValue = "64",
            description = "Requests admitted at once over REST and gRPC; more are refused at once with "
                    + "503/UNAVAILABLE (default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(
            names = "--request-timeout-ms",
            defaultValue = "30000",
            description = "Deadline of a request (a gRPC client's sooner deadline wins); past it 504/DEADLINE_EXCEEDED "
                    + "(default: ${DEFAULT-VALUE}).")
    long requestTimeoutMillis;

    @Option(
            names = "--max-body-bytes",
            defaultValue = "33554432",
            description = "Largest request, REST body or gRPC message (default: ${DEFAULT-VALUE}).")
    long maxBodyBytes;

    @Option(
            names = "--max-tensor-bytes",
            defaultValue = "" + ModelServer.Config.DEFAULT_MAX_TENSOR_BYTES,
            description = "Largest input tensor (elements times their width), checked before it is allocated: "
                    + "a gRPC TensorProto can declare a huge shape and fill it from one value; "
                    + "larger is refused with 400/INVALID_ARGUMENT (default: ${DEFAULT-VALUE}).")
    long maxTensorBytes;

    @Option(
            names = "--file-system-poll-wait-seconds",
            defaultValue = "2",
            description = "How often new versions and a changed --model-config-file are looked for "
                    + "(default: ${DEFAULT-VALUE}).")
    long pollSeconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if ((basePath == null) == (modelConfigFile == null)) {
            throw new ConfigException(
                    "basePath",
                    "exactly one of --model-base-path and --model-config-file",
                    basePath == null ? "neither" : "both");
        }
        if (modelConfigFile != null && modelName != null) {
            throw new ConfigException(
                    "modelName", "no --model-name with --model-config-file (the file names its models)", modelName);
        }
        ModelServer.Config base = basePath != null
                ? ModelServer.Config.defaults(basePath)
                : ModelServer.Config.defaultsForConfigFile(modelConfigFile);
        if (modelName != null) {
            base = base.withModelName(modelName);
        }
        ModelServer.Config config = base.withHost(host)
                .withPorts(port, grpcPort)
                .withBatching(Math.max(1, maxBatchSize), batchTimeoutMicros)
                .withLimits(maxQueuedRequests, maxInFlight, requestTimeoutMillis, maxBodyBytes)
                .withMaxTensorBytes(maxTensorBytes)
                .withThreads(batchThreads, base.threads(), pollSeconds);
        ModelServer server = ModelServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "jacktf-serve-shutdown"));
        for (String name : server.modelNames()) {
            spec.commandLine()
                    .getOut()
                    .printf(
                            "Serving %s versions %s at http://%s:%d/v1/models/%s%n",
                            name, server.servedVersions(name), host, server.port(), name);
        }
        if (server.grpcPort() >= 0) {
            spec.commandLine().getOut().printf("gRPC PredictionService at %s:%d%n", host, server.grpcPort());
        }
        spec.commandLine()
                .getOut()
                .printf(
                        "Metrics at http://%s:%d/monitoring/prometheus/metrics (Ctrl-C to stop)%n",
                        host, server.port());
        spec.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }
}
