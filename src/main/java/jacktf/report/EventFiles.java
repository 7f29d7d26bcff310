package jacktf.report;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.Summary;

/**
 * Reads TensorBoard event files (TFRecord framing: little-endian uint64 length, masked CRC-32C of
 * the length, data, masked CRC-32C of the data). A record whose data fails its checksum is skipped
 * and counted; a length that fails its checksum loses the framing, which is found again by
 * scanning forward for the next offset where a whole record validates. A last record cut short
 * (a run still writing) ends the file without counting as damage.
 */
public final class EventFiles {
    private static final int HEADER = 12; // length + its CRC
    private static final int FOOTER = 4; // the data's CRC

    private EventFiles() {}

    /** One scalar point. */
    public record Scalar(String tag, long step, double wallTime, float value) {}

    /**
     * What could not be read of one event file: {@code corruptRecords} records skipped (bad checksum
     * or unparseable), and when {@code lostFrom >= 0}, everything from that byte offset on, where no
     * valid record could be found again.
     */
    public record Damage(Path file, int corruptRecords, long lostFrom) {
        /** A sentence for a report, e.g. "2 corrupt records skipped in events.out.tfevents.123.host". */
        public String describe() {
            String name = file.getFileName().toString();
            StringBuilder s = new StringBuilder();
            if (corruptRecords > 0) {
                s.append(corruptRecords)
                        .append(corruptRecords == 1 ? " corrupt record" : " corrupt records")
                        .append(" skipped in ")
                        .append(name);
            }
            if (lostFrom >= 0) {
                s.append(s.length() > 0 ? "; " : "")
                        .append("the rest of ")
                        .append(name)
                        .append(" from byte ")
                        .append(lostFrom)
                        .append(" could not be read (no valid record after it)");
            }
            return s.toString();
        }
    }

    /** The events of one file and the damage met reading it ({@code damage} is null for a clean file). */
    public record EventFile(Path file, List<Event> events, Damage damage) {}

    /** The scalars of a directory's event files and the damage met reading them (empty when all were clean). */
    public record ScalarLog(List<Scalar> scalars, List<Damage> damage) {}

    /** The scalars of every {@code events.out.tfevents.*} file directly in {@code dir}, in file order. */
    public static List<Scalar> scalars(Path dir) throws IOException {
        return readScalars(dir).scalars();
    }

    /**
     * The scalars of every {@code events.out.tfevents.*} file directly in {@code dir}, in file order,
     * with the corrupt records skipped on the way; a missing directory has none.
     */
    public static ScalarLog readScalars(Path dir) throws IOException {
        List<Scalar> out = new ArrayList<>();
        List<Damage> damage = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return new ScalarLog(out, damage);
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents"))
                    .sorted()
                    .toList();
        }
        for (Path file : files) {
            EventFile read = read(file);
            if (read.damage() != null) {
                damage.add(read.damage());
            }
            for (Event event : read.events()) {
                for (Summary.Value v : event.getSummary().getValueList()) {
                    float value;
                    if (v.hasTensor() && v.getTensor().getFloatValCount() > 0) {
                        value = v.getTensor().getFloatVal(0);
                    } else if (v.hasTensor()
                            && !v.getTensor().getTensorContent().isEmpty()
                            && v.getTensor().getDtype() == DataType.DT_FLOAT) {
                        value = v.getTensor()
                                .getTensorContent()
                                .asReadOnlyByteBuffer()
                                .order(ByteOrder.LITTLE_ENDIAN)
                                .getFloat();
                    } else if (v.getValueCase() == Summary.Value.ValueCase.SIMPLE_VALUE) {
                        value = v.getSimpleValue();
                    } else {
                        continue; // histograms, images, graphs
                    }
                    out.add(new Scalar(v.getTag(), event.getStep(), event.getWallTime(), value));
                }
            }
        }
        return new ScalarLog(out, damage);
    }

    /** Every complete, checksum-valid record of one file (damage skipped, see {@link #read}). */
    public static List<Event> events(Path file) throws IOException {
        return read(file).events();
    }

    /** Every complete, checksum-valid record of one file and what had to be skipped. */
    public static EventFile read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<Event> events = new ArrayList<>();
        int corrupt = 0;
        long lostFrom = -1;
        int pos = 0;
        while (b.limit() - pos >= HEADER) {
            long length = b.getLong(pos);
            if (mask(crc(b, pos, 8)) != b.getInt(pos + 8)) {
                // The length is garbage, so the next record's offset is unknown: find it by its checksums.
                int next = nextValidRecord(b, pos + 1);
                if (next < 0) {
                    lostFrom = pos;
                    break;
                }
                corrupt++; // counted as one record, though the bytes skipped may have held more
                pos = next;
                continue;
            }
            if (length < 0 || length > b.limit() - pos - HEADER - FOOTER) {
                break; // a valid length whose data is not all there yet: the writer is mid-record
            }
            int start = pos + HEADER;
            int end = start + (int) length;
            pos = end + FOOTER;
            if (mask(crc(b, start, (int) length)) != b.getInt(end)) {
                corrupt++; // the framing is intact, so only this record is lost
                continue;
            }
            try {
                events.add(Event.parseFrom(b.duplicate().position(start).limit(end)));
            } catch (InvalidProtocolBufferException e) {
                corrupt++;
            }
        }
        Damage damage = corrupt > 0 || lostFrom >= 0 ? new Damage(file, corrupt, lostFrom) : null;
        return new EventFile(file, events, damage);
    }

    /**
     * The first offset at or after {@code from} where a whole record validates (length checksum,
     * data within the file, data checksum), or -1. Bounded by the file: each offset costs one
     * 8-byte checksum unless its length validates.
     */
    private static int nextValidRecord(ByteBuffer b, int from) {
        for (int p = from; b.limit() - p >= HEADER + FOOTER; p++) {
            long length = b.getLong(p);
            if (mask(crc(b, p, 8)) != b.getInt(p + 8) || length < 0 || length > b.limit() - p - HEADER - FOOTER) {
                continue;
            }
            int end = p + HEADER + (int) length;
            if (mask(crc(b, p + HEADER, (int) length)) == b.getInt(end)) {
                return p;
            }
        }
        return -1;
    }

    private static int crc(ByteBuffer b, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(b.duplicate().position(offset).limit(offset + length));
        return (int) crc.getValue();
    }

    private static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    }
}
