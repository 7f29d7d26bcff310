package jacktf.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Every record of a TFRecord file with its byte offset and whether its data checksum holds, found by
 * walking the framing ({@link TfRecordFraming}) without parsing the records. TensorFlow's own reader
 * gives up on the rest of a file at the first bad record; this scan goes on past a record whose data
 * is corrupt (its length field's checksum vouches for where the next record starts) and reports from
 * which offset on the file is lost when a length field is corrupt or the file is truncated. Its
 * offsets are what {@code TFRecordDatasetV2}'s {@code byte_offsets} take: for a GZIP file, positions in
 * the uncompressed stream, as TensorFlow's reader counts them (it seeks by decompressing up to there).
 *
 * @param file the scanned file
 * @param size the file's size in bytes (compressed, for a GZIP file)
 * @param compression how the file is compressed
 * @param records every record found, in file order, intact or not
 * @param lostFrom the offset from which nothing could be read, or -1 when the whole file was read
 * @param lostReason why the rest from {@code lostFrom} on is lost, or null
 */
public record TfRecordScan(
        Path file, long size, Compression compression, List<Record> records, long lostFrom, String lostReason) {
    /** A record longer than this cannot be one byte array; no image comes near it. */
    private static final long MAX_RECORD = Integer.MAX_VALUE - 64;

    /** How a TFRecord file is compressed, with TensorFlow's name for it ({@code compression_type}). */
    public enum Compression {
        NONE(""),
        GZIP("GZIP");

        private final String tfName;

        Compression(String tfName) {
            this.tfName = tfName;
        }

        /** The {@code compression_type} TensorFlow's TFRecord readers take. */
        public String tfName() {
            return tfName;
        }
    }

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

        /** Its bytes in the file, framing included. */
        public long frameLength() {
            return TfRecordFraming.HEADER_BYTES + length + TfRecordFraming.FOOTER_BYTES;
        }
    }

    /** Gets the data of each intact record during a scan. */
    @FunctionalInterface
    public interface Visitor {
        /** Called in file order for each record whose checksums hold, with its data (framing removed). */
        void intact(Record record, byte[] data) throws IOException;
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

    /** Scans {@code file}, compressed or not ({@link #compressionOf}). */
    public static TfRecordScan scan(Path file) throws IOException {
        return scan(file, (record, data) -> {});
    }

    /** Scans {@code file}, handing every intact record's data to {@code visitor}. */
    public static TfRecordScan scan(Path file, Visitor visitor) throws IOException {
        return scan(file, visitor, null);
    }

    /**
     * Scans {@code file} as {@link #scan(Path, Visitor)} does and writes every byte it reads, decompressed,
     * to {@code copy} (when not null): a GZIP shard's records at the scan's offsets, in one pass.
     */
    public static TfRecordScan scan(Path file, Visitor visitor, OutputStream copy) throws IOException {
        Compression compression = compressionOf(file);
        long size = Files.size(file);
        try (InputStream raw = Files.newInputStream(file)) {
            InputStream in = new BufferedInputStream(raw, 1 << 16);
            if (compression == Compression.GZIP) {
                in = new GZIPInputStream(in, 1 << 16);
            }
            if (copy != null) {
                in = copying(in, copy);
            }
            return scan(file, size, compression, in, visitor);
        }
    }

    /** {@code in}, writing what is read from it to {@code copy}. */
    private static InputStream copying(InputStream in, OutputStream copy) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    copy.write(b);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    copy.write(buffer, offset, n);
                }
                return n;
            }
        };
    }

    /**
     * GZIP when the file starts with gzip's magic bytes and not with a record's length field (whose
     * checksum decides: a record of 559,903 bytes starts with the same three bytes); the name is not
     * trusted, slim's converters write no suffix.
     */
    public static Compression compressionOf(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(TfRecordFraming.HEADER_BYTES);
        }
        boolean gzipMagic = head.length >= 3 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b && head[2] == 8;
        return gzipMagic && !validLengthField(head) ? Compression.GZIP : Compression.NONE;
    }

    private static boolean validLengthField(byte[] header) {
        return header.length == TfRecordFraming.HEADER_BYTES
                && TfRecordFraming.maskedCrc(header, 0, Long.BYTES)
                        == ByteBuffer.wrap(header)
                                .order(ByteOrder.LITTLE_ENDIAN)
                                .getInt(Long.BYTES);
    }

    private static TfRecordScan scan(Path file, long size, Compression compression, InputStream in, Visitor visitor)
            throws IOException {
        List<Record> records = new ArrayList<>();
        long pos = 0;
        // Every pass moves pos forward by at least HEADER_BYTES + FOOTER_BYTES or returns.
        while (true) {
            try {
                byte[] header = in.readNBytes(TfRecordFraming.HEADER_BYTES);
                if (header.length == 0) {
                    return new TfRecordScan(file, size, compression, records, -1, null);
                }
                if (header.length < TfRecordFraming.HEADER_BYTES) {
                    return lost(
                            file,
                            size,
                            compression,
                            records,
                            pos,
                            "truncated: " + header.length + " bytes, no whole length field");
                }
                if (!validLengthField(header)) {
                    return lost(file, size, compression, records, pos, "the length field's checksum does not match");
                }
                long length =
                        ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
                long room = compression == Compression.NONE
                        ? size - pos - TfRecordFraming.HEADER_BYTES - TfRecordFraming.FOOTER_BYTES
                        : MAX_RECORD;
                if (length < 0 || length > room) { // compared before adding: a garbage length must not overflow
                    String reason = length > MAX_RECORD
                            ? "a record of " + length + " bytes, more than jacktf reads"
                            : "truncated: a record of " + length + " bytes, " + (size - pos) + " bytes left";
                    return lost(file, size, compression, records, pos, reason);
                }
                byte[] data = in.readNBytes((int) length);
                byte[] footer = in.readNBytes(TfRecordFraming.FOOTER_BYTES);
                if (data.length < length || footer.length < TfRecordFraming.FOOTER_BYTES) {
                    return lost(
                            file,
                            size,
                            compression,
                            records,
                            pos,
                            "truncated: a record of " + length + " bytes, "
                                    + (TfRecordFraming.HEADER_BYTES + data.length + footer.length) + " bytes left");
                }
                boolean intact = TfRecordFraming.maskedCrc(data, 0, data.length)
                        == ByteBuffer.wrap(footer)
                                .order(ByteOrder.LITTLE_ENDIAN)
                                .getInt(0);
                Record record = new Record(pos, length, intact);
                records.add(record);
                if (intact) {
                    visitor.intact(record, data);
                }
                pos += record.frameLength();
            } catch (EOFException | ZipException e) {
                // only a GZIP stream throws these: the compressed file is cut short or damaged here
                return lost(
                        file,
                        size,
                        compression,
                        records,
                        pos,
                        "the GZIP stream ends early or is damaged (" + e.getMessage() + ")");
            }
        }
    }

    private static TfRecordScan lost(
            Path file, long size, Compression compression, List<Record> records, long from, String reason) {
        return new TfRecordScan(file, size, compression, records, from, reason);
    }
}
