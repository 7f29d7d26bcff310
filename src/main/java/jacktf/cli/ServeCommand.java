package jacktf.cli;

import jacktf.serve.ModelServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jacktf serve}: TF Serving's REST API for exported models. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = "Serve the newest version under a model base path with TF Serving's REST API.")
final class ServeCommand implements Callable<Integer> {
    @Option(
            names = "--model-base-path",
            required = true,
            paramLabel = "DIR",
            description = "e.g. savedmodels/cats_dogs")
    Path basePath;

    @Option(
            names = "--model-name",
            paramLabel = "NAME",
            description = "Name in the URL (default: the base path's folder name).")
    String modelName;

    @Option(names = "--port", defaultValue = "8501", description = "HTTP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            description = "Address to bind (default: ${DEFAULT-VALUE}; " + "0.0.0.0 to accept other machines).")
    String host;

    @Option(
            names = "--max-batch-size",
            defaultValue = "32",
            description = "Rows of concurrent requests run together; 1 turns batching off (default: ${DEFAULT-VALUE}).")
    int maxBatchSize;

    @Option(
            names = "--batch-timeout-micros",
            defaultValue = "2000",
            description = "How long a batch waits to fill (default: ${DEFAULT-VALUE}).")
    long batchTimeoutMicros;

    @Option(
            names = "--max-body-bytes",
            defaultValue = "33554432",
            description = "Largest request (default: ${DEFAULT-VALUE}).")
    long maxBodyBytes;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ModelServer.Config defaults = ModelServer.Config.defaults(basePath);
        ModelServer.Config config = new ModelServer.Config(
                basePath,
                modelName != null ? modelName : defaults.modelName(),
                host,
                port,
                Math.max(1, maxBatchSize),
                batchTimeoutMicros,
                maxBodyBytes,
                defaults.pollSeconds(),
                defaults.threads());
        ModelServer server = ModelServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "jacktf-serve-shutdown"));
        spec.commandLine()
                .getOut()
                .printf(
                        "Serving %s version %d at http://%s:%d/v1/models/%s (Ctrl-C to stop)%n",
                        basePath, server.servedVersion(), host, server.port(), config.modelName());
        spec.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }
}
