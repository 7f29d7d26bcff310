package jacktf.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.runtime.Sessions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.summary.SummaryWriter;

/** Event files written by TF's own summary ops, then damaged byte by byte. */
class EventFilesTest {
    private static final int STEPS = 10;
    /** A tag the report charts (the Loss chart's train series). */
    private static final String TAG = "total_loss";

    /** Writes total_loss = step / 2 for steps 0..9 with TF's summary ops; returns the event file. */
    static Path writeEvents(Path dir) throws IOException {
        try (Graph g = new Graph();
                Session s = Sessions.open(g)) {
            Ops tf = Ops.create(g);
            SummaryWriter writer = tf.summary.summaryWriter();
            s.run(tf.summary.createSummaryFileWriter(
                    writer, tf.constant(dir.toString()), tf.constant(100), tf.constant(100_000), tf.constant(".test")));
            for (int step = 0; step < STEPS; step++) {
                s.run(tf.summary.writeScalarSummary(
                        writer, tf.constant((long) step), tf.constant(TAG), tf.constant(step / 2f)));
            }
            s.run(tf.summary.flushSummaryWriter(writer));
            s.run(tf.summary.closeSummaryWriter(writer));
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents"))
                    .findFirst()
                    .orElseThrow();
        }
    }

    /** Record start offsets, walking TFRecord framing by its definition: 8-byte length, 4, data, 4. */
    static List<Integer> recordOffsets(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        List<Integer> offsets = new ArrayList<>();
        for (int pos = 0; pos < file.length; pos += 8 + 4 + (int) b.getLong(pos) + 4) {
            offsets.add(pos);
        }
        return offsets;
    }

    private static List<Long> lossSteps(Path dir) throws IOException {
        return EventFiles.scalars(dir).stream()
                .filter(s -> s.tag().equals(TAG))
                .map(EventFiles.Scalar::step)
                .toList();
    }

    private static List<Long> stepsExcept(long... missing) {
        List<Long> steps = new ArrayList<>();
        for (long s = 0; s < STEPS; s++) {
            long step = s;
            if (Arrays.stream(missing).noneMatch(m -> m == step)) {
                steps.add(step);
            }
        }
        return steps;
    }

    @Test
    void aCleanFileReadsEveryScalarWithItsValue(@TempDir Path dir) throws IOException {
        Path file = writeEvents(dir);
        EventFiles.EventFile read = EventFiles.read(file);
        assertNull(read.damage());
        List<EventFiles.Scalar> loss = EventFiles.scalars(dir).stream()
                .filter(s -> s.tag().equals(TAG))
                .toList();
        assertEquals(stepsExcept(), loss.stream().map(EventFiles.Scalar::step).toList());
        for (EventFiles.Scalar s : loss) {
            assertEquals(s.step() / 2f, s.value());
        }
        // file_version first, then one record per scalar
        assertEquals(1 + STEPS, recordOffsets(Files.readAllBytes(file)).size());
    }

    @Test
    void aRecordWithABadDataChecksumIsSkippedAndTheLaterOnesRead(@TempDir Path dir) throws IOException {
        Path file = writeEvents(dir);
        byte[] bytes = Files.readAllBytes(file);
        int record = recordOffsets(bytes).get(1 + 4); // step 4's record
        bytes[record + 12 + 5] ^= 0x20; // a byte of its data
        Files.write(file, bytes);
        assertEquals(stepsExcept(4), lossSteps(dir));
        EventFiles.Damage damage = EventFiles.read(file).damage();
        assertEquals(1, damage.corruptRecords());
        assertEquals(-1, damage.lostFrom());
        assertEquals("1 corrupt record skipped in " + file.getFileName(), damage.describe());
        assertEquals(List.of(damage), EventFiles.readScalars(dir).damage());
    }

    @Test
    void aBadLengthIsResynchronisedAtTheNextValidRecord(@TempDir Path dir) throws IOException {
        Path file = writeEvents(dir);
        byte[] bytes = Files.readAllBytes(file);
        List<Integer> offsets = recordOffsets(bytes);
        bytes[offsets.get(1 + 3)] ^= 0x01; // step 3's length: 1 byte more, the framing is off from here
        bytes[offsets.get(1 + 6) + 9] ^= 0x40; // step 6's length checksum
        Files.write(file, bytes);
        assertEquals(stepsExcept(3, 6), lossSteps(dir));
        EventFiles.Damage damage = EventFiles.read(file).damage();
        assertEquals(2, damage.corruptRecords());
        assertEquals(-1, damage.lostFrom());
        assertEquals("2 corrupt records skipped in " + file.getFileName(), damage.describe());
    }

    @Test
    void whenNoValidRecordFollowsTheReportSaysFromWhereTheFileWasLost(@TempDir Path dir) throws IOException {
        Path file = writeEvents(dir);
        byte[] bytes = Files.readAllBytes(file);
        int last = recordOffsets(bytes).get(STEPS); // step 9's record
        bytes[last + 2] ^= 0x10;
        Files.write(file, bytes);
        assertEquals(stepsExcept(9), lossSteps(dir));
        EventFiles.Damage damage = EventFiles.read(file).damage();
        assertEquals(last, damage.lostFrom());
        assertEquals(0, damage.corruptRecords());
        assertTrue(damage.describe().contains("from byte " + last), damage.describe());
    }

    @Test
    void aLastRecordStillBeingWrittenIsNoDamage(@TempDir Path dir) throws IOException {
        Path file = writeEvents(dir);
        byte[] bytes = Files.readAllBytes(file);
        int last = recordOffsets(bytes).get(STEPS);
        Files.write(file, Arrays.copyOf(bytes, last + 12 + 3)); // header and 3 bytes of step 9's data
        assertEquals(stepsExcept(9), lossSteps(dir));
        assertNull(EventFiles.read(file).damage());
    }

    @Test
    void theReportNamesTheSkippedRecordsAndStillDrawsTheLaterPoints(@TempDir Path dir) throws IOException {
        Path trainDir = Files.createDirectories(dir.resolve("run"));
        Path file = writeEvents(trainDir);
        byte[] bytes = Files.readAllBytes(file);
        List<Integer> offsets = recordOffsets(bytes);
        bytes[offsets.get(1 + 2) + 12 + 3] ^= 0x01;
        bytes[offsets.get(1 + 5) + 12 + 3] ^= 0x01;
        Files.write(file, bytes);
        String html = Files.readString(TrainingReport.write(trainDir, dir.resolve("report.html")));
        assertTrue(html.contains("2 corrupt records skipped in " + file.getFileName()), html);
        // the Loss chart's first polyline is train total_loss: the 8 steps left, step 9 among them
        int points = html.indexOf("points=\"", html.indexOf("<polyline"));
        String polyline = html.substring(points + 8, html.indexOf('"', points + 8));
        assertEquals(STEPS - 2, polyline.split(" ").length, polyline);
    }
}
