package jacktf.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import jacktf.TestData;
import jacktf.config.OptimizerType;
import jacktf.data.ImageDataset;
import jacktf.data.ImageFolder;
import jacktf.data.SyntheticImages;
import jacktf.eval.EvalReport;
import jacktf.eval.Evaluator;
import jacktf.eval.FeatureExtractor;
import jacktf.export.SavedModelExporter;
import jacktf.model.Precision;
import jacktf.model.TinyNet;
import jacktf.serve.apis.ModelSpec;
import jacktf.serve.apis.PredictRequest;
import jacktf.serve.apis.PredictionServiceGrpc;
import jacktf.testing.ChildJvm;
import jacktf.train.TrainConfig;
import jacktf.train.Trainer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/** A trained model taken through eval, extract, export, a fresh JVM and the REST server. */
@Tag("slow")
class ServingTest {
    /** TinyNet's pooled features: block4's depth, 4 x its base depth 16 (TinyNet.ARCHITECTURE). */
    static final int FEATURES = 64;

    @TempDir
    static Path dir;

    static Path data;
    static Path trainDir;
    static Path base;
    static List<Path> images;
    static ModelServer server;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void trainAndExport() throws IOException {
        data = dir.resolve("data");
        SyntheticImages.generate(data, 2, 5, 40, 3, 0, SyntheticImages.Layout.FOLDERS);
        trainDir = dir.resolve("train");
        Trainer.create(TrainConfig.builder(data, trainDir)
                        .model(TinyNet.ARCHITECTURE)
                        .imageSize(32)
                        .batchSize(4)
                        .maxNumberOfSteps(2L)
                        .optimizer(OptimizerType.MOMENTUM)
                        .learningRate(1e-4f)
                        .batchNormDecay(0.5f)
                        .saveSummariesSecs(3600)
                        .build())
                .train();
        base = dir.resolve("savedmodels/shapes");
        assertEquals(base.resolve("1"), SavedModelExporter.export(trainDir, base, null, Precision.FP32, "global_pool"));
        images = ImageFolder.load(data, 0, 0).train().examples().stream()
                .map(e -> e.file())
                .limit(4)
                .toList();
        server = ModelServer.start(ModelServer.Config.defaults(base)
                .withPorts(0, -1)
                .withBatching(8, 2000)
                .withLimits(64, 64, 30_000, 1 << 20)
                .withThreads(2, 8, 1));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void savedModelInAFreshJvmMatchesTheCheckpoint() throws Exception {
        List<String> command = ChildJvm.command(
                List.of(),
                SavedModelProbe.class.getName(),
                List.of(base.resolve("1").toString()));
        images.forEach(p -> command.add(p.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
        Process p = pb.start();
        List<String> lines =
                new String(p.getInputStream().readAllBytes()).lines().toList();
        assertEquals(0, p.waitFor());
        assertEquals(images.size(), lines.size(), lines.toString());
        try (Classifier fromCheckpoint = Classifier.fromCheckpoint(trainDir, Precision.FP32)) {
            for (int i = 0; i < images.size(); i++) {
                Classifier.Prediction expected = fromCheckpoint.classify(Files.readAllBytes(images.get(i)));
                String[] fields = lines.get(i).split(" ");
                for (Classifier.Score s : expected.scores()) {
                    assertEquals(
                            s.probability(),
                            Float.parseFloat(fields[s.classId()]),
                            1e-5f,
                            images.get(i).toString());
                }
            }
        }
    }

    @Test
    void aSavedModelWithAnotherSignatureIsRefusedClearly() {
        Path halfPlusTwo = TestData.savedModels().resolve("half_plus_two_tf1"); // skips without ../shared
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Classifier.load(halfPlusTwo));
        assertTrue(e.getMessage().contains("serving_default(x) -> y"), e.getMessage());
    }

    @Test
    void evalAgreesWithTheClassifierAndWritesSummaries() throws Exception {
        ImageDataset dataset = ImageFolder.load(data, 0, 0).train();
        EvalReport report = Evaluator.evaluate(trainDir, dataset, 3, trainDir.resolve("eval"));
        assertEquals(10, report.examples());
        assertEquals(
                10,
                Arrays.stream(report.confusion()).flatMapToInt(Arrays::stream).sum());
        int correct = 0;
        try (Classifier c = Classifier.load(base)) {
            for (var e : dataset.examples()) {
                correct += c.classify(Files.readAllBytes(e.file())).top().classId() == e.label() ? 1 : 0;
            }
        }
        assertEquals(correct / 10f, report.accuracy(), 1e-6f);
        assertEquals(1f, report.recallAt5(), "two classes are always in the top 5");
        try (var files = Files.list(trainDir.resolve("eval"))) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("events.out.tfevents")));
        }
    }

    @Test
    void extractWritesNumpyFeaturesEqualToTheFeaturesSignature() throws Exception {
        Path out = dir.resolve("features");
        ImageDataset dataset = ImageFolder.load(data, 0, 0).train();
        FeatureExtractor.Extraction x = FeatureExtractor.extract(trainDir, "pool5", dataset, out, true, 4);
        assertEquals("global_pool", x.endpoint());
        assertArrayEquals(new long[] {10, 1, 1, FEATURES}, x.shape());
        byte[] npy = Files.readAllBytes(out.resolve("features.npy"));
        String header = new String(
                npy,
                10,
                ByteBuffer.wrap(npy, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort());
        assertTrue(
                header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (10, 1, 1, " + FEATURES + "), }"),
                header);
        assertEquals(0, (10 + header.length()) % 64, "numpy aligns the data");
        assertEquals(10 + header.length() + 10 * FEATURES * 4, npy.length);
        assertEquals(10, Files.readAllLines(out.resolve("files.tsv")).size());
        assertTrue(Files.exists(out.resolve("projector/sprite.png")));
        assertEquals(
                11, Files.readAllLines(out.resolve("projector/metadata.tsv")).size());
        // the first image's vector equals the exported model's features signature
        ByteBuffer values =
                ByteBuffer.wrap(npy, 10 + header.length(), FEATURES * 4).order(ByteOrder.LITTLE_ENDIAN);
        String file = Files.readAllLines(out.resolve("files.tsv")).get(0);
        JsonObject response = post(
                        "/v1/models/shapes:predict",
                        "{\"signature_name\": \"features\", \"instances\": [{\"b64\": \""
                                + Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(file))) + "\"}]}")
                .body;
        JsonArray served = response.getAsJsonArray("predictions").get(0).getAsJsonArray();
        float[] extracted = new float[FEATURES];
        float scale = 1f;
        for (int i = 0; i < FEATURES; i++) {
            extracted[i] = values.getFloat();
            scale = Math.max(scale, Math.abs(extracted[i]));
        }
        for (int i = 0; i < FEATURES; i++) {
            // batch 4 and batch 1 run different kernels: equal up to float rounding of the largest value
            assertEquals(extracted[i], served.get(i).getAsFloat(), 2e-5f * scale);
        }
    }

    record Reply(int status, JsonObject body) {}

    static Reply get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), JsonParser.parseString(r.body()).getAsJsonObject());
    }

    static Reply post(String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), JsonParser.parseString(r.body()).getAsJsonObject());
    }

    static String b64(Path p) throws IOException {
        return "{\"b64\": \"" + Base64.getEncoder().encodeToString(Files.readAllBytes(p)) + "\"}";
    }

    @Test
    void restApiLikeTfServing() throws Exception {
        Reply status = get("/v1/models/shapes");
        assertEquals(200, status.status());
        assertEquals(
                "AVAILABLE",
                status.body()
                        .getAsJsonArray("model_version_status")
                        .get(0)
                        .getAsJsonObject()
                        .get("state")
                        .getAsString());
        JsonObject defs = get("/v1/models/shapes/metadata")
                .body()
                .getAsJsonObject("metadata")
                .getAsJsonObject("signature_def")
                .getAsJsonObject("signature_def");
        assertTrue(defs.has("serving_default") && defs.has("predict_images") && defs.has("features"), defs.toString());
        assertEquals(
                "DT_STRING",
                defs.getAsJsonObject("serving_default")
                        .getAsJsonObject("inputs")
                        .getAsJsonObject("image_bytes")
                        .get("dtype")
                        .getAsString());

        Reply rows = post(
                "/v1/models/shapes/versions/1:predict",
                "{\"instances\": [" + b64(images.get(0)) + ", " + b64(images.get(1)) + "]}");
        assertEquals(200, rows.status(), rows.body().toString());
        JsonArray predictions = rows.body().getAsJsonArray("predictions");
        assertEquals(2, predictions.size());
        Reply columns = post(
                "/v1/models/shapes:predict",
                "{\"inputs\": {\"image_bytes\": [" + b64(images.get(0)) + ", " + b64(images.get(1)) + "]}}");
        JsonObject outputs = columns.body().getAsJsonObject("outputs");
        try (Classifier c = Classifier.load(base)) {
            for (int i = 0; i < 2; i++) {
                Classifier.Prediction expected = c.classify(Files.readAllBytes(images.get(i)));
                JsonObject row = predictions.get(i).getAsJsonObject();
                assertEquals(expected.top().classId(), row.get("classes").getAsInt());
                assertEquals(expected.top().className(), row.get("class_names").getAsString());
                assertEquals(
                        expected.top().className(),
                        outputs.getAsJsonArray("class_names").get(i).getAsString());
                assertEquals(
                        expected.top().probability(),
                        row.getAsJsonArray("probabilities")
                                .get(expected.top().classId())
                                .getAsFloat(),
                        1e-6f);
            }
        }
    }

    @Test
    void badRequestsAre400AndTheServerStaysUp() throws Exception {
        String image = b64(images.get(0));
        String[][] cases = {
            {"{\"instances\": [", "End of input"},
            {"{\"instances\": [{\"b64\": \"%%%not base64\"}]}", "invalid base64"},
            {"{\"instances\": [{\"b64\": \"aGVsbG8gd29ybGQ=\"}]}", "Unknown image file format"},
            {"[1, 2]", "JSON object"},
            {"{\"instances\": []}", "no instances"},
            // no shape check against the signature, as in TF Serving: TensorFlow refuses the run (INVALID_ARGUMENT)
            {"{\"signature_name\": \"predict_images\", \"instances\": [[1, 2, 3]]}", "must be the rank of inputs"},
            {"{\"instances\": [" + "\"x\",".repeat(400_000) + "\"x\"]}", "exceeds the limit"},
        };
        for (String[] c : cases) {
            Reply r = post("/v1/models/shapes:predict", c[0]);
            assertEquals(400, r.status(), c[1]);
            assertTrue(r.body().get("error").getAsString().contains(c[1]), c[1] + " in " + r.body());
        }
        Reply unknownSignature =
                post("/v1/models/shapes:predict", "{\"signature_name\": \"nope\", \"instances\": [" + image + "]}");
        assertEquals(400, unknownSignature.status(), "TF Serving's REST: an unknown signature is INVALID_ARGUMENT");
        assertTrue(unknownSignature.body().get("error").getAsString().contains("not found in signature def"));
        for (String path : List.of(
                "/v1/models/other",
                "/v1/models/shapes/versions/9",
                "/v1/models/..%2F..%2Fetc%2Fpasswd",
                "/v1/models/shapes/versions/..%2F..%2F1",
                "/v2/models/shapes")) {
            assertEquals(404, get(path).status(), path);
        }
        assertEquals(200, get("/v1/models/shapes").status());
    }

    /** The same classes, and probabilities equal up to float rounding (a batch of n runs other kernels than 1). */
    static boolean sameAnswer(JsonObject reply, String expected) {
        JsonObject a = reply.getAsJsonArray("predictions").get(0).getAsJsonObject();
        JsonObject b = JsonParser.parseString(expected)
                .getAsJsonObject()
                .getAsJsonArray("predictions")
                .get(0)
                .getAsJsonObject();
        if (!a.get("classes").equals(b.get("classes")) || !a.get("class_names").equals(b.get("class_names"))) {
            return false;
        }
        JsonArray pa = a.getAsJsonArray("probabilities");
        JsonArray pb = b.getAsJsonArray("probabilities");
        for (int i = 0; i < pa.size(); i++) {
            if (Math.abs(pa.get(i).getAsFloat() - pb.get(i).getAsFloat()) > 1e-5f) {
                return false;
            }
        }
        return pa.size() == pb.size();
    }

    @Test
    void concurrentClientsAreBatchedWithoutFailures() throws Exception {
        String body0 = "{\"instances\": [" + b64(images.get(0)) + "]}";
        String body1 = "{\"instances\": [" + b64(images.get(1)) + "]}";
        String bad = "{\"instances\": [{\"b64\": \"aGVsbG8=\"}]}";
        String expected0 = post("/v1/models/shapes:predict", body0).body().toString();
        String expected1 = post("/v1/models/shapes:predict", body1).body().toString();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        AtomicInteger goodFailures = new AtomicInteger();
        AtomicInteger badRejected = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            int client = c;
            futures.add(clients.submit(() -> {
                for (int i = 0; i < 25; i++) {
                    try {
                        if ((client + i) % 10 == 0) {
                            Reply r = post("/v1/models/shapes:predict", bad);
                            if (r.status() == 400) {
                                badRejected.incrementAndGet();
                            } else {
                                System.err.println("bad request answered " + r);
                            }
                            continue;
                        }
                        boolean first = (client + i) % 2 == 0;
                        Reply r = post("/v1/models/shapes:predict", first ? body0 : body1);
                        if (r.status() != 200 || !sameAnswer(r.body(), first ? expected0 : expected1)) {
                            if (goodFailures.incrementAndGet() == 1) {
                                System.err.println("first failed good request: " + r + " expected "
                                        + (first ? expected0 : expected1));
                            }
                        }
                    } catch (Exception e) {
                        goodFailures.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(120, TimeUnit.SECONDS); // bounded: a hung request fails the test instead of the build
        }
        clients.shutdown();
        assertEquals(0, goodFailures.get());
        assertEquals(19, badRejected.get(), "(client + i) % 10 == 0 for 19 of the 200 requests");
    }

    @Test
    void labelsAreARegisteredAssetAndMetadataShowsIt() throws Exception {
        SavedModel saved;
        try (var in = Files.newInputStream(base.resolve("1/saved_model.pb"))) {
            saved = SavedModel.parseFrom(in);
        }
        var assets = saved.getMetaGraphs(0).getAssetFileDefList();
        assertEquals(1, assets.size());
        assertEquals("labels.txt", assets.get(0).getFilename());
        assertEquals(DataType.DT_STRING, assets.get(0).getTensorInfo().getDtype());
        assertTrue(Files.isRegularFile(base.resolve("1/assets/labels.txt")));
        JsonObject meta = get("/v1/models/shapes/metadata").body().getAsJsonObject("metadata");
        assertEquals(JsonParser.parseString("[\"labels.txt\"]"), meta.get("assets"));
    }

    @Test
    void anExportAndHalfPlusTwoSideBySideOverRestAndGrpc() throws Exception {
        Path hpt = dir.resolve("hpt");
        Files.createDirectories(hpt);
        Files.createSymbolicLink(
                hpt.resolve("1"),
                TestData.savedModels().resolve("half_plus_two_tf1").toAbsolutePath());
        Path config = dir.resolve("side_by_side.config");
        Files.writeString(
                config,
                "model_config_list {\n  config { name: \"shapes\" base_path: \"" + base + "\" }\n"
                        + "  config { name: \"half_plus_two\" base_path: \"" + hpt + "\" }\n}\n");
        try (ModelServer both = ModelServer.start(
                ModelServer.Config.defaultsForConfigFile(config).withPorts(0, 0).withThreads(1, 4, 3600))) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", both.grpcPort())
                    .usePlaintext()
                    .build();
            try {
                var stub = PredictionServiceGrpc.newBlockingStub(channel);
                // the export: an image over REST ({"b64"}) and over gRPC (a string TensorProto)
                byte[] image = Files.readAllBytes(images.get(0));
                HttpResponse<String> rest = HTTP.send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + both.port() + "/v1/models/shapes:predict"))
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"instances\": [" + b64(images.get(0)) + "]}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, rest.statusCode(), rest.body());
                JsonArray restProbabilities = JsonParser.parseString(rest.body())
                        .getAsJsonObject()
                        .getAsJsonArray("predictions")
                        .get(0)
                        .getAsJsonObject()
                        .getAsJsonArray("probabilities");
                var grpcReply = stub.predict(PredictRequest.newBuilder()
                        .setModelSpec(ModelSpec.newBuilder().setName("shapes"))
                        .putInputs(
                                "image_bytes",
                                TensorProto.newBuilder()
                                        .setDtype(DataType.DT_STRING)
                                        .setTensorShape(TensorShapeProto.newBuilder()
                                                .addDim(TensorShapeProto.Dim.newBuilder()
                                                        .setSize(1)))
                                        .addStringVal(ByteString.copyFrom(image))
                                        .build())
                        .build());
                List<Float> grpcProbabilities =
                        grpcReply.getOutputsOrThrow("probabilities").getFloatValList();
                assertEquals(restProbabilities.size(), grpcProbabilities.size());
                try (Classifier c = Classifier.fromCheckpoint(trainDir, Precision.FP32)) {
                    Classifier.Prediction expected = c.classify(image);
                    for (Classifier.Score score : expected.scores()) {
                        assertEquals(score.probability(), grpcProbabilities.get(score.classId()), 1e-5f);
                        assertEquals(
                                grpcProbabilities.get(score.classId()),
                                restProbabilities.get(score.classId()).getAsFloat(),
                                0f,
                                "REST and gRPC give the same numbers");
                    }
                }
                // half_plus_two beside it: y = x / 2 + 2
                var y = stub.predict(PredictRequest.newBuilder()
                                .setModelSpec(ModelSpec.newBuilder().setName("half_plus_two"))
                                .putInputs(
                                        "x",
                                        TensorProto.newBuilder()
                                                .setDtype(DataType.DT_FLOAT)
                                                .setTensorShape(TensorShapeProto.newBuilder()
                                                        .addDim(TensorShapeProto.Dim.newBuilder()
                                                                .setSize(3))
                                                        .addDim(TensorShapeProto.Dim.newBuilder()
                                                                .setSize(1)))
                                                .addFloatVal(1)
                                                .addFloatVal(2)
                                                .addFloatVal(5)
                                                .build())
                                .build())
                        .getOutputsOrThrow("y");
                assertEquals(List.of(2.5f, 3f, 4.5f), y.getFloatValList());
                HttpResponse<String> restY = HTTP.send(
                        HttpRequest.newBuilder(URI.create(
                                        "http://127.0.0.1:" + both.port() + "/v1/models/half_plus_two:predict"))
                                .POST(HttpRequest.BodyPublishers.ofString("{\"instances\": [[1.0], [2.0], [5.0]]}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(
                        JsonParser.parseString("{\"predictions\": [[2.5], [3.0], [4.5]]}"),
                        JsonParser.parseString(restY.body()));
            } finally {
                channel.shutdownNow();
            }
        }
    }

    @Test
    void aNewVersionIsPickedUpWithoutRestart() throws Exception {
        Path other = dir.resolve("versions/shapes");
        SavedModelExporter.export(trainDir, other, 1, Precision.FP32, "global_pool");
        try (ModelServer watching = ModelServer.start(ModelServer.Config.defaults(other)
                .withPorts(0, -1)
                .withBatching(1, 0)
                .withThreads(1, 4, 1))) {
            assertEquals(List.of(1L), List.copyOf(watching.servedVersions("shapes")));
            Path staging = dir.resolve("staging");
            SavedModelExporter.export(trainDir, staging, 2, Precision.FP32, "global_pool");
            Files.move(staging.resolve("2"), other.resolve("2"));
            long deadline = System.currentTimeMillis() + 20_000;
            while (!watching.servedVersions("shapes").equals(Set.of(2L)) && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            assertEquals(List.of(2L), List.copyOf(watching.servedVersions("shapes")), "the latest policy: only 2");
        }
    }

    /** The top class of one image through a SavedModel's serving_default signature. */
    static long topClass(ServedModel model, byte[] image) {
        SignatureSpec s = model.signature("serving_default");
        var out = model.run(
                s,
                Map.of("image_bytes", new HostTensor(DataType.DT_STRING, new long[] {1}, new byte[][] {image})),
                List.of("classes"));
        return ((long[]) out.get("classes").values)[0];
    }

    @Test
    void aReplacedVersionStaysOpenUntilTheLastRequestUsingItFinishes() throws Exception {
        Path other = dir.resolve("versions/leases");
        SavedModelExporter.export(trainDir, other, 1, Precision.FP32, "global_pool");
        byte[] image = Files.readAllBytes(images.get(0));
        try (ModelVersions versions = new ModelVersions(
                "leases",
                other,
                VersionPolicy.latest(),
                Map.of(),
                new SignatureRunner.Options(1, 0, 1, 4),
                new ServingMetrics())) {
            versions.refresh();
            ModelVersions.Lease inFlight = versions.lease(Optional.empty(), Optional.empty());
            Path staging = dir.resolve("staging_leases");
            SavedModelExporter.export(trainDir, staging, 2, Precision.FP32, "global_pool");
            Files.move(staging.resolve("2"), other.resolve("2"));
            versions.refresh();
            assertEquals(Set.of(2L), versions.servedVersions());
            assertEquals(1, inFlight.loaded().version);
            long old = topClass(inFlight.loaded().model, image); // still open for its request
            try (ModelVersions.Lease next = versions.lease(Optional.empty(), Optional.empty())) {
                assertEquals(old, topClass(next.loaded().model, image));
            }
            inFlight.close();
            assertThrows(
                    IllegalStateException.class,
                    () -> topClass(inFlight.loaded().model, image),
                    "the replaced version closes with its last request");
        }
    }
}
