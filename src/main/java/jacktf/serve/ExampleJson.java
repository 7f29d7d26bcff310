package jacktf.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.ByteString;
import jacktf.serve.apis.ClassificationResult;
import jacktf.serve.apis.Classifications;
import jacktf.serve.apis.Input;
import jacktf.serve.apis.RegressionResult;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;

/**
 * TF Serving's JSON for {@code :classify} and {@code :regress} (its json_tensor.cc), both ways: a
 * body of {@code examples} (a non-empty list of objects) and an optional {@code context} object
 * to an {@link Input} of {@code tf.Example}s, and the result to {@code {"results": ...}}. A
 * feature is a JSON value or a list of them: a number with a fraction or exponent is a float,
 * other numbers and booleans (1, 0) are int64, a string or {@code {"b64": ...}} is bytes; one
 * feature holds one kind. Refusals are INVALID_ARGUMENT naming the feature.
 */
final class ExampleJson {
    private ExampleJson() {}

    /** A decoded request: the signature it names (empty: serving_default) and its examples. */
    record Request(String signatureName, Input input) {}

    static Request request(String body, String method) {
        JsonObject json = PredictCodec.parse(body);
        String signature = "";
        if (json.has("signature_name")) {
            JsonElement name = json.get("signature_name");
            if (!name.isJsonPrimitive() || !name.getAsJsonPrimitive().isString()) {
                throw ServingException.invalidArgument(
                        "\"signature_name\" must be a string. Received: " + JsonTensors.describe(name));
            }
            signature = name.getAsString();
        }
        Example context = json.has("context") ? example(json.get("context")) : null;
        JsonElement examples = json.get("examples");
        if (examples == null) {
            throw ServingException.invalidArgument("When method is " + method + ", key 'examples' is expected and was "
                    + "not found. Received: an object with keys " + json.keySet());
        }
        if (!examples.isJsonArray()) {
            throw ServingException.invalidArgument(
                    "Expecting 'examples' value to be an list/array. Received: " + JsonTensors.describe(examples));
        }
        if (examples.getAsJsonArray().isEmpty()) {
            throw ServingException.invalidArgument("'examples' value is an empty array; expected at least one example");
        }
        Input.Builder input = Input.newBuilder();
        for (JsonElement e : examples.getAsJsonArray()) {
            if (context != null) {
                input.getExampleListWithContextBuilder().addExamples(example(e));
            } else {
                input.getExampleListBuilder().addExamples(example(e));
            }
        }
        if (context != null) {
            input.getExampleListWithContextBuilder().setContext(context);
        }
        return new Request(signature, input.build());
    }

    private static Example example(JsonElement e) {
        if (!e.isJsonObject()) {
            throw ServingException.invalidArgument(
                    "Example must be JSON object but got JSON " + kind(e) + ": " + JsonTensors.describe(e));
        }
        Example.Builder example = Example.newBuilder();
        for (Map.Entry<String, JsonElement> f : e.getAsJsonObject().entrySet()) {
            Feature.Builder feature = Feature.newBuilder();
            if (f.getValue().isJsonArray()) {
                for (JsonElement v : f.getValue().getAsJsonArray()) {
                    add(f.getKey(), v, feature);
                }
            } else {
                add(f.getKey(), f.getValue(), feature);
            }
            example.getFeaturesBuilder().putFeature(f.getKey(), feature.build());
        }
        return example.build();
    }

    private static void add(String name, JsonElement v, Feature.Builder feature) {
        if (v.isJsonNull() || v.isJsonArray() || (v.isJsonObject() && !isB64(v))) {
            throw ServingException.invalidArgument("Feature: " + name + " has element with unexpected JSON type: "
                    + kind(v) + " (" + JsonTensors.describe(v) + "); expected numbers, booleans, strings or "
                    + "{\"b64\": ...} values, or a list of one of them");
        }
        if (v.isJsonObject()) {
            kind(name, feature, Feature.KindCase.BYTES_LIST);
            String text = v.getAsJsonObject().get("b64").getAsString();
            try {
                feature.getBytesListBuilder()
                        .addValue(ByteString.copyFrom(Base64.getDecoder().decode(text)));
            } catch (IllegalArgumentException bad) {
                throw ServingException.invalidArgument("Feature: " + name + ": unable to base64 decode "
                        + JsonTensors.describe(v) + " (" + bad.getMessage() + ")");
            }
            return;
        }
        JsonPrimitive p = v.getAsJsonPrimitive();
        if (p.isBoolean()) {
            kind(name, feature, Feature.KindCase.INT64_LIST);
            feature.getInt64ListBuilder().addValue(p.getAsBoolean() ? 1 : 0);
        } else if (p.isString()) {
            kind(name, feature, Feature.KindCase.BYTES_LIST);
            feature.getBytesListBuilder().addValue(ByteString.copyFrom(p.getAsString(), StandardCharsets.UTF_8));
        } else {
            // as JSON reads it: written with a fraction or an exponent (2.0) a float, else (2) an integer
            String text = p.getAsNumber().toString();
            boolean integral = !text.contains(".") && !text.contains("e") && !text.contains("E");
            if (integral && new BigInteger(text).bitLength() <= 63) {
                kind(name, feature, Feature.KindCase.INT64_LIST);
                feature.getInt64ListBuilder().addValue(Long.parseLong(text));
            } else if (integral && new BigInteger(text).bitLength() <= 64 && text.charAt(0) != '-') {
                throw ServingException.invalidArgument(
                        "Feature: " + name + " has uint64_t element " + text + ". Only int64_t is supported.");
            } else {
                kind(name, feature, Feature.KindCase.FLOAT_LIST);
                feature.getFloatListBuilder().addValue(p.getAsFloat());
            }
        }
    }

    /** One kind per feature: the first value decides. */
    private static void kind(String name, Feature.Builder feature, Feature.KindCase kind) {
        if (feature.getKindCase() != Feature.KindCase.KIND_NOT_SET && feature.getKindCase() != kind) {
            String expecting =
                    switch (feature.getKindCase()) {
                        case BYTES_LIST -> "bytes";
                        case FLOAT_LIST -> "float";
                        case INT64_LIST -> "int64";
                        default -> "UNKNOWN";
                    };
            throw ServingException.invalidArgument(
                    "Unexpected element type in feature: " + name + " expecting type: " + expecting);
        }
    }

    private static boolean isB64(JsonElement e) {
        JsonObject o = e.getAsJsonObject();
        return o.size() == 1
                && o.has("b64")
                && o.get("b64").isJsonPrimitive()
                && o.get("b64").getAsJsonPrimitive().isString();
    }

    private static String kind(JsonElement e) {
        if (e.isJsonNull()) {
            return "null";
        }
        if (e.isJsonArray()) {
            return "array";
        }
        if (e.isJsonObject()) {
            return "object";
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        return p.isBoolean() ? "bool" : p.isString() ? "string" : "number";
    }

    /** {@code {"results": [[[label, score], ...] per example]}}; an empty label where the model has none. */
    static JsonObject classifications(ClassificationResult result) {
        JsonArray results = new JsonArray();
        for (Classifications c : result.getClassificationsList()) {
            JsonArray classes = new JsonArray();
            for (var one : c.getClassesList()) {
                JsonArray pair = new JsonArray();
                pair.add(one.getLabel());
                pair.add(one.getScore());
                classes.add(pair);
            }
            results.add(classes);
        }
        JsonObject out = new JsonObject();
        out.add("results", results);
        return out;
    }

    /** {@code {"results": [value per example]}}. */
    static JsonObject regressions(RegressionResult result) {
        JsonArray results = new JsonArray();
        result.getRegressionsList().forEach(r -> results.add(r.getValue()));
        JsonObject out = new JsonObject();
        out.add("results", results);
        return out;
    }
}
