package jacktf.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Concurrent load on one HTTP endpoint: {@code clients} threads each POST the same body
 * {@code requests} times, after {@code warmup} sequential requests. Any status but 200 fails the run.
 */
final class HttpLoadClient {
    /** Every request's latency and the wall time and CPU per wall time of the whole load. */
    record Load(double[] ms, double wallSeconds, double cpuPerWall) {}

    private final HttpClient client = HttpClient.newHttpClient();
    private final HttpRequest request;

    HttpLoadClient(URI uri, String body) {
        this.request = HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    /** Runs the load and waits for every client. */
    Load run(int clients, int requests, int warmup) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            for (int i = 0; i < warmup; i++) {
                client.send(request, HttpResponse.BodyHandlers.ofString());
            }
            List<Future<double[]>> futures = new ArrayList<>();
            long cpu0 = ProcessStats.cpuNanos();
            long wall0 = System.nanoTime();
            for (int c = 0; c < clients; c++) {
                futures.add(pool.submit(() -> {
                    double[] ms = new double[requests];
                    for (int i = 0; i < ms.length; i++) {
                        long t0 = System.nanoTime();
                        var response = client.send(request, HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() != 200) {
                            throw new IOException("request failed: " + response.body());
                        }
                        ms[i] = (System.nanoTime() - t0) / 1e6;
                    }
                    return ms;
                }));
            }
            List<Double> all = new ArrayList<>();
            for (var f : futures) {
                for (double v : f.get()) {
                    all.add(v);
                }
            }
            double wallSeconds = (System.nanoTime() - wall0) / 1e9;
            double cpuPerWall = (ProcessStats.cpuNanos() - cpu0) / 1e9 / wallSeconds;
            return new Load(all.stream().mapToDouble(Double::doubleValue).toArray(), wallSeconds, cpuPerWall);
        } catch (InterruptedException | ExecutionException e) {
            throw new IOException("HTTP benchmark failed", e);
        } finally {
            pool.shutdown();
        }
    }
}
