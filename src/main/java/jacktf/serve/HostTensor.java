package jacktf.serve;

import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * A tensor's values in Java memory, between a request's encoding (JSON or {@code TensorProto})
 * and TensorFlow: a dtype, a shape and the values in row-major order in a Java array
 * ({@code float[]}, {@code double[]}, {@code int[]} for int32 and uint8, {@code long[]},
 * {@code boolean[]}, {@code byte[][]} for strings). Requests are concatenated and results split
 * along dimension 0 here, so batching does not depend on the wire format.
 */
final class HostTensor {
    /** The dtypes a request may carry. */
    static final Set<DataType> SUPPORTED = Set.of(
            DataType.DT_FLOAT,
            DataType.DT_DOUBLE,
            DataType.DT_INT32,
            DataType.DT_UINT8,
            DataType.DT_INT64,
            DataType.DT_BOOL,
            DataType.DT_STRING);

    final DataType dtype;
    final long[] shape;
    final Object values;

    HostTensor(DataType dtype, long[] shape, Object values) {
        this.dtype = dtype;
        this.shape = shape;
        this.values = values;
        if (Array.getLength(values) != size(shape)) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + size(shape)
                    + " values, not " + Array.getLength(values));
        }
    }

    /** An empty array of the Java type that holds {@code dtype}, or an INVALID_ARGUMENT for a dtype not served. */
    static Object newValues(DataType dtype, int n, String input) {
        return switch (dtype) {
            case DT_FLOAT -> new float[n];
            case DT_DOUBLE -> new double[n];
            case DT_INT32, DT_UINT8 -> new int[n];
            case DT_INT64 -> new long[n];
            case DT_BOOL -> new boolean[n];
            case DT_STRING -> new byte[n][];
            default ->
                throw ServingException.invalidArgument("Tensor '" + input + "' has dtype " + dtype
                        + ", which this server does not feed or fetch; it handles " + SUPPORTED);
        };
    }

    /**
     * The element count of a request tensor of {@code shape}, checked before anything is
     * allocated: unknown (negative) sizes, and counts whose bytes (elements times the width Java
     * holds them in) pass {@code maxBytes}, are INVALID_ARGUMENT. A request must not make the
     * server allocate for a shape it only declares.
     */
    static int checkedSize(String input, DataType dtype, long[] shape, long maxBytes) {
        long n = 1;
        boolean overflow = false;
        for (long d : shape) {
            if (d < 0) {
                throw ServingException.invalidArgument("Input '" + input + "' has shape " + Arrays.toString(shape)
                        + "; expected known (non-negative) sizes");
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                overflow = true; // a later 0 cannot be trusted to bring it back: refuse
            }
        }
        long width =
                switch (dtype) {
                    case DT_BOOL -> 1;
                    case DT_FLOAT, DT_INT32, DT_UINT8 -> 4; // uint8 is held as int
                    default -> 8; // double, int64, and a reference per string
                };
        if (overflow || n > maxBytes / width || n > Integer.MAX_VALUE - 8) {
            throw ServingException.invalidArgument("Input '" + input + "' has shape " + Arrays.toString(shape)
                    + (overflow ? "" : ", " + n + " " + dtype + " values of " + width + " bytes")
                    + ", more than the limit of " + maxBytes
                    + " bytes per tensor (the server's --max-tensor-bytes); send a smaller tensor");
        }
        return (int) n;
    }

    static long size(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    int size() {
        return Array.getLength(values);
    }

    /** Rows: dimension 0 (a scalar has none). */
    int rows() {
        return shape.length == 0 ? -1 : (int) shape[0];
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive). */
    HostTensor rows(int from, int to) {
        int perRow = shape[0] == 0 ? 0 : size() / (int) shape[0];
        long[] sliced = shape.clone();
        sliced[0] = to - from;
        Object part = newValues(dtype, (to - from) * perRow, "");
        System.arraycopy(values, from * perRow, part, 0, (to - from) * perRow);
        return new HostTensor(dtype, sliced, part);
    }

    /** The parts one after another along dimension 0; they agree in dtype and in every other dimension. */
    static HostTensor concat(String input, List<HostTensor> parts) {
        HostTensor first = parts.get(0);
        if (parts.size() == 1) {
            return first;
        }
        long rows = 0;
        int size = 0;
        for (HostTensor p : parts) {
            if (p.dtype != first.dtype
                    || p.shape.length != first.shape.length
                    || p.shape.length == 0
                    || !Arrays.equals(p.shape, 1, p.shape.length, first.shape, 1, first.shape.length)) {
                throw ServingException.invalidArgument(
                        "Input '" + input + "' cannot be batched: shape " + Arrays.toString(p.shape) + " and "
                                + Arrays.toString(first.shape) + " differ past dimension 0");
            }
            rows += p.shape[0];
            size += p.size();
        }
        Object all = newValues(first.dtype, size, input);
        int offset = 0;
        for (HostTensor p : parts) {
            System.arraycopy(p.values, 0, all, offset, p.size());
            offset += p.size();
        }
        long[] shape = first.shape.clone();
        shape[0] = rows;
        return new HostTensor(first.dtype, shape, all);
    }

    /** A new TensorFlow tensor with these values; the caller closes it. */
    Tensor toTensor() {
        Shape s = Shape.of(shape);
        return switch (dtype) {
            case DT_FLOAT -> TFloat32.tensorOf(s, DataBuffers.of((float[]) values, true, false));
            case DT_DOUBLE -> TFloat64.tensorOf(s, DataBuffers.of((double[]) values, true, false));
            case DT_INT32 -> TInt32.tensorOf(s, DataBuffers.of((int[]) values, true, false));
            case DT_INT64 -> TInt64.tensorOf(s, DataBuffers.of((long[]) values, true, false));
            case DT_BOOL -> TBool.tensorOf(s, DataBuffers.of((boolean[]) values, true, false));
            case DT_UINT8 -> {
                int[] ints = (int[]) values;
                byte[] bytes = new byte[ints.length];
                for (int i = 0; i < ints.length; i++) {
                    bytes[i] = (byte) ints[i];
                }
                yield TUint8.tensorOf(s, DataBuffers.of(bytes, true, false));
            }
            case DT_STRING -> TString.tensorOfBytes(NdArrays.wrap(s, DataBuffers.ofObjects((byte[][]) values)));
            default -> throw new IllegalStateException("unsupported dtype " + dtype);
        };
    }

    /** A copy of a TensorFlow tensor's values. */
    static HostTensor of(String output, Tensor t) {
        long[] shape = t.shape().asArray();
        int n = (int) size(shape);
        Object values = newValues(t.dataType(), n, output);
        switch (t.dataType()) {
            case DT_FLOAT -> ((TFloat32) t).copyTo(DataBuffers.of((float[]) values, false, false));
            case DT_DOUBLE -> ((TFloat64) t).copyTo(DataBuffers.of((double[]) values, false, false));
            case DT_INT32 -> ((TInt32) t).copyTo(DataBuffers.of((int[]) values, false, false));
            case DT_INT64 -> ((TInt64) t).copyTo(DataBuffers.of((long[]) values, false, false));
            case DT_BOOL -> ((TBool) t).copyTo(DataBuffers.of((boolean[]) values, false, false));
            case DT_UINT8 -> {
                byte[] bytes = new byte[n];
                ((TUint8) t).copyTo(DataBuffers.of(bytes, false, false));
                int[] ints = (int[]) values;
                for (int i = 0; i < n; i++) {
                    ints[i] = bytes[i] & 0xff;
                }
            }
            case DT_STRING -> ((TString) t).asBytes().copyTo(DataBuffers.ofObjects((byte[][]) values));
            default -> throw new IllegalStateException("unsupported dtype " + t.dataType());
        }
        return new HostTensor(t.dataType(), shape, values);
    }
}
