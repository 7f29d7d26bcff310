package jacktf.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/** TF Serving's JSON values to tensors and back: rows of an input become dimension 0. */
final class JsonTensors {
    private JsonTensors() {}

    /** Builds the tensor of one input from its rows. */
    static Tensor toTensor(String input, Signature.TensorDescription d, List<JsonElement> rows) {
        return switch (d.dataType) {
            case DT_STRING -> {
                byte[][] values = new byte[rows.size()][];
                for (int i = 0; i < rows.size(); i++) {
                    values[i] = bytes(input, rows.get(i));
                }
                yield TString.tensorOfBytes(NdArrays.vectorOfObjects(values));
            }
            case DT_FLOAT -> {
                List<Long> dims = new ArrayList<>();
                dims.add((long) rows.size());
                List<Float> flat = new ArrayList<>();
                JsonArray all = new JsonArray();
                rows.forEach(all::add);
                flatten(input, all, 0, dims, flat);
                long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
                checkShape(input, d.shape, shape);
                float[] data = new float[flat.size()];
                for (int i = 0; i < data.length; i++) {
                    data[i] = flat.get(i);
                }
                yield TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(data));
            }
            default ->
                throw new BadRequest("Input '" + input + "' has dtype " + d.dataType
                        + ", which this server does not accept; it feeds DT_STRING and DT_FLOAT inputs");
        };
    }

    private static byte[] bytes(String input, JsonElement e) {
        if (e.isJsonObject()) {
            JsonObject o = e.getAsJsonObject();
            if (o.size() == 1 && o.has("b64") && o.get("b64").isJsonPrimitive()) {
                try {
                    return Base64.getDecoder().decode(o.get("b64").getAsString());
                } catch (IllegalArgumentException bad) {
                    throw new BadRequest("Input '" + input + "': invalid base64 (" + bad.getMessage() + "). Received: "
                            + describe(e) + ", expected standard base64 such as {\"b64\": \"aGVsbG8=\"}");
                }
            }
            throw new BadRequest("Input '" + input + "': binary values are {\"b64\": \"...\"}. Received: " + describe(e)
                    + ", expected an object with the single key \"b64\" and a string value");
        }
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            return e.getAsString().getBytes(StandardCharsets.UTF_8);
        }
        throw new BadRequest("Input '" + input + "' takes strings or {\"b64\": ...} values. Received: " + describe(e)
                + ", expected a string or {\"b64\": \"...\"}");
    }

    /**
     * A JSON value as an error message quotes it: compact and cut at 80 characters, since a
     * refused value can be a whole image.
     */
    static String describe(JsonElement e) {
        String text = e.toString();
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    private static void flatten(String input, JsonElement e, int depth, List<Long> dims, List<Float> out) {
        if (e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            if (depth >= dims.size()) {
                dims.add((long) a.size());
            } else if (dims.get(depth) != a.size()) {
                throw new BadRequest("Input '" + input + "' is ragged: dimension " + depth + " has sizes "
                        + dims.get(depth) + " and " + a.size());
            }
            for (JsonElement x : a) {
                flatten(input, x, depth + 1, dims, out);
            }
        } else if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            if (depth != dims.size()) {
                throw new BadRequest("Input '" + input + "' is ragged: a number at depth " + depth);
            }
            out.add(e.getAsFloat());
        } else {
            throw new BadRequest("Input '" + input + "' takes numbers. Received: " + describe(e)
                    + ", expected a number or a nested list of numbers");
        }
    }

    private static void checkShape(String input, Shape expected, long[] actual) {
        if (expected.isUnknown()) {
            return;
        }
        boolean ok = expected.numDimensions() == actual.length;
        for (int i = 1; ok && i < actual.length; i++) {
            ok = expected.get(i) < 0 || expected.get(i) == actual[i];
        }
        if (!ok) {
            throw new BadRequest("Input '" + input + "' wants shape " + expected
                    + " (first dimension: rows). Received: " + "shape " + Shape.of(actual));
        }
    }

    /** Splits an output tensor into one JSON value per row. */
    static List<JsonElement> rows(Tensor t) {
        long[] shape = t.shape().asArray();
        if (shape.length == 0) {
            return List.of(scalar(t, 0));
        }
        int rows = (int) shape[0];
        long perRow = rows == 0 ? 0 : t.shape().size() / rows;
        List<JsonElement> out = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            out.add(nested(t, shape, 1, r * perRow, perRow));
        }
        return out;
    }

    private static JsonElement nested(Tensor t, long[] shape, int depth, long offset, long size) {
        if (depth == shape.length) {
            return scalar(t, offset);
        }
        JsonArray a = new JsonArray();
        long step = size / shape[depth];
        for (int i = 0; i < shape[depth]; i++) {
            a.add(nested(t, shape, depth + 1, offset + i * step, step));
        }
        return a;
    }

    private static JsonElement scalar(Tensor t, long flatIndex) {
        if (t instanceof TFloat32 f) {
            return new JsonPrimitive(f.asRawTensor().data().asFloats().getFloat(flatIndex));
        } else if (t instanceof TInt64 l) {
            return new JsonPrimitive(l.asRawTensor().data().asLongs().getLong(flatIndex));
        } else if (t instanceof TInt32 i) {
            return new JsonPrimitive(i.asRawTensor().data().asInts().getInt(flatIndex));
        } else if (t instanceof TString s) {
            byte[] b = s.asBytes().getObject(unflatten(s.shape(), flatIndex));
            return new JsonPrimitive(new String(b, StandardCharsets.UTF_8));
        }
        throw new IllegalStateException("Cannot write " + t.dataType() + " as JSON");
    }

    private static long[] unflatten(Shape shape, long flat) {
        long[] dims = shape.asArray();
        long[] index = new long[dims.length];
        for (int i = dims.length - 1; i >= 0; i--) {
            index[i] = flat % dims[i];
            flat /= dims[i];
        }
        return index;
    }
}
