package jacktf.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.tensorflow.proto.DataType;

/**
 * TF Serving's JSON values to {@link HostTensor}s and back: a (nested) list is a tensor, a number,
 * boolean or string a scalar, {@code {"b64": "..."}} a binary string. Outputs whose alias ends in
 * {@code _bytes} are written as {@code {"b64"}}, as TF Serving does.
 */
final class JsonTensors {
    private JsonTensors() {}

    /**
     * The tensor a JSON value gives for a signature input, of at most {@code maxBytes}; refusals
     * are INVALID_ARGUMENT naming the input.
     */
    static HostTensor fromJson(SignatureSpec.TensorSpec spec, JsonElement value, long maxBytes) {
        List<Long> dims = new ArrayList<>();
        List<JsonElement> leaves = new ArrayList<>();
        flatten(spec, value, 0, dims, leaves, new boolean[] {false});
        // no shape check against the signature: TF Serving has none, the runtime decides
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        HostTensor.checkedSize(spec.alias(), spec.dtype(), shape, maxBytes);
        Object values = HostTensor.newValues(spec.dtype(), leaves.size(), spec.alias());
        for (int i = 0; i < leaves.size(); i++) {
            set(spec, values, i, leaves.get(i));
        }
        return new HostTensor(spec.dtype(), shape, values);
    }

    private static void flatten(
            SignatureSpec.TensorSpec spec,
            JsonElement e,
            int depth,
            List<Long> dims,
            List<JsonElement> out,
            boolean[] leafSeen) {
        if (e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            if (leafSeen[0] && depth >= dims.size()) {
                throw ragged(spec, "a list at depth " + depth + " where other entries are values");
            }
            if (depth >= dims.size()) {
                dims.add((long) a.size());
            } else if (dims.get(depth) != a.size()) {
                throw ragged(spec, "dimension " + depth + " has sizes " + dims.get(depth) + " and " + a.size());
            }
            for (JsonElement x : a) {
                flatten(spec, x, depth + 1, dims, out, leafSeen);
            }
        } else {
            if (depth != dims.size()) {
                throw ragged(spec, "a value at depth " + depth + " where other entries are lists");
            }
            leafSeen[0] = true;
            out.add(e);
        }
    }

    private static ServingException ragged(SignatureSpec.TensorSpec spec, String what) {
        return ServingException.invalidArgument(
                "Input '" + spec.alias() + "' is ragged: " + what + "; expected a rectangular (nested) list");
    }

    private static void set(SignatureSpec.TensorSpec spec, Object values, int i, JsonElement e) {
        DataType dtype = spec.dtype();
        if (dtype == DataType.DT_STRING) {
            ((byte[][]) values)[i] = bytes(spec.alias(), e);
            return;
        }
        if (dtype == DataType.DT_BOOL) {
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
                throw wrongValue(spec, e, "true or false");
            }
            ((boolean[]) values)[i] = e.getAsBoolean();
            return;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw wrongValue(spec, e, "a number or a nested list of numbers");
        }
        switch (dtype) {
            case DT_FLOAT -> ((float[]) values)[i] = e.getAsFloat();
            case DT_DOUBLE -> ((double[]) values)[i] = e.getAsDouble();
            case DT_INT32, DT_UINT8 -> ((int[]) values)[i] = (int) integral(spec, e, dtype);
            case DT_INT64 -> ((long[]) values)[i] = integral(spec, e, dtype);
            default -> throw new IllegalStateException("unsupported dtype " + dtype);
        }
    }

    private static long integral(SignatureSpec.TensorSpec spec, JsonElement e, DataType dtype) {
        double d = e.getAsDouble();
        long min = dtype == DataType.DT_UINT8 ? 0 : dtype == DataType.DT_INT32 ? Integer.MIN_VALUE : Long.MIN_VALUE;
        long max = dtype == DataType.DT_UINT8 ? 255 : dtype == DataType.DT_INT32 ? Integer.MAX_VALUE : Long.MAX_VALUE;
        long l;
        try {
            l = e.getAsBigDecimal().longValueExact();
        } catch (ArithmeticException notIntegral) {
            throw wrongValue(spec, e, "an integer (the input is " + dtype + ")");
        }
        if (l < min || l > max || Math.abs(d - l) > Math.abs(d) * 1e-12) {
            throw wrongValue(spec, e, "an integer in [" + min + ", " + max + "] (the input is " + dtype + ")");
        }
        return l;
    }

    private static ServingException wrongValue(SignatureSpec.TensorSpec spec, JsonElement e, String expected) {
        return ServingException.invalidArgument(
                "Input '" + spec.alias() + "' (" + spec.dtype() + ") takes " + expected + ". Received: " + describe(e));
    }

    private static byte[] bytes(String input, JsonElement e) {
        if (e.isJsonObject()) {
            JsonObject o = e.getAsJsonObject();
            if (o.size() == 1 && o.has("b64") && o.get("b64").isJsonPrimitive()) {
                try {
                    return Base64.getDecoder().decode(o.get("b64").getAsString());
                } catch (IllegalArgumentException bad) {
                    throw ServingException.invalidArgument("Input '" + input + "': invalid base64 (" + bad.getMessage()
                            + "). Received: " + describe(e) + ", expected standard base64 such as "
                            + "{\"b64\": \"aGVsbG8=\"}");
                }
            }
            throw ServingException.invalidArgument(
                    "Input '" + input + "': binary values are {\"b64\": \"...\"}. " + "Received: " + describe(e)
                            + ", expected an object with the single key \"b64\" and a string value");
        }
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            return e.getAsString().getBytes(StandardCharsets.UTF_8);
        }
        throw ServingException.invalidArgument("Input '" + input + "' takes strings or {\"b64\": ...} values. "
                + "Received: " + describe(e) + ", expected a string or {\"b64\": \"...\"}");
    }

    /**
     * A JSON value as an error message quotes it: compact and cut at 80 characters, since a
     * refused value can be a whole image.
     */
    static String describe(JsonElement e) {
        String text = e.toString();
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    /** A whole tensor as JSON: nested lists, or the value of a scalar. */
    static JsonElement toJson(String alias, HostTensor t) {
        return nested(t, alias.endsWith("_bytes"), 0, 0, t.size());
    }

    /** One JSON value per row (dimension 0) of a tensor. */
    static List<JsonElement> rows(String alias, HostTensor t) {
        boolean b64 = alias.endsWith("_bytes");
        int rows = t.rows();
        int perRow = rows == 0 ? 0 : t.size() / rows;
        List<JsonElement> out = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            out.add(nested(t, b64, 1, r * perRow, perRow));
        }
        return out;
    }

    private static JsonElement nested(HostTensor t, boolean b64, int depth, int offset, int size) {
        if (depth == t.shape.length) {
            return scalar(t, b64, offset);
        }
        JsonArray a = new JsonArray();
        int n = (int) t.shape[depth];
        int step = n == 0 ? 0 : size / n;
        for (int i = 0; i < n; i++) {
            a.add(nested(t, b64, depth + 1, offset + i * step, step));
        }
        return a;
    }

    private static JsonElement scalar(HostTensor t, boolean b64, int i) {
        return switch (t.dtype) {
            case DT_FLOAT -> new JsonPrimitive(((float[]) t.values)[i]);
            case DT_DOUBLE -> new JsonPrimitive(((double[]) t.values)[i]);
            case DT_INT32, DT_UINT8 -> new JsonPrimitive(((int[]) t.values)[i]);
            case DT_INT64 -> new JsonPrimitive(((long[]) t.values)[i]);
            case DT_BOOL -> new JsonPrimitive(((boolean[]) t.values)[i]);
            case DT_STRING -> {
                byte[] b = ((byte[][]) t.values)[i];
                if (b64) {
                    JsonObject o = new JsonObject();
                    o.addProperty("b64", Base64.getEncoder().encodeToString(b));
                    yield o;
                }
                yield new JsonPrimitive(new String(b, StandardCharsets.UTF_8));
            }
            default -> JsonNull.INSTANCE;
        };
    }
}
