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
import java.util.function.Function;

/**
 * TF Serving's predict JSON, both ways: a request body in row ({@code instances}) or columnar
 * ({@code inputs}) format to one {@link HostTensor} per signature input (rows stacked along
 * dimension 0 in row format), and the output tensors back to {@code predictions} or
 * {@code outputs}. Every refusal is an INVALID_ARGUMENT naming what was received and what was
 * expected; an unknown signature is NOT_FOUND.
 */
final class PredictCodec {
    /** The signature used when a request names none. */
    static final String DEFAULT_SIGNATURE = "serving_default";

    /** The two request layouts of TF Serving's REST API; the reply uses the request's. */
    enum Format {
        /** {@code {"instances": [row, ...]}} answered with {@code {"predictions": [...]}}. */
        ROW,
        /** {@code {"inputs": {name: value}}} answered with {@code {"outputs": ...}}. */
        COLUMNAR
    }

    /** A decoded predict request: the signature to run and its input tensors by alias. */
    record PredictRequest(SignatureSpec signature, Format format, Map<String, HostTensor> inputs) {}

    private PredictCodec() {}

    /** The signature a body names ({@code signature_name}, default serving_default), without decoding the rest. */
    static JsonObject parse(String body) {
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(body);
        } catch (JsonParseException e) {
            throw ServingException.invalidArgument("The request body is not valid JSON ("
                    + (e.getMessage() == null ? e : e.getMessage())
                    + "); expected a JSON object with \"instances\" or \"inputs\"");
        }
        if (!parsed.isJsonObject()) {
            throw ServingException.invalidArgument(
                    "The request body must be a JSON object with \"instances\" or \"inputs\". Received: "
                            + JsonTensors.describe(parsed));
        }
        return parsed.getAsJsonObject();
    }

    /**
     * Decodes a parsed predict body; {@code signatures} looks a signature up by key (NOT_FOUND when
     * unknown); an input tensor of more than {@code maxTensorBytes} is INVALID_ARGUMENT.
     */
    static PredictRequest decode(JsonObject request, Function<String, SignatureSpec> signatures, long maxTensorBytes) {
        String key = DEFAULT_SIGNATURE;
        if (request.has("signature_name")) {
            JsonElement name = request.get("signature_name");
            if (!name.isJsonPrimitive() || !name.getAsJsonPrimitive().isString()) {
                throw ServingException.invalidArgument(
                        "\"signature_name\" must be a string. Received: " + JsonTensors.describe(name));
            }
            key = name.getAsString();
        }
        SignatureSpec signature = signatures.apply(key);
        boolean rowFormat = request.has("instances");
        if (rowFormat == request.has("inputs")) {
            throw ServingException.invalidArgument(
                    "Give exactly one of \"instances\" (row format) or \"inputs\" (columnar). Received: "
                            + "an object with keys " + request.keySet());
        }
        Map<String, JsonElement> values = rowFormat
                ? fromInstances(signature, request.get("instances"))
                : fromColumns(signature, request.get("inputs"));
        for (String given : values.keySet()) {
            if (!signature.inputs().containsKey(given)) {
                throw ServingException.invalidArgument("Signature '" + signature.key() + "' has no input '" + given
                        + "'; it takes " + signature.inputs().keySet());
            }
        }
        Map<String, HostTensor> inputs = new LinkedHashMap<>();
        for (var spec : signature.inputs().values()) {
            JsonElement value = values.get(spec.alias());
            if (value == null) {
                throw ServingException.invalidArgument("Missing input '" + spec.alias() + "'; signature '"
                        + signature.key() + "' takes " + signature.inputs().keySet());
            }
            inputs.put(spec.alias(), JsonTensors.fromJson(spec, value, maxTensorBytes));
        }
        if (rowFormat) {
            int rows = inputs.values().iterator().next().rows();
            if (rows == 0) {
                throw ServingException.invalidArgument("The request holds no instances; expected at least one row");
            }
        }
        RequestChecks.inputs(signature, inputs.keySet()); // then the checks of Predict, as in TF Serving
        return new PredictRequest(signature, rowFormat ? Format.ROW : Format.COLUMNAR, inputs);
    }

    /**
     * Per input, the list of its rows: with one input each instance is its value (a {@code {"b64"}}
     * object included); with several, each instance is an object naming them.
     */
    private static Map<String, JsonElement> fromInstances(SignatureSpec s, JsonElement instances) {
        if (!instances.isJsonArray()) {
            throw ServingException.invalidArgument("\"instances\" must be a list with one entry per row. Received: "
                    + JsonTensors.describe(instances));
        }
        Map<String, JsonElement> rows = new LinkedHashMap<>();
        boolean single = s.inputs().size() == 1;
        String only = s.inputs().keySet().iterator().next();
        int count = 0;
        for (JsonElement instance : instances.getAsJsonArray()) {
            boolean named = instance.isJsonObject() && !isB64(instance);
            if (named) {
                for (var e : instance.getAsJsonObject().entrySet()) {
                    JsonArray column = (JsonArray) rows.computeIfAbsent(e.getKey(), k -> new JsonArray());
                    column.add(e.getValue());
                }
            } else if (single) {
                ((JsonArray) rows.computeIfAbsent(only, k -> new JsonArray())).add(instance);
            } else {
                throw ServingException.invalidArgument("Signature '" + s.key() + "' has inputs "
                        + s.inputs().keySet() + ": each instance must be an object naming them. Received: "
                        + JsonTensors.describe(instance));
            }
            count++;
        }
        for (var e : rows.entrySet()) {
            if (e.getValue().getAsJsonArray().size() != count) {
                throw ServingException.invalidArgument("Input '" + e.getKey() + "' is in "
                        + e.getValue().getAsJsonArray().size() + " of " + count
                        + " instances; expected every instance to name every input "
                        + s.inputs().keySet());
            }
        }
        if (rows.isEmpty()) {
            rows.put(only, new JsonArray());
        }
        return rows;
    }

    /**
     * Per input, its whole value: an object (not a {@code {"b64"}} value) holds one value per
     * signature input, found by name (other keys are ignored, as in TF Serving); any other value
     * is the one input's.
     */
    private static Map<String, JsonElement> fromColumns(SignatureSpec s, JsonElement inputs) {
        Map<String, JsonElement> values = new LinkedHashMap<>();
        boolean named = inputs.isJsonObject() && !isB64(inputs);
        if (named) {
            JsonObject given = inputs.getAsJsonObject();
            for (String name : s.inputs().keySet()) {
                if (!given.has(name)) {
                    throw ServingException.invalidArgument("Missing named input: " + name + " in 'inputs' object; "
                            + "signature '" + s.key() + "' takes " + s.inputs().keySet() + ". Received: keys "
                            + given.keySet());
                }
                values.put(name, given.get(name));
            }
        } else if (s.inputs().size() == 1) {
            values.put(s.inputs().keySet().iterator().next(), inputs);
        } else {
            throw ServingException.invalidArgument("\"inputs\" is a plain value/list, but signature '" + s.key()
                    + "' has inputs " + s.inputs().keySet() + ": expected an object naming them. Received: "
                    + JsonTensors.describe(inputs));
        }
        return values;
    }

    private static boolean isB64(JsonElement e) {
        return e.isJsonObject()
                && e.getAsJsonObject().size() == 1
                && e.getAsJsonObject().has("b64")
                && e.getAsJsonObject().get("b64").isJsonPrimitive()
                && e.getAsJsonObject().get("b64").getAsJsonPrimitive().isString();
    }

    /**
     * The reply: in row format per row a value (one output) or an object by output name, all
     * outputs split along dimension 0; in columnar format each output whole (the one output's
     * value itself).
     */
    static JsonObject encode(Format format, Map<String, HostTensor> outputs) {
        JsonObject response = new JsonObject();
        if (format == Format.ROW) {
            Map<String, List<JsonElement>> rows = new LinkedHashMap<>();
            int count = -1;
            for (var e : outputs.entrySet()) {
                int n = e.getValue().rows();
                if (n < 0 || (count >= 0 && n != count)) {
                    throw ServingException.invalidArgument("Output '" + e.getKey() + "' has "
                            + (n < 0 ? "no batch dimension" : n + " rows where another has " + count)
                            + ": the row format (\"instances\") needs every output batched alike; "
                            + "send \"inputs\" (columnar) instead");
                }
                count = n;
                rows.put(e.getKey(), JsonTensors.rows(e.getKey(), e.getValue()));
            }
            JsonArray predictions = new JsonArray();
            for (int r = 0; r < count; r++) {
                if (rows.size() == 1) {
                    predictions.add(rows.values().iterator().next().get(r));
                } else {
                    JsonObject row = new JsonObject();
                    for (var e : rows.entrySet()) {
                        row.add(e.getKey(), e.getValue().get(r));
                    }
                    predictions.add(row);
                }
            }
            response.add("predictions", predictions);
        } else {
            List<String> names = new ArrayList<>(outputs.keySet());
            if (names.size() == 1) {
                response.add("outputs", JsonTensors.toJson(names.get(0), outputs.get(names.get(0))));
            } else {
                JsonObject columns = new JsonObject();
                outputs.forEach((name, t) -> columns.add(name, JsonTensors.toJson(name, t)));
                response.add("outputs", columns);
            }
        }
        return response;
    }
}
