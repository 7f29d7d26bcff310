package jacktf.bench;

import jacktf.serve.ModelServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@link BenchMode#OVERLOAD}: the REST server with room for {@link #MAX_IN_FLIGHT} requests and
 * {@link #MAX_QUEUED} queued per signature, under {@code clients} threads that each send {@code steps}
 * one-image requests back to back. Reports the admitted requests' latency (the result's median and p99)
 * and how fast the others are refused ({@link BenchResult.Shed}). Any status but 200 and 503 fails the run.
 */
final class OverloadMeasurement implements Measurement {
    static final int MAX_IN_FLIGHT = 2;
    static final int MAX_QUEUED = 2;

    private record Answer(int status, double ms) {}

    @Override
    public BenchResult measure(BenchConfig config) throws IOException {
        Path base = BenchModels.exportedModel(config);
        byte[] bytes = SampleImages.oneJpeg(config.work());
        String body = "{\"instances\": [{\"b64\": \"" + Base64.getEncoder().encodeToString(bytes) + "\"}]}";
        try (ModelServer server = ModelServer.start(ModelServer.Config.defaults(base)
                .withModelName("bench")
                .withPorts(0, -1)
                .withBatching(1, 0)
                .withThreads(2, Math.max(4, 2 * config.clients()), 3600)
                .withLimits(MAX_QUEUED, MAX_IN_FLIGHT, 60_000, 1 << 24))) {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest request = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/v1/models/bench:predict"))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            try {
                for (int i = 0; i < config.warmup(); i++) {
                    http.send(request, HttpResponse.BodyHandlers.ofString());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted during the warm-up", e);
            }
            ExecutorService pool = Executors.newFixedThreadPool(config.clients());
            List<Answer> answers = new ArrayList<>();
            long cpu0 = ProcessStats.cpuNanos();
            long wall0 = System.nanoTime();
            try {
                List<Future<List<Answer>>> futures = new ArrayList<>();
                for (int c = 0; c < config.clients(); c++) {
                    futures.add(pool.submit(() -> {
                        List<Answer> mine = new ArrayList<>();
                        for (int i = 0; i < config.steps(); i++) {
                            long t0 = System.nanoTime();
                            int status = http.send(request, HttpResponse.BodyHandlers.ofString())
                                    .statusCode();
                            if (status != 200 && status != 503) {
                                throw new IOException("HTTP " + status + " under overload (expected 200 or 503)");
                            }
                            mine.add(new Answer(status, (System.nanoTime() - t0) / 1e6));
                        }
                        return mine;
                    }));
                }
                for (Future<List<Answer>> f : futures) {
                    answers.addAll(f.get());
                }
            } catch (InterruptedException | ExecutionException e) {
                throw new IOException("overload benchmark failed: " + e.getMessage(), e);
            } finally {
                pool.shutdownNow();
            }
            double wallSeconds = (System.nanoTime() - wall0) / 1e9;
            double cpuPerWall = (ProcessStats.cpuNanos() - cpu0) / 1e9 / wallSeconds;
            double[] admitted = times(answers, 200);
            double[] rejected = times(answers, 503);
            if (admitted.length == 0) {
                throw new IOException("no request was admitted in " + answers.size() + ": the server refused all");
            }
            return new Timing(admitted, cpuPerWall)
                    .loadResult(config, BenchMode.OVERLOAD, 1, admitted.length / wallSeconds)
                    .withShed(new BenchResult.Shed(
                            admitted.length,
                            rejected.length,
                            Timing.percentile(rejected, 0.5),
                            Timing.percentile(rejected, 0.99)));
        }
    }

    private static double[] times(List<Answer> answers, int status) {
        return answers.stream()
                .filter(a -> a.status() == status)
                .mapToDouble(Answer::ms)
                .sorted()
                .toArray();
    }
}
