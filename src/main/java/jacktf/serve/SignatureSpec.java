package jacktf.serve;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * One signature of a SavedModel as its MetaGraph declares it: the key, the method name and, by
 * alias, each input's and output's graph tensor, dtype and shape. The {@link SignatureDef} itself
 * is kept for metadata answers, which TF Serving gives as the proto.
 */
record SignatureSpec(String key, SignatureDef def, Map<String, TensorSpec> inputs, Map<String, TensorSpec> outputs) {
    /** The signature classify runs ({@code tensorflow/serving/classify}). */
    static final String CLASSIFY_METHOD = "tensorflow/serving/classify";

    /** One input or output: graph tensor name ({@code op:index}), dtype, and dims ({@code null}: unknown rank). */
    record TensorSpec(String alias, String tensorName, DataType dtype, long[] dims) {
        /** Whether dimension 0 is the batch: known rank of at least one and an unknown first size. */
        boolean batched() {
            return dims != null && dims.length > 0 && dims[0] < 0;
        }
    }

    static SignatureSpec of(String key, SignatureDef def) {
        return new SignatureSpec(key, def, specs(def.getInputsMap()), specs(def.getOutputsMap()));
    }

    private static Map<String, TensorSpec> specs(Map<String, TensorInfo> infos) {
        Map<String, TensorSpec> out = new LinkedHashMap<>();
        infos.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.put(e.getKey(), spec(e.getKey(), e.getValue())));
        return Collections.unmodifiableMap(out);
    }

    private static TensorSpec spec(String alias, TensorInfo info) {
        TensorShapeProto shape = info.getTensorShape();
        long[] dims = null;
        if (info.hasTensorShape() && !shape.getUnknownRank()) {
            dims = shape.getDimList().stream()
                    .mapToLong(TensorShapeProto.Dim::getSize)
                    .toArray();
        }
        return new TensorSpec(alias, info.getName(), info.getDtype(), dims);
    }

    String methodName() {
        return def.getMethodName();
    }

    /**
     * Whether requests can be concatenated along dimension 0: every input and output is batched
     * (a signature with a fixed first dimension or scalar outputs is run request by request).
     */
    boolean batchable() {
        return inputs.values().stream().allMatch(TensorSpec::batched)
                && outputs.values().stream().allMatch(TensorSpec::batched);
    }

    /** A short description for error messages: {@code key(in, ...) -> out, ...}. */
    String describe() {
        return key + "(" + String.join(", ", inputs.keySet()) + ") -> " + String.join(", ", outputs.keySet());
    }
}
