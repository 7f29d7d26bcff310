package jacktf.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.config.OptimizerType;
import jacktf.data.ImageFolder;
import jacktf.data.SyntheticImages;
import jacktf.export.SavedModelExporter;
import jacktf.model.Precision;
import jacktf.train.TrainConfig;
import jacktf.train.Trainer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Thousands of predictions from many threads, then the server under mixed load: correct, and RSS levels off. */
@Tag("slow")
class ServiceSoakTest {
    static final long RSS_GROWTH_LIMIT_MB = 200;

    static double rssMb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        throw new IllegalStateException("no VmRSS");
    }

    @Test
    void classifierAndServerUnderSustainedConcurrentLoad(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        SyntheticImages.generate(data, 2, 4, 40, 9, 0, SyntheticImages.Layout.FOLDERS);
        Path trainDir = dir.resolve("train");
        Trainer.create(TrainConfig.builder(data, trainDir)
                        .imageSize(32)
                        .batchSize(4)
                        .maxNumberOfSteps(1L)
                        .optimizer(OptimizerType.SGD)
                        .learningRate(1e-4f)
                        .saveSummariesSecs(3600)
                        .build())
                .train();
        Path base = dir.resolve("savedmodels/soak");
        SavedModelExporter.export(trainDir, base, 1, Precision.FP32, "global_pool");
        List<byte[]> images = new ArrayList<>();
        for (var e : ImageFolder.load(data, 0, 0).train().examples()) {
            images.add(Files.readAllBytes(e.file()));
        }

        try (Classifier classifier = Classifier.load(base)) {
            List<Integer> expected = new ArrayList<>();
            for (byte[] image : images) {
                expected.add(classifier.classify(image).top().classId());
            }
            int threads = 8;
            int perThread = 400;
            AtomicInteger wrong = new AtomicInteger();
            AtomicInteger done = new AtomicInteger();
            double[] rss = new double[2];
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        int k = (thread + i) % images.size();
                        if (classifier.classify(images.get(k)).top().classId() != expected.get(k)) {
                            wrong.incrementAndGet();
                        }
                        int n = done.incrementAndGet();
                        if (n == threads * perThread / 5) {
                            rss[0] = rssMb(); // after warm-up
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();
            rss[1] = rssMb();
            assertEquals(0, wrong.get());
            System.out.printf(
                    "soak Classifier: %d predictions from %d threads, 0 wrong; RSS %.0f MB after warm-up, "
                            + "%.0f MB at the end (growth %.0f MB, bound %d)%n",
                    threads * perThread, threads, rss[0], rss[1], rss[1] - rss[0], RSS_GROWTH_LIMIT_MB);
            assertTrue(rss[1] - rss[0] < RSS_GROWTH_LIMIT_MB, "RSS growth " + (rss[1] - rss[0]) + " MB");
        }

        try (ModelServer server =
                ModelServer.start(new ModelServer.Config(base, "soak", "127.0.0.1", 0, 8, 2000, 1 << 20, 3600, 8))) {
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/v1/models/soak:predict");
            List<String> bodies = new ArrayList<>();
            List<String> answers = new ArrayList<>();
            for (byte[] image : images) {
                String body =
                        "{\"instances\": [{\"b64\": \"" + Base64.getEncoder().encodeToString(image) + "\"}]}";
                bodies.add(body);
                answers.add(http.send(
                                HttpRequest.newBuilder(uri)
                                        .POST(HttpRequest.BodyPublishers.ofString(body))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body());
            }
            List<String> badBodies = List.of(
                    "{\"instances\": [{\"b64\": \"bm90IGFuIGltYWdl\"}]}",
                    "{\"instances\": [",
                    "{\"instances\": [{\"b64\": \"!!!\"}]}",
                    "{\"signature_name\": \"x\", \"instances\": [1]}");
            AtomicInteger goodFailed = new AtomicInteger();
            AtomicInteger badNot400 = new AtomicInteger();
            AtomicInteger requests = new AtomicInteger();
            double before = rssMb();
            ExecutorService clients = Executors.newFixedThreadPool(8);
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                int client = c;
                futures.add(clients.submit(() -> {
                    for (int i = 0; i < 150; i++) {
                        requests.incrementAndGet();
                        if ((client * 150 + i) % 10 == 3) {
                            String bad = badBodies.get(i % badBodies.size());
                            int status = http.send(
                                            HttpRequest.newBuilder(uri)
                                                    .POST(HttpRequest.BodyPublishers.ofString(bad))
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .statusCode();
                            badNot400.addAndGet(status == 400 ? 0 : 1);
                            continue;
                        }
                        int k = (client + i) % bodies.size();
                        HttpResponse<String> r = http.send(
                                HttpRequest.newBuilder(uri)
                                        .POST(HttpRequest.BodyPublishers.ofString(bodies.get(k)))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200 || !r.body().equals(answers.get(k))) {
                            goodFailed.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            clients.shutdown();
            double after = rssMb();
            assertEquals(0, goodFailed.get());
            assertEquals(0, badNot400.get());
            assertEquals(200, get(http, server.port()), "still up");
            System.out.printf(
                    "soak serve: %d requests from 8 clients (120 bad), 0 failed good requests, every bad one 400; "
                            + "RSS %.0f MB -> %.0f MB%n",
                    requests.get(), before, after);
            assertTrue(after - before < RSS_GROWTH_LIMIT_MB, "RSS growth " + (after - before) + " MB");
        }
    }

    static int get(HttpClient http, int port) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/models/soak"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }
}
