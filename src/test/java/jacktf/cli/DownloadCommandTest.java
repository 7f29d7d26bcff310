package jacktf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import jacktf.checkpoint.Checkpoint;
import jacktf.checkpoint.PretrainedCheckpoints;
import jacktf.checkpoint.ZooCheckpoint;
import jacktf.checkpoint.ZooFixtures;
import jacktf.config.Preprocessing;
import jacktf.data.ImageNetLabels;
import jacktf.model.TinyNet;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jacktf download}: its user errors (offline, a bad hash, an unknown model), slim's own
 * mobilenet_v1_025 entry from a local mirror with the label files, and predict of a downloaded
 * checkpoint naming ImageNet's classes with the offset. Every failure of the archive itself is
 * PretrainedCheckpointsTest's, against a local server.
 */
class DownloadCommandTest {
    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = JacktfCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void offlineIsOneLineNamingTheArchiveAndWhereToPutIt(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path models = dir.resolve("models");
        Run r = run(
                "download",
                "resnet_v1_101",
                "--models-dir",
                models.toString(),
                "--base-url",
                "http://127.0.0.1:" + port + "/models");
        assertEquals(1, r.code(), r.err());
        assertTrue(
                r.err()
                        .startsWith("jacktf download: error: Cannot reach http://127.0.0.1:" + port
                                + "/models/resnet_v1_101_2016_08_28.tar.gz"),
                r.err());
        assertTrue(r.err().contains("put it at " + models.resolve("resnet_v1_101_2016_08_28.tar.gz")), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(Files.isDirectory(models), "the models directory exists for the archive to be put there");
    }

    @Test
    void aMalformedHashIsRefusedByItsFlagName(@TempDir Path dir) {
        Run r = run("download", "resnet_v1_50", "--models-dir", dir.toString(), "--sha256", "12ab");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("--sha256 must be 64 hexadecimal digits"), r.err());
        assertTrue(r.err().contains("Received: '12ab'"), r.err());
    }

    @Test
    void anUnknownModelListsTheZoos(@TempDir Path dir) {
        Run r = run("download", "resnet_v1_200", "--models-dir", dir.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(
                r.err().contains("Received: 'resnet_v1_200', expected one of: inception_v1, inception_v3,"), r.err());
        assertTrue(r.err().contains("mobilenet_v1_025, mobilenet_v2, mobilenet_v2_140"), r.err());
    }

    @Test
    void helpListsTheModels() {
        assertTrue(run("--help").out().contains("  download "), "jacktf --help lists download");
        Run r = run("download", "--help");
        assertEquals(0, r.code());
        String help = r.out().replaceAll("\\s+", " "); // picocli wraps the list
        for (ZooCheckpoint z : ZooCheckpoint.slim()) {
            assertTrue(help.contains(z.name()), z.name() + " in: " + r.out());
        }
        assertTrue(help.contains("resnet_v1_50, resnet_v1_101, resnet_v1_152, resnet_v2_50"), r.out());
        assertTrue(r.out().contains("--sha256"), r.out());
    }

    /**
     * {@code predict} of an unchanged zoo checkpoint names ImageNet's classes with the checkpoint's offset:
     * two V1 checkpoints (SaveSlices) of a tiny ResNet whose logits force class k for every image, one with
     * slim's background class 0 (1001 classes, labels_offset 1) and one without (1000), downloaded from a
     * local server that also serves slim's two label files (made-up names, known here). Class k is then
     * ImageNet's class k-1 in the first and k in the second; class 0 of the first is "background". The
     * same through {@code export} and the SavedModel serve loads.
     */
    @Test
    @Tag("slow") // builds and saves networks, runs predict: 5-12 s on the 2-core machine
    void predictOfADownloadedCheckpointNamesImageNetsClassesWithItsOffset(@TempDir Path work) throws Exception {
        int k = 7;
        Path image = work.resolve("image.png");
        BufferedImage pixels = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 40; x++) {
                pixels.setRGB(x, y, (x * 6) << 16 | (y * 6) << 8 | 90);
            }
        }
        ImageIO.write(pixels, "png", image.toFile());
        for (int offset : new int[] {1, 0}) {
            int classes = 1000 + offset;
            Map<String, ZooFixtures.Values> variables =
                    ZooFixtures.initialVariables(TinyNet.ARCHITECTURE, classes, 32, work);
            ZooFixtures.forceClass(variables, TinyNet.SCOPE + "/logits", k);
            Path v1 = work.resolve("written_" + offset + ".ckpt");
            ZooFixtures.writeV1(variables, v1);
            ZooCheckpoint entry = new ZooCheckpoint(
                    TinyNet.SCOPE,
                    TinyNet.ARCHITECTURE,
                    URI.create("http://zoo.invalid/models/resnet_v1_tiny_" + classes + ".tar.gz"),
                    "resnet_v1_tiny.ckpt",
                    Checkpoint.Format.V1,
                    classes,
                    offset,
                    Preprocessing.VGG,
                    32,
                    List.of(TinyNet.SCOPE + "/logits"));
            Path models = work.resolve("models_" + classes);
            byte[] archive = ZooFixtures.tarball(Map.of("resnet_v1_tiny.ckpt", Files.readAllBytes(v1)));
            StringWriter printed = new StringWriter();
            try (ZooFixtures.Server server = new ZooFixtures.Server(entry.archiveName(), archive, -1)
                    .with(ImageNetLabels.SYNSETS_FILE, ZooFixtures.synsetsFile())
                    .with(ImageNetLabels.METADATA_FILE, ZooFixtures.metadataFile())) {
                PretrainedCheckpoints checkpoints = new PretrainedCheckpoints(models, server.base());
                assertEquals(0, DownloadCommand.download(entry, checkpoints, null, new PrintWriter(printed, true)));
                assertEquals(
                        List.of(
                                "/zoo/" + entry.archiveName(),
                                "/zoo/" + ImageNetLabels.SYNSETS_FILE,
                                "/zoo/" + ImageNetLabels.METADATA_FILE),
                        server.paths);
                // A second run finds everything in place: it asks the server nothing.
                assertEquals(
                        0, DownloadCommand.download(entry, checkpoints, null, new PrintWriter(new StringWriter())));
                assertEquals(3, server.paths.size(), server.paths.toString());
            }
            Path dir = models.resolve(TinyNet.SCOPE);
            List<String> labels = Files.readAllLines(dir.resolve("labels.txt"));
            assertEquals(classes, labels.size());
            assertEquals(
                    offset == 1 ? "0:background" : "0:" + ZooFixtures.className(0), labels.get(0), printed.toString());
            assertEquals((classes - 1) + ":" + ZooFixtures.className(999), labels.get(classes - 1));

            Run r = run(
                    "predict",
                    "--checkpoint-path",
                    dir.resolve("resnet_v1_tiny.ckpt").toString(),
                    "--top-k",
                    "1",
                    "--json",
                    image.toString());
            assertEquals(0, r.code(), r.err());
            JsonArray rows = JsonParser.parseString(r.out()).getAsJsonArray();
            JsonObject top = rows.get(0)
                    .getAsJsonObject()
                    .getAsJsonArray("predictions")
                    .get(0)
                    .getAsJsonObject();
            assertEquals(k, top.get("id").getAsInt(), r.out());
            String expected = ZooFixtures.className(k - offset);
            assertEquals(expected, top.get("class").getAsString(), "offset " + offset + ": " + r.out());

            // exported as is, the SavedModel (what serve loads) answers the same name from its assets/labels.txt
            Path exported = work.resolve("savedmodels_" + classes);
            Run export = run(
                    "export",
                    "--checkpoint-path",
                    dir.resolve("resnet_v1_tiny.ckpt").toString(),
                    "--output",
                    exported.toString());
            assertEquals(0, export.code(), export.err());
            r = run("predict", "--saved-model", exported.toString(), "--top-k", "1", "--json", image.toString());
            assertEquals(0, r.code(), r.err());
            top = JsonParser.parseString(r.out())
                    .getAsJsonArray()
                    .get(0)
                    .getAsJsonObject()
                    .getAsJsonArray("predictions")
                    .get(0)
                    .getAsJsonObject();
            assertEquals(expected, top.get("class").getAsString(), "SavedModel, offset " + offset + ": " + r.out());
        }
    }

    /**
     * {@code jacktf download mobilenet_v1_025 --base-url} a local mirror: slim's own entry, its archive laid
     * out as slim's (V2 checkpoint beside a frozen graph and a .tflite), the two label files beside it; the
     * command leaves the checkpoint, labels.txt (1001 names, background first) and jacktf.properties (224,
     * inception) in models/mobilenet_v1_025/ and names the head scope train excludes by default.
     */
    @Test
    @Tag("slow") // builds and saves networks, runs predict: 5-12 s on the 2-core machine
    void downloadsSlimsMobileNetFromALocalMirror(@TempDir Path work) throws Exception {
        ZooCheckpoint entry = ZooCheckpoint.byName("mobilenet_v1_025");
        assumeTrue(entry.networkType().isPresent(), "jacktf does not build mobilenet_v1_025 yet");
        Path models = work.resolve("models");
        try (ZooFixtures.Server server = new ZooFixtures.Server(
                        "mobilenet_v1_0.25_224.tgz",
                        ZooFixtures.mobilenetV1025Archive(entry.networkType().get(), work),
                        -1)
                .with(ImageNetLabels.SYNSETS_FILE, ZooFixtures.synsetsFile())
                .with(ImageNetLabels.METADATA_FILE, ZooFixtures.metadataFile())) {
            Run r = run(
                    "download",
                    "mobilenet_v1_025",
                    "--models-dir",
                    models.toString(),
                    "--base-url",
                    server.base().toString());
            assertEquals(0, r.code(), r.err());
            Path dir = models.resolve("mobilenet_v1_025");
            assertEquals(
                    List.of(
                            "jacktf.properties",
                            "labels.txt",
                            "mobilenet_v1_0.25_224.ckpt.data-00000-of-00001",
                            "mobilenet_v1_0.25_224.ckpt.index"),
                    listing(dir));
            assertEquals(
                    List.of("imagenet_lsvrc_2015_synsets.txt", "imagenet_metadata.txt", "mobilenet_v1_025"),
                    listing(models),
                    "the archive deleted, the label files kept for the next checkpoint");
            List<String> labels = Files.readAllLines(dir.resolve("labels.txt"));
            assertEquals(1001, labels.size());
            assertEquals("0:background", labels.get(0));
            assertEquals("1:" + ZooFixtures.className(0), labels.get(1));
            String properties = Files.readString(dir.resolve("jacktf.properties"));
            assertTrue(properties.contains("image_size=224"), properties);
            assertTrue(properties.contains("preprocessing_name=inception"), properties);
            assertTrue(r.out().contains("--checkpoint-exclude-scopes MobilenetV1/Logits by default"), r.out());
            assertTrue(r.out().contains("V2 checkpoint"), r.out());
        }
    }

    @Test
    @Tag("slow") // builds and saves networks, runs predict: 5-12 s on the 2-core machine
    void labelFilesThatAreNotSlimsAreRemovedAndNamed(@TempDir Path work) throws Exception {
        ZooCheckpoint entry = ZooCheckpoint.byName("mobilenet_v1_025");
        assumeTrue(entry.networkType().isPresent(), "jacktf does not build mobilenet_v1_025 yet");
        Path models = work.resolve("models");
        byte[] shortList = "n00000001\nn00000002\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (ZooFixtures.Server server = new ZooFixtures.Server(
                        "mobilenet_v1_0.25_224.tgz",
                        ZooFixtures.mobilenetV1025Archive(entry.networkType().get(), work),
                        -1)
                .with(ImageNetLabels.SYNSETS_FILE, shortList)) {
            String[] args = {
                "download",
                "mobilenet_v1_025",
                "--models-dir",
                models.toString(),
                "--base-url",
                server.base().toString()
            };
            Run r = run(args);
            assertEquals(1, r.code(), r.err());
            assertTrue(r.err().contains("HTTP 404"), r.err());
            assertTrue(r.err().contains("put it at " + models.resolve(ImageNetLabels.METADATA_FILE)), r.err());
            server.with(ImageNetLabels.METADATA_FILE, ZooFixtures.metadataFile());
            r = run(args);
            assertEquals(1, r.code(), r.err());
            assertTrue(r.err().contains("lists 2 synsets, expected ImageNet's 1000"), r.err());
            assertTrue(r.err().contains("removed both label files"), r.err());
            assertEquals(List.of("mobilenet_v1_025"), listing(models));
        }
    }

    private static List<String> listing(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
