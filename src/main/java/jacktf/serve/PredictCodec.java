package jacktf.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Signature;

/**
 * TF Serving's predict JSON, both ways: a request body in row ({@code instances}) or columnar
 * ({@code inputs}) format to the rows of each signature input, and the rows of each output back
 * to {@code predictions} or {@code outputs}. Values stay JSON here; {@link JsonTensors} turns
 * them into tensors once requests are batched. Every refusal is a {@link BadRequest} naming what
 * was received and what was expected.
 */
final class PredictCodec {
    /** The signature used when a request names none. */
    static final String DEFAULT_SIGNATURE = "serving_default";

    /** The two request layouts of TF Serving's REST API; the reply uses the request's. */
    enum Format {
        /** {@code {"instances": [row, ...]}} answered with {@code {"predictions": [...]}}. */
        ROW,
        /** {@code {"inputs": {name: [rows]}}} answered with {@code {"outputs": ...}}. */
        COLUMNAR
    }

    /** A decoded predict request: the signature to run and, per input name, one JSON value per row. */
    record PredictRequest(Signature signature, Format format, Map<String, List<JsonElement>> inputs, int rows) {}

    private PredictCodec() {}

    /** Decodes a predict body against the model's signatures. */
    static PredictRequest decode(String body, List<Signature> signatures) {
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(body);
        } catch (JsonParseException e) {
            throw new BadRequest("The request body is not valid JSON (" + (e.getMessage() == null ? e : e.getMessage())
                    + "); expected a JSON object with \"instances\" or \"inputs\"");
        }
        if (!parsed.isJsonObject()) {
            throw new BadRequest("The request body must be a JSON object with \"instances\" or \"inputs\". Received: "
                    + JsonTensors.describe(parsed));
        }
        JsonObject request = parsed.getAsJsonObject();
        Signature signature = signature(request, signatures);
        boolean rowFormat = request.has("instances");
        if (rowFormat == request.has("inputs")) {
            throw new BadRequest("Give exactly one of \"instances\" (row format) or \"inputs\" (columnar). Received: "
                    + "an object with keys " + request.keySet());
        }
        Map<String, List<JsonElement>> inputs = rowFormat
                ? rowsFromInstances(signature, request.get("instances"))
                : rowsFromColumns(signature, request.get("inputs"));
        int rows = inputs.values().iterator().next().size();
        for (var e : inputs.entrySet()) {
            if (e.getValue().size() != rows) {
                throw new BadRequest("Inputs have different numbers of rows (" + rows + " and "
                        + e.getValue().size() + "); expected one value per row for every input " + inputs.keySet());
            }
        }
        if (rows == 0) {
            throw new BadRequest("The request holds no instances; expected at least one row");
        }
        return new PredictRequest(signature, rowFormat ? Format.ROW : Format.COLUMNAR, inputs, rows);
    }

    private static Signature signature(JsonObject request, List<Signature> signatures) {
        String key = DEFAULT_SIGNATURE;
        if (request.has("signature_name")) {
            JsonElement name = request.get("signature_name");
            if (!name.isJsonPrimitive() || !name.getAsJsonPrimitive().isString()) {
                throw new BadRequest("\"signature_name\" must be a string. Received: " + JsonTensors.describe(name));
            }
            key = name.getAsString();
        }
        for (Signature s : signatures) {
            if (s.key().equals(key)) {
                return s;
            }
        }
        throw new BadRequest("Serving signature name: \"" + key + "\" not found in signature def; expected one of "
                + signatures.stream().map(Signature::key).toList());
    }

    /**
     * Rows of the {@code instances} list: with one input each instance is its value (a
     * {@code {"b64"}} object included); with several, each instance is an object naming them.
     */
    private static Map<String, List<JsonElement>> rowsFromInstances(Signature s, JsonElement instances) {
        if (!instances.isJsonArray()) {
            throw new BadRequest("\"instances\" must be a list with one entry per row. Received: "
                    + JsonTensors.describe(instances));
        }
        Map<String, List<JsonElement>> rows = new LinkedHashMap<>();
        boolean single = s.inputNames().size() == 1;
        String only = s.inputNames().iterator().next();
        for (JsonElement instance : instances.getAsJsonArray()) {
            boolean named = instance.isJsonObject()
                    && !(single && instance.getAsJsonObject().has("b64"));
            if (named) {
                for (var e : instance.getAsJsonObject().entrySet()) {
                    rows.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
                }
            } else if (single) {
                rows.computeIfAbsent(only, k -> new ArrayList<>()).add(instance);
            } else {
                throw new BadRequest("Signature '" + s.key() + "' has inputs " + s.inputNames()
                        + ": each instance must be an object naming them. Received: " + JsonTensors.describe(instance));
            }
        }
        if (rows.isEmpty()) {
            rows.put(only, new ArrayList<>());
        }
        return rows;
    }

    /**
     * Rows of the {@code inputs} value: an object of lists by input name, or, with one input, the
     * list itself.
     */
    private static Map<String, List<JsonElement>> rowsFromColumns(Signature s, JsonElement inputs) {
        Map<String, List<JsonElement>> rows = new LinkedHashMap<>();
        boolean single = s.inputNames().size() == 1;
        if (inputs.isJsonObject()
                && !(single && inputs.getAsJsonObject().has("b64"))
                && !(single
                        && !s.inputNames().containsAll(inputs.getAsJsonObject().keySet()))) {
            for (var e : inputs.getAsJsonObject().entrySet()) {
                rows.put(e.getKey(), column(e.getKey(), e.getValue()));
            }
        } else if (single) {
            String only = s.inputNames().iterator().next();
            rows.put(only, column(only, inputs));
        } else {
            throw new BadRequest("\"inputs\" must be an object naming " + s.inputNames() + ". Received: "
                    + JsonTensors.describe(inputs));
        }
        return rows;
    }

    private static List<JsonElement> column(String name, JsonElement value) {
        if (!value.isJsonArray()) {
            throw new BadRequest("Input '" + name + "' must be a list with one entry per row. Received: "
                    + JsonTensors.describe(value));
        }
        List<JsonElement> rows = new ArrayList<>();
        value.getAsJsonArray().forEach(rows::add);
        return rows;
    }

    /**
     * The reply to a request: per row a value (one output) or an object by output name in row
     * format; per output a list (or the one output's list) in columnar format.
     */
    static JsonObject encode(Format format, Map<String, List<JsonElement>> outputs, int rows) {
        JsonObject response = new JsonObject();
        if (format == Format.ROW) {
            JsonArray predictions = new JsonArray();
            for (int r = 0; r < rows; r++) {
                if (outputs.size() == 1) {
                    predictions.add(outputs.values().iterator().next().get(r));
                } else {
                    JsonObject row = new JsonObject();
                    for (var e : outputs.entrySet()) {
                        row.add(e.getKey(), e.getValue().get(r));
                    }
                    predictions.add(row);
                }
            }
            response.add("predictions", predictions);
        } else {
            JsonObject columns = new JsonObject();
            for (var e : outputs.entrySet()) {
                JsonArray column = new JsonArray();
                e.getValue().forEach(column::add);
                columns.add(e.getKey(), column);
            }
            response.add(
                    "outputs",
                    outputs.size() == 1 ? columns.entrySet().iterator().next().getValue() : columns);
        }
        return response;
    }
}
