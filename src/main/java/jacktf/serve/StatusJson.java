package jacktf.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import org.tensorflow.Signature;

/** TF Serving's JSON for a model's version status and its signature metadata. */
final class StatusJson {
    private StatusJson() {}

    /** {@code GET /v1/models/NAME}: the served version, AVAILABLE. */
    static JsonObject status(int servedVersion) {
        JsonObject status = new JsonObject();
        status.addProperty("error_code", "OK");
        status.addProperty("error_message", "");
        JsonObject version = new JsonObject();
        version.addProperty("version", Integer.toString(servedVersion));
        version.addProperty("state", "AVAILABLE");
        version.add("status", status);
        JsonArray list = new JsonArray();
        list.add(version);
        JsonObject out = new JsonObject();
        out.add("model_version_status", list);
        return out;
    }

    /** {@code GET /v1/models/NAME/metadata}: every signature's inputs and outputs with dtype and shape. */
    static JsonObject metadata(String modelName, int version, List<Signature> signatures) {
        JsonObject defs = new JsonObject();
        for (Signature s : signatures) {
            JsonObject def = new JsonObject();
            def.add("inputs", tensors(s.getInputs()));
            def.add("outputs", tensors(s.getOutputs()));
            def.addProperty("method_name", s.methodName());
            defs.add(s.key(), def);
        }
        JsonObject spec = new JsonObject();
        spec.addProperty("name", modelName);
        spec.addProperty("signature_name", "");
        spec.addProperty("version", Integer.toString(version));
        JsonObject wrapper = new JsonObject();
        wrapper.add("signature_def", defs);
        JsonObject meta = new JsonObject();
        meta.add("signature_def", wrapper);
        JsonObject out = new JsonObject();
        out.add("model_spec", spec);
        out.add("metadata", meta);
        return out;
    }

    private static JsonObject tensors(Map<String, Signature.TensorDescription> descriptions) {
        JsonObject out = new JsonObject();
        descriptions.forEach((name, d) -> {
            JsonObject t = new JsonObject();
            t.addProperty("dtype", d.dataType.name());
            JsonArray dims = new JsonArray();
            if (!d.shape.isUnknown()) {
                for (long dim : d.shape.asArray()) {
                    JsonObject size = new JsonObject();
                    size.addProperty("size", Long.toString(dim));
                    size.addProperty("name", "");
                    dims.add(size);
                }
            }
            JsonObject shape = new JsonObject();
            shape.add("dim", dims);
            shape.addProperty("unknown_rank", d.shape.isUnknown());
            t.add("tensor_shape", shape);
            t.addProperty("name", d.name);
            out.add(name, t);
        });
        return out;
    }
}
