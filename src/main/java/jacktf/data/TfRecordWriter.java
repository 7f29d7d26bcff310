package jacktf.data;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes an uncompressed TFRecord file, the format TensorFlow's {@code TFRecordDataset} reads: each
 * record framed by its length and two masked CRC-32Cs ({@link TfRecordFraming}).
 */
public final class TfRecordWriter implements Closeable {
    private final OutputStream out;
    private long records;
    private long bytes;

    private TfRecordWriter(OutputStream out) {
        this.out = out;
    }

    /** Creates (or truncates) {@code file}. */
    public static TfRecordWriter create(Path file) throws IOException {
        return new TfRecordWriter(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
    }

    /** Appends one record. */
    public void write(byte[] record) throws IOException {
        out.write(TfRecordFraming.header(record.length));
        out.write(record);
        out.write(TfRecordFraming.footer(record));
        records++;
        bytes += TfRecordFraming.HEADER_BYTES + record.length + TfRecordFraming.FOOTER_BYTES;
    }

    /** Records written so far. */
    public long records() {
        return records;
    }

    /** Bytes written so far, framing included. */
    public long bytes() {
        return bytes;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
