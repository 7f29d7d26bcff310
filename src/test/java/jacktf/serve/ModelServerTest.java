package jacktf.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import com.google.protobuf.Int64Value;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import jacktf.TestData;
import jacktf.serve.apis.ClassificationRequest;
import jacktf.serve.apis.ClassificationResponse;
import jacktf.serve.apis.ExampleList;
import jacktf.serve.apis.GetModelMetadataRequest;
import jacktf.serve.apis.GetModelStatusRequest;
import jacktf.serve.apis.GetModelStatusResponse;
import jacktf.serve.apis.Input;
import jacktf.serve.apis.ModelServiceGrpc;
import jacktf.serve.apis.ModelSpec;
import jacktf.serve.apis.ModelVersionStatus;
import jacktf.serve.apis.PredictRequest;
import jacktf.serve.apis.PredictResponse;
import jacktf.serve.apis.PredictionServiceGrpc;
import jacktf.serve.apis.SignatureDefMap;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.FloatList;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Three models served side by side from one model config file, over REST and gRPC: TF Serving's
 * half_plus_two (written by TF 1.14: y = x / 2 + 2), "tiny" in two versions with labels
 * (lengths times 1 or 10, a doubling, int64 and bool maths, a file read), and "bad", whose second
 * signature TF Java refuses. Every expected value is computed by hand from those definitions.
 */
class ModelServerTest {
    @TempDir
    static Path dir;

    static ModelServer server;
    static ManagedChannel channel;
    static PredictionServiceGrpc.PredictionServiceBlockingStub grpc;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static String configText(Path tiny, Path hpt, Path bad) {
        return """
                model_config_list {
                  config {
                    name: "tiny"
                    base_path: "%s"
                    model_platform: "tensorflow"
                    model_version_policy { all {} }
                    version_labels { key: "stable" value: 1 }
                    version_labels { key: "canary" value: 2 }
                  }
                  config { name: "half_plus_two" base_path: "%s" }
                  config { name: "bad" base_path: "%s" model_version_policy { specific { versions: 1 } } }
                }
                """.formatted(tiny, hpt, bad);
    }

    @BeforeAll
    static void serve() throws Exception {
        TinyModels.exportTiny(dir.resolve("tiny/1"), 1f);
        TinyModels.exportTiny(dir.resolve("tiny/2"), 10f);
        TinyModels.exportWithABrokenSignature(dir.resolve("bad/1"));
        // TF Serving's base path holds numbered versions; the test data is one version: linked, not copied
        Files.createDirectories(dir.resolve("hpt"));
        Files.createSymbolicLink(
                dir.resolve("hpt/123"),
                TestData.savedModels().resolve("half_plus_two_tf1").toAbsolutePath());
        Path config = dir.resolve("models.config");
        Files.writeString(config, configText(dir.resolve("tiny"), dir.resolve("hpt"), dir.resolve("bad")));
        server = ModelServer.start(
                ModelServer.Config.defaultsForConfigFile(config).withPorts(0, 0).withThreads(1, 4, 3600));
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort())
                .usePlaintext()
                .build();
        grpc = PredictionServiceGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.close();
        }
    }

    record Reply(int status, String text) {
        JsonElement json() {
            return JsonParser.parseString(text);
        }

        String error() {
            return json().getAsJsonObject().get("error").getAsString();
        }
    }

    static Reply send(ModelServer s, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path));
        request.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body());
    }

    static Reply send(String method, String path, String body) throws Exception {
        return send(server, method, path, body);
    }

    /** A float TensorProto of {@code shape} with the given values (none: TF fills the shape with zeros). */
    static TensorProto floats(long[] shape, float... values) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : shape) {
            s.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
        }
        TensorProto.Builder t =
                TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).setTensorShape(s);
        for (float v : values) {
            t.addFloatVal(v);
        }
        return t.build();
    }

    static ModelSpec spec(String name) {
        return ModelSpec.newBuilder().setName(name).build();
    }

    @Test
    void halfPlusTwoGivesTheSameNumbersOverRestAndGrpc() throws Exception {
        Reply rest = send("POST", "/v1/models/half_plus_two:predict", "{\"instances\": [[1.0], [2.0], [5.0]]}");
        assertEquals(200, rest.status(), rest.text());
        assertEquals(JsonParser.parseString("{\"predictions\": [[2.5], [3.0], [4.5]]}"), rest.json());

        PredictResponse typed = grpc.predict(PredictRequest.newBuilder()
                .setModelSpec(spec("half_plus_two"))
                .putInputs("x", floats(new long[] {3, 1}, 1, 2, 5))
                .build());
        TensorProto y = typed.getOutputsOrThrow("y");
        assertEquals(List.of(2.5f, 3f, 4.5f), y.getFloatValList());
        assertEquals(
                List.of(3L, 1L),
                y.getTensorShape().getDimList().stream()
                        .map(TensorShapeProto.Dim::getSize)
                        .toList());
        assertEquals(123, typed.getModelSpec().getVersion().getValue());
        assertEquals("serving_default", typed.getModelSpec().getSignatureName());
        // the same values as raw little-endian tensor_content, as TF's make_tensor_proto sends them
        ByteBuffer raw = ByteBuffer.allocate(12)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putFloat(1)
                .putFloat(2)
                .putFloat(5);
        PredictResponse content = grpc.predict(PredictRequest.newBuilder()
                .setModelSpec(spec("half_plus_two"))
                .putInputs(
                        "x",
                        floats(new long[] {3, 1}).toBuilder()
                                .setTensorContent(ByteString.copyFrom(raw.array()))
                                .build())
                .build());
        assertEquals(List.of(2.5f, 3f, 4.5f), content.getOutputsOrThrow("y").getFloatValList());
        JsonElement restValues = rest.json().getAsJsonObject().get("predictions");
        for (int i = 0; i < 3; i++) {
            assertEquals(
                    restValues.getAsJsonArray().get(i).getAsJsonArray().get(0).getAsFloat(), y.getFloatVal(i), 0f);
        }
    }

    @Test
    void versionsAndLabelsRouteAsInTfServing() throws Exception {
        Reply status = send("GET", "/v1/models/tiny", null);
        assertEquals(
                JsonParser.parseString(
                        "{\"model_version_status\": ["
                                + "{\"version\": \"2\", \"state\": \"AVAILABLE\", \"status\": {\"error_code\": \"OK\", \"error_message\": \"\"}},"
                                + "{\"version\": \"1\", \"state\": \"AVAILABLE\", \"status\": {\"error_code\": \"OK\", \"error_message\": \"\"}}]}"),
                status.json());
        String abc = "{\"instances\": [\"abc\"]}"; // 3 bytes: 3 x scale (1 in version 1, 10 in version 2)
        assertEquals(
                JsonParser.parseString("{\"predictions\": [[3.0]]}"),
                send("POST", "/v1/models/tiny/versions/1:predict", abc).json());
        assertEquals(
                JsonParser.parseString("{\"predictions\": [[30.0]]}"),
                send("POST", "/v1/models/tiny/versions/2:predict", abc).json());
        assertEquals(
                JsonParser.parseString("{\"predictions\": [[3.0]]}"),
                send("POST", "/v1/models/tiny/labels/stable:predict", abc).json());
        assertEquals(
                JsonParser.parseString("{\"predictions\": [[30.0]]}"),
                send("POST", "/v1/models/tiny/labels/canary:predict", abc).json());
        assertEquals(
                JsonParser.parseString("{\"predictions\": [[30.0]]}"),
                send("POST", "/v1/models/tiny:predict", abc).json(),
                "the newest by default");
        assertEquals(
                "1",
                send("GET", "/v1/models/tiny/labels/stable", null)
                        .json()
                        .getAsJsonObject()
                        .getAsJsonArray("model_version_status")
                        .get(0)
                        .getAsJsonObject()
                        .get("version")
                        .getAsString());

        TensorProto text = TensorProto.newBuilder()
                .setDtype(DataType.DT_STRING)
                .setTensorShape(TensorShapeProto.newBuilder()
                        .addDim(TensorShapeProto.Dim.newBuilder().setSize(1)))
                .addStringVal(ByteString.copyFromUtf8("abc"))
                .build();
        PredictResponse byLabel = grpc.predict(PredictRequest.newBuilder()
                .setModelSpec(ModelSpec.newBuilder().setName("tiny").setVersionLabel("stable"))
                .putInputs("image_bytes", text)
                .build());
        assertEquals(List.of(3f), byLabel.getOutputsOrThrow("probabilities").getFloatValList());
        assertEquals(1, byLabel.getModelSpec().getVersion().getValue());
        PredictResponse byNumber = grpc.predict(PredictRequest.newBuilder()
                .setModelSpec(ModelSpec.newBuilder().setName("tiny").setVersion(Int64Value.of(2)))
                .putInputs("image_bytes", text)
                .build());
        assertEquals(List.of(30f), byNumber.getOutputsOrThrow("probabilities").getFloatValList());

        GetModelStatusResponse grpcStatus = ModelServiceGrpc.newBlockingStub(channel)
                .getModelStatus(GetModelStatusRequest.newBuilder()
                        .setModelSpec(spec("tiny"))
                        .build());
        assertEquals(2, grpcStatus.getModelVersionStatusCount());
        assertEquals(
                ModelVersionStatus.State.AVAILABLE,
                grpcStatus.getModelVersionStatus(0).getState());
        assertEquals(List.of(1L, 2L), server.servedVersions("tiny").stream().toList());
    }

    @Test
    void severalInputsAndOutputsOfOtherDtypes() throws Exception {
        Reply mixed = send(
                "POST",
                "/v1/models/tiny:predict",
                "{\"signature_name\": \"mixed\", \"inputs\": {\"n\": [2, -5, 12345678901], \"flag\": [true, false, true]}}");
        assertEquals(200, mixed.status(), mixed.text());
        assertEquals(
                JsonParser.parseString(
                        "{\"outputs\": {\"m\": [6, -15, 37037036703], \"not_flag\": [false, true, false]}}"),
                mixed.json());
        Reply rows = send(
                "POST",
                "/v1/models/tiny:predict",
                "{\"signature_name\": \"double\", \"instances\": [{\"x\": [4, 8]}, {\"x\": [-1, 0.5]}]}");
        assertEquals(JsonParser.parseString("{\"predictions\": [[8.0, 16.0], [-2.0, 1.0]]}"), rows.json());
    }

    @Test
    void metadataComesFromTheMetaGraph() throws Exception {
        JsonObject defs = send("GET", "/v1/models/half_plus_two/metadata", null)
                .json()
                .getAsJsonObject()
                .getAsJsonObject("metadata")
                .getAsJsonObject("signature_def")
                .getAsJsonObject("signature_def");
        assertEquals(
                List.of("serving_default", "classify_x_to_y", "regress_x2_to_y3", "regress_x_to_y", "regress_x_to_y2"),
                List.copyOf(defs.keySet()));
        assertEquals(
                "tensorflow/serving/classify",
                defs.getAsJsonObject("classify_x_to_y").get("method_name").getAsString());
        JsonObject x = defs.getAsJsonObject("serving_default")
                .getAsJsonObject("inputs")
                .getAsJsonObject("x");
        assertEquals("DT_FLOAT", x.get("dtype").getAsString());
        assertEquals("x:0", x.get("name").getAsString());
        assertEquals(
                JsonParser.parseString("[{\"size\": \"-1\", \"name\": \"\"}, {\"size\": \"1\", \"name\": \"\"}]"),
                x.getAsJsonObject("tensor_shape").get("dim"));

        var meta = grpc.getModelMetadata(GetModelMetadataRequest.newBuilder()
                .setModelSpec(spec("half_plus_two"))
                .addMetadataField("signature_def")
                .build());
        SignatureDefMap map = meta.getMetadataOrThrow("signature_def").unpack(SignatureDefMap.class);
        assertEquals(
                DataType.DT_FLOAT,
                map.getSignatureDefOrThrow("serving_default")
                        .getInputsOrThrow("x")
                        .getDtype());
        assertEquals(123, meta.getModelSpec().getVersion().getValue());
    }

    @Test
    void classifyRunsAClassifySignatureOnExamples() {
        ClassificationResponse r = grpc.classify(ClassificationRequest.newBuilder()
                .setModelSpec(ModelSpec.newBuilder().setName("half_plus_two").setSignatureName("classify_x_to_y"))
                .setInput(Input.newBuilder()
                        .setExampleList(ExampleList.newBuilder()
                                .addExamples(example(2f))
                                .addExamples(example(4f))))
                .build());
        assertEquals(2, r.getResult().getClassificationsCount());
        assertEquals(3f, r.getResult().getClassifications(0).getClasses(0).getScore()); // 2 / 2 + 2
        assertEquals(4f, r.getResult().getClassifications(1).getClasses(0).getScore()); // 4 / 2 + 2
        StatusRuntimeException predictSignature = assertThrows(
                StatusRuntimeException.class,
                () -> grpc.classify(ClassificationRequest.newBuilder()
                        .setModelSpec(spec("half_plus_two"))
                        .setInput(Input.newBuilder()
                                .setExampleList(ExampleList.newBuilder().addExamples(example(1f))))
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, predictSignature.getStatus().getCode());
        assertTrue(
                predictSignature.getStatus().getDescription().contains("No classification inputs found"),
                predictSignature.getStatus().toString());
    }

    static Example example(float x) {
        return Example.newBuilder()
                .setFeatures(Features.newBuilder()
                        .putFeature(
                                "x",
                                Feature.newBuilder()
                                        .setFloatList(FloatList.newBuilder().addValue(x))
                                        .build()))
                .build();
    }

    @Test
    void aSignatureThatDisagreesWithItsGraphIsServedAndFailsAtRequestTimeAsInTfServing() throws Exception {
        Path bad = dir.resolve("bad/1");
        // TF Java alone refuses the whole model
        assertThrows(Exception.class, () -> SavedModelBundle.load(bad.toString(), "serve")
                .close());
        JsonObject defs = send("GET", "/v1/models/bad/metadata", null)
                .json()
                .getAsJsonObject()
                .getAsJsonObject("metadata")
                .getAsJsonObject("signature_def")
                .getAsJsonObject("signature_def");
        assertEquals(
                List.of("broken", "good"),
                List.copyOf(defs.keySet()).stream().sorted().toList());
        Reply good = send("POST", "/v1/models/bad:predict", "{\"signature_name\": \"good\", \"instances\": [[2.0]]}");
        assertEquals(JsonParser.parseString("{\"predictions\": [[6.0]]}"), good.json());
        // REST builds the tensor in the signature's dtype (int32); the float placeholder refuses it at run time,
        // TensorFlow's INVALID_ARGUMENT: 400, as TF Serving answers
        Reply broken = send("POST", "/v1/models/bad:predict", "{\"signature_name\": \"broken\", \"instances\": [[2]]}");
        assertEquals(400, broken.status(), broken.text());
        assertTrue(broken.error().contains("int32"), broken.text());
    }

    @Test
    void restStatusCodesAreTfServings() throws Exception {
        Object[][] cases = {
            {"POST", "/v1/models/half_plus_two:predict", "{\"instances\": [", 400, "not valid JSON"},
            {"POST", "/v1/models/half_plus_two:predict", "{\"instances\": [[\"a\"]]}", 400, "takes a number"},
            {"POST", "/v1/models/tiny:predict", "{\"instances\": [\"a\"], \"inputs\": [\"a\"]}", 400, "exactly one of"},
            {"POST", "/v1/models/other:predict", "{}", 404, "Servable not found for request: Latest(other)"},
            {"GET", "/v1/models/tiny/versions/9", null, 404, "Could not find version 9 of model tiny"},
            {"POST", "/v1/models/tiny/versions/9:predict", "{}", 404, "Specific(tiny, 9)"},
            {"GET", "/v1/models/tiny/labels/nope", null, 404, "Unrecognized servable version label: nope"},
            {
                "POST",
                "/v1/models/tiny:predict",
                "{\"signature_name\": \"nope\", \"instances\": [\"a\"]}",
                400, // TF Serving's REST: INVALID_ARGUMENT
                "not found in signature def"
            },
            {"GET", "/v1/models/tiny:predict", null, 404, "No GET /v1/models/tiny:predict"},
            {"GET", "/v2/models/tiny", null, 404, "Malformed request"},
            {"POST", "/v1/models/half_plus_two:classify", "{}", 400, "key 'examples' is expected"},
            // a TF runtime error TF Java gives no code for (here ReadFile's NOT_FOUND): 500, details only in the log
            {
                "POST",
                "/v1/models/tiny:predict",
                "{\"signature_name\": \"read\", \"inputs\": {\"path\": \"/no/such/file\"}}",
                500,
                "Internal error"
            },
        };
        for (Object[] c : cases) {
            Reply r = send((String) c[0], (String) c[1], (String) c[2]);
            assertEquals(c[3], r.status(), c[1] + " " + r.text());
            assertEquals(
                    List.of("error"), List.copyOf(r.json().getAsJsonObject().keySet()), r.text());
            assertTrue(r.error().contains((String) c[4]), c[4] + " in " + r.text());
            assertFalse(r.error().contains("/no/such/file"), "a 500 does not echo the failure: " + r.error());
        }
        assertEquals(200, send("GET", "/v1/models/tiny", null).status(), "the server stays up");
    }

    @Test
    void grpcStatusCodesAreTheSameCodes() {
        Object[][] cases = {
            {spec("other"), Status.Code.NOT_FOUND},
            {ModelSpec.newBuilder().setName("tiny").setVersion(Int64Value.of(9)).build(), Status.Code.NOT_FOUND},
            {
                ModelSpec.newBuilder()
                        .setName("half_plus_two")
                        .setSignatureName("nope")
                        .build(),
                Status.Code.FAILED_PRECONDITION // TF Serving's Predict; 400 over HTTP, as REST's INVALID_ARGUMENT
            },
        };
        for (Object[] c : cases) {
            StatusRuntimeException e = assertThrows(
                    StatusRuntimeException.class,
                    () -> grpc.predict(PredictRequest.newBuilder()
                            .setModelSpec((ModelSpec) c[0])
                            .putInputs("x", floats(new long[] {1, 1}, 1))
                            .build()));
            assertEquals(c[1], e.getStatus().getCode(), e.getStatus().toString());
        }
        StatusRuntimeException wrongType = assertThrows(
                StatusRuntimeException.class,
                () -> grpc.predict(PredictRequest.newBuilder()
                        .setModelSpec(spec("half_plus_two"))
                        .putInputs(
                                "x",
                                floats(new long[] {1, 1}, 1).toBuilder()
                                        .setDtype(DataType.DT_DOUBLE)
                                        .build())
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, wrongType.getStatus().getCode());
        // TF Serving leaves the dtype to the runtime, whose error it passes on
        assertTrue(
                wrongType.getStatus().getDescription().contains("Expects arg[0] to be float but double is provided"),
                wrongType.getStatus().toString());
    }

    static HttpTransport.Request request(String method, String path) {
        return new HttpTransport.Request() {
            @Override
            public String method() {
                return method;
            }

            @Override
            public String rawPath() {
                return path;
            }

            @Override
            public String body() {
                throw new AssertionError("an overloaded request's body is never read");
            }
        };
    }

    @Test
    void metricsAndStatusAreAnsweredWhenNoRequestThreadIsFree() {
        RestApi api = new RestApi(server.service());
        RestReply metrics = api.overloaded(request("GET", "/monitoring/prometheus/metrics"));
        assertEquals(200, metrics.status());
        assertTrue(metrics.text().contains("jacktf_serving_requests_in_flight"), metrics.text());
        RestReply status = api.overloaded(request("GET", "/v1/models/half_plus_two"));
        assertEquals(200, status.status(), String.valueOf(status.body()));
        assertEquals(
                "AVAILABLE",
                status.body()
                        .getAsJsonObject()
                        .getAsJsonArray("model_version_status")
                        .get(0)
                        .getAsJsonObject()
                        .get("state")
                        .getAsString());
        RestReply predict = api.overloaded(request("POST", "/v1/models/half_plus_two:predict"));
        assertEquals(503, predict.status(), "a predict is refused without reading its body");
    }

    @Test
    void prometheusMetricsCountRequestsBatchesAndLoads() throws Exception {
        send("POST", "/v1/models/half_plus_two:predict", "{\"instances\": [[1.0]]}");
        send("POST", "/v1/models/nope:predict", "{}");
        send("GET", "/v1/models/random-name-42", null);
        StatusRuntimeException unknown = assertThrows(
                StatusRuntimeException.class,
                () -> grpc.predict(PredictRequest.newBuilder()
                        .setModelSpec(spec("also-not-served"))
                        .putInputs("x", floats(new long[] {1, 1}, 1))
                        .build()));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
        Reply metrics = send("GET", "/monitoring/prometheus/metrics", null);
        assertEquals(200, metrics.status());
        String text = metrics.text();
        assertTrue(text.contains("# TYPE jacktf_serving_requests_total counter"), text);
        assertTrue(
                text.lines()
                        .anyMatch(l -> l.startsWith("jacktf_serving_requests_total{")
                                && l.contains("api=\"rest\"")
                                && l.contains("method=\"predict\"")
                                && l.contains("model=\"half_plus_two\"")
                                && l.contains("signature=\"serving_default\"")
                                && l.contains("status=\"OK\"")),
                text);
        assertTrue(
                text.lines()
                        .anyMatch(l -> l.startsWith("jacktf_serving_requests_total{")
                                && l.contains("model=\"_unknown\"")
                                && l.contains("status=\"NOT_FOUND\"")),
                text);
        // names a client made up are no label values: they would grow the series without bound
        assertFalse(text.contains("nope"), text);
        assertFalse(text.contains("random-name-42"), text);
        assertFalse(text.contains("also-not-served"), text);
        assertTrue(text.contains("jacktf_serving_request_latency_seconds_bucket{"), "a latency histogram");
        // answered and refused requests are separate latency series
        assertTrue(
                text.lines()
                        .anyMatch(l -> l.startsWith("jacktf_serving_request_latency_seconds_count{")
                                && l.contains("model=\"half_plus_two\"")
                                && l.contains("method=\"predict\"")
                                && l.contains("outcome=\"ok\"")),
                text);
        assertTrue(
                text.lines()
                        .anyMatch(l -> l.startsWith("jacktf_serving_request_latency_seconds_count{")
                                && l.contains("model=\"_unknown\"")
                                && l.contains("outcome=\"client_error\"")),
                text);
        assertTrue(text.contains("jacktf_serving_batch_size_bucket{"), "a batch size histogram");
        assertTrue(text.contains("jacktf_serving_queue_depth{"), "queue depth");
        assertTrue(
                text.lines()
                        .anyMatch(l -> l.startsWith("jacktf_serving_model_events_total{")
                                && l.contains("event=\"load\"")
                                && l.contains("model=\"tiny\"")
                                && l.contains("version=\"2\"")
                                && l.endsWith(" 1.0")),
                text);
    }
}
