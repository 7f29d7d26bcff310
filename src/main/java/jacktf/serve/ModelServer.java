package jacktf.serve;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A REST server compatible with TF Serving's: model status, metadata and predict in row
 * ({@code instances}) and columnar ({@code inputs}) formats, binary values as {@code {"b64"}},
 * concurrent requests batched together. Bad requests get HTTP 400 with {@code {"error"}}.
 *
 * <p>This class only wires the parts together: the versions on disk ({@code ModelVersions}, each
 * with a {@code RowBatcher} per signature), the API ({@code RestApi}: {@code RequestRouter},
 * {@code PredictCodec}, {@code StatusJson}) and the transport ({@code HttpTransport} with its
 * {@code RequestLimits}).
 */
public final class ModelServer implements AutoCloseable {
    /**
     * How the server runs: the model base path and its name in URLs, the address, batching
     * ({@code maxBatchSize} 1 turns it off), the largest body, how often new versions are looked
     * for, and the request threads.
     */
    public record Config(
            Path basePath,
            String modelName,
            String host,
            int port,
            int maxBatchSize,
            long batchTimeoutMicros,
            long maxBodyBytes,
            long pollSeconds,
            int threads) {
        /** The {@code jacktf serve} defaults for a base path, named after its folder. */
        public static Config defaults(Path basePath) {
            return new Config(
                    basePath,
                    basePath.toAbsolutePath().normalize().getFileName().toString(),
                    "127.0.0.1",
                    8501,
                    32,
                    2000,
                    32L << 20,
                    2,
                    16);
        }
    }

    private final ModelVersions versions;
    private final HttpTransport transport;

    private ModelServer(ModelVersions versions, HttpTransport transport) {
        this.versions = versions;
        this.transport = transport;
    }

    /** Loads the newest version under the base path and starts answering; close it to stop. */
    public static ModelServer start(Config config) throws IOException {
        ModelVersions versions = new ModelVersions(
                config.basePath(), config.maxBatchSize(), config.batchTimeoutMicros(), config.pollSeconds());
        try {
            HttpTransport transport = HttpTransport.start(
                    config.host(),
                    config.port(),
                    config.threads(),
                    new RequestLimits(config.maxBodyBytes()),
                    new RestApi(config.modelName(), versions));
            return new ModelServer(versions, transport);
        } catch (IOException | RuntimeException e) {
            versions.close();
            throw e;
        }
    }

    /** The port it listens on (the bound one when the config asked for 0). */
    public int port() {
        return transport.port();
    }

    /** The version number being served now. */
    public int servedVersion() {
        return versions.current().version;
    }

    /** Stops listening and closes the loaded versions. */
    @Override
    public void close() {
        transport.close();
        versions.close();
    }
}
