package jacktf.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jacktf.config.ConfigException;
import jacktf.config.JacktfException;
import jacktf.config.Preprocessing;
import jacktf.model.Architecture;
import jacktf.model.BatchNormPolicy;
import jacktf.model.Block;
import jacktf.model.ModelGraph;
import jacktf.model.NetworkType;
import jacktf.model.Networks;
import jacktf.model.ResNetV1;
import jacktf.model.TinyNet;
import jacktf.runtime.Sessions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Zoo downloads against a local server on 127.0.0.1 serving tarballs built here from a TinyNet
 * checkpoint that TensorFlow's SaveV2 wrote: success, a resumed cut connection, a pinned hash, 404,
 * an archive without the checkpoint, corrupt tensor bytes, the wrong network, and no network at all.
 *
 * <p>The variable check runs for real on a test zoo entry for {@link TinyNet} (names and shapes of
 * the network's 97 variables against the checkpoint's), since a resnet_v1_50 checkpoint is 100 MB.
 */
class PretrainedCheckpointsTest {
    private static final String CKPT = "resnet_v1_tiny.ckpt";
    private static final String INDEX = CKPT + ".index";
    private static final String DATA = CKPT + ".data-00000-of-00001";
    private static final int CLASSES = 5;
    private static final ZooCheckpoint TINY = tinyEntry(TinyNet.ARCHITECTURE, CLASSES);
    /**
     * TinyNet's variables counted by hand (RestoreAndSaveTest.TINY_VARIABLES: 95 in the body) plus
     * the logits' weights and biases.
     */
    private static final int TINY_VARIABLES_WITH_HEAD = 95 + 2;

    @TempDir
    static Path fixtures;

    /** A zoo entry for a tiny ResNet-v1 holding a V2 checkpoint, published at a name the test servers serve. */
    private static ZooCheckpoint tinyEntry(NetworkType network, int classes) {
        return new ZooCheckpoint(
                "resnet_v1_tiny",
                network,
                URI.create("http://zoo.invalid/models/resnet_v1_tiny_2026_11_29.tar.gz"),
                CKPT,
                Checkpoint.Format.V2,
                classes,
                0,
                Preprocessing.VGG,
                32,
                List.of(network.scope() + "/logits"));
    }

    /** The checkpoint's files by name, as SaveV2 wrote them. */
    private static Map<String, byte[]> checkpointFiles;

    @BeforeAll
    static void writeCheckpoint() throws IOException {
        Path trainDir = fixtures.resolve("train");
        try (Graph graph = new Graph()) {
            ModelGraph mg = ModelGraph.local(graph);
            ResNetV1.builder(TinyNet.ARCHITECTURE)
                    .numClasses(CLASSES)
                    .build()
                    .apply(
                            mg,
                            mg.ops("").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 32, 32, 3))),
                            BatchNormPolicy.inference());
            try (Session session = Sessions.open(graph)) {
                session.run(mg.initializer());
                new CheckpointSaver(mg, CheckpointVariable.modelVariables(mg), trainDir, 1).save(session, 1);
            }
        }
        checkpointFiles = new LinkedHashMap<>();
        checkpointFiles.put(DATA, Files.readAllBytes(trainDir.resolve("model.ckpt-1.data-00000-of-00001")));
        checkpointFiles.put(INDEX, Files.readAllBytes(trainDir.resolve("model.ckpt-1.index")));
    }

    private static byte[] tarball(Map<String, byte[]> files) throws IOException {
        return ZooFixtures.tarball(files);
    }

    /** A tarball as a MobileNet's: the V2 checkpoint beside its .meta, a frozen graph and a .tflite, none unpacked. */
    private static byte[] goodTarball() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>(checkpointFiles);
        files.put(CKPT + ".meta", "a MetaGraphDef placeholder".getBytes(StandardCharsets.UTF_8));
        files.put("resnet_v1_tiny_frozen.pb", "a frozen GraphDef placeholder".getBytes(StandardCharsets.UTF_8));
        files.put("resnet_v1_tiny.tflite", "a TFLite flatbuffer placeholder".getBytes(StandardCharsets.UTF_8));
        files.put("resnet_v1_tiny_info.txt", "Model: resnet_v1_tiny".getBytes(StandardCharsets.UTF_8));
        return tarball(files);
    }

    @Test
    void downloadsUnpacksOnlyTheCheckpointAndChecksIt(@TempDir Path models) throws Exception {
        byte[] archive = goodTarball();
        try (ZooFixtures.Server server = new ZooFixtures.Server(TINY.archiveName(), archive, -1)) {
            PretrainedCheckpoints zoo = new PretrainedCheckpoints(models, server.base());
            String sha256 = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(archive));
            List<Long> progress = new ArrayList<>();
            PretrainedCheckpoints.Result result = zoo.fetch(TINY, sha256.toUpperCase(Locale.ROOT), listener(progress));

            assertEquals(models.resolve("resnet_v1_tiny").resolve(CKPT), result.checkpoint());
            assertTrue(result.downloaded());
            assertEquals(archive.length, result.archiveBytes());
            assertEquals(TINY_VARIABLES_WITH_HEAD, result.tensors());
            assertEquals(TINY_VARIABLES_WITH_HEAD, result.variables());
            assertEquals((long) archive.length, progress.get(progress.size() - 1));
            assertEquals(List.of("resnet_v1_tiny"), listing(models), "the archive deleted");
            assertEquals(
                    List.of(DATA, INDEX),
                    listing(models.resolve("resnet_v1_tiny")),
                    "only the checkpoint's files: no .meta, frozen graph, .tflite or info file");
            assertArrayEquals(
                    checkpointFiles.get(DATA), Files.readAllBytes(dir(models).resolve(DATA)));
            assertArrayEquals(
                    checkpointFiles.get(INDEX), Files.readAllBytes(dir(models).resolve(INDEX)));
            try (Checkpoint c = Checkpoint.open(result.checkpoint())) {
                assertEquals(Checkpoint.Format.V2, c.format());
            }

            // A second fetch finds the checkpoint in place, checks it and asks the server nothing.
            int requests = server.requests.get();
            PretrainedCheckpoints.Result again = zoo.fetch(TINY);
            assertFalse(again.downloaded());
            assertEquals(TINY_VARIABLES_WITH_HEAD, again.tensors());
            assertEquals(requests, server.requests.get());
        }
    }

    @Test
    void resumesAfterACutConnection(@TempDir Path models) throws Exception {
        byte[] archive = goodTarball();
        int cut = archive.length / 2;
        try (ZooFixtures.Server server = new ZooFixtures.Server(TINY.archiveName(), archive, cut)) {
            PretrainedCheckpoints zoo = new PretrainedCheckpoints(models, server.base());
            DownloadException e = assertThrows(DownloadException.class, () -> zoo.fetch(TINY));
            Path part = models.resolve(TINY.archiveName() + PretrainedCheckpoints.PART_SUFFIX);
            // The server sent `cut` bytes and closed; HttpClient may report the close before handing over its
            // last buffers, so the part holds the first `have` <= cut bytes (measured: 32685 of 38030 once in 4
            // runs on the loaded 2-core machine), and the resume asks for exactly the rest.
            int have = (int) Files.size(part);
            assertTrue(have > 0 && have <= cut, have + " of " + cut);
            assertTrue(
                    e.getMessage().contains("stopped at " + have + " of " + archive.length + " bytes"), e.getMessage());
            assertTrue(e.getMessage().contains("run again to resume"), e.getMessage());
            assertArrayEquals(Arrays.copyOf(archive, have), Files.readAllBytes(part));

            PretrainedCheckpoints.Result result = zoo.fetch(TINY);
            assertEquals(Arrays.asList(null, "bytes=" + have + "-"), server.ranges);
            assertEquals(archive.length, result.archiveBytes());
            assertArrayEquals(
                    checkpointFiles.get(DATA), Files.readAllBytes(dir(models).resolve(DATA)));
            assertArrayEquals(
                    checkpointFiles.get(INDEX), Files.readAllBytes(dir(models).resolve(INDEX)));
            assertEquals(List.of(DATA, INDEX), listing(dir(models)));
        }
    }

    @Test
    void aStalledDownloadStopsAndTheNextRunResumes(@TempDir Path models) throws Exception {
        byte[] archive = goodTarball();
        int cut = archive.length / 3;
        // The server holds the line open 3 s (and answers the resume after that): "no data for" is only said
        // when the watchdog, not the server's close, ended the read.
        try (ZooFixtures.Server server = new ZooFixtures.Server(TINY.archiveName(), archive, cut, 3_000)) {
            PretrainedCheckpoints zoo =
                    new PretrainedCheckpoints(models, server.base()).stallTimeout(Duration.ofMillis(500));
            DownloadException e = assertThrows(DownloadException.class, () -> zoo.fetch(TINY));
            assertTrue(
                    e.getMessage().contains("stopped at " + cut + " of " + archive.length + " bytes (no data for"),
                    e.getMessage());
            zoo.fetch(TINY);
            assertEquals(Arrays.asList(null, "bytes=" + cut + "-"), server.ranges);
            assertArrayEquals(
                    checkpointFiles.get(DATA), Files.readAllBytes(dir(models).resolve(DATA)));
        }
    }

    @Test
    void aWrongPinnedHashRemovesTheArchive(@TempDir Path models) throws Exception {
        byte[] archive = goodTarball();
        try (ZooFixtures.Server server = new ZooFixtures.Server(TINY.archiveName(), archive, -1)) {
            PretrainedCheckpoints zoo = new PretrainedCheckpoints(models, server.base());
            String other = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(new byte[1]));
            CheckpointException e =
                    assertThrows(CheckpointException.class, () -> zoo.fetch(TINY, other, listener(new ArrayList<>())));
            assertTrue(e.getMessage().contains("expected " + other), e.getMessage());
            assertTrue(e.getMessage().contains("Removed " + models.resolve(TINY.archiveName())), e.getMessage());
            assertEquals(List.of(), listing(models));

            assertThrows(
                    ConfigException.class,
                    () -> zoo.fetch(TINY, "abc", listener(new ArrayList<>())),
                    "a hash that is not 64 hex digits");
        }
    }

    @Test
    void notFoundSaysWhereToPutTheArchive(@TempDir Path models) throws Exception {
        try (ZooFixtures.Server server = new ZooFixtures.Server("another_name.tar.gz", goodTarball(), -1)) {
            PretrainedCheckpoints zoo = new PretrainedCheckpoints(models, server.base());
            DownloadException e = assertThrows(DownloadException.class, () -> zoo.fetch(TINY));
            assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
            assertTrue(e.getMessage().contains("put it at " + models.resolve(TINY.archiveName())), e.getMessage());
            assertEquals(List.of(), listing(models));
        }
    }

    @Test
    void anArchiveWithoutTheCheckpointIsRejected(@TempDir Path models) throws Exception {
        byte[] archive = tarball(Map.of("model.ckpt-1.index", checkpointFiles.get(INDEX), "README.txt", new byte[3]));
        try (ZooFixtures.Server server = new ZooFixtures.Server(TINY.archiveName(), archive, -1)) {
            PretrainedCheckpoints zoo = new PretrainedCheckpoints(models, server.base());
            CheckpointException e = assertThrows(CheckpointException.class, () -> zoo.fetch(TINY));
            assertTrue(
                    e.getMessage().contains("holds no V2 checkpoint " + CKPT + " (it holds 2 files"), e.getMessage());
            assertEquals(List.of(), listing(models), "archive removed, nothing unpacked");
        }
    }

    @Test
    void corruptTensorBytesAreCaughtByTheCheckpointsChecksums(@TempDir Path models) throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>(checkpointFiles);
        byte[] data = files.get(DATA).clone();
        data[data.length / 2] ^= 0x40;
        files.put(DATA, data);
        try (ZooFixtures.Server server = new ZooFixtures.Server(TINY.archiveName(), tarball(files), -1)) {
            PretrainedCheckpoints zoo = new PretrainedCheckpoints(models, server.base());
            CheckpointException e = assertThrows(CheckpointException.class, () -> zoo.fetch(TINY));
            assertTrue(e.getMessage().contains("is corrupt"), e.getMessage());
            assertTrue(
                    e.getMessage().toLowerCase(Locale.ROOT).contains("checksum")
                            || e.getMessage().toLowerCase(Locale.ROOT).contains("crc"),
                    e.getMessage());
            assertEquals(List.of(), listing(models));
        }
    }

    @Test
    void theCheckpointMustHoldTheEntrysNetwork(@TempDir Path models) throws Exception {
        byte[] archive = goodTarball();
        try (ZooFixtures.Server server = new ZooFixtures.Server(TINY.archiveName(), archive, -1)) {
            PretrainedCheckpoints zoo = new PretrainedCheckpoints(models, server.base());
            ZooCheckpoint wrongNet = tinyEntry(Architecture.RESNET_V1_50, CLASSES);
            CheckpointException e = assertThrows(CheckpointException.class, () -> zoo.fetch(wrongNet));
            assertTrue(
                    e.getMessage()
                            .contains(
                                    "holds no variable under resnet_v1_50/ (its variables lie under resnet_v1_tiny/)"),
                    e.getMessage());
            ZooCheckpoint wrongHead = tinyEntry(TinyNet.ARCHITECTURE, 1000);
            e = assertThrows(CheckpointException.class, () -> zoo.fetch(wrongHead));
            assertTrue(e.getMessage().contains("its logits layer has 5 classes"), e.getMessage());
            assertTrue(e.getMessage().contains("expected 1000"), e.getMessage());
            // An architecture of the same scope with other blocks: the variable list, not the head, differs.
            Architecture otherBlocks =
                    Architecture.of(TinyNet.SCOPE, List.of(new Block("block1", 4, 2, 2), new Block("block2", 8, 2, 2)));
            e = assertThrows(CheckpointException.class, () -> zoo.fetch(tinyEntry(otherBlocks, CLASSES)));
            assertTrue(e.getMessage().contains("are missing from it or have another shape"), e.getMessage());
            assertEquals(List.of(), listing(models));
        }
    }

    @Test
    void offlineNamesTheArchiveAndWhereItGoesAndUsesOnePutThere(@TempDir Path models) throws Exception {
        URI closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/zoo/");
        }
        PretrainedCheckpoints zoo = new PretrainedCheckpoints(models, closed);
        DownloadException e = assertThrows(DownloadException.class, () -> zoo.fetch(TINY));
        assertTrue(e.getMessage().startsWith("Cannot reach " + closed + TINY.archiveName()), e.getMessage());
        assertTrue(e.getMessage().contains("put it at " + models.resolve(TINY.archiveName())), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");

        Files.write(models.resolve(TINY.archiveName()), goodTarball());
        PretrainedCheckpoints.Result result = zoo.fetch(TINY);
        assertFalse(result.downloaded());
        assertEquals(List.of("resnet_v1_tiny"), listing(models));
        assertEquals(List.of(DATA, INDEX), listing(dir(models)));
    }

    /**
     * The table against slim's sources, written out here from them: README.md's "Pre-trained Models"
     * links (MobileNet-v1's from nets/mobilenet_v1.md, MobileNet-v2's from nets/mobilenet/README.md), the
     * checkpoint names of the scripts/finetune_*_on_flowers.sh and of the archives, the 1001 classes of
     * the nets trained at Google against the 1000 of those converted from Caffe, the preprocessing (README's
     * footnote for ResNet-v2) and the head scopes.
     */
    @Test
    void slimsTableIsTheZoosConventions(@TempDir Path models) {
        String tf = "http://download.tensorflow.org/models/";
        String v1 = tf + "mobilenet_v1_2018_02_22/";
        String v2 = "https://storage.googleapis.com/mobilenet_v2/checkpoints/";
        // name, url, checkpoint, format, classes, preprocessing, eval size, head scopes
        List<List<String>> expected = List.of(
                List.of(
                        "inception_v1",
                        tf + "inception_v1_2016_08_28.tar.gz",
                        "inception_v1.ckpt",
                        "V1",
                        "1001",
                        "inception",
                        "224",
                        "InceptionV1/Logits"),
                List.of(
                        "inception_v3",
                        tf + "inception_v3_2016_08_28.tar.gz",
                        "inception_v3.ckpt",
                        "V1",
                        "1001",
                        "inception",
                        "299",
                        "InceptionV3/Logits,InceptionV3/AuxLogits"),
                List.of(
                        "inception_resnet_v2",
                        tf + "inception_resnet_v2_2016_08_30.tar.gz",
                        "inception_resnet_v2_2016_08_30.ckpt",
                        "V1",
                        "1001",
                        "inception",
                        "299",
                        "InceptionResnetV2/Logits,InceptionResnetV2/AuxLogits"),
                List.of(
                        "resnet_v1_50",
                        tf + "resnet_v1_50_2016_08_28.tar.gz",
                        "resnet_v1_50.ckpt",
                        "V1",
                        "1000",
                        "vgg",
                        "224",
                        "resnet_v1_50/logits"),
                List.of(
                        "resnet_v1_101",
                        tf + "resnet_v1_101_2016_08_28.tar.gz",
                        "resnet_v1_101.ckpt",
                        "V1",
                        "1000",
                        "vgg",
                        "224",
                        "resnet_v1_101/logits"),
                List.of(
                        "resnet_v1_152",
                        tf + "resnet_v1_152_2016_08_28.tar.gz",
                        "resnet_v1_152.ckpt",
                        "V1",
                        "1000",
                        "vgg",
                        "224",
                        "resnet_v1_152/logits"),
                List.of(
                        "resnet_v2_50",
                        tf + "resnet_v2_50_2017_04_14.tar.gz",
                        "resnet_v2_50.ckpt",
                        "V1",
                        "1001",
                        "inception",
                        "299",
                        "resnet_v2_50/logits"),
                List.of(
                        "resnet_v2_101",
                        tf + "resnet_v2_101_2017_04_14.tar.gz",
                        "resnet_v2_101.ckpt",
                        "V1",
                        "1001",
                        "inception",
                        "299",
                        "resnet_v2_101/logits"),
                List.of(
                        "resnet_v2_152",
                        tf + "resnet_v2_152_2017_04_14.tar.gz",
                        "resnet_v2_152.ckpt",
                        "V1",
                        "1001",
                        "inception",
                        "299",
                        "resnet_v2_152/logits"),
                List.of(
                        "vgg_16",
                        tf + "vgg_16_2016_08_28.tar.gz",
                        "vgg_16.ckpt",
                        "V1",
                        "1000",
                        "vgg",
                        "224",
                        "vgg_16/fc8"),
                List.of(
                        "vgg_19",
                        tf + "vgg_19_2016_08_28.tar.gz",
                        "vgg_19.ckpt",
                        "V1",
                        "1000",
                        "vgg",
                        "224",
                        "vgg_19/fc8"),
                List.of(
                        "mobilenet_v1",
                        v1 + "mobilenet_v1_1.0_224.tgz",
                        "mobilenet_v1_1.0_224.ckpt",
                        "V2",
                        "1001",
                        "inception",
                        "224",
                        "MobilenetV1/Logits"),
                List.of(
                        "mobilenet_v1_075",
                        v1 + "mobilenet_v1_0.75_224.tgz",
                        "mobilenet_v1_0.75_224.ckpt",
                        "V2",
                        "1001",
                        "inception",
                        "224",
                        "MobilenetV1/Logits"),
                List.of(
                        "mobilenet_v1_050",
                        v1 + "mobilenet_v1_0.5_224.tgz",
                        "mobilenet_v1_0.5_224.ckpt",
                        "V2",
                        "1001",
                        "inception",
                        "224",
                        "MobilenetV1/Logits"),
                List.of(
                        "mobilenet_v1_025",
                        v1 + "mobilenet_v1_0.25_224.tgz",
                        "mobilenet_v1_0.25_224.ckpt",
                        "V2",
                        "1001",
                        "inception",
                        "224",
                        "MobilenetV1/Logits"),
                List.of(
                        "mobilenet_v2",
                        v2 + "mobilenet_v2_1.0_224.tgz",
                        "mobilenet_v2_1.0_224.ckpt",
                        "V2",
                        "1001",
                        "inception",
                        "224",
                        "MobilenetV2/Logits"),
                List.of(
                        "mobilenet_v2_140",
                        v2 + "mobilenet_v2_1.4_224.tgz",
                        "mobilenet_v2_1.4_224.ckpt",
                        "V2",
                        "1001",
                        "inception",
                        "224",
                        "MobilenetV2/Logits"));
        List<List<String>> actual = ZooCheckpoint.slim().stream()
                .map(z -> List.of(
                        z.name(),
                        z.url().toString(),
                        z.checkpointName(),
                        z.format().name(),
                        Integer.toString(z.numClasses()),
                        z.preprocessing().toString(),
                        Integer.toString(z.evalImageSize()),
                        String.join(",", z.headScopes())))
                .toList();
        assertEquals(expected, actual);
        for (ZooCheckpoint z : ZooCheckpoint.slim()) {
            // the background class 0 of the 1001-class checkpoints is the offset of ImageNet's labels
            assertEquals(z.numClasses() - 1000, z.labelsOffset(), z.name());
            assertTrue(z.imagenet(), z.name());
        }

        PretrainedCheckpoints zoo = new PretrainedCheckpoints(models);
        ZooCheckpoint mobilenet = ZooCheckpoint.byName("MobileNet_v1_025");
        assertEquals(URI.create(v1 + "mobilenet_v1_0.25_224.tgz"), zoo.url(mobilenet));
        assertEquals(models.resolve("mobilenet_v1_025/mobilenet_v1_0.25_224.ckpt"), zoo.checkpointPath(mobilenet));
        assertEquals(models.resolve("mobilenet_v1_0.25_224.tgz"), zoo.archivePath(mobilenet));
        // a mirror holds every archive by its file name, whichever host publishes it
        PretrainedCheckpoints mirror = new PretrainedCheckpoints(models, URI.create("https://mirror.example/zoo"));
        assertEquals(
                URI.create("https://mirror.example/zoo/mobilenet_v2_1.4_224.tgz"),
                mirror.url(ZooCheckpoint.byName("mobilenet_v2_140")));
        assertEquals(
                URI.create("https://mirror.example/zoo/vgg_16_2016_08_28.tar.gz"),
                mirror.url(ZooCheckpoint.byName("vgg_16")));
        assertThrows(JacktfException.class, () -> ZooCheckpoint.byName("resnet_v1_200"));
    }

    /**
     * Where jacktf builds a zoo network, the head it names (what a restore of a checkpoint with other
     * classes excludes by default) is the one slim's fine-tuning scripts exclude, and its registry name
     * and default image size are the entry's.
     */
    @Test
    void theTablesHeadScopesAreTheNetworksOwn() {
        int built = 0;
        for (ZooCheckpoint z : ZooCheckpoint.slim()) {
            if (z.networkType().isPresent()) {
                NetworkType type = z.networkType().get();
                assertEquals(z.name(), type.name());
                assertEquals(z.headScopes(), type.build(z.numClasses()).headScopes(), z.name());
                built++;
            }
        }
        assertTrue(built >= 3, "resnet_v1_50, _101 and _152 are built: " + built);
        // every zoo network jacktf builds is linked to its entry
        for (NetworkType type : Networks.all()) {
            ZooCheckpoint.find(type.name())
                    .ifPresent(z -> assertEquals(type, z.networkType().orElse(null), type.name()));
        }
    }

    /**
     * slim's mobilenet_v1_025 entry itself, from a local mirror: an archive laid out as slim's MobileNet
     * ones (a V2 checkpoint mobilenet_v1_0.25_224.ckpt with its .meta, a frozen graph, a .tflite, an eval
     * graph and an info file), whose checkpoint SaveV2 wrote from jacktf's MobilenetV1 at depth 0.25 with
     * 1001 classes: only the prefix's index and data are unpacked, and every variable the network builds is
     * found with its shape.
     */
    @Test
    void slimsMobileNetEntryUnpacksOnlyItsV2Checkpoint(@TempDir Path work) throws Exception {
        ZooCheckpoint entry = ZooCheckpoint.byName("mobilenet_v1_025");
        assumeTrue(entry.networkType().isPresent(), "jacktf does not build mobilenet_v1_025 yet");
        String prefix = "mobilenet_v1_0.25_224";
        byte[] archive = ZooFixtures.mobilenetV1025Archive(entry.networkType().get(), work);
        Path models = work.resolve("models");
        try (ZooFixtures.Server server = new ZooFixtures.Server("mobilenet_v1_0.25_224.tgz", archive, -1)) {
            PretrainedCheckpoints zoo = new PretrainedCheckpoints(models, server.base());
            PretrainedCheckpoints.Result result = zoo.fetch(entry);
            assertEquals(models.resolve("mobilenet_v1_025/" + prefix + ".ckpt"), result.checkpoint());
            assertEquals(
                    List.of(prefix + ".ckpt.data-00000-of-00001", prefix + ".ckpt.index"),
                    listing(models.resolve("mobilenet_v1_025")));
            assertEquals(List.of("mobilenet_v1_025"), listing(models), "the archive deleted");
            assertTrue(result.variables() > 0, "the variable list was checked: " + result.variables());
        }
    }

    /** A V1 zoo archive as slim's 2016 ones: the single checkpoint file that SaveSlices wrote, unpacked alone. */
    @Test
    void aV1ArchiveUnpacksItsOneFile(@TempDir Path work) throws Exception {
        Path models = work.resolve("models");
        Map<String, ZooFixtures.Values> variables =
                ZooFixtures.initialVariables(TinyNet.ARCHITECTURE, CLASSES, 32, work);
        Path v1 = work.resolve("written.ckpt");
        ZooFixtures.writeV1(variables, v1);
        byte[] v1Bytes = Files.readAllBytes(v1);
        ZooCheckpoint entry = new ZooCheckpoint(
                "resnet_v1_tiny",
                TinyNet.ARCHITECTURE,
                URI.create("http://zoo.invalid/resnet_v1_tiny_2016_08_28.tar.gz"),
                "resnet_v1_tiny.ckpt",
                Checkpoint.Format.V1,
                CLASSES,
                0,
                Preprocessing.VGG,
                32,
                List.of("resnet_v1_tiny/logits"));
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("resnet_v1_tiny.ckpt", v1Bytes);
        files.put("train.graph", new byte[] {1, 2, 3});
        try (ZooFixtures.Server server = new ZooFixtures.Server(entry.archiveName(), tarball(files), -1)) {
            PretrainedCheckpoints zoo = new PretrainedCheckpoints(models, server.base());
            PretrainedCheckpoints.Result result = zoo.fetch(entry);
            assertEquals(List.of("resnet_v1_tiny.ckpt"), listing(dir(models)));
            assertArrayEquals(v1Bytes, Files.readAllBytes(result.checkpoint()));
            assertEquals(TINY_VARIABLES_WITH_HEAD, result.variables());
            try (Checkpoint c = Checkpoint.open(result.checkpoint())) {
                assertEquals(Checkpoint.Format.V1, c.format());
                for (Map.Entry<String, ZooFixtures.Values> v : variables.entrySet()) {
                    assertArrayEquals(v.getValue().values(), c.read(v.getKey()).floats(), v.getKey());
                }
            }
        }
        // The same archive under an entry that says V2: nothing of it is a V2 checkpoint.
        Path other = work.resolve("other");
        ZooCheckpoint saysV2 = new ZooCheckpoint(
                entry.name(),
                entry.network(),
                entry.url(),
                entry.checkpointName(),
                Checkpoint.Format.V2,
                CLASSES,
                0,
                Preprocessing.VGG,
                32,
                entry.headScopes());
        try (ZooFixtures.Server server = new ZooFixtures.Server(entry.archiveName(), tarball(files), -1)) {
            CheckpointException e = assertThrows(
                    CheckpointException.class, () -> new PretrainedCheckpoints(other, server.base()).fetch(saysV2));
            assertTrue(e.getMessage().contains("holds no V2 checkpoint resnet_v1_tiny.ckpt"), e.getMessage());
            assertEquals(List.of(), listing(other));
        }
    }

    /** The V2 archive under an entry that says V1: its prefix's files are not the one V1 file asked for. */
    @Test
    void aV2ArchiveIsNotTakenForAV1One(@TempDir Path models) throws Exception {
        ZooCheckpoint saysV1 = new ZooCheckpoint(
                TINY.name(),
                TINY.network(),
                TINY.url(),
                CKPT,
                Checkpoint.Format.V1,
                CLASSES,
                0,
                Preprocessing.VGG,
                32,
                TINY.headScopes());
        try (ZooFixtures.Server server = new ZooFixtures.Server(TINY.archiveName(), goodTarball(), -1)) {
            PretrainedCheckpoints zoo = new PretrainedCheckpoints(models, server.base());
            CheckpointException e = assertThrows(CheckpointException.class, () -> zoo.fetch(saysV1));
            assertTrue(
                    e.getMessage().contains("holds no V1 checkpoint " + CKPT + " (it holds 6 files"), e.getMessage());
            assertEquals(List.of(), listing(models), "archive removed, nothing published");
        }
    }

    private static PretrainedCheckpoints.Listener listener(List<Long> progress) {
        return new PretrainedCheckpoints.Listener() {
            @Override
            public void progress(long bytes, long total) {
                progress.add(bytes);
            }
        };
    }

    private static Path dir(Path models) {
        return models.resolve("resnet_v1_tiny");
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
