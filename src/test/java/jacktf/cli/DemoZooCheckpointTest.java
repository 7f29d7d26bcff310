package jacktf.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.TestData;
import jacktf.TfWrittenCheckpoints;
import jacktf.checkpoint.Checkpoint;
import jacktf.checkpoint.TensorInfo;
import jacktf.data.TestImages;
import jacktf.runtime.Sessions;
import jacktf.serve.Classifier;
import jacktf.testing.PretrainedCheckpoint;
import jacktf.traindir.TrainDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * {@code jacktf demo --dataset-dir DIR} with {@code models/resnet_v1_50.ckpt} as the zoo tarball holds it:
 * a TF V1 single-file checkpoint (a TensorSlice table, no {@code .index}). The file is written by TF's own
 * {@code SaveSlices} op with empty slice specs (what TF1's V1 saver ran; {@code Save} in TF Java is
 * SaveV2), holding resnet_v1_50 weights from {@link PretrainedCheckpoint}, and the demo then fine-tunes it
 * on the real photos of the test data with slim's two-stage recipe at 224 px, in a few steps.
 */
@Tag("slow")
class DemoZooCheckpointTest {
    /** The footer magic of a TF V1 checkpoint table (tensorflow/core/lib/io/format.h, kTableMagicNumber). */
    static final long TABLE_MAGIC = 0xdb4775248b80fb57L;

    /** Writes every resnet_v1_50 tensor of {@code source} to {@code file} as a V1 checkpoint through SaveSlices. */
    static Map<String, float[]> writeZooCheckpoint(Path source, Path file) {
        Map<String, float[]> values = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        try (Checkpoint c = Checkpoint.open(source)) {
            for (TensorInfo t : c.tensors()) {
                // the zoo file holds the model's variables only (no global_step, no optimizer slots)
                if (t.name().startsWith("resnet_v1_50/") && t.dtype() == DataType.DT_FLOAT) {
                    values.put(t.name(), c.read(t.name()).floats());
                    shapes.put(t.name(), t.shape());
                }
            }
        }
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            List<Operand<?>> data = new ArrayList<>();
            List<Placeholder<TFloat32>> inputs = new ArrayList<>();
            for (String name : values.keySet()) {
                Placeholder<TFloat32> p = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(shapes.get(name))));
                inputs.add(p);
                data.add(p);
            }
            String[] names = values.keySet().toArray(String[]::new);
            String[] wholeTensors = new String[names.length];
            Arrays.fill(wholeTensors, ""); // an empty slice spec: the whole tensor, as TF1's V1 saver wrote it
            var save = tf.train.saveSlices(
                    tf.constant(file.toString()),
                    tf.constant(NdArrays.vectorOfObjects(names)),
                    tf.constant(NdArrays.vectorOfObjects(wholeTensors)),
                    data);
            List<TFloat32> feeds = new ArrayList<>();
            try (Session session = Sessions.open(graph)) {
                Session.Runner runner = session.runner().addTarget(save);
                int i = 0;
                for (String name : names) {
                    TFloat32 t = TFloat32.tensorOf(Shape.of(shapes.get(name)), DataBuffers.of(values.get(name)));
                    feeds.add(t);
                    runner.feed(inputs.get(i++), t);
                }
                runner.run();
            } finally {
                feeds.forEach(TFloat32::close);
            }
        }
        return values;
    }

    static long footerMagic(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long magic = 0;
        for (int i = 0; i < 8; i++) {
            magic |= (bytes[bytes.length - 8 + i] & 0xffL) << (8 * i); // little-endian fixed64
        }
        return magic;
    }

    @Test
    void theDemoFineTunesAZooFormatCheckpointWithSlimsRecipe(@TempDir Path work) throws Exception {
        Path zoo = work.resolve("models/resnet_v1_50.ckpt");
        Files.createDirectories(zoo.getParent());
        Map<String, float[]> written =
                writeZooCheckpoint(PretrainedCheckpoint.get().checkpoint(), zoo);
        assertEquals(267, written.size(), "slim's resnet_v1_50 with logits");

        // the file is what the zoo ships: one V1 table file, the same footer as a real TF1 V1 checkpoint
        assertTrue(Files.isRegularFile(zoo));
        assertFalse(Files.exists(work.resolve("models/resnet_v1_50.ckpt.index")), "no V2 index");
        Path realV1 = TfWrittenCheckpoints.v1File(); // written by TF's SaveSlices
        assertEquals(HexFormat.of().toHexDigits(TABLE_MAGIC), HexFormat.of().toHexDigits(footerMagic(realV1)));
        assertEquals(HexFormat.of().toHexDigits(TABLE_MAGIC), HexFormat.of().toHexDigits(footerMagic(zoo)));
        String backbone = "resnet_v1_50/block3/unit_2/bottleneck_v1/conv2/weights";
        try (Checkpoint c = Checkpoint.open(zoo)) {
            assertEquals(Checkpoint.Format.V1, c.format());
            assertEquals(267, c.tensors().size());
            assertArrayEquals(written.get(backbone), c.read(backbone).floats(), 0f);
        }

        // the real photos as a two-class dataset where ../shared/testdata is there, else JPEGs TF's encoder wrote
        // (the same kinds: baseline, progressive, grayscale); the dataset's mechanics are checked, not its accuracy
        Path photos = work.resolve("photos");
        for (String[] f : new String[][] {
            {"cat", "cat.jpg"}, {"cat", "cat_2.jpg"}, {"cat", "cat_gray.jpg"}, {"dog", "dog.jpg"}, {"dog", "dog1.jpg"}
        }) {
            Path target = Files.createDirectories(photos.resolve(f[0])).resolve(f[1]);
            if (TestData.present()) {
                Files.copy(TestData.images().resolve(f[1]), target);
            } else {
                TestImages.tfJpeg(
                        target,
                        f[1].equals("dog1.jpg") ? 200 : 320,
                        240,
                        f[1].equals("cat_gray.jpg")
                                ? TestImages.JpegKind.GRAYSCALE
                                : f[1].equals("cat_2.jpg")
                                        ? TestImages.JpegKind.PROGRESSIVE_RGB
                                        : TestImages.JpegKind.BASELINE_RGB);
            }
        }

        CliTest.Run r = CliTest.run(
                "demo",
                "--quick",
                "--workdir",
                work.toString(),
                "--dataset-dir",
                photos.toString(),
                "--head-steps",
                "2",
                "--all-steps",
                "1");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("Using the real slim checkpoint " + zoo), r.out());
        r.out().lines().filter(l -> l.startsWith("Done in")).forEach(System.out::println); // the demo's own time

        // stage 1: only the new head trained, at 224 px; the backbone is the zoo file's, bit for bit
        Path headDir = work.resolve("demo/train/cats_vs_dogs_head");
        assertEquals(224, TrainDir.of(headDir).modelInfo().imageSize());
        try (Checkpoint head = Checkpoint.open(headDir)) {
            assertEquals(2L, head.read("global_step").longs()[0]);
            assertArrayEquals(written.get(backbone), head.read(backbone).floats(), 0f, "frozen in stage 1");
            assertEquals(
                    2, head.find("resnet_v1_50/logits/biases").orElseThrow().shape()[0]);
        }
        // stage 2: every layer, starting from stage 1's checkpoint
        Path trainDir = work.resolve("demo/train/cats_vs_dogs");
        assertEquals(224, TrainDir.of(trainDir).modelInfo().imageSize());
        try (Checkpoint head = Checkpoint.open(headDir);
                Checkpoint all = Checkpoint.open(trainDir)) {
            assertEquals(1L, all.read("global_step").longs()[0]);
            assertFalse(
                    Arrays.equals(
                            head.read(backbone).floats(), all.read(backbone).floats()),
                    "the backbone trains in stage 2");
            float[] before = head.read("resnet_v1_50/logits/weights").floats();
            float[] after = all.read("resnet_v1_50/logits/weights").floats();
            double moved = 0;
            for (int i = 0; i < before.length; i++) {
                moved = Math.max(moved, Math.abs(after[i] - before[i]));
            }
            // TF1's RMSProp from ms = 1 (rho 0.9): |step| = lr * |g| / sqrt(0.9 + 0.1 g^2) < lr * sqrt(10) for
            // any gradient, so one step at stage 2's 0.001 moves no weight by 0.0032 (stage 1's 0.01 could: 0.032)
            assertTrue(moved > 0 && moved < 0.001 * Math.sqrt(10), "one RMSProp step at 0.001: " + moved);
        }

        // the SavedModel classifies a photo with the dataset's classes
        try (Classifier classifier = Classifier.load(work.resolve("savedmodels/cats_vs_dogs"))) {
            assertEquals(List.of("cat", "dog"), classifier.classNames());
            Classifier.Prediction p = classifier.classify(Files.readAllBytes(photos.resolve("dog/dog.jpg")));
            assertEquals(
                    1.0,
                    p.scores().stream()
                            .mapToDouble(Classifier.Score::probability)
                            .sum(),
                    1e-5);
        }
        assertTrue(Files.isRegularFile(trainDir.resolve("report.html")));
    }
}
