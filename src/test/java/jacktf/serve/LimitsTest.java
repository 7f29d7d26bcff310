package jacktf.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import jacktf.TestData;
import jacktf.config.ConfigException;
import jacktf.serve.apis.ModelSpec;
import jacktf.serve.apis.PredictRequest;
import jacktf.serve.apis.PredictionServiceGrpc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * The server's limits, each provoked on purpose: a request blocked in the graph (a queue dequeue
 * nobody has fed yet) holds the only in-flight slot, so the next is refused 503 /
 * UNAVAILABLE at once; a full signature queue refuses; a passed deadline is 504; shutting down is
 * 503; batches never exceed the max batch size; a changed model config file is applied.
 */
class LimitsTest {
    @TempDir
    static Path dir;

    /** One export of "tiny" for every test (writing it is most of a test's time). */
    @BeforeAll
    static void export() throws IOException {
        TinyModels.exportTiny(dir.resolve("tiny/1"), 1f);
    }

    static HostTensor scalar(float v) {
        return new HostTensor(DataType.DT_FLOAT, new long[] {}, new float[] {v});
    }

    /** Lets one blocked wait run finish: runs signal(value) on the model directly (not through the limits). */
    static void signal(ServedModel model, float value) {
        model.run(model.signature("signal"), Map.of("value", scalar(value)), List.of("sent"));
    }

    @Test
    void aFullServerRefusesAtOnceAndAnswersTheAdmittedOne() throws Exception {
        try (ModelServer server = ModelServer.start(ModelServer.Config.defaults(dir.resolve("tiny"))
                .withPorts(0, 0)
                .withLimits(64, 1, 30_000, 1 << 20)
                .withThreads(1, 4, 3600))) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort())
                    .usePlaintext()
                    .build();
            String waitBody = "{\"signature_name\": \"wait\", \"inputs\": {\"ticket\": 1.5}}";
            CompletableFuture<ModelServerTest.Reply> blocked = CompletableFuture.supplyAsync(() -> {
                try {
                    return ModelServerTest.send(server, "POST", "/v1/models/tiny:predict", waitBody);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (server.service().metrics().inFlight().get() < 1 && System.nanoTime() < until) {
                Thread.sleep(10); // the wait request is admitted and blocks in the graph until signalled
            }
            ModelServerTest.Reply refused =
                    ModelServerTest.send(server, "POST", "/v1/models/tiny:predict", "{\"instances\": [\"abc\"]}");
            assertEquals(503, refused.status(), refused.text());
            assertTrue(refused.error().contains("limit of 1 requests in flight"), refused.text());
            StatusRuntimeException grpcRefused =
                    assertThrows(StatusRuntimeException.class, () -> PredictionServiceGrpc.newBlockingStub(channel)
                            .predict(PredictRequest.newBuilder()
                                    .setModelSpec(ModelSpec.newBuilder().setName("tiny"))
                                    .putInputs(
                                            "image_bytes",
                                            TensorProto.newBuilder()
                                                    .setDtype(DataType.DT_STRING)
                                                    .setTensorShape(TensorShapeProto.newBuilder()
                                                            .addDim(TensorShapeProto.Dim.newBuilder()
                                                                    .setSize(1)))
                                                    .addStringVal(ByteString.copyFromUtf8("abc"))
                                                    .build())
                                    .build()));
            assertEquals(Status.Code.UNAVAILABLE, grpcRefused.getStatus().getCode());
            assertEquals(
                    200,
                    ModelServerTest.send(server, "GET", "/v1/models/tiny", null).status(),
                    "status runs no model: answered even at the limit");
            try (ModelVersions.Lease lease =
                    server.service().registry().model("tiny").lease(Optional.empty(), Optional.empty())) {
                signal(lease.loaded().model, 2f);
            }
            ModelServerTest.Reply answered = blocked.get(20, TimeUnit.SECONDS);
            assertEquals(200, answered.status(), answered.text());
            assertEquals(JsonParser.parseString("{\"outputs\": 3.5}"), answered.json(), "1.5 + the signalled 2");
            assertEquals(
                    200,
                    ModelServerTest.send(server, "POST", "/v1/models/tiny:predict", "{\"instances\": [\"abc\"]}")
                            .status(),
                    "the slot is free again");

            server.service().shutDown();
            ModelServerTest.Reply shuttingDown = ModelServerTest.send(server, "GET", "/v1/models/tiny", null);
            assertEquals(503, shuttingDown.status());
            assertTrue(shuttingDown.error().contains("shutting down"), shuttingDown.text());
            StatusRuntimeException grpcShuttingDown =
                    assertThrows(StatusRuntimeException.class, () -> PredictionServiceGrpc.newBlockingStub(channel)
                            .withDeadlineAfter(20, TimeUnit.SECONDS)
                            .predict(doubleRequest(ModelServerTest.floats(new long[] {1, 2}, 1f, 2f))));
            assertEquals(Status.Code.UNAVAILABLE, grpcShuttingDown.getStatus().getCode());
            assertTrue(
                    grpcShuttingDown.getStatus().getDescription().contains("shutting down"),
                    grpcShuttingDown.toString());
            channel.shutdownNow();
        }
    }

    static PredictRequest doubleRequest(TensorProto x) {
        return PredictRequest.newBuilder()
                .setModelSpec(ModelSpec.newBuilder().setName("tiny").setSignatureName("double"))
                .putInputs("x", x)
                .build();
    }

    @Test
    void aTensorPastTheLimitIsRefusedBeforeItIsAllocatedAndTheServerStaysUsable() throws Exception {
        // one slot in flight: a request whose failure did not release it would lock every later one out
        try (ModelServer server = ModelServer.start(ModelServer.Config.defaults(dir.resolve("tiny"))
                .withPorts(0, 0)
                .withLimits(64, 1, 30_000, 1 << 20)
                .withMaxTensorBytes(64)
                .withThreads(1, 4, 3600))) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort())
                    .usePlaintext()
                    .build();
            var grpc = PredictionServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
            // a message of a few dozen bytes declaring (2^30 - 1) x 2 floats, 8 GB, and no values
            PredictRequest huge = doubleRequest(ModelServerTest.floats(new long[] {(1L << 30) - 1, 2}));
            assertTrue(huge.getSerializedSize() < 64, "a tiny message: " + huge.getSerializedSize());
            for (int i = 0; i < 2; i++) { // twice: the first refusal released its slot
                StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> grpc.predict(huge));
                assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode(), refused.toString());
                assertTrue(
                        refused.getStatus().getDescription().contains("the server's --max-tensor-bytes"),
                        refused.getStatus().getDescription());
            }
            // 9 x 2 floats are 72 bytes, past the limit of 64; 8 x 2 are 64, within it
            StringBuilder rows = new StringBuilder("[0, 0]");
            for (int i = 1; i < 9; i++) {
                rows.append(", [").append(i).append(", 1]");
            }
            ModelServerTest.Reply tooBig = ModelServerTest.send(
                    server,
                    "POST",
                    "/v1/models/tiny:predict",
                    "{\"signature_name\": \"double\", \"instances\": [" + rows + "]}");
            assertEquals(400, tooBig.status(), tooBig.text());
            assertTrue(tooBig.error().contains("--max-tensor-bytes"), tooBig.text());

            // the next requests are answered: y = 2x
            var answered = grpc.predict(doubleRequest(ModelServerTest.floats(new long[] {1, 2}, 1.5f, -3f)));
            assertEquals(List.of(3f, -6f), answered.getOutputsOrThrow("y").getFloatValList());
            ModelServerTest.Reply ok = ModelServerTest.send(
                    server,
                    "POST",
                    "/v1/models/tiny:predict",
                    "{\"signature_name\": \"double\", \"instances\": [[1, 2], [3, 4]]}");
            assertEquals(JsonParser.parseString("{\"predictions\": [[2, 4], [6, 8]]}"), ok.json(), ok.text());
            assertEquals(0, server.service().metrics().inFlight().get(), "every slot released");
            channel.shutdownNow();
        }
    }

    @Test
    void closingLetsTheRestRequestsBeingAnsweredFinish() throws Exception {
        ModelServer server = ModelServer.start(ModelServer.Config.defaults(dir.resolve("tiny"))
                .withPorts(0, -1)
                .withThreads(1, 4, 3600));
        CompletableFuture<ModelServerTest.Reply> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return ModelServerTest.send(
                        server,
                        "POST",
                        "/v1/models/tiny:predict",
                        "{\"signature_name\": \"wait\", \"inputs\": {\"ticket\": 1}}");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (server.service().metrics().inFlight().get() < 1 && System.nanoTime() < until) {
            Thread.sleep(10); // admitted, blocked in the graph until signalled
        }
        ModelVersions versions = server.service().registry().model("tiny");
        CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
        until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (ModelServerTest.send(server, "GET", "/v1/models/tiny", null).status() != 503
                && System.nanoTime() < until) {
            Thread.sleep(10); // closing: new requests are refused while the one running drains
        }
        try (ModelVersions.Lease lease = versions.lease(Optional.empty(), Optional.empty())) {
            signal(lease.loaded().model, 2f);
        }
        ModelServerTest.Reply answered = blocked.get(20, TimeUnit.SECONDS);
        assertEquals(200, answered.status(), answered.text());
        assertEquals(JsonParser.parseString("{\"outputs\": 3.0}"), answered.json(), "1 + the signalled 2");
        closing.get(20, TimeUnit.SECONDS);
    }

    @Test
    void aFullQueueRefusesAndBatchesNeverExceedTheMaximum() throws Exception {
        ServingMetrics metrics = new ServingMetrics();
        try (ServedModel model = ServedModel.load(dir.resolve("tiny/1"))) {
            SignatureSpec wait = model.signature("wait");
            SignatureRunner waits =
                    new SignatureRunner("tiny", 1, model, wait, new SignatureRunner.Options(4, 0, 1, 2), metrics);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            SignatureRunner.Job running = waits.submit(Map.of("ticket", scalar(10)), List.of("passed"), deadline);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (metricsDepth(metrics) > 0 && System.nanoTime() < until) {
                Thread.sleep(5); // the only worker took the first request, which blocks in the graph
            }
            List<SignatureRunner.Job> queued = List.of(
                    waits.submit(Map.of("ticket", scalar(20)), List.of("passed"), deadline),
                    waits.submit(Map.of("ticket", scalar(30)), List.of("passed"), deadline));
            ServingException full = assertThrows(
                    ServingException.class,
                    () -> waits.submit(Map.of("ticket", scalar(40)), List.of("passed"), deadline));
            assertEquals(503, full.httpStatus());
            assertTrue(full.getMessage().contains("queue of tiny/wait is full (2 requests)"), full.getMessage());
            for (int i = 1; i <= 3; i++) {
                signal(model, i);
            }
            // FIFO both ways: the queued requests run in order, each taking the next signalled value
            assertEquals(
                    11f, ((float[]) running.result().get(20, TimeUnit.SECONDS).get("passed").values)[0]);
            assertEquals(
                    22f,
                    ((float[]) queued.get(0).result().get(20, TimeUnit.SECONDS).get("passed").values)[0]);
            assertEquals(
                    33f,
                    ((float[]) queued.get(1).result().get(20, TimeUnit.SECONDS).get("passed").values)[0]);
            waits.close();

            // batches of at most 4 rows out of requests of 3 rows: never two in one batch
            SignatureSpec doubling = model.signature("double");
            SignatureRunner doubles = new SignatureRunner(
                    "tiny", 1, model, doubling, new SignatureRunner.Options(4, 50_000, 1, 64), metrics);
            List<SignatureRunner.Job> jobs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                float[] x = {i, 0, i, 1, i, 2};
                jobs.add(doubles.submit(
                        Map.of("x", new HostTensor(DataType.DT_FLOAT, new long[] {3, 2}, x)), List.of("y"), deadline));
            }
            for (int i = 0; i < 8; i++) {
                float[] y =
                        (float[]) jobs.get(i).result().get(20, TimeUnit.SECONDS).get("y").values;
                assertEquals(List.of(2f * i, 0f, 2f * i, 2f, 2f * i, 4f), floats(y));
            }
            ServingException tooBig = assertThrows(
                    ServingException.class,
                    () -> doubles.submit(
                            Map.of("x", new HostTensor(DataType.DT_FLOAT, new long[] {5, 2}, new float[10])),
                            List.of("y"),
                            deadline));
            assertTrue(
                    tooBig.getMessage().contains("Task size 5 is larger than maximum batch size 4"),
                    tooBig.getMessage());
            String scrape = metrics.scrape();
            String max = scrape.lines()
                    .filter(l -> l.startsWith("jacktf_serving_batch_size_max{") && l.contains("signature=\"double\""))
                    .findFirst()
                    .orElseThrow();
            assertEquals(3.0, Double.parseDouble(max.substring(max.lastIndexOf(' ') + 1)), max);

            // a deadline already passed: DEADLINE_EXCEEDED, 504, without running
            SignatureRunner.Job late = doubles.submit(
                    Map.of("x", new HostTensor(DataType.DT_FLOAT, new long[] {1, 2}, new float[2])),
                    List.of("y"),
                    System.nanoTime() - 1);
            var e = assertThrows(ExecutionException.class, () -> late.result().get(20, TimeUnit.SECONDS));
            assertEquals(504, ((ServingException) e.getCause()).httpStatus());
            doubles.close();
        }
    }

    @Test
    void concurrentOneRowRequestsAreCombinedIntoOneBatch() throws Exception {
        ServingMetrics metrics = new ServingMetrics();
        try (ServedModel model = ServedModel.load(dir.resolve("tiny/1"))) {
            // one worker that waits up to 1 s to fill a batch of 4: four one-row requests queued at once share a run
            SignatureRunner doubles = new SignatureRunner(
                    "tiny",
                    1,
                    model,
                    model.signature("double"),
                    new SignatureRunner.Options(4, 1_000_000, 1, 64),
                    metrics);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            List<SignatureRunner.Job> jobs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                jobs.add(doubles.submit(
                        Map.of("x", new HostTensor(DataType.DT_FLOAT, new long[] {1, 2}, new float[] {i, i + 10})),
                        List.of("y"),
                        deadline));
            }
            for (int i = 0; i < 4; i++) {
                float[] y =
                        (float[]) jobs.get(i).result().get(20, TimeUnit.SECONDS).get("y").values;
                assertEquals(List.of(2f * i, 2f * i + 20), floats(y), "each request gets its own rows back");
            }
            String scrape = metrics.scrape();
            String max = scrape.lines()
                    .filter(l -> l.startsWith("jacktf_serving_batch_size_max{"))
                    .findFirst()
                    .orElseThrow();
            assertEquals(4.0, Double.parseDouble(max.substring(max.lastIndexOf(' ') + 1)), max);
            String count = scrape.lines()
                    .filter(l -> l.startsWith("jacktf_serving_batch_size_count{"))
                    .findFirst()
                    .orElseThrow();
            assertEquals(1.0, Double.parseDouble(count.substring(count.lastIndexOf(' ') + 1)), "one run: " + count);
            doubles.close();
        }
    }

    static double metricsDepth(ServingMetrics metrics) {
        return metrics.scrape()
                .lines()
                .filter(l -> l.startsWith("jacktf_serving_queue_depth{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    static List<Float> floats(float[] values) {
        List<Float> out = new ArrayList<>();
        for (float v : values) {
            out.add(v);
        }
        return out;
    }

    @Test
    void aRequestPastItsDeadlineIs504AndItsRunIsNotLost() throws Exception {
        try (ModelServer server = ModelServer.start(ModelServer.Config.defaults(dir.resolve("tiny"))
                .withPorts(0, -1)
                .withLimits(64, 4, 200, 1 << 20)
                .withThreads(1, 4, 3600))) {
            ModelServerTest.Reply late = ModelServerTest.send(
                    server,
                    "POST",
                    "/v1/models/tiny:predict",
                    "{\"signature_name\": \"wait\", \"inputs\": {\"ticket\": 1}}");
            assertEquals(504, late.status(), late.text());
            assertTrue(late.error().contains("deadline"), late.text());
            // the run still blocked in the graph keeps its version open until it ends: let it end
            try (ModelVersions.Lease lease =
                    server.service().registry().model("tiny").lease(Optional.empty(), Optional.empty())) {
                signal(lease.loaded().model, 0f);
            }
            assertEquals(
                    200,
                    ModelServerTest.send(server, "POST", "/v1/models/tiny:predict", "{\"instances\": [\"abc\"]}")
                            .status());
        }
    }

    @Test
    void aGrpcRequestPastItsDeadlineIsDeadlineExceededAndItsRunIsNotLost() throws Exception {
        try (ModelServer server = ModelServer.start(ModelServer.Config.defaults(dir.resolve("tiny"))
                .withPorts(0, 0)
                .withLimits(64, 4, 200, 1 << 20)
                .withThreads(1, 4, 3600))) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort())
                    .usePlaintext()
                    .build();
            // the client allows 20 s; the server's --request-timeout-ms of 200 ms is what ends it
            var grpc = PredictionServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
            long start = System.nanoTime();
            StatusRuntimeException late = assertThrows(
                    StatusRuntimeException.class,
                    () -> grpc.predict(PredictRequest.newBuilder()
                            .setModelSpec(ModelSpec.newBuilder().setName("tiny").setSignatureName("wait"))
                            .putInputs("ticket", ModelServerTest.floats(new long[] {}, 1f))
                            .build()));
            assertEquals(Status.Code.DEADLINE_EXCEEDED, late.getStatus().getCode(), late.toString());
            assertTrue(late.getStatus().getDescription().contains("deadline"), late.toString());
            assertTrue(
                    System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10),
                    "answered at the server's deadline, not the client's");
            assertEquals(0, server.service().metrics().inFlight().get(), "its slot is released");
            // the run still blocked in the graph keeps its version open until it ends: let it end
            try (ModelVersions.Lease lease =
                    server.service().registry().model("tiny").lease(Optional.empty(), Optional.empty())) {
                signal(lease.loaded().model, 0f);
            }
            var answered = grpc.predict(doubleRequest(ModelServerTest.floats(new long[] {1, 2}, 2f, 5f)));
            assertEquals(List.of(4f, 10f), answered.getOutputsOrThrow("y").getFloatValList());
            channel.shutdownNow();
        }
    }

    @Test
    void aWorkerThatHitsAnErrorFailsTheJobsItHeldAndKeepsWorking() throws Exception {
        try (ServedModel model = ServedModel.load(dir.resolve("tiny/1"))) {
            SignatureRunner doubles = new SignatureRunner(
                    "tiny",
                    1,
                    model,
                    model.signature("double"),
                    new SignatureRunner.Options(4, 0, 1, 8),
                    new ServingMetrics());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            HostTensor x = new HostTensor(DataType.DT_FLOAT, new long[] {1, 2}, new float[] {1, 2});
            // inputs whose reading fails with an Error, as an allocation out of memory would
            Map<String, HostTensor> poisoned = new java.util.LinkedHashMap<>(Map.of("x", x)) {
                @Override
                public HostTensor get(Object key) {
                    throw new OutOfMemoryError("a test's inputs that cannot be read");
                }
            };
            SignatureRunner.Job failing = doubles.submit(poisoned, List.of("y"), deadline);
            var e = assertThrows(
                    ExecutionException.class, () -> failing.result().get(20, TimeUnit.SECONDS));
            assertEquals(
                    500,
                    ((ServingException) e.getCause()).httpStatus(),
                    e.getCause().toString());
            SignatureRunner.Job next = doubles.submit(Map.of("x", x), List.of("y"), deadline);
            assertEquals(List.of(2f, 4f), floats((float[])
                    next.result().get(20, TimeUnit.SECONDS).get("y").values));
            doubles.close();
        }
    }

    @Test
    void aVersionThatFailedToLoadIsRetriedWhenItsDirectoryChanges() throws Exception {
        // an exporter that writes saved_model.pb first and variables/ after it: the poll between the two sees a
        // version that cannot load yet
        Path base = dir.resolve("half-written");
        Path version = Files.createDirectories(base.resolve("1"));
        Files.copy(dir.resolve("tiny/1/saved_model.pb"), version.resolve("saved_model.pb"));
        ServingMetrics metrics = new ServingMetrics();
        try (ModelVersions versions = new ModelVersions(
                "half", base, VersionPolicy.latest(), Map.of(), new SignatureRunner.Options(1, 0, 1, 4), metrics)) {
            versions.refresh();
            assertEquals(Set.of(), versions.servedVersions(), "no variables yet");
            assertEquals("END", versions.states().get(0).state());
            versions.refresh();
            assertEquals(Set.of(), versions.servedVersions(), "unchanged: not loaded again");
            assertTrue(
                    metrics.scrape()
                            .lines()
                            .anyMatch(l -> l.startsWith("jacktf_serving_model_events_total{")
                                    && l.contains("event=\"load_failed\"")
                                    && l.endsWith(" 1.0")),
                    "one failed load, not one per poll: " + metrics.scrape());
            try (Stream<Path> files = Files.walk(dir.resolve("tiny/1"))) {
                for (Path from : files.toList()) {
                    Path to = version.resolve(
                            dir.resolve("tiny/1").relativize(from).toString());
                    if (Files.isDirectory(from)) {
                        Files.createDirectories(to);
                    } else if (!Files.exists(to)) {
                        Files.copy(from, to);
                    }
                }
            }
            versions.refresh();
            assertEquals(Set.of(1L), versions.servedVersions(), "retried once its directory changed");
            try (ModelVersions.Lease lease = versions.lease(Optional.empty(), Optional.empty())) {
                ServedModel model = lease.loaded().model;
                HostTensor y = model.run(
                                model.signature("double"),
                                Map.of("x", new HostTensor(DataType.DT_FLOAT, new long[] {1, 2}, new float[] {1, 3})),
                                List.of("y"))
                        .get("y");
                assertEquals(List.of(2f, 6f), floats((float[]) y.values));
            }
            // a lease closed twice releases its version once: the served version stays loaded
            ModelVersions.Lease twice = versions.lease(Optional.empty(), Optional.empty());
            twice.close();
            twice.close();
            try (ModelVersions.Lease other = versions.lease(Optional.empty(), Optional.empty())) {
                assertEquals(1L, other.loaded().version);
            }
            assertFalse(metrics.scrape().contains("event=\"unload\""), metrics.scrape());
        }
    }

    @Test
    void aChangedModelConfigFileIsApplied() throws Exception {
        Files.createDirectories(dir.resolve("hpt"));
        Files.createSymbolicLink(
                dir.resolve("hpt/1"),
                TestData.savedModels().resolve("half_plus_two_tf1").toAbsolutePath());
        Path config = dir.resolve("models.config");
        Files.writeString(
                config, "model_config_list { config { name: \"tiny\" base_path: \"" + dir.resolve("tiny") + "\" } }");
        try (ModelServer server = ModelServer.start(ModelServer.Config.defaultsForConfigFile(config)
                .withPorts(0, -1)
                .withThreads(1, 4, 3600))) {
            assertEquals(
                    404,
                    ModelServerTest.send(server, "GET", "/v1/models/hpt", null).status());
            Files.writeString(
                    config, "model_config_list { config { name: \"hpt\" base_path: \"" + dir.resolve("hpt") + "\" } }");
            server.service().registry().poll(); // what the poller does every --file-system-poll-wait-seconds
            assertEquals(
                    JsonParser.parseString("{\"predictions\": [[2.5]]}"),
                    ModelServerTest.send(server, "POST", "/v1/models/hpt:predict", "{\"instances\": [[1.0]]}")
                            .json());
            assertEquals(
                    404,
                    ModelServerTest.send(server, "GET", "/v1/models/tiny", null).status(),
                    "tiny left the config");
            // a broken config is not applied: the server keeps serving
            Files.writeString(config, "model_config_list { config { nme: \"x\" } }");
            server.service().registry().poll();
            assertEquals(
                    200,
                    ModelServerTest.send(server, "GET", "/v1/models/hpt", null).status());
        }
        // fields of real TF Serving config files that jacktf does not use are accepted and ignored
        List<ModelConfigFile.Entry> real = ModelConfigFile.parse(
                "m.config",
                "model_config_list { config { name: \"a\" base_path: \"/models/a\" model_type: TENSORFLOW "
                        + "model_platform: \"tensorflow\" logging_config { log_collector_config { type: \"\" "
                        + "filename_prefix: \"/tmp/log\" } sampling_config { sampling_rate: 0.01 attributes: 1 } } } }");
        assertEquals(1, real.size());
        assertEquals("a", real.get(0).name());
        assertEquals(Path.of("/models/a"), real.get(0).basePath());
        ConfigException bad = assertThrows(
                ConfigException.class,
                () -> ModelConfigFile.parse("m.config", "model_config_list { config { nme: \"x\" } }"));
        assertEquals("modelConfigFile", bad.field());
        assertTrue(bad.getMessage().contains("nme"), bad.getMessage());
        assertThrows(
                ConfigException.class,
                () -> ModelConfigFile.parse("m.config", "model_config_list { config { name: \"a\" } }"));
    }
}
