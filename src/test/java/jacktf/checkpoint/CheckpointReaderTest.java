package jacktf.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.TestData;
import jacktf.TfWrittenCheckpoints;
import jacktf.runtime.Crc32c;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph;

/**
 * Real TensorFlow checkpoints read exactly as written: those TF 2.18 writes (V1 by {@code SaveSlices}, two-shard
 * V2 by {@code SaveV2} and {@code MergeV2Checkpoints}: {@link TfWrittenCheckpoints}) against the values fed to
 * TF's ops, and those only older TF wrote (../shared/testdata: a Snappy-compressed index, a TF2 object graph) as
 * their EXPECTED.tsv says.
 */
class CheckpointReaderTest {

    /** Every tensor TF's op was fed, with its dtype, shape and exact values; nothing else. */
    static void assertMatchesFed(Checkpoint ckpt, List<TfWrittenCheckpoints.Tensor> fed) {
        assertEquals(fed.size(), ckpt.tensors().size(), "tensor count");
        for (TfWrittenCheckpoints.Tensor t : fed) {
            TensorInfo info = ckpt.find(t.name()).orElseThrow(() -> new AssertionError("missing " + t.name()));
            assertEquals(t.dtype(), info.dtype(), t.name());
            assertEquals(t.dtypeName(), info.dtypeName(), t.name());
            assertEquals(t.shapeString(), info.shapeString(), t.name());
            List<String> values = ckpt.read(t.name()).formatValues(-1);
            assertEquals(t.values().length, values.size(), t.name());
            for (int i = 0; i < values.size(); i++) {
                double actual = Double.parseDouble(values.get(i));
                if (info.dtype() == DataType.DT_FLOAT) {
                    assertEquals((float) t.values()[i], (float) actual, 0f, t.name() + "[" + i + "]");
                } else {
                    assertEquals(t.values()[i], actual, 0.0, t.name() + "[" + i + "]");
                }
            }
        }
    }

    static void assertMatchesExpected(Checkpoint ckpt, Path expectedTsv) throws IOException {
        List<ExpectedTsv> expected = ExpectedTsv.read(expectedTsv, false);
        assertEquals(expected.size(), ckpt.tensors().size(), "tensor count");
        for (ExpectedTsv e : expected) {
            TensorInfo info = ckpt.find(e.name()).orElseThrow(() -> new AssertionError("missing " + e.name()));
            assertEquals(e.dtype(), info.dtypeName(), e.name());
            assertEquals(e.shape(), info.shapeString(), e.name());
            List<String> values = ckpt.read(e.name()).formatValues(-1);
            if (e.count() >= 0) {
                assertEquals(e.count(), values.size(), e.name());
            } else {
                assertEquals(e.values().size(), values.size(), e.name());
            }
            for (int i = 0; i < e.values().size(); i++) {
                double actual = Double.parseDouble(values.get(i));
                if (info.dtype() == DataType.DT_FLOAT) {
                    assertEquals((float) (double) e.values().get(i), (float) actual, 0f, e.name() + "[" + i + "]");
                } else {
                    assertEquals(e.values().get(i), actual, 0.0, e.name() + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void v2WithSnappyCompressedIndex() throws IOException {
        Path dir = TestData.checkpoints().resolve("half_plus_two_v2_snappy");
        try (Checkpoint ckpt = Checkpoint.open(dir.resolve("variables"))) {
            assertEquals(Checkpoint.Format.V2, ckpt.format());
            assertMatchesExpected(ckpt, dir.resolve("EXPECTED.tsv"));
            assertArrayEquals(new float[] {0.5f}, ckpt.read("a").floats());
            assertArrayEquals(new float[] {3f}, ckpt.read("c2").floats());
        }
    }

    @Test
    void v2WithTwoDataShards() throws IOException {
        Path dir = TfWrittenCheckpoints.twoShardsDir();
        try (Checkpoint ckpt = Checkpoint.open(dir.resolve(TfWrittenCheckpoints.TWO_SHARDS_PREFIX))) {
            assertEquals(Checkpoint.Format.V2, ckpt.format());
            assertMatchesFed(ckpt, TfWrittenCheckpoints.TWO_SHARDS);
            assertArrayEquals(new long[] {1}, ckpt.read("global_step").longs());
            assertArrayEquals(
                    new float[] {0.9f * 0.9f}, ckpt.read("training/beta1_power").floats());
        }
        // each tensor went to the shard it was saved in: a shard's data file is its tensors' raw bytes
        for (int shard = 0; shard < 2; shard++) {
            int s = shard;
            long bytes = TfWrittenCheckpoints.TWO_SHARDS.stream()
                    .filter(t -> t.shard() == s)
                    .mapToLong(TfWrittenCheckpoints.Tensor::byteSize)
                    .sum();
            assertEquals(
                    bytes,
                    Files.size(
                            dir.resolve(TfWrittenCheckpoints.TWO_SHARDS_PREFIX + ".data-0000" + shard + "-of-00002")),
                    "shard " + shard);
        }
    }

    @Test
    void v1TensorSliceFile() throws IOException {
        try (Checkpoint ckpt = Checkpoint.open(TfWrittenCheckpoints.v1File())) {
            assertEquals(Checkpoint.Format.V1, ckpt.format());
            assertMatchesFed(ckpt, TfWrittenCheckpoints.V1);
            assertArrayEquals(new float[] {0.5f}, ckpt.read("a").floats());
            assertArrayEquals(new float[] {2f}, ckpt.read("b").floats());
        }
    }

    @Test
    void pathFormsPeoplePass() {
        Path twoShards = TfWrittenCheckpoints.twoShardsDir();
        Path prefix = twoShards.resolve("model.ckpt-1");
        assertEquals(prefix, Checkpoint.resolve(twoShards), "directory with a checkpoint state file");
        assertEquals(prefix, Checkpoint.resolve(twoShards.resolve("model.ckpt-1.index")));
        assertEquals(prefix, Checkpoint.resolve(twoShards.resolve("model.ckpt-1.data-00001-of-00002")));
    }

    @Test
    void pathFormsOfOlderTfsFiles() {
        Path savedModel = TestData.savedModels().resolve("half_plus_two_tf1");
        assertEquals(savedModel.resolve("variables/variables"), Checkpoint.resolve(savedModel));
        Path snappyDir = TestData.checkpoints().resolve("half_plus_two_v2_snappy");
        assertEquals(snappyDir.resolve("variables"), Checkpoint.resolve(snappyDir), "the one *.index in a directory");
    }

    @Test
    void stateFileWrittenOnAnotherMachineIsFoundLocally(@TempDir Path dir) throws IOException {
        Path src = TfWrittenCheckpoints.twoShardsDir();
        for (String f :
                List.of("model.ckpt-1.index", "model.ckpt-1.data-00000-of-00002", "model.ckpt-1.data-00001-of-00002")) {
            Files.copy(src.resolve(f), dir.resolve(f));
        }
        Files.writeString(
                dir.resolve("checkpoint"),
                "model_checkpoint_path: \"/gone/elsewhere/model.ckpt-1\"\n"
                        + "all_model_checkpoint_paths: \"/gone/elsewhere/model.ckpt-1\"\n");
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            assertEquals(dir.resolve("model.ckpt-1"), ckpt.path());
        }
    }

    // ---- corrupt input: a clear error naming the file and the problem, never wrong values

    private static Path copyOf(Path srcDir, Path dir, String... files) throws IOException {
        for (String f : files) {
            Files.copy(srcDir.resolve(f), dir.resolve(f));
        }
        return dir;
    }

    private static CheckpointException failsReading(Path path) {
        return assertThrows(CheckpointException.class, () -> {
            try (Checkpoint c = Checkpoint.open(path)) {
                for (TensorInfo t : c.tensors()) {
                    c.read(t.name());
                }
            }
        });
    }

    private static void flipByte(Path file, long offset) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) offset] ^= 0x5a;
        Files.write(file, bytes);
    }

    /**
     * A real TF2 checkpoint holds one string tensor, checksummed by TF over its logical content. Its
     * value is a serialized TrackableObjectGraph: parsed with TF's own proto class, the root names
     * the children EXPECTED.tsv lists.
     */
    @Test
    void tf2ObjectGraphStringTensorReadsAndParses() throws IOException {
        Path dir = TestData.checkpoints().resolve("tf2_object_graph");
        try (Checkpoint ckpt = Checkpoint.open(dir.resolve("variables"))) {
            TensorInfo info = ckpt.find("_CHECKPOINTABLE_OBJECT_GRAPH").orElseThrow();
            assertEquals("string", info.dtypeName());
            assertEquals("", info.shapeString());
            List<byte[]> value = ckpt.read("_CHECKPOINTABLE_OBJECT_GRAPH").strings();
            assertEquals(1, value.size());
            assertEquals(921, value.get(0).length);
            TrackableObjectGraph graph = TrackableObjectGraph.parseFrom(value.get(0));
            List<String> children = graph.getNodes(0).getChildrenList().stream()
                    .map(TrackableObjectGraph.TrackableObject.ObjectReference::getLocalName)
                    .toList();
            assertTrue(children.containsAll(List.of("variables", "trainable_variables")), children.toString());
        }
    }

    @Test
    void flippedStringByteIsAChecksumMismatch(@TempDir Path dir) throws IOException {
        Path src = TestData.checkpoints().resolve("tf2_object_graph");
        copyOf(src, dir, "variables.index", "variables.data-00000-of-00001");
        // 2 varint length bytes + 4 checksum bytes, then the serialized graph: flip a byte inside it
        flipByte(dir.resolve("variables.data-00000-of-00001"), 2 + 4 + 100);
        CheckpointException e = failsReading(dir.resolve("variables"));
        assertTrue(
                e.getMessage().contains("checksum mismatch for tensor '_CHECKPOINTABLE_OBJECT_GRAPH'"), e.getMessage());
    }

    @Test
    void flippedDataByteInTfWrittenShardIsAChecksumMismatch(@TempDir Path dir) throws IOException {
        Path src = TfWrittenCheckpoints.twoShardsDir();
        copyOf(src, dir, TfWrittenCheckpoints.twoShardsFiles().toArray(String[]::new));
        Path shard0 = dir.resolve("model.ckpt-1.data-00000-of-00002");
        flipByte(shard0, 9); // shard 0 holds global_step (8 bytes), then train/loss: byte 9 is inside train/loss
        CheckpointException e = failsReading(dir.resolve("model.ckpt-1"));
        assertTrue(e.getMessage().contains("checksum mismatch for tensor 'train/loss'"), e.getMessage());
        assertEquals(shard0, e.file());
    }

    @Test
    void flippedDataByteIsAChecksumMismatch(@TempDir Path dir) throws IOException {
        Path src = TestData.checkpoints().resolve("half_plus_two_v2_snappy");
        copyOf(src, dir, "variables.index", "variables.data-00000-of-00001");
        flipByte(dir.resolve("variables.data-00000-of-00001"), 9); // inside tensor b
        CheckpointException e = failsReading(dir.resolve("variables"));
        assertTrue(e.getMessage().contains("checksum mismatch for tensor 'b'"), e.getMessage());
        assertEquals(dir.resolve("variables.data-00000-of-00001"), e.file());
    }

    @Test
    void flippedIndexByteIsReported(@TempDir Path dir) throws IOException {
        Path src = TestData.checkpoints().resolve("half_plus_two_v2_snappy");
        copyOf(src, dir, "variables.index", "variables.data-00000-of-00001");
        flipByte(dir.resolve("variables.index"), 10);
        CheckpointException e = failsReading(dir.resolve("variables"));
        assertTrue(e.getMessage().contains("variables.index"), e.getMessage());
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    }

    @Test
    void truncatedDataFileIsReported(@TempDir Path dir) throws IOException {
        Path src = TfWrittenCheckpoints.twoShardsDir();
        copyOf(src, dir, "model.ckpt-1.index", "model.ckpt-1.data-00000-of-00002", "model.ckpt-1.data-00001-of-00002");
        Path data = dir.resolve("model.ckpt-1.data-00001-of-00002");
        byte[] bytes = Files.readAllBytes(data);
        Files.write(data, Arrays.copyOf(bytes, bytes.length / 2));
        CheckpointException e = failsReading(dir.resolve("model.ckpt-1"));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertEquals(data, e.file());
    }

    @Test
    void missingShardIsReported(@TempDir Path dir) throws IOException {
        Path src = TfWrittenCheckpoints.twoShardsDir();
        copyOf(src, dir, "model.ckpt-1.index", "model.ckpt-1.data-00000-of-00002");
        CheckpointException e = failsReading(dir.resolve("model.ckpt-1"));
        assertTrue(e.getMessage().contains("data shard 1 of 2 is missing"), e.getMessage());
    }

    @Test
    void truncatedV1FileIsReported(@TempDir Path dir) throws IOException {
        Path v1 = TfWrittenCheckpoints.v1File();
        byte[] bytes = Files.readAllBytes(v1);
        Path cut = dir.resolve("model.ckpt");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 10));
        CheckpointException e = failsReading(cut);
        assertTrue(e.getMessage().contains("not a TensorFlow checkpoint table"), e.getMessage());
    }

    @Test
    void notACheckpointAtAll(@TempDir Path dir) throws IOException {
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "these are not the weights you are looking for\n".repeat(3));
        assertTrue(failsReading(text).getMessage().contains("not a TensorFlow checkpoint"));
        Path empty = dir.resolve("empty.ckpt");
        Files.write(empty, new byte[0]);
        assertTrue(failsReading(empty).getMessage().contains("too short"));
        CheckpointException wrongPath = failsReading(dir.resolve("nope/model.ckpt-5"));
        assertTrue(wrongPath.getMessage().contains("no checkpoint here"), wrongPath.getMessage());
        CheckpointException emptyDir = failsReading(dir);
        assertTrue(emptyDir.getMessage().contains("holds no checkpoint"), emptyDir.getMessage());
    }

    @Test
    void maskedCrcMatchesTensorFlows() {
        // crc32c("a") = 0xc1d04330; TF's mask rotates right by 15 and adds 0xa282ead8
        int crc = Crc32c.of(ByteBuffer.wrap(new byte[] {'a'}));
        assertEquals(0xc1d04330, crc);
        assertEquals(crc, Crc32c.unmask(Crc32c.mask(crc)));
    }
}
