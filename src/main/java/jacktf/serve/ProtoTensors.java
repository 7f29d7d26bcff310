package jacktf.serve;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * gRPC's {@link TensorProto}s to {@link HostTensor}s and back, with TensorFlow's rules: values in
 * {@code tensor_content} (raw little-endian) or in the typed repeated field, a single value
 * filling the whole shape. Replies use the typed fields, as TF Serving's do.
 */
final class ProtoTensors {
    private ProtoTensors() {}

    /**
     * The tensor a request's {@code TensorProto} holds for input {@code alias}, in the proto's own
     * dtype: as in TF Serving, neither dtype nor shape is checked against the signature, the
     * runtime refuses what the graph cannot take. A dtype this server does not carry, a value count
     * that fits no shape, or a shape of more than {@code maxBytes} (checked before allocating) is
     * INVALID_ARGUMENT.
     */
    static HostTensor fromProto(String alias, TensorProto proto, long maxBytes) {
        DataType dtype = proto.getDtype();
        if (!HostTensor.SUPPORTED.contains(dtype)) {
            throw ServingException.invalidArgument("tensor parsing error: " + alias + " has dtype " + dtype
                    + ", which this server does not feed; it handles " + HostTensor.SUPPORTED);
        }
        SignatureSpec.TensorSpec spec = new SignatureSpec.TensorSpec(alias, "", dtype, null);
        long[] shape = proto.getTensorShape().getDimList().stream()
                .mapToLong(TensorShapeProto.Dim::getSize)
                .toArray();
        int n = HostTensor.checkedSize(alias, dtype, shape, maxBytes);
        Object values = HostTensor.newValues(dtype, n, alias);
        if (!proto.getTensorContent().isEmpty()) {
            readContent(spec, proto.getTensorContent(), values, n);
        } else {
            readFields(spec, proto, values, n);
        }
        return new HostTensor(dtype, shape, values);
    }

    private static void readContent(SignatureSpec.TensorSpec spec, ByteString content, Object values, int n) {
        int width =
                switch (spec.dtype()) {
                    case DT_FLOAT, DT_INT32 -> 4;
                    case DT_DOUBLE, DT_INT64 -> 8;
                    case DT_UINT8, DT_BOOL -> 1;
                    default ->
                        throw ServingException.invalidArgument("Input '" + spec.alias() + "' (" + spec.dtype()
                                + ") cannot come as tensor_content; use the typed field (string_val)");
                };
        if (content.size() != (long) width * n) {
            throw ServingException.invalidArgument("Input '" + spec.alias() + "': tensor_content holds "
                    + content.size() + " bytes; the shape needs " + (long) width * n);
        }
        ByteBuffer b = content.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            switch (spec.dtype()) {
                case DT_FLOAT -> ((float[]) values)[i] = b.getFloat();
                case DT_DOUBLE -> ((double[]) values)[i] = b.getDouble();
                case DT_INT32 -> ((int[]) values)[i] = b.getInt();
                case DT_INT64 -> ((long[]) values)[i] = b.getLong();
                case DT_UINT8 -> ((int[]) values)[i] = b.get() & 0xff;
                case DT_BOOL -> ((boolean[]) values)[i] = b.get() != 0;
                default -> throw new IllegalStateException();
            }
        }
    }

    private static void readFields(SignatureSpec.TensorSpec spec, TensorProto p, Object values, int n) {
        List<?> given =
                switch (spec.dtype()) {
                    case DT_FLOAT -> p.getFloatValList();
                    case DT_DOUBLE -> p.getDoubleValList();
                    case DT_INT32, DT_UINT8 -> p.getIntValList();
                    case DT_INT64 -> p.getInt64ValList();
                    case DT_BOOL -> p.getBoolValList();
                    case DT_STRING -> p.getStringValList();
                    default -> throw new IllegalStateException();
                };
        if (given.size() != n && !(given.size() == 1 && n > 1) && !(given.isEmpty() && n > 0)) {
            throw ServingException.invalidArgument("Input '" + spec.alias() + "' has " + given.size()
                    + " values for a shape of " + n + "; expected " + n + " (or one, repeated)");
        }
        for (int i = 0; i < n; i++) {
            Object v = given.isEmpty() ? null : given.get(Math.min(i, given.size() - 1)); // TF repeats the last
            switch (spec.dtype()) {
                case DT_FLOAT -> ((float[]) values)[i] = v == null ? 0 : (Float) v;
                case DT_DOUBLE -> ((double[]) values)[i] = v == null ? 0 : (Double) v;
                case DT_INT32, DT_UINT8 -> ((int[]) values)[i] = v == null ? 0 : (Integer) v;
                case DT_INT64 -> ((long[]) values)[i] = v == null ? 0 : (Long) v;
                case DT_BOOL -> ((boolean[]) values)[i] = v != null && (Boolean) v;
                case DT_STRING -> ((byte[][]) values)[i] = v == null ? new byte[0] : ((ByteString) v).toByteArray();
                default -> throw new IllegalStateException();
            }
        }
    }

    /** A reply tensor: dtype, shape and the typed repeated field. */
    static TensorProto toProto(HostTensor t) {
        TensorProto.Builder b = TensorProto.newBuilder().setDtype(t.dtype);
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : t.shape) {
            shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
        }
        b.setTensorShape(shape);
        switch (t.dtype) {
            case DT_FLOAT -> {
                for (float v : (float[]) t.values) {
                    b.addFloatVal(v);
                }
            }
            case DT_DOUBLE -> {
                for (double v : (double[]) t.values) {
                    b.addDoubleVal(v);
                }
            }
            case DT_INT32, DT_UINT8 -> {
                for (int v : (int[]) t.values) {
                    b.addIntVal(v);
                }
            }
            case DT_INT64 -> {
                for (long v : (long[]) t.values) {
                    b.addInt64Val(v);
                }
            }
            case DT_BOOL -> {
                for (boolean v : (boolean[]) t.values) {
                    b.addBoolVal(v);
                }
            }
            case DT_STRING -> {
                for (byte[] v : (byte[][]) t.values) {
                    b.addStringVal(ByteString.copyFrom(v));
                }
            }
            default -> throw new IllegalStateException("unsupported dtype " + t.dtype);
        }
        return b.build();
    }
}
