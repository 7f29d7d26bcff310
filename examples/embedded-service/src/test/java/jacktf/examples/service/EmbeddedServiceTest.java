package jacktf.examples.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import jacktf.testing.JacktfExtension;
import jacktf.testing.PretrainedCheckpoint;
import jacktf.testing.SampleImages;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service end to end on 127.0.0.1, with jacktf.testing's pretrained checkpoint as the model
 * to start from and its sample images as requests.
 */
@ExtendWith(JacktfExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedServiceTest {
    static final Duration JOB_DEADLINE = Duration.ofMinutes(5);
    static EmbeddedService service;
    static HttpClient http;
    static PretrainedCheckpoint pretrained;
    static SampleImages images;
    static List<byte[]> requestImages = new ArrayList<>();

    @BeforeAll
    static void start(PretrainedCheckpoint checkpoint, SampleImages samples, @TempDir Path work) throws IOException {
        pretrained = checkpoint;
        images = samples;
        service = EmbeddedService.start("127.0.0.1", 0, work, checkpoint.savedModel());
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        for (String shape : List.of("circle", "square", "triangle", "diamond")) {
            requestImages.add(Files.readAllBytes(samples.jpeg(shape)));
            requestImages.add(Files.readAllBytes(samples.png(shape)));
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (service != null) {
            service.close();
        }
    }

    @Test
    @Order(1)
    void badRequestsGetAReasonAndTheRightStatus() throws Exception {
        assertError(post("/jobs", "{}"), 400, "dataset_dir is required");
        assertError(post("/jobs", "not json"), 400, "The body is not valid JSON");
        assertError(
                post("/jobs", "{\"dataset_dir\": \"" + pretrained.datasetDir() + "\", \"checkpoint\": \"x\"}"),
                400,
                "steps is required");
        assertError(
                post("/jobs", "{\"dataset_dir\": \"/nonexistent\", \"checkpoint\": \"x\", \"steps\": 1}"),
                400,
                "dataset_dir must be a directory of class folders. Received: /nonexistent");
        assertError(send(HttpRequest.newBuilder(uri("/jobs/job-999")).GET()), 404, "No job 'job-999'");
        assertError(classify("hello".getBytes(), ""), 400, "The body is not a decodable image");
        assertError(classify(new byte[0], ""), 400, "The body is empty");
        assertError(classify(requestImages.get(0), "?top_k=0"), 400, "top_k must be a positive integer");
    }

    @Test
    @Order(2)
    void classifyAnswersWithThePretrainedModelsClasses() throws Exception {
        HttpResponse<String> r = classify(requestImages.get(0), "?top_k=3");
        assertEquals(200, r.statusCode(), r.body());
        JsonObject answer = JsonParser.parseString(r.body()).getAsJsonObject();
        assertEquals(1, answer.get("model_version").getAsLong());
        assertValid(answer, Set.copyOf(PretrainedCheckpoint.CLASSES), 3);
    }

    /**
     * Four clients classify without pause while a job fine-tunes a 2-class head from the pretrained
     * checkpoint and its export replaces the 3-class model: every request must succeed and every
     * answer come whole from one model or the other, never from a closed one.
     */
    @Test
    @Order(3)
    void hotSwapDropsNoRequest() throws Exception {
        Path data = images.dataset(List.of("diamond", "hexagon"), 6, 40);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger afterSwap = new AtomicInteger();
        AtomicInteger total = new AtomicInteger();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<?>> running = new ArrayList<>();
        long deadline = System.nanoTime() + JOB_DEADLINE.toNanos();
        for (int t = 0; t < 4; t++) {
            int client = t;
            running.add(clients.submit(() -> {
                long lastVersion = 0;
                // Bounded: at most 5,000 requests per client, and the deadline.
                for (int i = 0; i < 5_000 && !stop.get() && System.nanoTime() < deadline; i++) {
                    try {
                        HttpResponse<String> r =
                                classify(requestImages.get((client + i) % requestImages.size()), "?top_k=5");
                        total.incrementAndGet();
                        if (r.statusCode() != 200) {
                            problems.add("HTTP " + r.statusCode() + ": " + r.body());
                            continue;
                        }
                        JsonObject answer = JsonParser.parseString(r.body()).getAsJsonObject();
                        long version = answer.get("model_version").getAsLong();
                        if (version < lastVersion) {
                            problems.add(
                                    "client " + client + " went back from version " + lastVersion + " to " + version);
                        }
                        lastVersion = version;
                        if (version == 1) {
                            assertValid(answer, Set.copyOf(PretrainedCheckpoint.CLASSES), 3);
                        } else if (version == 2) {
                            assertValid(answer, Set.of("diamond", "hexagon"), 2);
                            afterSwap.incrementAndGet();
                        } else {
                            problems.add("unexpected version " + version);
                        }
                    } catch (AssertionError | Exception e) {
                        problems.add(e.toString());
                    }
                }
            }));
        }

        HttpResponse<String> created = post(
                "/jobs",
                "{\"dataset_dir\": \"" + data + "\", \"checkpoint\": \"" + pretrained.checkpoint()
                        + "\", \"steps\": 3, \"batch_size\": 4, \"trainable_scopes\": [\"resnet_v1_50/logits\"]}");
        assertEquals(201, created.statusCode(), created.body());
        String id = JsonParser.parseString(created.body())
                .getAsJsonObject()
                .get("id")
                .getAsString();
        JsonObject job = awaitState(id, Set.of("succeeded", "failed", "cancelled"));
        assertEquals("succeeded", job.get("state").getAsString(), job.toString());
        assertEquals(3, job.get("step").getAsLong());
        assertTrue(Float.isFinite(job.get("loss").getAsFloat()), job.toString());
        assertEquals(2, job.get("model_version").getAsLong());

        // Keep the clients going until 40 answers came from the new model, then stop them.
        while (afterSwap.get() < 40 && System.nanoTime() < deadline && problems.isEmpty()) {
            Thread.sleep(50);
        }
        stop.set(true);
        for (Future<?> f : running) {
            f.get(2, TimeUnit.MINUTES);
        }
        clients.shutdown();
        assertEquals(List.of(), problems, "of " + total.get() + " requests");
        assertTrue(
                afterSwap.get() >= 40, "only " + afterSwap.get() + " answers from the new model before the deadline");
        assertTrue(total.get() - afterSwap.get() >= 1, "no answer came from the old model");
        assertEquals(2, service.modelVersion());
    }

    @Test
    @Order(4)
    void deleteCancelsARunningJobAndKeepsTheModel() throws Exception {
        long version = service.modelVersion();
        Path data = images.dataset(List.of("circle", "ring"), 4, 40);
        HttpResponse<String> created = post(
                "/jobs",
                "{\"dataset_dir\": \"" + data + "\", \"checkpoint\": \"" + pretrained.checkpoint()
                        + "\", \"steps\": 100000, \"batch_size\": 2}");
        assertEquals(201, created.statusCode(), created.body());
        String id = JsonParser.parseString(created.body())
                .getAsJsonObject()
                .get("id")
                .getAsString();
        long deadline = System.nanoTime() + JOB_DEADLINE.toNanos();
        JsonObject job = get("/jobs/" + id);
        while (job.get("step").getAsLong() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            job = get("/jobs/" + id);
        }
        assertEquals("running", job.get("state").getAsString(), job.toString());
        HttpResponse<String> cancel =
                send(HttpRequest.newBuilder(uri("/jobs/" + id)).DELETE());
        assertEquals(202, cancel.statusCode(), cancel.body());
        job = awaitState(id, Set.of("succeeded", "failed", "cancelled"));
        assertEquals("cancelled", job.get("state").getAsString(), job.toString());
        assertTrue(job.get("step").getAsLong() < 100000);
        assertEquals(version, service.modelVersion(), "a cancelled job exports nothing");
    }

    static void assertValid(JsonObject answer, Set<String> classes, int count) {
        JsonArray predictions = answer.getAsJsonArray("predictions");
        assertEquals(count, predictions.size(), answer.toString());
        double sum = 0;
        double previous = Double.POSITIVE_INFINITY;
        for (JsonElement e : predictions) {
            JsonObject p = e.getAsJsonObject();
            assertTrue(classes.contains(p.get("class").getAsString()), answer.toString());
            double probability = p.get("probability").getAsDouble();
            assertTrue(probability >= 0 && probability <= 1 && probability <= previous, answer.toString());
            previous = probability;
            sum += probability;
        }
        assertEquals(1.0, sum, 1e-3, "softmax over all classes: " + answer);
    }

    static JsonObject awaitState(String id, Set<String> states) throws Exception {
        long deadline = System.nanoTime() + JOB_DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            JsonObject job = get("/jobs/" + id);
            if (states.contains(job.get("state").getAsString())) {
                return job;
            }
            Thread.sleep(200);
        }
        return fail("job " + id + " did not reach " + states + " within " + JOB_DEADLINE + ": " + get("/jobs/" + id));
    }

    static void assertError(HttpResponse<String> r, int status, String start) {
        assertEquals(status, r.statusCode(), r.body());
        String error =
                JsonParser.parseString(r.body()).getAsJsonObject().get("error").getAsString();
        assertTrue(error.startsWith(start), error);
    }

    static URI uri(String path) {
        return service.uri().resolve(path);
    }

    static JsonObject get(String path) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri(path)).GET());
        assertEquals(200, r.statusCode(), r.body());
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    static HttpResponse<String> post(String path, String json) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    static HttpResponse<String> classify(byte[] image, String query) throws Exception {
        return send(
                HttpRequest.newBuilder(uri("/classify" + query)).POST(HttpRequest.BodyPublishers.ofByteArray(image)));
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
