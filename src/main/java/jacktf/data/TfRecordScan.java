package jacktf.data;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Every record of an uncompressed TFRecord file with its byte offset and whether its data checksum
 * holds, found by walking the framing ({@link TfRecordFraming}) without parsing the records.
 * TensorFlow's own reader gives up on the rest of a file at the first bad record; this scan goes
 * on past a record whose data is corrupt (its length field's checksum vouches for where the next
 * record starts) and reports from which offset on the file is lost when a length field is corrupt
 * or the file is truncated. Its offsets are what {@code TFRecordDatasetV2}'s {@code byte_offsets} take.
 *
 * @param file the scanned file
 * @param size the file's size in bytes
 * @param records every record found, in file order, intact or not
 * @param lostFrom the offset from which nothing could be read, or -1 when the whole file was read
 * @param lostReason why the rest from {@code lostFrom} on is lost, or null
 */
public record TfRecordScan(Path file, long size, List<Record> records, long lostFrom, String lostReason) {
    private static final int CHUNK = 1 << 16;

    /**
     * One record.
     *
     * @param offset where its length field starts
     * @param length its data's length in bytes
     * @param intact whether the data matches its masked CRC-32C
     */
    public record Record(long offset, long length, boolean intact) {
        /** Where its data starts. */
        public long dataOffset() {
            return offset + TfRecordFraming.HEADER_BYTES;
        }
    }

    public TfRecordScan {
        records = List.copyOf(records);
    }

    /** Records whose data checksum holds. */
    public List<Record> intact() {
        return records.stream().filter(Record::intact).toList();
    }

    /** Records whose data is corrupt. */
    public List<Record> corrupt() {
        return records.stream().filter(r -> !r.intact()).toList();
    }

    /** Whether every byte of the file belongs to an intact record. */
    public boolean clean() {
        return lostFrom < 0 && corrupt().isEmpty();
    }

    /** Scans {@code file}. */
    public static TfRecordScan scan(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            List<Record> records = new ArrayList<>();
            ByteBuffer header =
                    ByteBuffer.allocate(TfRecordFraming.HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer footer =
                    ByteBuffer.allocate(TfRecordFraming.FOOTER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
            long pos = 0;
            // Every pass moves pos forward by at least HEADER_BYTES + FOOTER_BYTES or returns.
            while (pos < size) {
                if (size - pos < TfRecordFraming.HEADER_BYTES) {
                    return lost(
                            file, size, records, pos, "truncated: " + (size - pos) + " bytes, no whole length field");
                }
                readFully(file, channel, header.clear(), pos);
                long length = header.getLong(0);
                int lengthCrc = header.getInt(Long.BYTES);
                if (TfRecordFraming.maskedCrc(header.array(), 0, Long.BYTES) != lengthCrc) {
                    return lost(file, size, records, pos, "the length field's checksum does not match");
                }
                long room = size - pos - TfRecordFraming.HEADER_BYTES - TfRecordFraming.FOOTER_BYTES;
                if (length < 0 || length > room) { // compared before adding: a garbage length must not overflow
                    return lost(
                            file,
                            size,
                            records,
                            pos,
                            "truncated: a record of " + length + " bytes, " + (size - pos) + " bytes left");
                }
                Hasher crc = Hashing.crc32c().newHasher();
                for (long at = pos + TfRecordFraming.HEADER_BYTES, left = length; left > 0; ) {
                    chunk.clear().limit((int) Math.min(CHUNK, left));
                    readFully(file, channel, chunk, at);
                    crc.putBytes(chunk.flip());
                    at += chunk.limit();
                    left -= chunk.limit();
                }
                long end = pos + TfRecordFraming.HEADER_BYTES + length + TfRecordFraming.FOOTER_BYTES;
                readFully(file, channel, footer.clear(), end - TfRecordFraming.FOOTER_BYTES);
                boolean intact = TfRecordFraming.mask(crc.hash().asInt()) == footer.getInt(0);
                records.add(new Record(pos, length, intact));
                pos = end;
            }
            return new TfRecordScan(file, size, records, -1, null);
        }
    }

    private static TfRecordScan lost(Path file, long size, List<Record> records, long from, String reason) {
        return new TfRecordScan(file, size, records, from, reason);
    }

    private static void readFully(Path file, FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new IOException(file + " ended early while scanning its TFRecords (changed while read?)");
            }
            at += n;
        }
    }
}
