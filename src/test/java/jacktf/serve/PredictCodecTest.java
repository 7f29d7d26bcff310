package jacktf.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.proto.error.Code;

/**
 * The REST JSON translation on signatures written as MetaGraph protos (nothing run): row and
 * columnar requests to one tensor per input, {@code {"b64"}} to bytes, every served dtype,
 * outputs back to TF Serving's reply layouts, and refusals with TF Serving's status codes and an
 * {@code {"error"}} naming what was received and expected. Expected values are written out by
 * hand from TF Serving's REST API documentation.
 */
class PredictCodecTest {
    /** A TensorInfo of {@code dtype} and {@code dims} (null: unknown rank). */
    static TensorInfo info(String name, DataType dtype, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        if (dims == null) {
            shape.setUnknownRank(true);
        } else {
            for (long d : dims) {
                shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
            }
        }
        return TensorInfo.newBuilder()
                .setName(name)
                .setDtype(dtype)
                .setTensorShape(shape)
                .build();
    }

    static final SignatureSpec IMAGES = SignatureSpec.of(
            "serving_default",
            SignatureDef.newBuilder()
                    .putInputs("image_bytes", info("image_bytes:0", DataType.DT_STRING, -1))
                    .putOutputs("probabilities", info("p:0", DataType.DT_FLOAT, -1, 2))
                    .build());
    static final SignatureSpec TWO = SignatureSpec.of(
            "two",
            SignatureDef.newBuilder()
                    .putInputs("x", info("x:0", DataType.DT_FLOAT, -1, 2))
                    .putInputs("s", info("s:0", DataType.DT_STRING, -1))
                    .putOutputs("y", info("y:0", DataType.DT_FLOAT, -1, 2))
                    .build());
    static final SignatureSpec TYPES = SignatureSpec.of(
            "types",
            SignatureDef.newBuilder()
                    .putInputs("i", info("i:0", DataType.DT_INT32, -1))
                    .putInputs("l", info("l:0", DataType.DT_INT64, -1))
                    .putInputs("b", info("b:0", DataType.DT_BOOL, -1))
                    .putInputs("d", info("d:0", DataType.DT_DOUBLE, -1))
                    .putInputs("u", info("u:0", DataType.DT_UINT8, -1))
                    .putOutputs("o", info("o:0", DataType.DT_INT32, -1))
                    .build());
    static final Map<String, SignatureSpec> ALL = Map.of("serving_default", IMAGES, "two", TWO, "types", TYPES);
    static final Function<String, SignatureSpec> LOOKUP = key -> {
        SignatureSpec s = ALL.get(key);
        if (s == null) {
            throw ServingException.notFound("Serving signature name: \"" + key + "\" not found in signature def");
        }
        return s;
    };

    static PredictCodec.PredictRequest decode(String body) {
        return PredictCodec.decode(PredictCodec.parse(body), LOOKUP, ModelServer.Config.DEFAULT_MAX_TENSOR_BYTES);
    }

    @Test
    void rowFormatWithOneInputTakesEachInstanceAsItsValue() {
        // "aGVsbG8=" and "d29ybGQ=" are base64 of "hello" and "world"; "abc" is sent as text
        PredictCodec.PredictRequest r =
                decode("{\"instances\": [{\"b64\": \"aGVsbG8=\"}, {\"b64\": \"d29ybGQ=\"}, \"abc\"]}");
        assertEquals("serving_default", r.signature().key(), "no signature_name: serving_default");
        assertEquals(PredictCodec.Format.ROW, r.format());
        HostTensor t = r.inputs().get("image_bytes");
        assertArrayEquals(new long[] {3}, t.shape);
        byte[][] values = (byte[][]) t.values;
        assertEquals("hello", new String(values[0], StandardCharsets.UTF_8));
        assertEquals("world", new String(values[1], StandardCharsets.UTF_8));
        assertEquals("abc", new String(values[2], StandardCharsets.UTF_8));
        // "AP8=" is base64 of the bytes 0x00 0xff: binary, not text
        assertArrayEquals(
                new byte[] {0, (byte) 0xff},
                ((byte[][]) decode("{\"instances\": [{\"b64\": \"AP8=\"}]}")
                                .inputs()
                                .get("image_bytes")
                                .values)
                        [0]);
    }

    @Test
    void rowFormatWithSeveralInputsNamesThemPerInstance() {
        PredictCodec.PredictRequest r = decode("{\"signature_name\": \"two\", \"instances\": ["
                + "{\"x\": [1, 2], \"s\": \"a\"}, {\"x\": [3, 4.5], \"s\": \"b\"}]}");
        assertEquals("two", r.signature().key());
        assertArrayEquals(new long[] {2, 2}, r.inputs().get("x").shape);
        assertArrayEquals(new float[] {1, 2, 3, 4.5f}, (float[]) r.inputs().get("x").values);
        assertEquals(2, r.inputs().get("s").rows());
    }

    @Test
    void columnarFormatTakesAValuePerInputOrTheOneInputsValue() {
        PredictCodec.PredictRequest named =
                decode("{\"signature_name\": \"two\", \"inputs\": {\"x\": [[1, 2], [3, 4]], \"s\": [\"a\", \"b\"]}}");
        assertEquals(PredictCodec.Format.COLUMNAR, named.format());
        assertArrayEquals(new float[] {1, 2, 3, 4}, (float[]) named.inputs().get("x").values);
        PredictCodec.PredictRequest bare = decode("{\"inputs\": [{\"b64\": \"aGVsbG8=\"}]}");
        assertEquals(
                "hello", new String(((byte[][]) bare.inputs().get("image_bytes").values)[0], StandardCharsets.UTF_8));
        PredictCodec.PredictRequest byName = decode("{\"inputs\": {\"image_bytes\": [\"raw\"]}}");
        assertEquals(1, byName.inputs().get("image_bytes").rows());
    }

    @Test
    void everyServedDtypeIsDecoded() {
        PredictCodec.PredictRequest r = decode("{\"signature_name\": \"types\", \"instances\": ["
                + "{\"i\": -7, \"l\": 12345678901, \"b\": true, \"d\": 0.1, \"u\": 255},"
                + "{\"i\": 2147483647, \"l\": -1, \"b\": false, \"d\": 1e300, \"u\": 0}]}");
        assertArrayEquals(new int[] {-7, 2147483647}, (int[]) r.inputs().get("i").values);
        assertArrayEquals(new long[] {12345678901L, -1}, (long[]) r.inputs().get("l").values);
        assertArrayEquals(new boolean[] {true, false}, (boolean[]) r.inputs().get("b").values);
        assertArrayEquals(new double[] {0.1, 1e300}, (double[]) r.inputs().get("d").values);
        assertArrayEquals(new int[] {255, 0}, (int[]) r.inputs().get("u").values);
    }

    @Test
    void repliesUseTheRequestsLayout() {
        HostTensor y = new HostTensor(DataType.DT_FLOAT, new long[] {2, 2}, new float[] {0.25f, 0.75f, 1, 0});
        assertEquals(
                JsonParser.parseString("{\"predictions\": [[0.25, 0.75], [1.0, 0.0]]}"),
                PredictCodec.encode(PredictCodec.Format.ROW, Map.of("y", y)));
        assertEquals(
                JsonParser.parseString("{\"outputs\": [[0.25, 0.75], [1.0, 0.0]]}"),
                PredictCodec.encode(PredictCodec.Format.COLUMNAR, Map.of("y", y)));
        Map<String, HostTensor> both = new LinkedHashMap<>();
        both.put("classes", new HostTensor(DataType.DT_INT64, new long[] {2}, new long[] {1, 0}));
        both.put(
                "class_names",
                new HostTensor(DataType.DT_STRING, new long[] {2}, new byte[][] {"dog".getBytes(), "cat".getBytes()}));
        assertEquals(
                JsonParser.parseString("{\"predictions\": [{\"classes\": 1, \"class_names\": \"dog\"}, "
                        + "{\"classes\": 0, \"class_names\": \"cat\"}]}"),
                PredictCodec.encode(PredictCodec.Format.ROW, both));
        assertEquals(
                JsonParser.parseString("{\"outputs\": {\"classes\": [1, 0], \"class_names\": [\"dog\", \"cat\"]}}"),
                PredictCodec.encode(PredictCodec.Format.COLUMNAR, both));
        // TF Serving writes an output whose alias ends in _bytes as base64; a scalar as its value
        Map<String, HostTensor> binary = new LinkedHashMap<>();
        binary.put("raw_bytes", new HostTensor(DataType.DT_STRING, new long[] {1}, new byte[][] {{0, (byte) 0xff}}));
        binary.put("flag", new HostTensor(DataType.DT_BOOL, new long[] {}, new boolean[] {true}));
        assertEquals(
                JsonParser.parseString("{\"outputs\": {\"raw_bytes\": [{\"b64\": \"AP8=\"}], \"flag\": true}}"),
                PredictCodec.encode(PredictCodec.Format.COLUMNAR, binary));
        assertEquals(
                400,
                assertThrows(ServingException.class, () -> PredictCodec.encode(PredictCodec.Format.ROW, binary))
                        .httpStatus(),
                "a scalar output has no rows to answer instances with");
    }

    /** A refused request as the client sees it: the reply's status and error text. */
    static String refusal(int status, Runnable request) {
        ServingException e = assertThrows(ServingException.class, request::run);
        RestReply reply = RestReply.of(e);
        assertEquals(status, reply.status(), e.getMessage());
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
                refusal(400, () -> decode("{\"instances\": [")),
                "not valid JSON",
                "End of input",
                "expected a JSON object");
        assertContains(
                refusal(400, () -> decode("[1, 2]")),
                "must be a JSON object with \"instances\" or \"inputs\"",
                "Received: [1,2]");
        assertContains(
                refusal(400, () -> decode("{\"instances\": [\"a\"], \"inputs\": [\"a\"]}")),
                "exactly one of \"instances\"",
                "Received: an object with keys [instances, inputs]");
        assertContains(
                refusal(404, () -> decode("{\"signature_name\": \"nope\", \"instances\": [\"a\"]}")),
                "\"nope\" not found in signature def");
        assertContains(
                refusal(400, () -> decode("{\"signature_name\": 3, \"instances\": [\"a\"]}")),
                "\"signature_name\" must be a string",
                "Received: 3");
        assertContains(
                refusal(400, () -> decode("{\"instances\": {\"b64\": \"aGVsbG8=\"}}")),
                "\"instances\" must be a list",
                "Received: {\"b64\":\"aGVsbG8=\"}");
        assertContains(refusal(400, () -> decode("{\"instances\": []}")), "no instances");
        assertContains(
                refusal(400, () -> decode("{\"signature_name\": \"two\", \"instances\": [[1, 2]]}")),
                "has inputs [s, x]",
                "each instance must be an object naming them",
                "Received: [1,2]");
        assertContains(
                refusal(400, () -> decode("{\"signature_name\": \"two\", \"inputs\": [[1, 2]]}")),
                "\"inputs\" is a plain value/list, but signature 'two' has inputs [s, x]",
                "Received: [[1,2]]");
        assertContains(
                refusal(400, () -> decode("{\"signature_name\": \"two\", \"inputs\": {\"x\": [[1, 2]]}}")),
                "Missing named input: s in 'inputs' object");
        // TF Serving's columnar format looks up the signature's inputs and ignores other keys
        assertEquals(
                Set.of("s", "x"),
                decode("{\"signature_name\": \"two\", \"inputs\": {\"x\": [[1, 2]], \"s\": [\"a\"], \"t\": 1}}")
                        .inputs()
                        .keySet());
    }

    @Test
    void badValuesAreRefusedNamingWhatWasReceivedAndExpected() {
        assertContains(
                refusal(400, () -> decode("{\"instances\": [{\"b64\": \"%%%not base64\"}]}")),
                "invalid base64",
                "Received: {\"b64\":\"%%%not base64\"}",
                "expected standard base64");
        assertContains(
                refusal(400, () -> decode("{\"instances\": [{\"b64\": \"aA==\", \"x\": 1}]}")),
                "has no input 'b64'"); // not a {"b64"} value: an instance naming inputs, as in TF Serving
        assertContains(
                refusal(400, () -> decode("{\"instances\": [17]}")),
                "Input 'image_bytes' takes strings",
                "Received: 17");
        // no shape check against the signature (x is [-1, 2]): TF Serving has none, the runtime decides
        assertArrayEquals(
                new long[] {1, 3},
                decode("{\"signature_name\": \"two\", \"inputs\": {\"x\": [[1, 2, 3]], \"s\": [\"a\"]}}")
                        .inputs()
                        .get("x")
                        .shape);
        assertContains(
                refusal(
                        400,
                        () -> decode(
                                "{\"signature_name\": \"two\", \"inputs\": {\"x\": [[1, 2], [3]], \"s\": [\"a\", \"b\"]}}")),
                "Input 'x' is ragged: dimension 1 has sizes 2 and 1");
        assertContains(
                refusal(
                        400,
                        () -> decode(
                                "{\"signature_name\": \"two\", \"inputs\": {\"x\": [[1, \"a\"]], \"s\": [\"a\"]}}")),
                "Input 'x' (DT_FLOAT) takes a number",
                "Received: \"a\"");
        String typed =
                "{\"signature_name\": \"types\", \"instances\": [{\"i\": %s, \"l\": 1, \"b\": %s, \"d\": 1, \"u\": %s}]}";
        assertContains(refusal(400, () -> decode(typed.formatted("1.5", "true", "1"))), "Input 'i'", "an integer");
        assertContains(
                refusal(400, () -> decode(typed.formatted("2147483648", "true", "1"))), "Input 'i'", "[-2147483648, ");
        assertContains(refusal(400, () -> decode(typed.formatted("1", "1", "1"))), "Input 'b'", "true or false");
        assertContains(refusal(400, () -> decode(typed.formatted("1", "true", "256"))), "Input 'u'", "[0, 255]");
        String huge = "{\"signature_name\": \"two\", \"inputs\": {\"x\": [[\"" + "A".repeat(10_000)
                + "\"]], \"s\": [\"a\"]}}";
        String quoted = refusal(400, () -> decode(huge));
        assertTrue(quoted.length() < 300, "a refused value is quoted in short: " + quoted.length() + " characters");
    }

    @Test
    void failuresBecomeTfServingStatusesWithAnErrorBody() {
        RestReply notFound = RestReply.of(ServingException.notFound("Servable not found for request: Latest(m)"));
        assertEquals(404, notFound.status());
        assertEquals(
                JsonParser.parseString("{\"error\": \"Servable not found for request: Latest(m)\"}"), notFound.body());
        assertEquals(503, RestReply.of(ServingException.unavailable("full")).status());
        assertEquals(
                504,
                RestReply.of(new ServingException(Code.DEADLINE_EXCEEDED, "late"))
                        .status());
        assertEquals(
                501,
                RestReply.of(new ServingException(Code.UNIMPLEMENTED, "no")).status());
        // TF runtime errors by their code: a bad image is INVALID_ARGUMENT, 400 with TF's message
        ServingException tf = ServingException.of(new TFInvalidArgumentException("Unknown image file format\n"));
        assertEquals(Code.INVALID_ARGUMENT, tf.code());
        assertEquals(
                "Unknown image file format",
                RestReply.of(tf).body().getAsJsonObject().get("error").getAsString());
        // anything else is a 500 with a generic message: the details (here a secret path) stay in the log
        RestReply bug = RestReply.of(ServingException.of(new NullPointerException("/secret/path oops")));
        assertEquals(500, bug.status());
        String error = bug.body().getAsJsonObject().get("error").getAsString();
        assertFalse(error.contains("secret") || error.contains("NullPointer"), error);
        assertContains(error, "Internal error", "server log");
        assertEquals(List.of("error"), List.copyOf(bug.body().getAsJsonObject().keySet()));
    }
}
