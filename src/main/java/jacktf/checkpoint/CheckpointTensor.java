package jacktf.checkpoint;

import jacktf.runtime.DataTypes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.tensorflow.proto.DataType;

/**
 * A tensor's values as read from a checkpoint: little-endian bytes for fixed-size types, a list
 * of byte strings for {@code string}.
 */
public final class CheckpointTensor {
    private final TensorInfo info;
    private final ByteBuffer data;
    private final List<byte[]> strings;

    CheckpointTensor(TensorInfo info, ByteBuffer data, List<byte[]> strings) {
        this.info = info;
        this.data = data == null ? null : data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        this.strings = strings;
    }

    public TensorInfo info() {
        return info;
    }

    /** Raw little-endian bytes (fixed-size types). */
    public ByteBuffer data() {
        requireFixed();
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    public float[] floats() {
        require(DataType.DT_FLOAT);
        float[] out = new float[(int) info.numElements()];
        data().asFloatBuffer().get(out);
        return out;
    }

    public long[] longs() {
        require(DataType.DT_INT64);
        long[] out = new long[(int) info.numElements()];
        data().asLongBuffer().get(out);
        return out;
    }

    public List<byte[]> strings() {
        require(DataType.DT_STRING);
        return strings;
    }

    /** The first {@code limit} values as text ({@code limit < 0}: all). */
    public List<String> formatValues(long limit) {
        long n = info.numElements();
        long count = limit < 0 ? n : Math.min(limit, n);
        List<String> out = new ArrayList<>((int) Math.min(count, 1 << 20));
        if (info.dtype() == DataType.DT_STRING) {
            for (int i = 0; i < count; i++) {
                out.add(new String(strings.get(i), StandardCharsets.UTF_8));
            }
            return out;
        }
        ByteBuffer b = data();
        for (int i = 0; i < count; i++) {
            out.add(
                    switch (info.dtype()) {
                        case DT_FLOAT -> Float.toString(b.getFloat(4 * i));
                        case DT_DOUBLE -> Double.toString(b.getDouble(8 * i));
                        case DT_INT32 -> Integer.toString(b.getInt(4 * i));
                        case DT_INT64 -> Long.toString(b.getLong(8 * i));
                        case DT_INT16 -> Short.toString(b.getShort(2 * i));
                        case DT_UINT16 -> Integer.toString(b.getShort(2 * i) & 0xffff);
                        case DT_INT8 -> Byte.toString(b.get(i));
                        case DT_UINT8 -> Integer.toString(b.get(i) & 0xff);
                        case DT_BOOL -> Boolean.toString(b.get(i) != 0);
                        case DT_BFLOAT16 -> Float.toString(Float.intBitsToFloat((b.getShort(2 * i) & 0xffff) << 16));
                        case DT_HALF -> Float.toString(halfToFloat(b.getShort(2 * i)));
                        default -> hex(b, i * DataTypes.size(info.dtype()), DataTypes.size(info.dtype()));
                    });
        }
        return out;
    }

    /** IEEE 754 binary16 to float (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short bits) {
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float value = mantissa * 0x1p-24f;
            return sign == 0 ? value : -value;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    private static String hex(ByteBuffer b, int offset, int size) {
        StringJoiner j = new StringJoiner("", "0x", "");
        for (int i = 0; i < size; i++) {
            j.add(String.format("%02x", b.get(offset + i)));
        }
        return j.toString();
    }

    private void require(DataType type) {
        if (info.dtype() != type) {
            throw new IllegalStateException(info.name() + " is " + info.dtypeName() + ", not " + DataTypes.name(type));
        }
    }

    private void requireFixed() {
        if (data == null) {
            throw new IllegalStateException(info.name() + " is " + info.dtypeName() + ": no fixed-size data");
        }
    }
}
