package jacktf.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * The REST API end to end on a tiny SavedModel (string lengths and a doubling, no network): what
 * goes in as JSON comes back computed, in the request's layout; failures are 400/404 with
 * {@code {"error"}}. Expected values are the hand-computed lengths and products.
 */
class RestApiTest {
    @TempDir
    static Path dir;

    static ModelServer server;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    /**
     * Version 1 of "tiny": serving_default(image_bytes) -> probabilities = [length of the bytes] per
     * row, and double(x: float[-1, 2]) -> y = 2x.
     */
    @BeforeAll
    static void exportAndServe() throws Exception {
        try (Graph g = new Graph();
                Session s = new Session(g)) {
            Ops tf = Ops.create(g);
            var bytes = tf.withName("image_bytes").placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
            var scale = tf.withName("scale").variable(tf.constant(1f));
            var length =
                    tf.math.mul(tf.dtypes.cast(tf.strings.stringLength(bytes), TFloat32.class), tf.identity(scale));
            var probabilities = tf.withName("probabilities").expandDims(length, tf.constant(1));
            var x = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 2)));
            var y = tf.withName("y").math.mul(x, tf.constant(2f));
            s.initialize();
            Signature serving = Signature.builder()
                    .key("serving_default")
                    .input("image_bytes", bytes)
                    .output("probabilities", probabilities)
                    .build();
            Signature doubling = Signature.builder()
                    .key("double")
                    .input("x", x)
                    .output("y", y)
                    .build();
            SavedModelBundle.exporter(dir.resolve("tiny/1").toString())
                    .withTags(SavedModelBundle.DEFAULT_TAG)
                    .withFunctions(SessionFunction.create(serving, s), SessionFunction.create(doubling, s))
                    .export();
        }
        server = ModelServer.start(
                new ModelServer.Config(dir.resolve("tiny"), "tiny", "127.0.0.1", 0, 4, 1000, 4096, 3600, 4));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    record Reply(int status, JsonElement body) {}

    static Reply send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        request.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), JsonParser.parseString(r.body()));
    }

    @Test
    void predictAnswersInTheRequestsLayout() throws Exception {
        // "aGVsbG8=" is "hello" (5 bytes); "abc" is sent as text (3 bytes)
        Reply rows = send("POST", "/v1/models/tiny:predict", "{\"instances\": [{\"b64\": \"aGVsbG8=\"}, \"abc\"]}");
        assertEquals(200, rows.status(), rows.body().toString());
        assertEquals(JsonParser.parseString("{\"predictions\": [[5.0], [3.0]]}"), rows.body());
        Reply columns = send(
                "POST",
                "/v1/models/tiny/versions/1:predict",
                "{\"signature_name\": \"double\", \"inputs\": {\"x\": [[1, 2.5], [-3, 0]]}}");
        assertEquals(200, columns.status(), columns.body().toString());
        assertEquals(JsonParser.parseString("{\"outputs\": [[2.0, 5.0], [-6.0, 0.0]]}"), columns.body());
        Reply named = send(
                "POST",
                "/v1/models/tiny:predict",
                "{\"signature_name\": \"double\", \"instances\": [{\"x\": [4, 8]}]}");
        assertEquals(JsonParser.parseString("{\"predictions\": [[8.0, 16.0]]}"), named.body());
    }

    @Test
    void statusAndMetadataDescribeTheServedVersion() throws Exception {
        Reply status = send("GET", "/v1/models/tiny", null);
        assertEquals(
                JsonParser.parseString("{\"model_version_status\": [{\"version\": \"1\", \"state\": \"AVAILABLE\", "
                        + "\"status\": {\"error_code\": \"OK\", \"error_message\": \"\"}}]}"),
                status.body());
        Reply meta = send("GET", "/v1/models/tiny/metadata", null);
        assertEquals(200, meta.status());
        var x = meta.body()
                .getAsJsonObject()
                .getAsJsonObject("metadata")
                .getAsJsonObject("signature_def")
                .getAsJsonObject("signature_def")
                .getAsJsonObject("double")
                .getAsJsonObject("inputs")
                .getAsJsonObject("x");
        assertEquals("DT_FLOAT", x.get("dtype").getAsString());
        assertEquals(
                JsonParser.parseString("[{\"size\": \"-1\", \"name\": \"\"}, {\"size\": \"2\", \"name\": \"\"}]"),
                x.getAsJsonObject("tensor_shape").get("dim"));
    }

    @Test
    void failuresAreAnsweredWithAnErrorBody() throws Exception {
        Object[][] cases = {
            {"POST", "/v1/models/tiny:predict", "{\"instances\": [", 400, "not valid JSON"},
            {"POST", "/v1/models/tiny:predict", "[1]", 400, "Received: [1]"},
            {"POST", "/v1/models/tiny:predict", "{\"instances\": [{\"b64\": \"%%\"}]}", 400, "invalid base64"},
            {
                "POST",
                "/v1/models/tiny:predict",
                "{\"signature_name\": \"double\", \"instances\": [[1, 2, 3]]}",
                400,
                "Received: shape [1, 3]"
            },
            {
                "POST",
                "/v1/models/tiny:predict",
                "{\"instances\": [\"" + "x".repeat(5000) + "\"]}",
                400,
                "exceeds the limit of 4096"
            },
            {"POST", "/v1/models/other:predict", "{}", 404, "this server serves /v1/models/tiny"},
            {"GET", "/v1/models/tiny/versions/2", null, 404, "Version 2 of tiny is not loaded; version 1 is"},
            {"GET", "/v1/models/tiny:predict", null, 404, "No GET /v1/models/tiny:predict"},
        };
        for (Object[] c : cases) {
            Reply r = send((String) c[0], (String) c[1], (String) c[2]);
            assertEquals(c[3], r.status(), c[1] + " " + r.body());
            assertEquals(
                    List.of("error"),
                    List.copyOf(r.body().getAsJsonObject().keySet()),
                    r.body().toString());
            assertTrue(
                    r.body().getAsJsonObject().get("error").getAsString().contains((String) c[4]),
                    c[4] + " in " + r.body());
        }
        assertEquals(200, send("GET", "/v1/models/tiny", null).status(), "the server stays up");
    }
}
