package jacktf.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;

/**
 * The REST JSON translation on tiny signatures (two placeholders, nothing run): row and columnar
 * requests to rows per input, {@code {"b64"}} to bytes, outputs back to TF Serving's reply
 * layouts, and refusals as 400 with {@code {"error"}} naming what was received and expected.
 * Expected values are written out by hand from TF Serving's REST API documentation.
 */
class PredictCodecTest {
    static Graph graph;
    static Signature images; // serving_default(image_bytes: string[-1]) -> probabilities
    static Signature two; // two(x: float[-1, 2], s: string[-1]) -> y, z
    static List<Signature> signatures;

    @BeforeAll
    static void signatures() {
        graph = new Graph();
        Ops tf = Ops.create(graph);
        var bytes = tf.withName("image_bytes").placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
        images = Signature.builder()
                .key("serving_default")
                .input("image_bytes", bytes)
                .output("probabilities", tf.identity(bytes))
                .build();
        var x = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 2)));
        var s = tf.withName("s").placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
        two = Signature.builder()
                .key("two")
                .input("x", x)
                .input("s", s)
                .output("y", tf.identity(x))
                .output("z", tf.identity(s))
                .build();
        signatures = List.of(images, two);
    }

    @AfterAll
    static void close() {
        graph.close();
    }

    static List<JsonElement> json(String... values) {
        return Arrays.stream(values).map(JsonParser::parseString).toList();
    }

    @Test
    void rowFormatWithOneInputTakesEachInstanceAsItsValue() {
        // "aGVsbG8=" and "d29ybGQ=" are base64 of "hello" and "world"
        PredictCodec.PredictRequest r =
                PredictCodec.decode("{\"instances\": [{\"b64\": \"aGVsbG8=\"}, {\"b64\": \"d29ybGQ=\"}]}", signatures);
        assertEquals("serving_default", r.signature().key(), "no signature_name: serving_default");
        assertEquals(PredictCodec.Format.ROW, r.format());
        assertEquals(2, r.rows());
        assertEquals(Map.of("image_bytes", json("{\"b64\": \"aGVsbG8=\"}", "{\"b64\": \"d29ybGQ=\"}")), r.inputs());
        try (TString t = (TString) JsonTensors.toTensor(
                "image_bytes", images.getInputs().get("image_bytes"), r.inputs().get("image_bytes"))) {
            assertEquals(Shape.of(2), t.shape());
            assertEquals("hello", new String(t.asBytes().getObject(0), StandardCharsets.UTF_8));
            assertEquals("world", new String(t.asBytes().getObject(1), StandardCharsets.UTF_8));
        }
    }

    @Test
    void rowFormatWithSeveralInputsNamesThemPerInstance() {
        PredictCodec.PredictRequest r = PredictCodec.decode(
                "{\"signature_name\": \"two\", \"instances\": ["
                        + "{\"x\": [1, 2], \"s\": \"a\"}, {\"x\": [3, 4.5], \"s\": \"b\"}]}",
                signatures);
        assertEquals("two", r.signature().key());
        assertEquals(2, r.rows());
        assertEquals(json("[1, 2]", "[3, 4.5]"), r.inputs().get("x"));
        assertEquals(json("\"a\"", "\"b\""), r.inputs().get("s"));
        try (TFloat32 x = (TFloat32)
                JsonTensors.toTensor("x", two.getInputs().get("x"), r.inputs().get("x"))) {
            assertEquals(Shape.of(2, 2), x.shape());
            assertEquals(1f, x.getFloat(0, 0));
            assertEquals(2f, x.getFloat(0, 1));
            assertEquals(3f, x.getFloat(1, 0));
            assertEquals(4.5f, x.getFloat(1, 1));
        }
    }

    @Test
    void columnarFormatTakesAListPerInputOrTheOneInputsList() {
        PredictCodec.PredictRequest named = PredictCodec.decode(
                "{\"signature_name\": \"two\", \"inputs\": {\"x\": [[1, 2], [3, 4]], \"s\": [\"a\", \"b\"]}}",
                signatures);
        assertEquals(PredictCodec.Format.COLUMNAR, named.format());
        assertEquals(2, named.rows());
        assertEquals(json("[1, 2]", "[3, 4]"), named.inputs().get("x"));
        assertEquals(json("\"a\"", "\"b\""), named.inputs().get("s"));

        PredictCodec.PredictRequest bare = PredictCodec.decode("{\"inputs\": [{\"b64\": \"aGVsbG8=\"}]}", signatures);
        assertEquals(Map.of("image_bytes", json("{\"b64\": \"aGVsbG8=\"}")), bare.inputs());
        assertEquals(1, bare.rows());
        PredictCodec.PredictRequest byName =
                PredictCodec.decode("{\"inputs\": {\"image_bytes\": [\"raw\"]}}", signatures);
        assertEquals(Map.of("image_bytes", json("\"raw\"")), byName.inputs());
    }

    @Test
    void repliesUseTheRequestsLayout() {
        Map<String, List<JsonElement>> one = Map.of("y", json("[0.25, 0.75]", "[1, 0]"));
        assertEquals(
                JsonParser.parseString("{\"predictions\": [[0.25, 0.75], [1, 0]]}"),
                PredictCodec.encode(PredictCodec.Format.ROW, one, 2));
        assertEquals(
                JsonParser.parseString("{\"outputs\": [[0.25, 0.75], [1, 0]]}"),
                PredictCodec.encode(PredictCodec.Format.COLUMNAR, one, 2));
        Map<String, List<JsonElement>> both = new LinkedHashMap<>();
        both.put("classes", json("1", "0"));
        both.put("class_names", json("\"dog\"", "\"cat\""));
        assertEquals(
                JsonParser.parseString("{\"predictions\": [{\"classes\": 1, \"class_names\": \"dog\"}, "
                        + "{\"classes\": 0, \"class_names\": \"cat\"}]}"),
                PredictCodec.encode(PredictCodec.Format.ROW, both, 2));
        assertEquals(
                JsonParser.parseString("{\"outputs\": {\"classes\": [1, 0], \"class_names\": [\"dog\", \"cat\"]}}"),
                PredictCodec.encode(PredictCodec.Format.COLUMNAR, both, 2));
    }

    @Test
    void outputTensorsSplitIntoOneJsonValuePerRow() {
        try (TFloat32 t = TFloat32.tensorOf(Shape.of(2, 3), DataBuffers.of(1f, 2f, 3f, 4f, 5f, 6f))) {
            assertEquals(json("[1.0, 2.0, 3.0]", "[4.0, 5.0, 6.0]"), JsonTensors.rows(t));
        }
        try (Tensor t = TString.vectorOf("cat", "dog")) {
            assertEquals(json("\"cat\"", "\"dog\""), JsonTensors.rows(t));
        }
    }

    /** A refused request as the client sees it: the 400 reply's error text. */
    static String refusal(Runnable request) {
        BadRequest e = assertThrows(BadRequest.class, request::run);
        RestReply reply = RestReply.of(e);
        assertEquals(400, reply.status());
        assertEquals(1, reply.body().getAsJsonObject().size(), reply.body().toString());
        return reply.body().getAsJsonObject().get("error").getAsString();
    }

    static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "'" + part + "' in: " + message);
        }
    }

    @Test
    void malformedRequestsAreRefusedNamingWhatWasReceivedAndExpected() {
        assertContains(
                refusal(() -> PredictCodec.decode("{\"instances\": [", signatures)),
                "not valid JSON",
                "End of input",
                "expected a JSON object");
        assertContains(
                refusal(() -> PredictCodec.decode("[1, 2]", signatures)),
                "must be a JSON object with \"instances\" or \"inputs\"",
                "Received: [1,2]");
        assertContains(
                refusal(() -> PredictCodec.decode("{\"instances\": [\"a\"], \"inputs\": [\"a\"]}", signatures)),
                "exactly one of \"instances\"",
                "Received: an object with keys [instances, inputs]");
        assertContains(
                refusal(() -> PredictCodec.decode("{\"rows\": [\"a\"]}", signatures)),
                "exactly one of",
                "Received: an object with keys [rows]");
        assertContains(
                refusal(() ->
                        PredictCodec.decode("{\"signature_name\": \"nope\", \"instances\": [\"a\"]}", signatures)),
                "\"nope\" not found in signature def",
                "expected one of [serving_default, two]");
        assertContains(
                refusal(() -> PredictCodec.decode("{\"signature_name\": 3, \"instances\": [\"a\"]}", signatures)),
                "\"signature_name\" must be a string",
                "Received: 3");
        assertContains(
                refusal(() -> PredictCodec.decode("{\"instances\": {\"b64\": \"aGVsbG8=\"}}", signatures)),
                "\"instances\" must be a list",
                "Received: {\"b64\":\"aGVsbG8=\"}");
        assertContains(refusal(() -> PredictCodec.decode("{\"instances\": []}", signatures)), "no instances");
        assertContains(
                refusal(() ->
                        PredictCodec.decode("{\"signature_name\": \"two\", \"instances\": [[1, 2]]}", signatures)),
                "has inputs [x, s]",
                "each instance must be an object naming them",
                "Received: [1,2]");
        assertContains(
                refusal(() -> PredictCodec.decode("{\"signature_name\": \"two\", \"inputs\": [[1, 2]]}", signatures)),
                "\"inputs\" must be an object naming [x, s]",
                "Received: [[1,2]]");
        assertContains(
                refusal(() -> PredictCodec.decode(
                        "{\"signature_name\": \"two\", \"inputs\": {\"x\": [[1, 2], [3, 4]], \"s\": [\"a\"]}}",
                        signatures)),
                "different numbers of rows (2 and 1)");
        assertContains(
                refusal(() -> PredictCodec.decode(
                        "{\"signature_name\": \"two\", \"inputs\": {\"x\": 5, \"s\": [\"a\"]}}", signatures)),
                "Input 'x' must be a list with one entry per row",
                "Received: 5");
    }

    @Test
    void badValuesAreRefusedNamingWhatWasReceivedAndExpected() {
        var bytes = images.getInputs().get("image_bytes");
        var x = two.getInputs().get("x");
        assertContains(
                refusal(() -> JsonTensors.toTensor("image_bytes", bytes, json("{\"b64\": \"%%%not base64\"}"))),
                "invalid base64",
                "Received: {\"b64\":\"%%%not base64\"}",
                "expected standard base64");
        assertContains(
                refusal(() -> JsonTensors.toTensor("image_bytes", bytes, json("{\"b64\": \"aA==\", \"x\": 1}"))),
                "Received: {\"b64\":\"aA==\",\"x\":1}",
                "expected an object with the single key \"b64\"");
        assertContains(
                refusal(() -> JsonTensors.toTensor("image_bytes", bytes, json("17"))),
                "Input 'image_bytes' takes strings",
                "Received: 17",
                "expected a string or {\"b64\"");
        assertContains(
                refusal(() -> JsonTensors.toTensor("x", x, json("[1, 2, 3]"))),
                "Input 'x' wants shape [-1, 2]",
                "Received: shape [1, 3]");
        assertContains(
                refusal(() -> JsonTensors.toTensor("x", x, json("[1, 2]", "[3]"))),
                "Input 'x' is ragged: dimension 1 has sizes 2 and 1");
        assertContains(
                refusal(() -> JsonTensors.toTensor("x", x, json("[1, \"a\"]"))),
                "Input 'x' takes numbers",
                "Received: \"a\"",
                "expected a number");
        String huge = "\"" + "A".repeat(10_000) + "\"";
        String quoted = refusal(() -> JsonTensors.toTensor("x", x, json(huge)));
        assertTrue(quoted.length() < 300, "a refused value is quoted in short: " + quoted.length() + " characters");
    }

    @Test
    void failuresBecomeStatusesWithAnErrorBody() {
        RestReply notFound = RestReply.of(new NotFound("Version 9 of m is not loaded; version 1 is"));
        assertEquals(404, notFound.status());
        assertEquals(
                JsonParser.parseString("{\"error\": \"Version 9 of m is not loaded; version 1 is\"}"), notFound.body());
        assertEquals(400, RestReply.of(new IllegalArgumentException("bad")).status());
        RestReply bug = RestReply.of(new NullPointerException("oops"));
        assertEquals(500, bug.status());
        assertEquals(
                "Internal error: java.lang.NullPointerException: oops",
                bug.body().getAsJsonObject().get("error").getAsString());
    }

    @Test
    void inputsOfAnotherDtypeAreRefusedClearly() {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            var ints = tf.withName("n").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
            Signature s = Signature.builder()
                    .key("ints")
                    .input("n", ints)
                    .output("m", tf.identity(ints))
                    .build();
            assertContains(
                    refusal(() -> JsonTensors.toTensor("n", s.getInputs().get("n"), json("1"))),
                    "Input 'n' has dtype DT_INT32",
                    "it feeds DT_STRING and DT_FLOAT inputs");
        }
    }

    @Test
    void bytesOfAB64ValueAreDecodedExactly() {
        // "AP8=" is base64 of the bytes 0x00 0xff: binary, not text
        try (TString t = (TString) JsonTensors.toTensor(
                "image_bytes", images.getInputs().get("image_bytes"), json("{\"b64\": \"AP8=\"}"))) {
            assertArrayEquals(new byte[] {0, (byte) 0xff}, t.asBytes().getObject(0));
        }
    }
}
