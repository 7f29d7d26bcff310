package jacktf.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.TestData;
import jacktf.TfWrittenCheckpoints;
import jacktf.model.ModelGraph;
import jacktf.runtime.Sessions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * Hundreds of mutated variants of real checkpoints (truncations, flipped bytes, missing and
 * swapped shards, empty files) fed to the reader and to an in-graph restore: each is read
 * correctly or rejected with a CheckpointException; never a crash, a hang or a wrong value.
 */
@Tag("slow")
class CorruptCheckpointFuzzTest {
    static final int MUTATIONS_PER_SOURCE = Integer.getInteger("jacktf.fuzzMutations", 130);

    /** A checkpoint: its files and the values every tensor must read as. */
    record Source(String name, Path dir, String open, List<String> files) {}

    /** Reads every tensor; the values as raw bytes by name. */
    static Map<String, ByteBuffer> readAll(Path path) {
        Map<String, ByteBuffer> values = new HashMap<>();
        try (Checkpoint c = Checkpoint.open(path)) {
            for (TensorInfo t : c.tensors()) {
                CheckpointTensor v = c.read(t.name());
                values.put(
                        t.name(),
                        t.dtype() == DataType.DT_STRING
                                ? ByteBuffer.wrap(v.strings().toString().getBytes())
                                : v.data());
            }
        }
        return values;
    }

    @Test
    void mutatedCheckpointsAreReadCorrectlyOrRejected(@TempDir Path work) throws Exception {
        // TF-written files TF 2.18 still writes (generated: TfWrittenCheckpoints), jacktf's own, and the Snappy
        // index only older TF wrote when ../shared/testdata is there
        List<Source> sources = new ArrayList<>(List.of(
                new Source(
                        "two-shards",
                        TfWrittenCheckpoints.twoShardsDir(),
                        TfWrittenCheckpoints.TWO_SHARDS_PREFIX,
                        TfWrittenCheckpoints.twoShardsFiles()),
                new Source(
                        "v1",
                        TfWrittenCheckpoints.v1Dir(),
                        TfWrittenCheckpoints.V1_FILE,
                        List.of(TfWrittenCheckpoints.V1_FILE)),
                new Source(
                        "own-v2",
                        writeOwnCheckpoint(work.resolve("own")),
                        "model.ckpt-7",
                        List.of("model.ckpt-7.index", "model.ckpt-7.data-00000-of-00001"))));
        if (TestData.present()) {
            sources.add(new Source(
                    "v2-snappy",
                    TestData.checkpoints().resolve("half_plus_two_v2_snappy"),
                    "variables",
                    List.of("variables.index", "variables.data-00000-of-00001")));
        } else {
            System.out.println("CorruptCheckpointFuzzTest: no ../shared/testdata, so the Snappy-index checkpoint is"
                    + " left out of the mutated sources (the other three run)");
        }
        Random random = new Random(2026);
        int tried = 0;
        int readCorrectly = 0;
        int rejected = 0;
        int restoresTried = 0;
        for (Source source : sources) {
            Map<String, ByteBuffer> truth = readAll(source.dir().resolve(source.open()));
            for (int m = 0; m < MUTATIONS_PER_SOURCE; m++) {
                Path dir = Files.createDirectories(work.resolve(source.name() + "-" + m));
                for (String f : source.files()) {
                    Files.copy(source.dir().resolve(f), dir.resolve(f));
                }
                String what = mutate(dir, source.files(), random);
                tried++;
                Path path = dir.resolve(source.open());
                Map<String, ByteBuffer> values;
                try {
                    values = readAll(path);
                } catch (CheckpointException expected) {
                    assertTrue(
                            expected.getMessage() != null
                                    && !expected.getMessage().isBlank(),
                            what);
                    rejected++;
                    continue;
                }
                assertEquals(
                        truth.keySet(), values.keySet(), what + ": read without error, so the names must be right");
                for (var e : truth.entrySet()) {
                    assertEquals(e.getValue(), values.get(e.getKey()), what + ": wrong value for " + e.getKey());
                }
                readCorrectly++;
                if (source.name().equals("own-v2") && restoresTried < 40) {
                    restoresTried++;
                    assertRestoresExactly(path, truth);
                }
            }
        }
        System.out.printf(
                "corrupt checkpoints: %d mutations tried, %d read correctly (mutation hit unused bytes), "
                        + "%d rejected with a clear error, 0 wrong values, 0 crashes; %d in-graph restores of readable ones%n",
                tried, readCorrectly, rejected, restoresTried);
        // every source mutated MUTATIONS_PER_SOURCE times (3 sources without ../shared's Snappy checkpoint, 4 with it)
        assertEquals(sources.size() * MUTATIONS_PER_SOURCE, tried);
    }

    /** Applies one random mutation; says which. */
    static String mutate(Path dir, List<String> files, Random random) throws IOException {
        Path file = dir.resolve(files.get(random.nextInt(files.size())));
        byte[] bytes = Files.readAllBytes(file);
        int kind = random.nextInt(7);
        switch (kind) {
            case 0 -> {
                int at = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
                Files.write(file, Arrays.copyOf(bytes, at));
                return file.getFileName() + " truncated at " + at;
            }
            case 1, 2 -> {
                int flips = 1 + random.nextInt(4);
                StringBuilder at = new StringBuilder();
                for (int i = 0; i < flips && bytes.length > 0; i++) {
                    int pos = random.nextInt(bytes.length);
                    bytes[pos] ^= (byte) (1 + random.nextInt(255));
                    at.append(pos).append(' ');
                }
                Files.write(file, bytes);
                return file.getFileName() + " bytes flipped at " + at;
            }
            case 3 -> {
                Files.write(file, new byte[0]);
                return file.getFileName() + " emptied";
            }
            case 4 -> {
                Files.delete(file);
                return file.getFileName() + " missing";
            }
            case 5 -> {
                if (files.size() < 2) {
                    Files.write(file, Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(64)));
                    return file.getFileName() + " padded";
                }
                Path other =
                        dir.resolve(files.get((files.indexOf(file.getFileName().toString()) + 1) % files.size()));
                Path temp = dir.resolve("swap.tmp");
                Files.move(file, temp);
                Files.move(other, file);
                Files.move(temp, other);
                return file.getFileName() + " swapped with " + other.getFileName();
            }
            default -> {
                int at = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
                byte[] garbage = new byte[1 + random.nextInt(32)];
                random.nextBytes(garbage);
                System.arraycopy(garbage, 0, bytes, at, Math.min(garbage.length, bytes.length - at));
                Files.write(file, bytes);
                return file.getFileName() + " overwritten at " + at;
            }
        }
    }

    static Path writeOwnCheckpoint(Path dir) throws IOException {
        try (Graph g = new Graph()) {
            ModelGraph mg = ModelGraph.local(g);
            Ops tf = mg.ops("");
            List<CheckpointVariable> targets = new ArrayList<>();
            Random random = new Random(1);
            List<Op> assigns = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Variable<TFloat32> v = tf.withName("w" + i).variable(Shape.of(50 + i * 7), TFloat32.class);
                float[] values = new float[50 + i * 7];
                for (int k = 0; k < values.length; k++) {
                    values[k] = (float) random.nextGaussian();
                }
                assigns.add(tf.assign(v, tf.constant(values)));
                targets.add(CheckpointVariable.of(v, DataType.DT_FLOAT));
            }
            try (Session s = Sessions.open(g)) {
                assigns.forEach(s::run);
                new CheckpointSaver(mg, targets, dir, 1).save(s, 7);
            }
        }
        return dir;
    }

    /** A checkpoint that reads correctly also restores exactly through RestoreV2. */
    static void assertRestoresExactly(Path path, Map<String, ByteBuffer> truth) {
        try (Graph g = new Graph();
                Checkpoint c = Checkpoint.open(path)) {
            ModelGraph mg = ModelGraph.local(g);
            Ops tf = mg.ops("");
            List<CheckpointVariable> targets = new ArrayList<>();
            for (TensorInfo t : c.tensors()) {
                Variable<TFloat32> v = tf.withName(t.name()).variable(Shape.of(t.shape()), TFloat32.class);
                targets.add(CheckpointVariable.of(v, DataType.DT_FLOAT));
            }
            try (Session s = Sessions.open(g)) {
                Restorer.restore(s, mg, RestorePlan.create(targets, c, RestoreOptions.all()));
                for (CheckpointVariable t : targets) {
                    try (Result r = s.runner().fetch(t.variable()).run()) {
                        ByteBuffer expected = truth.get(t.name());
                        TFloat32 value = (TFloat32) r.get(0);
                        for (int i = 0; i < value.shape().size(); i++) {
                            assertEquals(expected.getFloat(4 * i), value.getFloat(i), 0f, t.name());
                        }
                    }
                }
            }
        }
    }
}
