package jacktf.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/** TF Serving's JSON for a model's version status and its signature metadata. */
final class StatusJson {
    private StatusJson() {}

    /** {@code GET /v1/models/NAME[/versions/N]}: each version's state, newest first. */
    static JsonObject status(List<ModelVersions.VersionState> states) {
        JsonArray list = new JsonArray();
        for (ModelVersions.VersionState s : states) {
            JsonObject status = new JsonObject();
            status.addProperty("error_code", s.errorCode().name());
            status.addProperty("error_message", s.error());
            JsonObject version = new JsonObject();
            version.addProperty("version", Long.toString(s.version()));
            version.addProperty("state", s.state());
            version.add("status", status);
            list.add(version);
        }
        JsonObject out = new JsonObject();
        out.add("model_version_status", list);
        return out;
    }

    /**
     * {@code GET /v1/models/NAME/metadata}: every signature's inputs and outputs with dtype and
     * shape, as TF Serving writes them, and (a jacktf addition) the asset files the MetaGraph
     * registers.
     */
    static JsonObject metadata(
            String modelName, long version, Collection<SignatureSpec> signatures, List<String> assets) {
        JsonObject defs = new JsonObject();
        for (SignatureSpec s : signatures) {
            JsonObject def = new JsonObject();
            def.add("inputs", tensors(s.def().getInputsMap()));
            def.add("outputs", tensors(s.def().getOutputsMap()));
            def.addProperty("method_name", s.methodName());
            defs.add(s.key(), def);
        }
        JsonObject spec = new JsonObject();
        spec.addProperty("name", modelName);
        spec.addProperty("signature_name", "");
        spec.addProperty("version", Long.toString(version));
        JsonObject wrapper = new JsonObject();
        wrapper.add("signature_def", defs);
        JsonObject meta = new JsonObject();
        meta.add("signature_def", wrapper);
        JsonArray files = new JsonArray();
        assets.forEach(files::add);
        meta.add("assets", files);
        JsonObject out = new JsonObject();
        out.add("model_spec", spec);
        out.add("metadata", meta);
        return out;
    }

    private static JsonObject tensors(Map<String, TensorInfo> infos) {
        JsonObject out = new JsonObject();
        infos.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            TensorInfo info = e.getValue();
            JsonObject t = new JsonObject();
            t.addProperty("dtype", info.getDtype().name());
            JsonArray dims = new JsonArray();
            for (TensorShapeProto.Dim dim : info.getTensorShape().getDimList()) {
                JsonObject size = new JsonObject();
                size.addProperty("size", Long.toString(dim.getSize()));
                size.addProperty("name", dim.getName());
                dims.add(size);
            }
            JsonObject shape = new JsonObject();
            shape.add("dim", dims);
            shape.addProperty("unknown_rank", info.getTensorShape().getUnknownRank());
            t.add("tensor_shape", shape);
            t.addProperty("name", info.getName());
            out.add(e.getKey(), t);
        });
        return out;
    }
}
