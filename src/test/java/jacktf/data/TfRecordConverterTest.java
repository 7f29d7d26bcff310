package jacktf.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.config.ConfigException;
import jacktf.runtime.Sessions;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.DecodeImage;
import org.tensorflow.op.io.ParseSingleExample;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TType;

/**
 * {@code data convert}'s output read back by TensorFlow's own ops (TFRecordDataset, ParseSingleExample,
 * DecodeImage), not by jacktf: labels, sizes, formats, encoded bytes and decoded pixels against the
 * source images, whose PNG pixels the test computes itself; slim's shard names and sizes; and the
 * framing scan against record offsets derived from TF's reader.
 */
class TfRecordConverterTest {
    /** Class folders sorted by name: ids 0..3 (slim's and ImageFolder's order). */
    private static final List<String> CLASSES = List.of("cat", "circle", "square", "triangle");

    private static final int PER_CLASS = 4;

    @TempDir
    static Path work;

    private static Path images;
    /** Every usable source image by its bytes' content, with its label and size. */
    private static final Map<String, Source> SOURCES = new HashMap<>();

    record Source(Path file, int label, int height, int width, String format, int[] pixels) {}

    /** A pixel value every PNG is drawn from, so decoded values are known without a decoder. */
    static int value(int label, int image, int y, int x, int channel) {
        return (x * 31 + y * 17 + channel * 85 + label * 50 + image * 3) % 256;
    }

    @BeforeAll
    static void drawImages() throws IOException {
        images = work.resolve("toy");
        for (int label = 1; label < CLASSES.size(); label++) {
            Path dir = Files.createDirectories(images.resolve(CLASSES.get(label)));
            for (int i = 0; i < PER_CLASS; i++) {
                int width = 3 + i + label;
                int height = 2 + i;
                BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
                int[] pixels = new int[height * width * 3];
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        int rgb = 0;
                        for (int c = 0; c < 3; c++) {
                            int v = value(label, i, y, x, c);
                            pixels[(y * width + x) * 3 + c] = v;
                            rgb = (rgb << 8) | v;
                        }
                        img.setRGB(x, y, rgb);
                    }
                }
                Path file = dir.resolve("img" + i + ".png");
                ImageIO.write(img, "png", file.toFile());
                SOURCES.put(key(Files.readAllBytes(file)), new Source(file, label, height, width, "png", pixels));
            }
        }
        // A photo-sized JPEG written by TF's encoder (480x360, progressive) in a class of its own, and an unusable
        // file.
        Path cat = TestImages.tfJpeg(
                Files.createDirectories(images.resolve("cat")).resolve("cat.jpg"),
                480,
                360,
                TestImages.JpegKind.PROGRESSIVE_RGB);
        SOURCES.put(key(Files.readAllBytes(cat)), new Source(cat, 0, 360, 480, "jpeg", null));
        Files.write(images.resolve("square").resolve("empty.png"), new byte[0]);
    }

    private static String key(byte[] bytes) {
        return Arrays.toString(bytes);
    }

    /** What TF's ops read from one record. */
    record Parsed(
            byte[] serialized,
            byte[] encoded,
            String format,
            long label,
            long height,
            long width,
            Shape shape,
            int[] pixels) {}

    /** Reads TFRecord files with TensorFlow's own reader and Example parser and decodes each image. */
    static final class TfReader implements AutoCloseable {
        final Graph graph = new Graph();
        final Session session;
        final Placeholder<TString> files;
        final Op init;
        final List<Operand<?>> outputs = new ArrayList<>();

        TfReader() {
            Ops tf = Ops.create(graph);
            files = tf.placeholder(TString.class, Placeholder.shape(Shape.of(-1)));
            List<Class<? extends TType>> types = List.of(TString.class);
            List<Shape> shapes = List.of(Shape.scalar());
            // TF's TFRecordDataset (V1) as a raw op: TF Java's tfRecordDataset builds TFRecordDatasetV2, which
            // MakeIterator's graph rewrite fails to re-serialize in TF Java 1.1.0 ("3 inputs specified of 4").
            @SuppressWarnings("unchecked")
            Operand<? extends TType> ds =
                    (Operand<? extends TType>) graph.opBuilder("TFRecordDataset", "records", tf.scope())
                            .addInput(files.asOutput())
                            .addInput(tf.constant("").asOutput())
                            .addInput(tf.constant(0L).asOutput())
                            .build()
                            .output(0);
            var iterator = tf.data.iterator("", "", types, shapes);
            init = tf.data.makeIterator(ds, iterator);
            @SuppressWarnings("unchecked")
            Operand<TString> record = (Operand<TString>) tf.data
                    .iteratorGetNext(iterator, types, shapes)
                    .components()
                    .get(0);
            List<String> keys = List.of(
                    SlimExample.ENCODED, SlimExample.FORMAT, SlimExample.LABEL, SlimExample.HEIGHT, SlimExample.WIDTH);
            ParseSingleExample parsed = tf.io.parseSingleExample(
                    record,
                    List.of(tf.constant(""), tf.constant(""), tf.constant(-1L), tf.constant(-1L), tf.constant(-1L)),
                    0L,
                    List.of(),
                    keys,
                    List.of(),
                    List.of(Shape.scalar(), Shape.scalar(), Shape.scalar(), Shape.scalar(), Shape.scalar()));
            @SuppressWarnings("unchecked")
            Operand<TString> encoded = (Operand<TString>) parsed.denseValues().get(0);
            outputs.add(record);
            outputs.addAll(parsed.denseValues());
            outputs.add(tf.image.decodeImage(encoded, TUint8.class, DecodeImage.channels(3L)));
            session = Sessions.open(graph);
        }

        List<Parsed> read(List<Path> shards) {
            try (TString names = TString.tensorOf(
                    NdArrays.vectorOfObjects(shards.stream().map(Path::toString).toArray(String[]::new)))) {
                session.runner().feed(files, names).addTarget(init).run();
            }
            List<Parsed> records = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                Session.Runner runner = session.runner();
                outputs.forEach(runner::fetch);
                try (Result r = runner.run()) {
                    TUint8 decoded = (TUint8) r.get(6);
                    int[] pixels = new int[(int) decoded.shape().size()];
                    int[] at = {0};
                    decoded.scalars().forEach(s -> pixels[at[0]++] = Byte.toUnsignedInt(s.getByte()));
                    records.add(new Parsed(
                            ((TString) r.get(0)).asBytes().getObject(),
                            ((TString) r.get(1)).asBytes().getObject(),
                            new String(((TString) r.get(2)).asBytes().getObject(), StandardCharsets.UTF_8),
                            ((TInt64) r.get(3)).getLong(),
                            ((TInt64) r.get(4)).getLong(),
                            ((TInt64) r.get(5)).getLong(),
                            decoded.shape(),
                            pixels));
                } catch (TFOutOfRangeException end) {
                    return records;
                }
            }
            throw new AssertionError("more than 1000 records");
        }

        @Override
        public void close() {
            session.close();
            graph.close();
        }
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void tensorFlowReadsBackEveryImageWithSlimsKeys() throws Exception {
        Path out = work.resolve("converted");
        TfRecordConverter.Result result = TfRecordConverter.convert(
                images, out, new TfRecordConverter.Options("toy", 3, 0.25, 7), new TfRecordConverter.Listener() {});

        assertEquals(
                List.of(
                        "labels.txt",
                        "toy_train_00000-of-00003.tfrecord",
                        "toy_train_00001-of-00003.tfrecord",
                        "toy_train_00002-of-00003.tfrecord",
                        "toy_validation_00000-of-00003.tfrecord",
                        "toy_validation_00001-of-00003.tfrecord",
                        "toy_validation_00002-of-00003.tfrecord"),
                listing(out));
        assertEquals("0:cat\n1:circle\n2:square\n3:triangle\n", Files.readString(out.resolve("labels.txt")));
        assertEquals(
                List.of(images.resolve("square").resolve("empty.png")),
                result.skipped().stream().map(ImageFiles.ImageInfo::file).toList());
        // Hold-out of 0.25: round(4 * 0.25) = 1 of each 4-image class, none of the 1-image class.
        assertEquals(10, result.trainExamples());
        assertEquals(3, result.validationExamples());

        try (TfReader reader = new TfReader()) {
            // slim's sharding: ceil(10 / 3) = 4 per train shard -> 4, 4, 2; ceil(3 / 3) = 1 -> 1, 1, 1.
            List<Integer> trainSizes = new ArrayList<>();
            List<Parsed> all = new ArrayList<>();
            for (Path shard : result.trainShards()) {
                List<Parsed> records = reader.read(List.of(shard));
                trainSizes.add(records.size());
                all.addAll(records);
            }
            assertEquals(List.of(4, 4, 2), trainSizes);
            List<Parsed> validation = reader.read(result.validationShards());
            assertEquals(3, validation.size());
            assertEquals(
                    List.of(1, 2, 3),
                    validation.stream().map(p -> (int) p.label()).sorted().toList());
            all.addAll(validation);

            Map<String, Source> remaining = new HashMap<>(SOURCES);
            assertEquals(remaining.size(), all.size());
            for (Parsed p : all) {
                Source s = remaining.remove(key(p.encoded()));
                assertTrue(s != null, "a record whose image/encoded is no source file's bytes, or one twice");
                assertEquals(s.label(), p.label(), s.file().toString());
                assertEquals(s.format(), p.format(), s.file().toString());
                assertEquals(s.height(), p.height(), s.file().toString());
                assertEquals(s.width(), p.width(), s.file().toString());
                assertEquals(
                        Shape.of(s.height(), s.width(), 3), p.shape(), s.file().toString());
                if (s.pixels() != null) {
                    assertArrayEquals(s.pixels(), p.pixels(), s.file().toString());
                }
            }
            assertTrue(remaining.isEmpty(), "every usable image once: " + remaining.size() + " missing");
        }

        // The same seed writes the same bytes; the order is the seed's, not the file system's.
        Path again = work.resolve("again");
        TfRecordConverter.convert(
                images, again, new TfRecordConverter.Options("toy", 3, 0.25, 7), new TfRecordConverter.Listener() {});
        for (String f : listing(out)) {
            assertArrayEquals(Files.readAllBytes(out.resolve(f)), Files.readAllBytes(again.resolve(f)), f);
        }
    }

    @Test
    void theFramingScanFindsTheRecordsTensorFlowReadsAndNamesAFlippedByte() throws Exception {
        Path out = work.resolve("scan");
        TfRecordConverter.Result result = TfRecordConverter.convert(
                images, out, new TfRecordConverter.Options("toy", 1, 0, 3), new TfRecordConverter.Listener() {});
        Path shard = result.trainShards().get(0);
        List<Long> offsets = new ArrayList<>();
        List<Long> lengths = new ArrayList<>();
        try (TfReader reader = new TfReader()) {
            long offset = 0;
            for (Parsed p : reader.read(List.of(shard))) {
                // TFRecord framing: 8-byte length + 4-byte CRC, the data, 4-byte CRC.
                offsets.add(offset);
                lengths.add((long) p.serialized().length);
                offset += 16 + p.serialized().length;
            }
            assertEquals(13, offsets.size());
            assertEquals(offset, Files.size(shard));

            TfRecordScan clean = TfRecordScan.scan(shard);
            assertTrue(clean.clean());
            assertEquals(
                    offsets,
                    clean.records().stream().map(TfRecordScan.Record::offset).toList());
            assertEquals(
                    lengths,
                    clean.records().stream().map(TfRecordScan.Record::length).toList());

            // One flipped data byte: TF's reader stops there; the scan names that record and reads on.
            byte[] bytes = Files.readAllBytes(shard);
            byte[] flipped = bytes.clone();
            flipped[(int) (offsets.get(5) + 12 + lengths.get(5) / 2)] ^= 0x01;
            Path corrupt = Files.write(work.resolve("corrupt.tfrecord"), flipped);
            assertThrows(TensorFlowException.class, () -> reader.read(List.of(corrupt)));
            TfRecordScan scan = TfRecordScan.scan(corrupt);
            assertEquals(
                    List.of(offsets.get(5)),
                    scan.corrupt().stream().map(TfRecordScan.Record::offset).toList());
            assertEquals(12, scan.intact().size());
            assertEquals(-1, scan.lostFrom());

            // A flipped length field: nothing after it can be found.
            byte[] badLength = bytes.clone();
            badLength[(int) (offsets.get(7) + 2)] ^= 0x10;
            TfRecordScan lost = TfRecordScan.scan(Files.write(work.resolve("length.tfrecord"), badLength));
            assertEquals(offsets.get(7), lost.lostFrom());
            assertEquals(7, lost.records().size());
            assertTrue(lost.lostReason().contains("length field"), lost.lostReason());

            // A truncated file: the last record is lost from its offset on.
            byte[] truncated = Arrays.copyOf(bytes, (int) (offsets.get(12) + 20));
            TfRecordScan cut = TfRecordScan.scan(Files.write(work.resolve("cut.tfrecord"), truncated));
            assertEquals(offsets.get(12), cut.lostFrom());
            assertEquals(12, cut.intact().size());
            assertTrue(cut.lostReason().startsWith("truncated"), cut.lostReason());
        }
    }

    @Test
    void badOptionsNameTheField() {
        ConfigException e = assertThrows(ConfigException.class, () -> new TfRecordConverter.Options("toy", 0, 0.1, 1));
        assertEquals("shards must be in [1, 99999]. Received: 0", e.getMessage());
        e = assertThrows(ConfigException.class, () -> new TfRecordConverter.Options("toy", 2, 1.0, 1));
        assertTrue(e.getMessage().startsWith("validationSplit must be in [0, 1)"), e.getMessage());
    }
}
