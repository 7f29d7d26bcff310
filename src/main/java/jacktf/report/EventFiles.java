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
import org.tensorflow.proto.Event;
import org.tensorflow.proto.Summary;

/**
 * Reads TensorBoard event files (TFRecord framing: length, masked CRC of the length, data,
 * masked CRC of the data), stopping at a record cut short by a run still writing.
 */
public final class EventFiles {
  private EventFiles() {}

  /** One scalar point. */
  public record Scalar(String tag, long step, double wallTime, float value) {}

  /** The scalars of every {@code events.out.tfevents.*} file directly in {@code dir}, in file order. */
  public static List<Scalar> scalars(Path dir) throws IOException {
    List<Scalar> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents")).sorted().toList();
    }
    for (Path file : files) {
      for (Event event : events(file)) {
        for (Summary.Value v : event.getSummary().getValueList()) {
          float value;
          if (v.hasTensor() && v.getTensor().getFloatValCount() > 0) {
            value = v.getTensor().getFloatVal(0);
          } else if (v.hasTensor() && !v.getTensor().getTensorContent().isEmpty()
              && v.getTensor().getDtype() == org.tensorflow.proto.DataType.DT_FLOAT) {
            value = v.getTensor().getTensorContent().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getFloat();
          } else if (v.getValueCase() == Summary.Value.ValueCase.SIMPLE_VALUE) {
            value = v.getSimpleValue();
          } else {
            continue; // histograms, images, graphs
          }
          out.add(new Scalar(v.getTag(), event.getStep(), event.getWallTime(), value));
        }
      }
    }
    return out;
  }

  /** Every complete, checksum-valid record of one file. */
  public static List<Event> events(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    List<Event> events = new ArrayList<>();
    while (b.remaining() >= 12) {
      long length = b.getLong(b.position());
      int lengthCrc = b.getInt(b.position() + 8);
      if (mask(crc(b, b.position(), 8)) != lengthCrc || length < 0 || length > b.remaining() - 16) {
        break;
      }
      int start = b.position() + 12;
      int dataCrc = b.getInt(start + (int) length);
      if (mask(crc(b, start, (int) length)) != dataCrc) {
        break;
      }
      try {
        events.add(Event.parseFrom(b.duplicate().position(start).limit(start + (int) length)));
      } catch (InvalidProtocolBufferException e) {
        break;
      }
      b.position(start + (int) length + 4);
    }
    return events;
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
