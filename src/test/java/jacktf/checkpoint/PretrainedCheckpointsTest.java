package jacktf.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jacktf.config.ConfigException;
import jacktf.config.JacktfException;
import jacktf.model.Architecture;
import jacktf.model.BatchNormPolicy;
import jacktf.model.ModelGraph;
import jacktf.model.ResNetV1;
import jacktf.model.TinyNet;
import jacktf.runtime.Sessions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
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
    private static final ZooCheckpoint TINY =
            ZooCheckpoint.of(TinyNet.ARCHITECTURE, "resnet_v1_tiny_2026_11_29.tar.gz", CKPT, CLASSES);
    /**
     * TinyNet's variables counted by hand (RestoreAndSaveTest.TINY_VARIABLES: 95 in the body) plus
     * the logits' weights and biases.
     */
    private static final int TINY_VARIABLES_WITH_HEAD = 95 + 2;

    @TempDir
    static Path fixtures;

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

    /** A tarball as slim's: the checkpoint at the top level, plus a file that must not be unpacked. */
    private static byte[] tarball(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(bytes);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(f.getKey());
                entry.setSize(f.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(f.getValue());
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] goodTarball() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>(checkpointFiles);
        files.put("README.txt", "not a checkpoint".getBytes(StandardCharsets.UTF_8));
        return tarball(files);
    }

    @Test
    void downloadsUnpacksOnlyTheCheckpointAndChecksIt(@TempDir Path models) throws Exception {
        byte[] archive = goodTarball();
        try (ZooServer server = new ZooServer(TINY.archiveName(), archive, -1)) {
            PretrainedCheckpoints zoo = new PretrainedCheckpoints(models, server.base());
            String sha256 = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(archive));
            List<Long> progress = new ArrayList<>();
            PretrainedCheckpoints.Result result = zoo.fetch(TINY, sha256.toUpperCase(Locale.ROOT), listener(progress));

            assertEquals(models.resolve(CKPT), result.checkpoint());
            assertTrue(result.downloaded());
            assertEquals(archive.length, result.archiveBytes());
            assertEquals(TINY_VARIABLES_WITH_HEAD, result.tensors());
            assertEquals(TINY_VARIABLES_WITH_HEAD, result.variables());
            assertEquals((long) archive.length, progress.get(progress.size() - 1));
            assertEquals(List.of(DATA, INDEX), listing(models), "only the checkpoint's files, the archive deleted");
            assertArrayEquals(checkpointFiles.get(DATA), Files.readAllBytes(models.resolve(DATA)));
            assertArrayEquals(checkpointFiles.get(INDEX), Files.readAllBytes(models.resolve(INDEX)));
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
        try (ZooServer server = new ZooServer(TINY.archiveName(), archive, cut)) {
            PretrainedCheckpoints zoo = new PretrainedCheckpoints(models, server.base());
            DownloadException e = assertThrows(DownloadException.class, () -> zoo.fetch(TINY));
            assertTrue(
                    e.getMessage().contains("stopped at " + cut + " of " + archive.length + " bytes"), e.getMessage());
            assertTrue(e.getMessage().contains("run again to resume"), e.getMessage());
            Path part = models.resolve(TINY.archiveName() + PretrainedCheckpoints.PART_SUFFIX);
            assertArrayEquals(Arrays.copyOf(archive, cut), Files.readAllBytes(part));

            PretrainedCheckpoints.Result result = zoo.fetch(TINY);
            assertEquals(Arrays.asList(null, "bytes=" + cut + "-"), server.ranges);
            assertEquals(archive.length, result.archiveBytes());
            assertArrayEquals(checkpointFiles.get(DATA), Files.readAllBytes(models.resolve(DATA)));
            assertArrayEquals(checkpointFiles.get(INDEX), Files.readAllBytes(models.resolve(INDEX)));
            assertEquals(List.of(DATA, INDEX), listing(models));
        }
    }

    @Test
    void aStalledDownloadStopsAndTheNextRunResumes(@TempDir Path models) throws Exception {
        byte[] archive = goodTarball();
        int cut = archive.length / 3;
        // The server holds the line open 3 s (and answers the resume after that): "no data for" is only said
        // when the watchdog, not the server's close, ended the read.
        try (ZooServer server = new ZooServer(TINY.archiveName(), archive, cut, 3_000)) {
            PretrainedCheckpoints zoo =
                    new PretrainedCheckpoints(models, server.base()).stallTimeout(Duration.ofMillis(500));
            DownloadException e = assertThrows(DownloadException.class, () -> zoo.fetch(TINY));
            assertTrue(
                    e.getMessage().contains("stopped at " + cut + " of " + archive.length + " bytes (no data for"),
                    e.getMessage());
            zoo.fetch(TINY);
            assertEquals(Arrays.asList(null, "bytes=" + cut + "-"), server.ranges);
            assertArrayEquals(checkpointFiles.get(DATA), Files.readAllBytes(models.resolve(DATA)));
        }
    }

    @Test
    void aWrongPinnedHashRemovesTheArchive(@TempDir Path models) throws Exception {
        byte[] archive = goodTarball();
        try (ZooServer server = new ZooServer(TINY.archiveName(), archive, -1)) {
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
        try (ZooServer server = new ZooServer("another_name.tar.gz", goodTarball(), -1)) {
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
        try (ZooServer server = new ZooServer(TINY.archiveName(), archive, -1)) {
            PretrainedCheckpoints zoo = new PretrainedCheckpoints(models, server.base());
            CheckpointException e = assertThrows(CheckpointException.class, () -> zoo.fetch(TINY));
            assertTrue(e.getMessage().contains("holds no " + CKPT + " (it holds 2 files"), e.getMessage());
            assertEquals(List.of(), listing(models), "archive removed, nothing unpacked");
        }
    }

    @Test
    void corruptTensorBytesAreCaughtByTheCheckpointsChecksums(@TempDir Path models) throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>(checkpointFiles);
        byte[] data = files.get(DATA).clone();
        data[data.length / 2] ^= 0x40;
        files.put(DATA, data);
        try (ZooServer server = new ZooServer(TINY.archiveName(), tarball(files), -1)) {
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
        try (ZooServer server = new ZooServer(TINY.archiveName(), archive, -1)) {
            PretrainedCheckpoints zoo = new PretrainedCheckpoints(models, server.base());
            ZooCheckpoint wrongNet = ZooCheckpoint.of(Architecture.RESNET_V1_50, TINY.archiveName(), CKPT, CLASSES);
            CheckpointException e = assertThrows(CheckpointException.class, () -> zoo.fetch(wrongNet));
            assertTrue(e.getMessage().contains("holds the variables of resnet_v1_tiny"), e.getMessage());
            ZooCheckpoint wrongHead = ZooCheckpoint.of(TinyNet.ARCHITECTURE, TINY.archiveName(), CKPT, 1000);
            e = assertThrows(CheckpointException.class, () -> zoo.fetch(wrongHead));
            assertTrue(e.getMessage().contains("has 5 classes"), e.getMessage());
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
        assertEquals(List.of(DATA, INDEX), listing(models));
    }

    @Test
    void slimEntriesAreTheZooTablesAddresses(@TempDir Path models) {
        // research/slim/README.md, "Pre-trained Models": resnet_v1_{50,101,152}_2016_08_28.tar.gz.
        PretrainedCheckpoints zoo = new PretrainedCheckpoints(models);
        for (String depth : List.of("50", "101", "152")) {
            ZooCheckpoint entry = ZooCheckpoint.byName("ResNet_v1_" + depth);
            assertEquals(
                    URI.create("http://download.tensorflow.org/models/resnet_v1_" + depth + "_2016_08_28.tar.gz"),
                    zoo.url(entry));
            assertEquals(models.resolve("resnet_v1_" + depth + ".ckpt"), zoo.checkpointPath(entry));
            assertEquals(1000, entry.numClasses());
        }
        assertThrows(JacktfException.class, () -> ZooCheckpoint.byName("resnet_v2_50"));
    }

    private static PretrainedCheckpoints.Listener listener(List<Long> progress) {
        return new PretrainedCheckpoints.Listener() {
            @Override
            public void progress(long bytes, long total) {
                progress.add(bytes);
            }
        };
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * A one-file HTTP/1.1 server on 127.0.0.1 with range requests, which cuts its first reply after
     * {@code cutAfter} body bytes when that is not negative. Raw sockets, so the cut is a real one.
     */
    static final class ZooServer implements AutoCloseable {
        private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");
        private static final int MAX_CONNECTIONS = 20;

        final AtomicInteger requests = new AtomicInteger();
        final List<String> ranges = new CopyOnWriteArrayList<>();
        private final ServerSocket socket;
        private final Thread thread;
        private final String name;
        private final byte[] body;
        private final int cutAfter;
        private final long stallMillis;

        ZooServer(String name, byte[] body, int cutAfter) throws IOException {
            this(name, body, cutAfter, 0);
        }

        /** The first answer stops after {@code cutAfter} bytes and, with {@code stallMillis}, holds the line open. */
        ZooServer(String name, byte[] body, int cutAfter, long stallMillis) throws IOException {
            this.name = name;
            this.body = body;
            this.cutAfter = cutAfter;
            this.stallMillis = stallMillis;
            this.socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
            this.thread = new Thread(this::serve, "zoo-server");
            thread.setDaemon(true);
            thread.start();
        }

        URI base() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/zoo");
        }

        private void serve() {
            for (int i = 0; i < MAX_CONNECTIONS && !socket.isClosed(); i++) {
                try (Socket client = socket.accept()) {
                    client.setSoTimeout(10_000);
                    answer(client.getInputStream(), client.getOutputStream(), requests.getAndIncrement());
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private void answer(InputStream in, OutputStream out, int index) throws IOException {
            List<String> head = new ArrayList<>();
            StringBuilder line = new StringBuilder();
            for (int b = in.read(), lines = 0; b >= 0 && lines < 100; b = in.read()) {
                if (b == '\n') {
                    String text = line.toString().strip();
                    if (text.isEmpty()) {
                        break;
                    }
                    head.add(text);
                    line.setLength(0);
                    lines++;
                } else {
                    line.append((char) b);
                }
            }
            String path = head.isEmpty() ? "" : head.get(0).split(" ")[1];
            String range = head.stream()
                    .filter(h -> h.toLowerCase(Locale.ROOT).startsWith("range:"))
                    .map(h -> h.substring("range:".length()).strip())
                    .findFirst()
                    .orElse(null);
            ranges.add(range);
            if (!path.equals("/zoo/" + name)) {
                byte[] text = "not found".getBytes(StandardCharsets.US_ASCII);
                out.write(("HTTP/1.1 404 Not Found\r\nContent-Length: " + text.length + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(text);
                out.flush();
                return;
            }
            int from = 0;
            Matcher m = range == null ? null : RANGE.matcher(range);
            if (m != null && m.matches()) {
                from = Integer.parseInt(m.group(1));
            }
            String status = from > 0 ? "206 Partial Content" : "200 OK";
            String contentRange = from > 0
                    ? "Content-Range: bytes " + from + "-" + (body.length - 1) + "/" + body.length + "\r\n"
                    : "";
            out.write(("HTTP/1.1 " + status + "\r\nContent-Length: " + (body.length - from) + "\r\n" + contentRange
                            + "Accept-Ranges: bytes\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            int send = body.length - from;
            if (index == 0 && cutAfter >= 0) {
                send = Math.min(send, cutAfter);
            }
            out.write(body, from, send);
            out.flush();
            if (index == 0 && stallMillis > 0) {
                try {
                    Thread.sleep(stallMillis); // bounded: the connection then closes
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void close() throws Exception {
            socket.close();
            thread.join(10_000);
        }
    }
}
