package jacktf.checkpoint;

import java.nio.ByteBuffer;

/** LevelDB's little-endian base-128 varints, reading from a buffer's position. */
final class Varint {
    private Varint() {}

    static long read64(ByteBuffer in) {
        long result = 0;
        for (int shift = 0; shift <= 63; shift += 7) {
            if (!in.hasRemaining()) {
                throw new IllegalArgumentException("varint runs past the end of its block");
            }
            byte b = in.get();
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IllegalArgumentException("varint longer than 10 bytes");
    }

    static int read32(ByteBuffer in) {
        long v = read64(in);
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("varint32 out of range: " + v);
        }
        return (int) v;
    }
}
