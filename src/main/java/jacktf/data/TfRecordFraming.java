package jacktf.data;

import jacktf.runtime.Crc32c;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * TFRecord's framing, as TensorFlow's {@code io/record_writer.cc} writes it: per record
 * {@code uint64 length}, {@code uint32 masked_crc32c(length)}, {@code byte data[length]},
 * {@code uint32 masked_crc32c(data)}, all little-endian. CRC-32C comes from Guava; the mask is
 * LevelDB's (rotate right by 15, add a constant), which keeps a CRC of data holding CRCs strong.
 */
final class TfRecordFraming {
    /** Length field and its checksum. */
    static final int HEADER_BYTES = 12;
    /** The data's checksum. */
    static final int FOOTER_BYTES = 4;

    private TfRecordFraming() {}

    static int mask(int crc) {
        return Crc32c.mask(crc);
    }

    static int maskedCrc(byte[] bytes, int offset, int length) {
        return Crc32c.mask(Crc32c.of(ByteBuffer.wrap(bytes, offset, length)));
    }

    /** The 12 bytes before a record of {@code length} bytes. */
    static byte[] header(long length) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(length);
        header.putInt(maskedCrc(header.array(), 0, Long.BYTES));
        return header.array();
    }

    /** The 4 bytes after {@code data}. */
    static byte[] footer(byte[] data) {
        return ByteBuffer.allocate(FOOTER_BYTES)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(maskedCrc(data, 0, data.length))
                .array();
    }
}
