package jacktf.bench;

import jacktf.serve.ModelServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Collections;

/**
 * {@link BenchMode#HTTP}: the REST server under concurrent load. {@code clients} threads each send
 * {@code steps} predict requests of {@code imagesPerRequest} images over loopback; the figures are
 * images/s and the latency per request; the batch size reported is the server's
 * {@code --max-batch-size}.
 */
final class HttpMeasurement implements Measurement {
    @Override
    public BenchResult measure(BenchConfig config) throws IOException {
        Path base = BenchModels.exportedModel(config);
        byte[] bytes = SampleImages.oneJpeg(config.work());
        String instance = "{\"b64\": \"" + Base64.getEncoder().encodeToString(bytes) + "\"}";
        String body = "{\"instances\": [" + String.join(", ", Collections.nCopies(config.imagesPerRequest(), instance))
                + "]}";
        try (ModelServer server = ModelServer.start(ModelServer.Config.defaults(base)
                .withModelName("bench")
                .withPorts(0, -1)
                .withBatching(config.serverBatchSize(), 2000)
                .withThreads(2, Math.max(4, 2 * config.clients()), 3600))) {
            HttpLoadClient client = new HttpLoadClient(
                    URI.create("http://127.0.0.1:" + server.port() + "/v1/models/bench:predict"), body);
            HttpLoadClient.Load load = client.run(config.clients(), config.steps(), config.warmup());
            double[] ms = load.ms();
            return new Timing(ms, load.cpuPerWall())
                    .loadResult(
                            config,
                            BenchMode.HTTP,
                            config.serverBatchSize(),
                            ms.length * (double) config.imagesPerRequest() / load.wallSeconds());
        }
    }
}
