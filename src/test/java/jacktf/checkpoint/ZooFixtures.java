package jacktf.checkpoint;

import jacktf.model.BatchNormPolicy;
import jacktf.model.ModelGraph;
import jacktf.model.NetworkType;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * What the zoo download tests serve from 127.0.0.1: archives laid out as slim's, checkpoints in both of
 * the zoo's formats written by TensorFlow's own ops (SaveV2 through {@link CheckpointSaver}, V1 through
 * {@code SaveSlices}), and slim's two ImageNet label files made up with known names.
 */
public final class ZooFixtures {
    private ZooFixtures() {}

    /** A float tensor's shape and values. */
    public record Values(long[] shape, float[] values) {}

    /**
     * The float variables of {@code type} with {@code numClasses}, initialised as a fresh network is, read
     * back from the V2 checkpoint SaveV2 wrote (name to values, in the checkpoint's order).
     */
    public static Map<String, Values> initialVariables(NetworkType type, int numClasses, int imageSize, Path work)
            throws IOException {
        Path trainDir = Files.createTempDirectory(work, "init");
        try (Graph graph = new Graph()) {
            ModelGraph mg = ModelGraph.local(graph);
            type.build(numClasses)
                    .apply(
                            mg,
                            mg.ops("")
                                    .placeholder(
                                            TFloat32.class, Placeholder.shape(Shape.of(-1, imageSize, imageSize, 3))),
                            BatchNormPolicy.inference());
            try (Session session = Sessions.open(graph)) {
                session.run(mg.initializer());
                new CheckpointSaver(mg, CheckpointVariable.modelVariables(mg), trainDir, 1).save(session, 1);
            }
        }
        Map<String, Values> values = new LinkedHashMap<>();
        try (Checkpoint c = Checkpoint.open(trainDir.resolve("model.ckpt-1"))) {
            for (TensorInfo t : c.tensors()) {
                if (t.dtype() == DataType.DT_FLOAT) {
                    values.put(t.name(), new Values(t.shape(), c.read(t.name()).floats()));
                }
            }
        }
        return values;
    }

    /**
     * A fresh {@code type} with {@code numClasses} saved by SaveV2 (through {@link CheckpointSaver}), as the
     * files of a V2 checkpoint named {@code prefix}: its data shard and index, by file name.
     */
    public static Map<String, byte[]> v2Checkpoint(
            NetworkType type, int numClasses, int imageSize, Path work, String prefix) throws IOException {
        Path trainDir = Files.createTempDirectory(work, "v2");
        try (Graph graph = new Graph()) {
            ModelGraph mg = ModelGraph.local(graph);
            type.build(numClasses)
                    .apply(
                            mg,
                            mg.ops("")
                                    .placeholder(
                                            TFloat32.class, Placeholder.shape(Shape.of(-1, imageSize, imageSize, 3))),
                            BatchNormPolicy.inference());
            try (Session session = Sessions.open(graph)) {
                session.run(mg.initializer());
                new CheckpointSaver(mg, CheckpointVariable.modelVariables(mg), trainDir, 1).save(session, 1);
            }
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(
                prefix + ".data-00000-of-00001",
                Files.readAllBytes(trainDir.resolve("model.ckpt-1.data-00000-of-00001")));
        files.put(prefix + ".index", Files.readAllBytes(trainDir.resolve("model.ckpt-1.index")));
        return files;
    }

    /**
     * slim's mobilenet_v1_025 archive as the MobileNet ones are laid out: the V2 checkpoint
     * {@code mobilenet_v1_0.25_224.ckpt} (of jacktf's MobilenetV1 at depth 0.25, 1001 classes, saved by
     * SaveV2) beside its {@code .meta}, a frozen graph, a {@code .tflite}, an eval graph and an info file
     * (placeholders: none of them may be unpacked).
     */
    public static byte[] mobilenetV1025Archive(NetworkType type, Path work) throws IOException {
        String base = "mobilenet_v1_0.25_224";
        Map<String, byte[]> files = new LinkedHashMap<>(v2Checkpoint(type, 1001, 224, work, base + ".ckpt"));
        files.put(base + ".ckpt.meta", new byte[] {8, 1});
        files.put(base + "_frozen.pb", new byte[] {10, 0});
        files.put(base + ".tflite", new byte[] {28, 0, 0, 0, 'T', 'F', 'L', '3'});
        files.put(base + "_eval.pbtxt", "node {}".getBytes(StandardCharsets.UTF_8));
        files.put(base + "_info.txt", ("Model: " + base).getBytes(StandardCharsets.UTF_8));
        return tarball(files);
    }

    /**
     * Sets the logits under {@code logitsScope} so that class {@code k} wins for every image: weights 0,
     * biases 0 but 10 at {@code k} (softmax then gives it e^10 / (e^10 + C - 1), over 0.95 for C = 1001).
     */
    public static void forceClass(Map<String, Values> variables, String logitsScope, int k) {
        for (Map.Entry<String, Values> e : variables.entrySet()) {
            if (e.getKey().startsWith(logitsScope + "/")) {
                float[] v = new float[e.getValue().values().length];
                if (e.getKey().endsWith("/biases")) {
                    v[k] = 10f;
                }
                e.setValue(new Values(e.getValue().shape(), v));
            }
        }
    }

    /**
     * Writes {@code variables} to {@code file} as a TF V1 single-file checkpoint (a TensorSlice table)
     * through TF's {@code SaveSlices} op with empty slice specs, as TF1's V1 saver wrote slim's zoo files.
     */
    public static void writeV1(Map<String, Values> variables, Path file) {
        write(variables, file, true);
    }

    /** A V2 checkpoint at {@code prefix} written by TF's own {@code SaveV2} op, as the MobileNets' are. */
    public static void writeV2(Map<String, Values> variables, Path prefix) {
        write(variables, prefix, false);
    }

    private static void write(Map<String, Values> variables, Path path, boolean v1) {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            List<Operand<?>> data = new ArrayList<>();
            List<Placeholder<TFloat32>> inputs = new ArrayList<>();
            for (Values v : variables.values()) {
                Placeholder<TFloat32> p = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(v.shape())));
                inputs.add(p);
                data.add(p);
            }
            String[] names = variables.keySet().toArray(String[]::new);
            String[] whole = new String[names.length];
            Arrays.fill(whole, "");
            Operand<TString> target = tf.constant(path.toString());
            Operand<TString> tensorNames = tf.constant(NdArrays.vectorOfObjects(names));
            Operand<TString> slices = tf.constant(NdArrays.vectorOfObjects(whole));
            Op save = v1 // TF Java's Save is the SaveV2 op
                    ? tf.train.saveSlices(target, tensorNames, slices, data)
                    : tf.train.save(target, tensorNames, slices, data);
            List<TFloat32> feeds = new ArrayList<>();
            try (Session session = Sessions.open(graph)) {
                Session.Runner runner = session.runner().addTarget(save);
                int i = 0;
                for (Values v : variables.values()) {
                    TFloat32 t = TFloat32.tensorOf(Shape.of(v.shape()), DataBuffers.of(v.values()));
                    feeds.add(t);
                    runner.feed(inputs.get(i++), t);
                }
                runner.run();
            } finally {
                feeds.forEach(TFloat32::close);
            }
        }
    }

    public static byte[] tarball(Map<String, byte[]> files) throws IOException {
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

    /** The made-up synset id of ImageNet class {@code i}: 1000 distinct ids in class order. */
    public static String synset(int i) {
        return String.format(Locale.ROOT, "n%08d", 1_000_000 + 7 * i);
    }

    /** The made-up human-readable name of ImageNet class {@code i}, with a comma as slim's names have. */
    public static String className(int i) {
        return "class " + i + ", made up";
    }

    /** slim's synset list: one id a line, class order. */
    public static byte[] synsetsFile() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            text.append(synset(i)).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * slim's metadata file: {@code synset<TAB>name} for the 1000 classes in reverse order, between synsets
     * that are not ILSVRC's (the real file lists all 21842 of ImageNet): order must not matter.
     */
    public static byte[] metadataFile() {
        StringBuilder text = new StringBuilder();
        for (int i = 999; i >= 0; i--) {
            text.append(String.format(Locale.ROOT, "n%08d", 2_000_000 + i))
                    .append('\t')
                    .append("not an ILSVRC class ")
                    .append(i)
                    .append('\n');
            text.append(synset(i)).append('\t').append(className(i)).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * An HTTP/1.1 server on 127.0.0.1 serving files by name under {@code /zoo/}, with range requests, which
     * cuts its first reply after {@code cutAfter} body bytes when that is not negative (and then, with
     * {@code stallMillis}, holds the line open). Raw sockets, so the cut is a real one.
     */
    public static final class Server implements AutoCloseable {
        private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");
        private static final int MAX_CONNECTIONS = 20;

        public final AtomicInteger requests = new AtomicInteger();
        public final List<String> ranges = new CopyOnWriteArrayList<>();
        public final List<String> paths = new CopyOnWriteArrayList<>();
        private final Map<String, byte[]> files = new ConcurrentHashMap<>();
        private final ServerSocket socket;
        private final Thread thread;
        private final int cutAfter;
        private final long stallMillis;

        public Server(String name, byte[] body, int cutAfter) throws IOException {
            this(name, body, cutAfter, 0);
        }

        public Server(String name, byte[] body, int cutAfter, long stallMillis) throws IOException {
            files.put(name, body);
            this.cutAfter = cutAfter;
            this.stallMillis = stallMillis;
            this.socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
            this.thread = new Thread(this::serve, "zoo-server");
            thread.setDaemon(true);
            thread.start();
        }

        /** Serves {@code body} as {@code name} too; returns this. */
        public Server with(String name, byte[] body) {
            files.put(name, body);
            return this;
        }

        public URI base() {
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
            paths.add(path);
            String range = head.stream()
                    .filter(h -> h.toLowerCase(Locale.ROOT).startsWith("range:"))
                    .map(h -> h.substring("range:".length()).strip())
                    .findFirst()
                    .orElse(null);
            ranges.add(range);
            byte[] body = path.startsWith("/zoo/") ? files.get(path.substring("/zoo/".length())) : null;
            if (body == null) {
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
