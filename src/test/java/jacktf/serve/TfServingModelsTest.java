package jacktf.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
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
import jacktf.serve.apis.ExampleListWithContext;
import jacktf.serve.apis.InferenceTask;
import jacktf.serve.apis.Input;
import jacktf.serve.apis.ModelSpec;
import jacktf.serve.apis.MultiInferenceRequest;
import jacktf.serve.apis.MultiInferenceResponse;
import jacktf.serve.apis.PredictRequest;
import jacktf.serve.apis.PredictResponse;
import jacktf.serve.apis.PredictionServiceGrpc;
import jacktf.serve.apis.RegressionRequest;
import jacktf.serve.apis.RegressionResponse;
import jacktf.serve.apis.RegressionResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.FloatList;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * The SavedModels of TF Serving's own tests and documentation (../shared/testdata/savedmodels, see
 * its README for their origin and expected values) served as TF Serving serves them, and TF
 * Serving's request validation as one table run through REST and gRPC alike. The expected numbers
 * are the models' definitions: half_plus_three y = x / 2 + 3, half_plus_two y = x / 2 + 2; "tiny"
 * (written by {@link TinyModels}) adds a signature of two inputs, mixed(n: int64, flag: bool).
 */
class TfServingModelsTest {
    @TempDir
    static Path dir;

    static ModelServer server;
    static ManagedChannel channel;
    static PredictionServiceGrpc.PredictionServiceBlockingStub grpc;

    @BeforeAll
    static void serve() throws Exception {
        Path models = TestData.savedModels();
        StringBuilder config = new StringBuilder("model_config_list {\n");
        for (String name : List.of("half_plus_three", "half_plus_two_tf1", "half_plus_two_tf2")) {
            // TF Serving's base path holds numbered versions; the test data is one version: linked, not copied
            Files.createDirectories(dir.resolve(name));
            Files.createSymbolicLink(dir.resolve(name + "/123"), models.resolve(name));
            config.append("  config { name: \"%s\" base_path: \"%s\" }\n".formatted(name, dir.resolve(name)));
        }
        TinyModels.exportTiny(dir.resolve("tiny/1"), 1f);
        config.append("  config { name: \"tiny\" base_path: \"%s\" }\n}\n".formatted(dir.resolve("tiny")));
        Path file = Files.writeString(dir.resolve("models.config"), config);
        server = ModelServer.start(
                ModelServer.Config.defaultsForConfigFile(file).withPorts(0, 0).withThreads(1, 4, 3600));
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

    static ModelServerTest.Reply send(String method, String path, String body) throws Exception {
        return ModelServerTest.send(server, method, path, body);
    }

    static TensorProto tensor(DataType dtype, long[] shape) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : shape) {
            s.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
        }
        return TensorProto.newBuilder().setDtype(dtype).setTensorShape(s).build();
    }

    static TensorProto floats(long[] shape, float... values) {
        TensorProto.Builder t = tensor(DataType.DT_FLOAT, shape).toBuilder();
        for (float v : values) {
            t.addFloatVal(v);
        }
        return t.build();
    }

    /**
     * One request as both APIs spell it: the model, version (or null) and signature (or null), the
     * REST body (its "signature_name" added here) and the gRPC inputs; the HTTP status TF Serving
     * answers (gRPC codes through TF Serving's HTTP mapping), and for an accepted request the
     * values of its one output, flattened.
     */
    record Case(
            String what,
            String model,
            Long version,
            String signature,
            String restBody,
            Map<String, TensorProto> grpcInputs,
            int http,
            float[] expected) {}

    /** TF Serving's gRPC code to HTTP status (its util/net_http status mapping), for the codes this table meets. */
    static int http(Status.Code code) {
        return switch (code) {
            case OK -> 200;
            case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
            case NOT_FOUND -> 404;
            case UNIMPLEMENTED -> 501;
            case UNAVAILABLE -> 503;
            default -> 500;
        };
    }

    static final List<Case> TABLE = List.of(
            // accepted: TF Serving checks no shape or dtype against the signature, the runtime takes them
            new Case(
                    "half_plus_three, whose signatures carry no shapes",
                    "half_plus_three",
                    null,
                    null,
                    "{\"instances\": [1.0, 2.0, 5.0]}",
                    Map.of("x", floats(new long[] {3}, 1, 2, 5)),
                    200,
                    new float[] {3.5f, 4f, 5.5f}),
            new Case(
                    "half_plus_two_tf2, three rows for an input declared [1]",
                    "half_plus_two_tf2",
                    null,
                    null,
                    "{\"instances\": [1.0, 2.0, 5.0]}",
                    Map.of("x", floats(new long[] {3}, 1, 2, 5)),
                    200,
                    new float[] {2.5f, 3f, 4.5f}),
            new Case(
                    "half_plus_two_tf1, rows of [-1, 1]",
                    "half_plus_two_tf1",
                    null,
                    "serving_default",
                    "{\"instances\": [[1.0], [2.0], [5.0]]}",
                    Map.of("x", floats(new long[] {3, 1}, 1, 2, 5)),
                    200,
                    new float[] {2.5f, 3f, 4.5f}),
            new Case(
                    "half_plus_two_tf1, a rank-1 tensor for an input declared [-1, 1]",
                    "half_plus_two_tf1",
                    123L,
                    null,
                    "{\"inputs\": [1.0, 2.0, 5.0]}",
                    Map.of("x", floats(new long[] {3}, 1, 2, 5)),
                    200,
                    new float[] {2.5f, 3f, 4.5f}),
            // refused by TF Serving's checks: signature, inputs' count and names
            new Case(
                    "an unknown signature",
                    "half_plus_two_tf1",
                    null,
                    "nope",
                    "{\"instances\": [[1.0]]}",
                    Map.of("x", floats(new long[] {1, 1}, 1)),
                    400,
                    null),
            new Case(
                    "an input the signature does not have",
                    "half_plus_two_tf1",
                    null,
                    null,
                    "{\"instances\": [{\"x\": [1.0], \"z\": [1.0]}]}",
                    Map.of("x", floats(new long[] {1, 1}, 1), "z", floats(new long[] {1, 1}, 1)),
                    400,
                    null),
            new Case(
                    "an input missing",
                    "tiny",
                    null,
                    "mixed",
                    "{\"instances\": [{\"n\": 1}]}",
                    Map.of(
                            "n",
                            tensor(DataType.DT_INT64, new long[] {1}).toBuilder()
                                    .addInt64Val(1)
                                    .build()),
                    400,
                    null),
            new Case(
                    "the right count under a wrong name",
                    "half_plus_two_tf1",
                    null,
                    null,
                    "{\"instances\": [{\"z\": [1.0]}]}",
                    Map.of("z", floats(new long[] {1, 1}, 1)),
                    400,
                    null),
            // refused by the value: REST's JSON rules, gRPC's TensorProto parsing or TensorFlow at run time
            new Case(
                    "a string for a float input",
                    "half_plus_two_tf1",
                    null,
                    null,
                    "{\"instances\": [[\"a\"]]}",
                    Map.of(
                            "x",
                            tensor(DataType.DT_STRING, new long[] {1, 1}).toBuilder()
                                    .addStringVal(ByteString.copyFromUtf8("a"))
                                    .build()),
                    400,
                    null),
            new Case(
                    "a fraction for an int64 input",
                    "tiny",
                    null,
                    "mixed",
                    "{\"instances\": [{\"n\": 1.5, \"flag\": true}]}",
                    Map.of(
                            "n",
                            floats(new long[] {1}, 1.5f),
                            "flag",
                            tensor(DataType.DT_BOOL, new long[] {1}).toBuilder()
                                    .addBoolVal(true)
                                    .build()),
                    400,
                    null),
            new Case(
                    "values that fit no shape (ragged instances; tensor_content too short)",
                    "half_plus_two_tf1",
                    null,
                    null,
                    "{\"instances\": [[1.0], [2.0, 3.0]]}",
                    Map.of(
                            "x",
                            tensor(DataType.DT_FLOAT, new long[] {2, 1}).toBuilder()
                                    .setTensorContent(ByteString.copyFrom(new byte[4]))
                                    .build()),
                    400,
                    null),
            // refused for the servable
            new Case(
                    "an unknown model",
                    "nope",
                    null,
                    null,
                    "{\"instances\": [[1.0]]}",
                    Map.of("x", floats(new long[] {1, 1}, 1)),
                    404,
                    null),
            new Case(
                    "an unknown version",
                    "half_plus_two_tf1",
                    9L,
                    null,
                    "{\"instances\": [[1.0]]}",
                    Map.of("x", floats(new long[] {1, 1}, 1)),
                    404,
                    null));

    static List<Float> flat(JsonElement e, List<Float> out) {
        if (e.isJsonArray()) {
            for (JsonElement x : e.getAsJsonArray()) {
                flat(x, out);
            }
        } else {
            out.add(e.getAsFloat());
        }
        return out;
    }

    static List<Float> list(float[] values) {
        List<Float> out = new ArrayList<>();
        for (float v : values) {
            out.add(v);
        }
        return out;
    }

    @Test
    void oneTableOfRequestsHasTheSameOutcomeOverRestAndGrpc() throws Exception {
        List<String> report = new ArrayList<>();
        for (Case c : TABLE) {
            String path =
                    "/v1/models/" + c.model() + (c.version() == null ? "" : "/versions/" + c.version()) + ":predict";
            String body = c.signature() == null
                    ? c.restBody()
                    : "{\"signature_name\": \"" + c.signature() + "\", "
                            + c.restBody().substring(1);
            ModelServerTest.Reply rest = send("POST", path, body);

            ModelSpec.Builder spec = ModelSpec.newBuilder().setName(c.model());
            if (c.version() != null) {
                spec.setVersion(Int64Value.of(c.version()));
            }
            if (c.signature() != null) {
                spec.setSignatureName(c.signature());
            }
            int grpcHttp;
            List<Float> grpcValues = null;
            String grpcText;
            try {
                PredictResponse r = grpc.predict(PredictRequest.newBuilder()
                        .setModelSpec(spec)
                        .putAllInputs(c.grpcInputs())
                        .build());
                grpcHttp = 200;
                grpcValues = r.getOutputsMap().values().iterator().next().getFloatValList();
                grpcText = r.getOutputsMap().toString();
            } catch (StatusRuntimeException e) {
                grpcHttp = http(e.getStatus().getCode());
                grpcText = e.getStatus().toString();
            }
            report.add(c.what() + ": REST " + rest.status() + " " + rest.text().strip() + " | gRPC " + grpcHttp + " "
                    + grpcText.strip());
            assertEquals(c.http(), rest.status(), c.what() + " over REST: " + rest.text());
            assertEquals(c.http(), grpcHttp, c.what() + " over gRPC: " + grpcText);
            if (c.expected() != null) {
                JsonArray predictions = rest.json().getAsJsonObject().has("predictions")
                        ? rest.json().getAsJsonObject().getAsJsonArray("predictions")
                        : null;
                List<Float> restValues = predictions != null
                        ? flat(predictions, new ArrayList<>())
                        : flat(rest.json().getAsJsonObject().get("outputs"), new ArrayList<>());
                assertEquals(list(c.expected()), restValues, c.what() + " over REST");
                assertEquals(list(c.expected()), grpcValues, c.what() + " over gRPC");
            } else {
                assertEquals(
                        List.of("error"),
                        List.copyOf(rest.json().getAsJsonObject().keySet()),
                        "REST refusals are {\"error\": ...}: " + rest.text());
            }
        }
        report.forEach(System.out::println); // what each API answered, for the reader of the test log
    }

    @Test
    void halfPlusThreeIsServedAsTfServingServesItsRestDocumentation() throws Exception {
        ModelServerTest.Reply predict =
                send("POST", "/v1/models/half_plus_three:predict", "{\"instances\": [1.0, 2.0, 5.0]}");
        assertEquals(200, predict.status(), predict.text());
        assertEquals(JsonParser.parseString("{\"predictions\": [3.5, 4.0, 5.5]}"), predict.json());
        ModelServerTest.Reply status = send("GET", "/v1/models/half_plus_three", null);
        assertEquals(
                JsonParser.parseString("{\"model_version_status\": [{\"version\": \"123\", \"state\": \"AVAILABLE\", "
                        + "\"status\": {\"error_code\": \"OK\", \"error_message\": \"\"}}]}"),
                status.json());
        assertTrue(
                send("GET", "/v1/models/half_plus_three/metadata", null).text().contains("tensorflow/serving/regress"));
    }

    static Example example(Map<String, Float> features) {
        Features.Builder f = Features.newBuilder();
        features.forEach((k, v) -> f.putFeature(
                k,
                Feature.newBuilder()
                        .setFloatList(FloatList.newBuilder().addValue(v))
                        .build()));
        return Example.newBuilder().setFeatures(f).build();
    }

    static ModelSpec signature(String model, String key) {
        return ModelSpec.newBuilder().setName(model).setSignatureName(key).build();
    }

    @Test
    void classifyAndRegressOverRestInTfServingsJson() throws Exception {
        // TF Serving's own expectations (its REST handler tests): half_plus_two, y = x / 2 + 2; a model without
        // labels answers the class "" beside the score
        ModelServerTest.Reply classify = send(
                "POST",
                "/v1/models/half_plus_two_tf1:classify",
                "{\"signature_name\": \"classify_x_to_y\", \"examples\": [{\"x\": 2.0}]}");
        assertEquals(200, classify.status(), classify.text());
        assertEquals(JsonParser.parseString("{\"results\": [[[\"\", 3.0]]]}"), classify.json());
        ModelServerTest.Reply regress = send(
                "POST",
                "/v1/models/half_plus_two_tf1:regress",
                "{\"signature_name\": \"regress_x_to_y\", \"examples\": [{\"x\": 2.0}]}");
        assertEquals(JsonParser.parseString("{\"results\": [3.0]}"), regress.json(), regress.text());
        // the regress call of TF Serving's REST documentation, on the model it is written for (y = x / 2 + 3)
        ModelServerTest.Reply documented = send(
                "POST",
                "/v1/models/half_plus_three:regress",
                "{\"signature_name\": \"tensorflow/serving/regress\", \"examples\": [{\"x\": 1.0}, {\"x\": 2.0}]}");
        assertEquals(200, documented.status(), documented.text());
        assertEquals(JsonParser.parseString("{\"results\": [3.5, 4.0]}"), documented.json());
        // a context completes every example; an example's own feature wins (y2 = x / 2 + 3)
        ModelServerTest.Reply withContext = send(
                "POST",
                "/v1/models/half_plus_two_tf1/versions/123:regress",
                "{\"signature_name\": \"regress_x_to_y2\", \"context\": {\"x\": [4.0]}, "
                        + "\"examples\": [{\"note\": {\"b64\": \"aGk=\"}}, {\"x\": 2.0, \"flag\": true}]}");
        assertEquals(JsonParser.parseString("{\"results\": [5.0, 4.0]}"), withContext.json(), withContext.text());

        Object[][] refused = {
            // serving_default is a predict signature: its input is "x", not "inputs"
            {"half_plus_two_tf1:classify", "{\"examples\": [{\"x\": 2.0}]}", "No classification inputs found"},
            {
                "half_plus_two_tf1:regress",
                "{\"signature_name\": \"classify_x_to_y\", \"examples\": [{\"x\": 2.0}]}",
                "No regression outputs found"
            },
            {
                "half_plus_two_tf1:regress",
                "{\"signature_name\": \"nope\", \"examples\": [{}]}",
                "No signature was found with the name: nope"
            },
            {"half_plus_two_tf1:regress", "{\"signature_name\": \"regress_x_to_y\"}", "'examples' is expected"},
            {"half_plus_two_tf1:regress", "{\"signature_name\": \"regress_x_to_y\", \"examples\": []}", "empty array"},
            {
                "half_plus_two_tf1:regress",
                "{\"signature_name\": \"regress_x_to_y\", \"examples\": [{\"x\": [1.0, \"a\"]}]}",
                "Unexpected element type in feature: x expecting type: float"
            },
            // 2 is an int64 feature: the model's parser wants a float, TensorFlow refuses the run
            {
                "half_plus_two_tf1:regress",
                "{\"signature_name\": \"regress_x_to_y\", \"examples\": [{\"x\": 2}]}",
                "float"
            },
        };
        for (Object[] c : refused) {
            ModelServerTest.Reply r = send("POST", "/v1/models/" + c[0], (String) c[1]);
            assertEquals(400, r.status(), c[1] + ": " + r.text());
            assertTrue(r.error().contains((String) c[2]), c[2] + " in " + r.text());
        }
    }

    @Test
    void classifyRegressAndMultiInferenceOverGrpc() {
        Input twoAndFour = Input.newBuilder()
                .setExampleList(ExampleList.newBuilder()
                        .addExamples(example(Map.of("x", 2f)))
                        .addExamples(example(Map.of("x", 4f))))
                .build();
        ClassificationResponse classify = grpc.classify(ClassificationRequest.newBuilder()
                .setModelSpec(signature("half_plus_two_tf1", "classify_x_to_y"))
                .setInput(twoAndFour)
                .build());
        assertEquals(2, classify.getResult().getClassificationsCount());
        assertEquals(
                "", classify.getResult().getClassifications(0).getClasses(0).getLabel());
        assertEquals(
                3f, classify.getResult().getClassifications(0).getClasses(0).getScore()); // 2 / 2 + 2
        assertEquals(
                4f, classify.getResult().getClassifications(1).getClasses(0).getScore()); // 4 / 2 + 2
        assertEquals(123, classify.getModelSpec().getVersion().getValue());
        assertEquals("classify_x_to_y", classify.getModelSpec().getSignatureName());

        RegressionResponse regress = grpc.regress(RegressionRequest.newBuilder()
                .setModelSpec(signature("half_plus_two_tf1", "regress_x_to_y2"))
                .setInput(Input.newBuilder()
                        .setExampleListWithContext(ExampleListWithContext.newBuilder()
                                .setContext(example(Map.of("x", 6f)))
                                .addExamples(example(Map.of()))
                                .addExamples(example(Map.of("x", 2f)))))
                .build());
        assertEquals(
                List.of(6f, 4f), // 6 / 2 + 3 from the context; 2 / 2 + 3 from the example's own x
                regress.getResult().getRegressionsList().stream()
                        .map(r -> r.getValue())
                        .toList());

        MultiInferenceResponse multi = grpc.multiInference(MultiInferenceRequest.newBuilder()
                .addTasks(InferenceTask.newBuilder()
                        .setModelSpec(signature("half_plus_two_tf1", "classify_x_to_y"))
                        .setMethodName("tensorflow/serving/classify"))
                .addTasks(InferenceTask.newBuilder()
                        .setModelSpec(signature("half_plus_two_tf1", "regress_x_to_y"))
                        .setMethodName("tensorflow/serving/regress"))
                .addTasks(InferenceTask.newBuilder()
                        .setModelSpec(signature("half_plus_two_tf1", "regress_x_to_y2"))
                        .setMethodName("tensorflow/serving/regress"))
                .setInput(twoAndFour)
                .build());
        assertEquals(3, multi.getResultsCount());
        var classes = multi.getResults(0).getClassificationResult();
        assertEquals(
                List.of(3f, 4f),
                List.of(
                        classes.getClassifications(0).getClasses(0).getScore(),
                        classes.getClassifications(1).getClasses(0).getScore()));
        assertEquals(List.of(3f, 4f), values(multi.getResults(1).getRegressionResult()));
        assertEquals(List.of(4f, 5f), values(multi.getResults(2).getRegressionResult())); // x / 2 + 3
        assertEquals("regress_x_to_y2", multi.getResults(2).getModelSpec().getSignatureName());

        StatusRuntimeException predictSignature = assertThrows(
                StatusRuntimeException.class,
                () -> grpc.classify(ClassificationRequest.newBuilder()
                        .setModelSpec(ModelSpec.newBuilder().setName("half_plus_two_tf1"))
                        .setInput(twoAndFour)
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, predictSignature.getStatus().getCode());
        StatusRuntimeException empty = assertThrows(
                StatusRuntimeException.class,
                () -> grpc.regress(RegressionRequest.newBuilder()
                        .setModelSpec(signature("half_plus_two_tf1", "regress_x_to_y"))
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, empty.getStatus().getCode());
        assertTrue(
                empty.getStatus().getDescription().startsWith("Input is empty."),
                empty.getStatus().toString());
        StatusRuntimeException method = assertThrows(
                StatusRuntimeException.class,
                () -> grpc.multiInference(MultiInferenceRequest.newBuilder()
                        .addTasks(InferenceTask.newBuilder()
                                .setModelSpec(signature("half_plus_two_tf1", "serving_default"))
                                .setMethodName("tensorflow/serving/predict"))
                        .setInput(twoAndFour)
                        .build()));
        assertEquals(Status.Code.UNIMPLEMENTED, method.getStatus().getCode());
        StatusRuntimeException twoModels = assertThrows(
                StatusRuntimeException.class,
                () -> grpc.multiInference(MultiInferenceRequest.newBuilder()
                        .addTasks(InferenceTask.newBuilder()
                                .setModelSpec(signature("half_plus_two_tf1", "regress_x_to_y"))
                                .setMethodName("tensorflow/serving/regress"))
                        .addTasks(InferenceTask.newBuilder()
                                .setModelSpec(signature("half_plus_three", "tensorflow/serving/regress"))
                                .setMethodName("tensorflow/serving/regress"))
                        .setInput(twoAndFour)
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, twoModels.getStatus().getCode());
        assertTrue(twoModels.getStatus().getDescription().contains("same model name"));
    }

    static List<Float> values(RegressionResult r) {
        return r.getRegressionsList().stream().map(x -> x.getValue()).toList();
    }
}
